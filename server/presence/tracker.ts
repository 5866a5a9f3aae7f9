import type { EngineerStore } from '../engineers/store.ts';
import type { DeskPresence } from '../protocol/api.ts';
import type { Availability } from '../protocol/availability.ts';

/** Who has a console open. An engineer is online in each of their desks while at least one console is connected. */
export class PresenceTracker {
  private consoles = new Map<number, number>();

  constructor(
    private engineers: EngineerStore,
    /** Status and load of each engineer listed, so colleagues see whom to hand work to. */
    private availability: (engineerId: number) => Availability,
  ) {}

  /** Returns true when this made the engineer go online. */
  connect(engineerId: number): boolean {
    const n = (this.consoles.get(engineerId) ?? 0) + 1;
    this.consoles.set(engineerId, n);
    return n === 1;
  }

  /** Returns true when this made the engineer go offline. */
  disconnect(engineerId: number): boolean {
    const n = (this.consoles.get(engineerId) ?? 0) - 1;
    if (n <= 0) this.consoles.delete(engineerId);
    else this.consoles.set(engineerId, n);
    return n <= 0;
  }

  isOnline(engineerId: number): boolean {
    return this.consoles.has(engineerId);
  }

  snapshot(desks: { id: number; name: string }[]): DeskPresence[] {
    const members = this.engineers.deskMembers();
    return desks.map(({ id: deskId, name: deskName }) => ({
      deskId,
      deskName,
      engineers: (members.get(deskId) ?? [])
        .filter((id) => this.consoles.has(id))
        .map((id) => {
          const { status, sessions, sessionLimit } = this.availability(id);
          return { id, displayName: this.engineers.byId(id)?.displayName ?? `#${id}`, status, sessions, sessionLimit };
        }),
    }));
  }
}
