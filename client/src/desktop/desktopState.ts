// The viewer's picture of the session's desktop, built from the server's JSON messages (DesktopServerMessage),
// and what the viewer should show: a live picture, or a clear reason why there is none yet.
import type { Capability, MonitorInfo } from '../../../server/protocol/agent.ts';
import type { DesktopServerMessage } from '../../../server/protocol/desktop.ts';

export interface DesktopState {
  /** A hello arrived on the current connection. */
  hello: boolean;
  mode: 'control' | 'view';
  agentOnline: boolean;
  consent: Capability[];
  monitors: MonitorInfo[];
  monitor: number | 'all';
  /** The remote clipboard's text, when the agent sent it. */
  clipboard: string | null;
  refused: { what: string; reason: string } | null;
  error: string | null;
}

export const INITIAL_STATE: DesktopState = {
  hello: false,
  mode: 'view',
  agentOnline: false,
  consent: [],
  monitors: [],
  monitor: 'all',
  clipboard: null,
  refused: null,
  error: null,
};

function isMessage(value: unknown): value is DesktopServerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const monitorChoice = (v: unknown): number | 'all' => (v === 'all' || (typeof v === 'number' && Number.isInteger(v)) ? v : 'all');

/** The state after one server message; anything unknown or malformed leaves it as it was. */
export function applyServerMessage(state: DesktopState, message: unknown): DesktopState {
  if (!isMessage(message)) return state;
  const m = message;
  switch (m.type) {
    case 'hello':
      return {
        ...state,
        hello: true,
        mode: m.mode === 'control' ? 'control' : 'view',
        agentOnline: m.agent === true,
        consent: list<Capability>(m.consent),
        monitors: list<MonitorInfo>(m.monitors),
        monitor: monitorChoice(m.monitor),
        refused: null,
        error: null,
      };
    case 'agent':
      return { ...state, agentOnline: m.online === true };
    case 'consent':
      return { ...state, consent: list<Capability>(m.granted) };
    case 'monitors':
      return { ...state, monitors: list<MonitorInfo>(m.monitors), monitor: monitorChoice(m.monitor) };
    case 'mode':
      return { ...state, mode: m.mode === 'control' ? 'control' : 'view' };
    case 'clipboard':
      return typeof m.text === 'string' ? { ...state, clipboard: m.text } : state;
    case 'refused':
      return { ...state, refused: { what: String(m.what ?? ''), reason: String(m.reason ?? '') } };
    case 'error':
      return { ...state, error: String(m.error ?? 'error') };
    default:
      return state;
  }
}

/** A connection closed: what the server told us about the desktop is no longer current. */
export function disconnected(state: DesktopState): DesktopState {
  return { ...state, hello: false };
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type Phase =
  | { kind: 'connecting' }
  | { kind: 'reconnecting'; retryInMs: number | null }
  | { kind: 'waiting-agent' }
  | { kind: 'waiting-consent' }
  | { kind: 'waiting-picture' }
  | { kind: 'live' }
  | { kind: 'closed' };

/** What the viewer shows. A picture already painted stays visible (frozen) under the reconnect and agent notices. */
export function viewPhase(state: DesktopState, connection: ConnectionState, hasPicture: boolean, retryInMs: number | null = null): Phase {
  if (connection === 'closed') return { kind: 'closed' };
  if (connection === 'reconnecting') return { kind: 'reconnecting', retryInMs };
  if (connection === 'connecting' || !state.hello) return { kind: 'connecting' };
  if (!state.agentOnline) return { kind: 'waiting-agent' };
  if (!state.consent.includes('view')) return { kind: 'waiting-consent' };
  return hasPicture ? { kind: 'live' } : { kind: 'waiting-picture' };
}

export const PHASE_TEXT: Record<Phase['kind'], string> = {
  connecting: 'Connecting to the desktop…',
  reconnecting: 'Connection lost; reconnecting…',
  'waiting-agent': 'Waiting for the customer’s agent to connect.',
  'waiting-consent': 'The customer has not allowed viewing yet.',
  'waiting-picture': 'Waiting for the first picture…',
  live: 'Live',
  closed: 'Disconnected',
};

/** The server lets this viewer control (it is a working engineer of the session). */
export function controlOffered(state: DesktopState): boolean {
  return state.hello && state.mode === 'control';
}

/** Control can be switched on: offered, and the customer allowed it on the agent (which refuses input otherwise). */
export function canControl(state: DesktopState): boolean {
  return controlOffered(state) && state.agentOnline && state.consent.includes('control');
}
