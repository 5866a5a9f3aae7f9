import type { AgentInfo } from '../protocol/api.ts';

/** Agents connected right now (the skeleton: enrolled devices with a database record come later). */
export class AgentRegistry {
  private agents = new Map<string, AgentInfo>();

  add(info: AgentInfo): void {
    this.agents.set(info.id, info);
  }

  touch(id: string, at = new Date()): void {
    const a = this.agents.get(id);
    if (a) a.lastSeenAt = at.toISOString();
  }

  get(id: string): AgentInfo | undefined {
    return this.agents.get(id);
  }

  remove(id: string): boolean {
    return this.agents.delete(id);
  }

  list(): AgentInfo[] {
    return [...this.agents.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  /** Ids of agents not heard from since `before`. */
  stale(before: Date): string[] {
    const cutoff = before.toISOString();
    return [...this.agents.values()].filter((a) => a.lastSeenAt < cutoff).map((a) => a.id);
  }
}
