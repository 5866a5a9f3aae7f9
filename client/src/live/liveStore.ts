// Live data pushed on /ws/console: desk presence and connected agents, plus the connection's own state.
import { createSignal } from 'solid-js';
import type { AgentInfo, DeskPresence } from '../../../server/protocol/api.ts';
import type { ConsoleServerMessage } from '../../../server/protocol/console.ts';
import { ReconnectingSocket, sameOriginSocketUrl, type SocketStatus } from './reconnectingSocket.ts';

export const CONSOLE_SOCKET_PATH = '/ws/console';

const [status, setStatus] = createSignal<SocketStatus>({ state: 'closed' });
const [presence, setPresence] = createSignal<DeskPresence[] | null>(null);
const [agents, setAgents] = createSignal<AgentInfo[] | null>(null);
const [latency, setLatency] = createSignal<number | null>(null);
const [lastError, setLastError] = createSignal<string | null>(null);

export { status as socketStatus, presence, agents, latency, lastError as socketError };

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
  setLatency(null);
  setStatus({ state: 'closed' });
}
