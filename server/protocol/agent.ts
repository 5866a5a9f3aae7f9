// Messages on /ws/agent, shared by the server and the agent. No runtime dependencies.
//
// Text frames carry the JSON messages below. Once the agent is bound to a support session (a `session` join token in
// its hello) and the server has sent `desktop-start`, the agent also sends binary desktop frames
// ([u8 kind][payload], ./desktop.ts); the server answers each with a `desktop-ack` carrying the total binary bytes it
// has received on this connection, so the agent knows what is still on the wire and never queues stale pictures.
import { parseInputEvents, type InputEvent } from './desktop.ts';
import { RECORDING_POLICIES, type RecordingPolicy } from './recording.ts';

export const AGENT_PROTOCOL_VERSION = 1;
export const HEARTBEAT_INTERVAL_MS = 15_000;
/** The server drops an agent it has not heard from for this long. */
export const HEARTBEAT_TIMEOUT_MS = 45_000;
/** Text (JSON) messages in either direction; a clipboard of MAX_CLIPBOARD_CHARS must fit after JSON escaping. */
export const MAX_AGENT_MESSAGE_BYTES = 4 * 1024 * 1024;
export const MAX_CLIPBOARD_CHARS = 1024 * 1024;

/** What the customer can allow, each on its own; asked and enforced on the agent. */
export const CAPABILITIES = ['view', 'control', 'files', 'clipboard', 'record'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What the console's "Customer's permissions" panel shows (GET /api/sessions/:id/consent). */
export interface ConsentState {
  /** The customer's agent is connected to the session. */
  agent: boolean;
  granted: Capability[];
  /** Asked, waiting for the customer's answer. */
  asked: Capability[];
  /** The desk's recording policy, and whether the screen is being recorded right now. */
  recording: RecordingPolicy;
  recordingNow: boolean;
}

/** A chat line the agent's user writes (the portal's limit, support/routes.ts MAX_CHAT_CHARS). */
export const MAX_AGENT_CHAT_CHARS = 4000;
/** People in a `participants` message, and the longest name the server sends. */
export const MAX_PARTICIPANTS = 50;
export const MAX_PERSON_NAME = 100;
/** Chat lines in one `chat` message (the history after the welcome is the last this many). */
export const MAX_CHAT_ENTRIES = 50;
/** Who can be in a session, as the agent's user sees them. */
/** 'owner' is the engineer in charge of the session (the one whose control the customer's permissions serve). */
export const PERSON_ROLES = ['owner', 'engineer', 'expert', 'supervisor', 'customer'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];
export interface SessionPerson {
  name: string;
  role: PersonRole;
}
/** One chat line the customer may see (protocol/sessionLog.ts customerSees): when, who (display name), what. */
export interface AgentChatEntry {
  at: string;
  from: string;
  text: string;
}

/** Longest address an engineer may push to the customer's browser (`open-url`). */
export const MAX_PUSH_URL_CHARS = 2048;

/**
 * Checks an address to open in the customer's default browser; the server checks it before sending `open-url` and
 * the agent checks it again before handing it to xdg-open. Only absolute http(s) addresses, at most
 * MAX_PUSH_URL_CHARS, without spaces or control characters, and without a user name or password (the classic way to
 * disguise the real host: https://bank.example@evil.example). Returns the normalised address (the host in punycode,
 * which shows the real host) or why it is refused.
 */
export function checkPushUrl(raw: unknown): { url: string } | { error: string } {
  if (typeof raw !== 'string' || raw.trim() === '') return { error: 'the address is empty' };
  if (raw.length > MAX_PUSH_URL_CHARS) return { error: `the address is longer than ${MAX_PUSH_URL_CHARS} characters` };
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return { error: 'the address must not contain spaces or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'the address is not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'only http and https addresses can be opened' };
  if (!url.hostname) return { error: 'the address has no host' };
  if (url.username || url.password) return { error: 'an address with a user name or password is not allowed' };
  if (url.href.length > MAX_PUSH_URL_CHARS) return { error: `the address is longer than ${MAX_PUSH_URL_CHARS} characters` };
  return { url: url.href };
}

export interface MonitorInfo {
  x: number;
  y: number;
  width: number;
  height: number;
  name: string;
  primary: boolean;
}

export interface AgentHello {
  type: 'hello';
  protocol: number;
  version: string;
  os: string;
  hostname: string;
  /** Join token of the support session this agent serves (from its embedded config or --session). */
  session?: string;
}

export type AgentMessage =
  | AgentHello
  | { type: 'heartbeat'; t: number }
  /** The agent's consent state, sent after the welcome and after every change (grant, refusal, revoke, Stop all). */
  | { type: 'consent'; granted: Capability[] }
  /** The monitors and which one (or 'all') is streamed; sent at desktop-start and whenever either changes. */
  | { type: 'monitors'; monitors: MonitorInfo[]; current: number | 'all' }
  /** Clipboard text of the remote machine (on request, and on change while clipboard is allowed). */
  | { type: 'clipboard'; text: string }
  /** Something the agent refused or could not do (shown to engineers and logged), e.g. input without consent. */
  | { type: 'refused'; what: string; reason: string }
  /** The user writes in the session's chat (1..MAX_AGENT_CHAT_CHARS); logged as the customer's chat line. */
  | { type: 'chat'; text: string };

export type ServerToAgentMessage =
  /** `session.recording` is the desk's recording policy, so the local window can say it before anything is seen. */
  | { type: 'welcome'; id: string; heartbeatMs: number; session?: { id: number; desk: string; recording: RecordingPolicy } }
  | { type: 'heartbeat-ack'; t: number }
  | { type: 'error'; error: string }
  /** A viewer is watching: start (or keep) streaming the screen. Needs the 'view' consent on the agent. */
  | { type: 'desktop-start' }
  /** Nobody watches any more (and nothing records): stop capturing. */
  | { type: 'desktop-stop' }
  /** Total bytes of binary frames the server has received on this connection. */
  | { type: 'desktop-ack'; bytes: number }
  /** Reset the encoder's context at the next message and send it as a Refresh frame (a viewer resynchronises). */
  | { type: 'desktop-refresh' }
  /**
   * Send the next message as a key message (the whole picture, fresh context): the server has no decoded picture of
   * its own to bring a viewer in with (it stopped decoding this stream under overload, see server/relay/picturePool.ts).
   */
  | { type: 'desktop-key' }
  /** Input from a viewer in control mode. Needs the 'control' consent on the agent. */
  | { type: 'input'; events: InputEvent[] }
  | { type: 'monitor'; index: number | 'all' }
  /** Put this text on the remote clipboard. Needs 'clipboard'. */
  | { type: 'clipboard'; text: string }
  | { type: 'clipboard-request' }
  /** An engineer asks for a capability; the agent asks its user and answers with a `consent` message. */
  | { type: 'consent-request'; capability: Capability; by: string }
  /** Open this http(s) address in the customer's default browser (checked with checkPushUrl on both ends). */
  | { type: 'open-url'; url: string }
  /** The session ended: an attended agent closes and removes what it left behind. */
  | { type: 'session-ended' }
  /** Who is in the session now (after the welcome and on every change); at most MAX_PARTICIPANTS. */
  | { type: 'participants'; people: SessionPerson[] }
  /** Chat lines the customer may see: the last MAX_CHAT_ENTRIES after the welcome, then each as it is written. */
  | { type: 'chat'; entries: AgentChatEntry[] }
  /** The server started or stopped recording the screen (the local window shows it while it lasts). */
  | { type: 'recording'; on: boolean };

const MAX_FIELD = 256;
const MAX_MONITORS = 16;
const MAX_REASON = 500;

function shortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD;
}

function int(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function capabilityList(v: unknown): Capability[] | null {
  if (!Array.isArray(v) || v.length > CAPABILITIES.length) return null;
  const out: Capability[] = [];
  for (const c of v) {
    if (!(CAPABILITIES as readonly unknown[]).includes(c) || out.includes(c as Capability)) return null;
    out.push(c as Capability);
  }
  return out;
}

function monitorInfo(v: unknown): MonitorInfo | null {
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  if (!int(m.x, -65536, 65536) || !int(m.y, -65536, 65536) || !int(m.width, 1, 16384) || !int(m.height, 1, 16384)) return null;
  if (typeof m.name !== 'string' || m.name.length > 64 || typeof m.primary !== 'boolean') return null;
  return { x: m.x, y: m.y, width: m.width, height: m.height, name: m.name, primary: m.primary };
}

function personList(v: unknown): SessionPerson[] | null {
  if (!Array.isArray(v) || v.length > MAX_PARTICIPANTS) return null;
  const out: SessionPerson[] = [];
  for (const p of v) {
    if (typeof p !== 'object' || p === null) return null;
    const { name, role } = p as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_PERSON_NAME) return null;
    if (!(PERSON_ROLES as readonly unknown[]).includes(role)) return null;
    out.push({ name, role: role as PersonRole });
  }
  return out;
}

function chatEntries(v: unknown): AgentChatEntry[] | null {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_CHAT_ENTRIES) return null;
  const out: AgentChatEntry[] = [];
  for (const e of v) {
    if (typeof e !== 'object' || e === null) return null;
    const { at, from, text } = e as Record<string, unknown>;
    if (typeof at !== 'string' || at.length > 64 || Number.isNaN(Date.parse(at))) return null;
    if (typeof from !== 'string' || from.length > MAX_FIELD) return null;
    // Server lines may be a little longer than the customer's (e.g. a pushed address with its note).
    if (typeof text !== 'string' || text.length > MAX_AGENT_CHAT_CHARS + 4096) return null;
    out.push({ at, from, text });
  }
  return out;
}

function json(raw: unknown): { value: unknown } | { error: string } {
  if (typeof raw !== 'string') return { value: raw };
  if (raw.length > MAX_AGENT_MESSAGE_BYTES) return { error: 'message too large' };
  try {
    return { value: JSON.parse(raw) };
  } catch {
    return { error: 'message is not valid JSON' };
  }
}

/** A JSON object (from text, or already parsed), or why it is not one. */
function jsonObject(raw: unknown): { value: Record<string, unknown> } | { error: string } {
  const parsed = json(raw);
  if ('error' in parsed) return parsed;
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'message must be an object' };
  return { value: value as Record<string, unknown> };
}

/** Parses one agent message; returns an error string for anything malformed (the connection is then closed). */
export function parseAgentMessage(raw: unknown): AgentMessage | { error: string } {
  const parsed = jsonObject(raw);
  if ('error' in parsed) return parsed;
  const m = parsed.value;
  switch (m.type) {
    case 'hello':
      if (m.protocol !== AGENT_PROTOCOL_VERSION) return { error: `unsupported protocol ${String(m.protocol)}` };
      if (!shortString(m.version) || !shortString(m.os) || !shortString(m.hostname))
        return { error: 'hello needs version, os and hostname (1-256 characters each)' };
      if (m.session !== undefined && !shortString(m.session)) return { error: 'session token must be 1-256 characters' };
      return {
        type: 'hello',
        protocol: m.protocol,
        version: m.version,
        os: m.os,
        hostname: m.hostname,
        ...(m.session !== undefined ? { session: m.session as string } : {}),
      };
    case 'heartbeat':
      if (typeof m.t !== 'number' || !Number.isFinite(m.t)) return { error: 'heartbeat needs a numeric t' };
      return { type: 'heartbeat', t: m.t };
    case 'consent': {
      const granted = capabilityList(m.granted);
      return granted ? { type: 'consent', granted } : { error: `consent needs granted: a list of ${CAPABILITIES.join(', ')}` };
    }
    case 'monitors': {
      if (!Array.isArray(m.monitors) || m.monitors.length > MAX_MONITORS) return { error: `monitors needs 0..${MAX_MONITORS} monitors` };
      const monitors: MonitorInfo[] = [];
      for (const raw of m.monitors) {
        const info = monitorInfo(raw);
        if (!info) return { error: 'monitor needs x, y, width, height, name and primary' };
        monitors.push(info);
      }
      const current = m.current;
      if (current !== 'all' && !(int(current, 0, MAX_MONITORS - 1) && current < monitors.length))
        return { error: 'current must be "all" or the index of a listed monitor' };
      return { type: 'monitors', monitors, current };
    }
    case 'clipboard':
      return typeof m.text === 'string' && m.text.length <= MAX_CLIPBOARD_CHARS
        ? { type: 'clipboard', text: m.text }
        : { error: `clipboard text must be at most ${MAX_CLIPBOARD_CHARS} characters` };
    case 'chat':
      if (typeof m.text !== 'string' || m.text.length === 0 || m.text.length > MAX_AGENT_CHAT_CHARS)
        return { error: `chat text must be 1-${MAX_AGENT_CHAT_CHARS} characters` };
      return { type: 'chat', text: m.text };
    case 'refused':
      if (typeof m.what !== 'string' || typeof m.reason !== 'string' || m.what.length > MAX_FIELD || m.reason.length > MAX_REASON)
        return { error: 'refused needs what and reason' };
      return { type: 'refused', what: m.what, reason: m.reason };
    default:
      return { error: `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}

/** Parses one server message on the agent side; never trusts the server's shapes (a forged message is refused). */
export function parseServerMessage(raw: unknown): ServerToAgentMessage | { error: string } {
  const parsed = jsonObject(raw);
  if ('error' in parsed) return parsed;
  const m = parsed.value;
  switch (m.type) {
    case 'welcome': {
      if (typeof m.id !== 'string' || typeof m.heartbeatMs !== 'number') return { error: 'welcome needs id and heartbeatMs' };
      const s = m.session as Record<string, unknown> | undefined;
      if (
        s !== undefined &&
        (typeof s !== 'object' ||
          s === null ||
          !int(s.id, 1, Number.MAX_SAFE_INTEGER) ||
          typeof s.desk !== 'string' ||
          !(RECORDING_POLICIES as readonly unknown[]).includes(s.recording))
      )
        return { error: `welcome session needs id, desk and recording (${RECORDING_POLICIES.join(', ')})` };
      const session = s ? { session: { id: s.id as number, desk: s.desk as string, recording: s.recording as RecordingPolicy } } : {};
      return { type: 'welcome', id: m.id, heartbeatMs: m.heartbeatMs, ...session };
    }
    case 'heartbeat-ack':
      return typeof m.t === 'number' ? { type: 'heartbeat-ack', t: m.t } : { error: 'heartbeat-ack needs t' };
    case 'error':
      return { type: 'error', error: String(m.error).slice(0, MAX_REASON) };
    case 'desktop-start':
    case 'desktop-stop':
    case 'desktop-refresh':
    case 'desktop-key':
    case 'clipboard-request':
    case 'session-ended':
      return { type: m.type };
    case 'desktop-ack':
      return int(m.bytes, 0, Number.MAX_SAFE_INTEGER) ? { type: 'desktop-ack', bytes: m.bytes } : { error: 'desktop-ack needs bytes' };
    case 'input': {
      const events = parseInputEvents(m.events);
      return typeof events === 'string' ? { error: events } : { type: 'input', events };
    }
    case 'monitor':
      return m.index === 'all' || int(m.index, 0, MAX_MONITORS - 1) ? { type: 'monitor', index: m.index as number | 'all' } : { error: 'monitor must be 0..15 or "all"' };
    case 'clipboard':
      return typeof m.text === 'string' && m.text.length <= MAX_CLIPBOARD_CHARS ? { type: 'clipboard', text: m.text } : { error: 'clipboard text too long' };
    case 'consent-request':
      return (CAPABILITIES as readonly unknown[]).includes(m.capability) && typeof m.by === 'string' && m.by.length <= MAX_FIELD
        ? { type: 'consent-request', capability: m.capability as Capability, by: m.by }
        : { error: 'consent-request needs a capability and by' };
    case 'open-url': {
      const checked = checkPushUrl(m.url);
      return 'url' in checked ? { type: 'open-url', url: checked.url } : { error: `open-url refused: ${checked.error}` };
    }
    case 'participants': {
      const people = personList(m.people);
      return people
        ? { type: 'participants', people }
        : { error: `participants needs people: up to ${MAX_PARTICIPANTS} of {name (1-${MAX_PERSON_NAME} characters), role (${PERSON_ROLES.join(', ')})}` };
    }
    case 'chat': {
      const entries = chatEntries(m.entries);
      return entries ? { type: 'chat', entries } : { error: `chat needs entries: 1-${MAX_CHAT_ENTRIES} of {at (a time), from, text}` };
    }
    case 'recording':
      return typeof m.on === 'boolean' ? { type: 'recording', on: m.on } : { error: 'recording needs on (true or false)' };
    default:
      return { error: `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}
