import type { AgentInfo } from '../protocol/api.ts';
import type { ConsoleServerMessage } from '../protocol/console.ts';

/**
 * Collects agent arrivals and departures and hands them on as one delta per interval. Consoles used to get the
 * whole list on every change, so N agents connecting cost each console N full lists (quadratic); now a burst costs
 * one message per interval, and an agent that came and went within it costs nothing.
 */
export class AgentBatch {
  private added = new Map<string, AgentInfo>();
  private removed = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly push: (message: Extract<ConsoleServerMessage, { type: 'agents-changed' }>) => void,
    private readonly intervalMs: number,
  ) {}

  add(agent: AgentInfo): void {
    this.added.set(agent.id, agent);
    this.schedule();
  }

  remove(id: string): void {
    // Connection ids are never reused: one not yet announced simply never appears.
    if (!this.added.delete(id)) this.removed.add(id);
    this.schedule();
  }

  /** Sends what is pending now (also used when the server stops). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.added.size && !this.removed.size) return;
    const message = { type: 'agents-changed' as const, added: [...this.added.values()], removed: [...this.removed] };
    this.added.clear();
    this.removed.clear();
    this.push(message);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }
}
