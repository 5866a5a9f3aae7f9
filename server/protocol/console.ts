// Messages on /ws/console (JSON text frames). Binary frames are reserved for the remote desktop.
import type { AgentInfo, DeskPresence } from './api.ts';
import type { Availability } from './availability.ts';
import type { FileProgress, QueueItem, SessionLogEntry, SessionSummary } from './support.ts';

export type ConsoleServerMessage =
  | { type: 'presence'; desks: DeskPresence[] }
  /** The whole list, once when the console connects. */
  | { type: 'agents'; agents: AgentInfo[] }
  /** What changed since (agents that came and went within one batch are not mentioned), at most every AGENT_BATCH_MS. */
  | { type: 'agents-changed'; added: AgentInfo[]; removed: string[] }
  | { type: 'queue'; requests: QueueItem[] }
  | { type: 'sessions'; sessions: SessionSummary[] }
  | { type: 'session-log'; sessionId: number; entries: SessionLogEntry[] }
  | { type: 'session-offer'; sessionId: number; kind: 'transfer' | 'invite'; from: string }
  | { type: 'offer-declined'; sessionId: number; kind: 'transfer' | 'invite'; by: string }
  | ({ type: 'file-progress' } & FileProgress)
  /** Your own status, limit and load: on connect and whenever one of them changes. */
  | ({ type: 'availability' } & Availability)
  | { type: 'pong'; t: number }
  | { type: 'error'; error: string };

/** Agent arrivals and departures are batched this long, so a burst of connections costs consoles one message. */
export const AGENT_BATCH_MS = 500;

export type ConsoleClientMessage = { type: 'ping'; t: number };
