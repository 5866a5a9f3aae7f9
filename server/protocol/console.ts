// Messages on /ws/console (JSON text frames). Binary frames are reserved for the remote desktop.
import type { AgentInfo, DeskPresence } from './api.ts';

export type ConsoleServerMessage =
  | { type: 'presence'; desks: DeskPresence[] }
  | { type: 'agents'; agents: AgentInfo[] }
  | { type: 'pong'; t: number }
  | { type: 'error'; error: string };

export type ConsoleClientMessage = { type: 'ping'; t: number };
