// Messages on /ws/console (JSON text frames). Binary frames are reserved for the remote desktop.
import type { AgentInfo, DeskPresence } from './api.ts';
import type { FileProgress, QueueItem, SessionLogEntry, SessionSummary } from './support.ts';

export type ConsoleServerMessage =
  | { type: 'presence'; desks: DeskPresence[] }
  | { type: 'agents'; agents: AgentInfo[] }
  | { type: 'queue'; requests: QueueItem[] }
  | { type: 'sessions'; sessions: SessionSummary[] }
  | { type: 'session-log'; sessionId: number; entries: SessionLogEntry[] }
  | { type: 'session-offer'; sessionId: number; kind: 'transfer' | 'invite'; from: string }
  | { type: 'offer-declined'; sessionId: number; kind: 'transfer' | 'invite'; by: string }
  | ({ type: 'file-progress' } & FileProgress)
  | { type: 'pong'; t: number }
  | { type: 'error'; error: string };

export type ConsoleClientMessage = { type: 'ping'; t: number };
