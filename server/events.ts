// In-process notifications between features (e.g. membership changed -> presence is pushed again).
type Listener<T> = (payload: T) => void;

export interface EventMap {
  'membership-changed': void;
  /** An agent connected (added) or went away (removed, its connection id). */
  'agents-changed': { added: import('./protocol/api.ts').AgentInfo } | { removed: string };
  'presence-changed': void;
  'admin-created': void;
  /** An engineer's console connected: it wants its personal live state (queue, sessions). */
  'console-opened': number;
  /** An engineer's logins were ended by an admin (disabled, password reset): close their live connections. */
  'engineer-logins-ended': number;
  /** An engineer's last console closed. */
  'engineer-offline': number;
  /** A support request or session changed (queue, owner, status). */
  'support-changed': void;
  /** No engineer is left in a session (it went back to the queue or ended): outside experts must go. */
  'session-unstaffed': { sessionId: number };
  /** Bytes of a session file arrived (at most a few times a second), or it completed or failed. */
  'file-progress': import('./protocol/support.ts').FileProgress;
  /** A customer arrived in a pre-created session (access code). */
  'customer-joined': { sessionId: number };
  /** Something was added to a session's log (chat, operation). */
  'session-log': { sessionId: number; entry: import('./protocol/support.ts').SessionLogEntry };
  /** A session's screen recording started or stopped (the customer is told at once). */
  'recording-changed': { sessionId: number; on: boolean };
  /** A session's agent connected or went away. */
  'session-agent-changed': { sessionId: number; online: boolean };
  /** An engineer's status or session limit changed (their consoles and presence hear it). */
  'availability-changed': number;
}

export class Events {
  private listeners = new Map<keyof EventMap, Set<Listener<unknown>>>();

  on<K extends keyof EventMap>(name: K, listener: Listener<EventMap[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<unknown>);
    return () => set.delete(listener as Listener<unknown>);
  }

  emit<K extends keyof EventMap>(name: K, payload: EventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) listener(payload);
  }
}
