// Live data pushed on /ws/console: desk presence, connected agents, the support queue and sessions, offers,
// plus the connection's own state. Session events (log lines, file progress, declined offers) go to listeners.
import { createSignal } from 'solid-js';
import type { AgentInfo, DeskPresence } from '../../../server/protocol/api.ts';
import type { Availability } from '../../../server/protocol/availability.ts';
import type { ConsoleServerMessage } from '../../../server/protocol/console.ts';
import type { QueueItem, SessionSummary } from '../../../server/protocol/support.ts';
import { ReconnectingSocket, sameOriginSocketUrl, type SocketStatus } from './reconnectingSocket.ts';

export const CONSOLE_SOCKET_PATH = '/ws/console';

const [status, setStatus] = createSignal<SocketStatus>({ state: 'closed' });
const [presence, setPresence] = createSignal<DeskPresence[] | null>(null);
const [agents, setAgents] = createSignal<AgentInfo[] | null>(null);
const [latency, setLatency] = createSignal<number | null>(null);
const [lastError, setLastError] = createSignal<string | null>(null);

export { status as socketStatus, presence, agents, latency, lastError as socketError };

/** A transfer or invitation waiting for this engineer's answer. */
export interface SessionOffer {
  sessionId: number;
  kind: 'transfer' | 'invite';
  from: string;
}

const [queue, setQueue] = createSignal<QueueItem[] | null>(null);
const [mySessions, setMySessions] = createSignal<SessionSummary[] | null>(null);
const [offers, setOffers] = createSignal<SessionOffer[]>([]);
/** My own status, session limit and load (null until the socket says). */
const [myAvailability, setMyAvailability] = createSignal<Availability | null>(null);

export { queue, mySessions, offers, myAvailability };

/** Shows a status just chosen at once (the push that follows says the same). */
export function applyMyAvailability(a: Availability): void {
  setMyAvailability(a);
}

/** Drops a queue item at once (taken by someone else, or by us) without waiting for the next push. */
export function removeQueueItem(id: number): void {
  setQueue((list) => list?.filter((q) => q.id !== id) ?? null);
}

export function dismissOffer(sessionId: number): void {
  setOffers((list) => list.filter((o) => o.sessionId !== sessionId));
}

export type SessionEvent = Extract<ConsoleServerMessage, { type: 'session-log' | 'file-progress' | 'offer-declined' }>;
type SessionListener = (event: SessionEvent) => void;
const sessionListeners = new Set<SessionListener>();

/** Hears session log lines, file progress and declined offers as they arrive. Returns the unsubscribe. */
export function onSessionEvent(listener: SessionListener): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

/**
 * The agent list after a delta. An added agent replaces one with the same id (a console that connected mid-batch
 * already has it from the full list); before the full list arrives there is nothing to change.
 */
export function applyAgentChanges(list: AgentInfo[] | null, added: AgentInfo[], removed: string[]): AgentInfo[] | null {
  if (!list) return null;
  const gone = new Set([...removed, ...added.map((a) => a.id)]);
  return [...list.filter((a) => !gone.has(a.id)), ...added.filter((a) => !removed.includes(a.id))];
}

/** Applies one server message to the live signals. Exported for tests. */
export function applyConsoleMessage(data: unknown): void {
  if (!data || typeof data !== 'object') return;
  const message = data as ConsoleServerMessage;
  switch (message.type) {
    case 'presence':
      if (Array.isArray(message.desks)) setPresence(message.desks);
      break;
    case 'agents':
      if (Array.isArray(message.agents)) setAgents(message.agents);
      break;
    case 'agents-changed':
      if (Array.isArray(message.added) && Array.isArray(message.removed)) setAgents((list) => applyAgentChanges(list, message.added, message.removed));
      break;
    case 'queue':
      if (Array.isArray(message.requests)) setQueue(message.requests);
      break;
    case 'sessions':
      if (Array.isArray(message.sessions)) setMySessions(message.sessions);
      break;
    case 'session-offer':
      if (typeof message.sessionId === 'number')
        setOffers((list) => [
          ...list.filter((o) => o.sessionId !== message.sessionId),
          { sessionId: message.sessionId, kind: message.kind, from: String(message.from ?? '') },
        ]);
      break;
    case 'availability':
      if (typeof message.status === 'string' && typeof message.sessions === 'number') {
        const { type: _type, ...availability } = message;
        setMyAvailability(availability);
      }
      break;
    case 'session-log':
    case 'file-progress':
    case 'offer-declined':
      for (const listener of sessionListeners) listener(message);
      break;
    case 'error':
      setLastError(typeof message.error === 'string' ? message.error : 'error');
      break;
    default:
      break;
  }
}

let socket: ReconnectingSocket | null = null;
let onlineListener: (() => void) | null = null;

/** Opens the console socket (idempotent). `onDrop` hears each failed or dropped connection. */
export function startLive(onDrop?: (failures: number) => void): void {
  if (socket) return;
  socket = new ReconnectingSocket({
    url: () => sameOriginSocketUrl(CONSOLE_SOCKET_PATH),
    onMessage: applyConsoleMessage,
    onStatus: (s) => {
      setStatus(s);
      if (s.state === 'open') setLastError(null);
    },
    onLatency: setLatency,
    onDrop,
  });
  socket.start();
  onlineListener = () => socket?.reconnectNow();
  window.addEventListener('online', onlineListener);
}

export function reconnectLiveNow(): void {
  socket?.reconnectNow();
}

/** Closes the socket and forgets the live data (on logout). */
export function stopLive(): void {
  socket?.stop();
  socket = null;
  if (onlineListener) window.removeEventListener('online', onlineListener);
  onlineListener = null;
  setPresence(null);
  setAgents(null);
  setQueue(null);
  setMySessions(null);
  setOffers([]);
  setMyAvailability(null);
  setLatency(null);
  setStatus({ state: 'closed' });
}
