// What the user of this machine allows, capability by capability. The agent is the only place consent is decided:
// the server only learns the result (every change, and every answer to a request, sends `{type: 'consent'}`).
//
// Capabilities pre-allowed on the device (--allow, for unattended use and tests) start granted and are granted again
// at once when an engineer asks; once the user revokes one (or presses Stop all) it is no longer pre-allowed, so a
// later request asks the user instead of silently undoing their decision.
import { CAPABILITIES, type Capability } from '../../server/protocol/agent.ts';

export type ConsentChange =
  | { kind: 'grant'; capability: Capability }
  /** The user said no to a request: nothing changed, but the server gets the answer. */
  | { kind: 'refuse'; capability: Capability }
  | { kind: 'revoke'; capability: Capability }
  /** Stop all: every capability revoked at once. */
  | { kind: 'revoke-all'; revoked: Capability[] };

export class Consent {
  private readonly granted = new Set<Capability>();
  private readonly preAllowed: Set<Capability>;
  private readonly listeners = new Set<(change: ConsentChange, granted: Capability[]) => void>();

  /** `announce` sends `{type: 'consent', granted}` to the server (it may drop it while offline). */
  constructor(
    private readonly announce: (granted: Capability[]) => void,
    preAllowed: readonly Capability[] = [],
  ) {
    for (const c of preAllowed) {
      if (!CAPABILITIES.includes(c)) throw new TypeError(`unknown capability "${String(c)}"`);
    }
    this.preAllowed = new Set(preAllowed);
    for (const c of preAllowed) this.granted.add(c);
  }

  has(capability: Capability): boolean {
    return this.granted.has(capability);
  }

  isPreAllowed(capability: Capability): boolean {
    return this.preAllowed.has(capability);
  }

  /** The granted capabilities, in the protocol's order. */
  list(): Capability[] {
    return CAPABILITIES.filter((c) => this.granted.has(c));
  }

  /** Tells the server the current state (after every welcome, and as the answer to a request already granted). */
  send(): void {
    this.announce(this.list());
  }

  grant(capability: Capability): void {
    this.granted.add(capability);
    this.changed({ kind: 'grant', capability });
  }

  refuse(capability: Capability): void {
    this.changed({ kind: 'refuse', capability });
  }

  revoke(capability: Capability): void {
    this.preAllowed.delete(capability);
    if (!this.granted.delete(capability)) {
      this.send(); // nothing to take back, but the server hears the state again (its view may be stale)
      return;
    }
    this.changed({ kind: 'revoke', capability });
  }

  /** Stop all: revokes everything and every pre-allowance at once (one message to the server). */
  revokeAll(): void {
    const revoked = this.list();
    this.granted.clear();
    this.preAllowed.clear();
    this.changed({ kind: 'revoke-all', revoked });
  }

  /** Calls `listener` after every change (the message to the server has gone out); returns a remover. */
  onChange(listener: (change: ConsentChange, granted: Capability[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: ConsentChange): void {
    const granted = this.list();
    this.announce(granted);
    for (const listener of [...this.listeners]) listener(change, granted);
  }
}
