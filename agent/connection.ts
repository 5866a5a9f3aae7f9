// Keeps one WebSocket to the server's /ws/agent up: hello, heartbeat at the interval the welcome names,
// and reconnection with capped exponential backoff and full jitter whenever the connection is lost.
// Every server message is checked with parseServerMessage (the server is not trusted: a malformed or forged
// shape is logged and ignored); the valid ones after the welcome go to the listeners (the session controller).
import {
  AGENT_PROTOCOL_VERSION,
  parseServerMessage,
  type AgentHello,
  type AgentMessage,
  type ServerToAgentMessage,
} from '../server/protocol/agent.ts';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';

export type AgentState = 'connecting' | 'online' | 'waiting' | 'stopped';

export interface AgentConnectionOptions {
  /** ws(s)://host[:port][/prefix]/ws/agent */
  url: string;
  hello: Pick<AgentHello, 'version' | 'os' | 'hostname'>;
  /** Join token of the support session this agent serves (sent in every hello). */
  session?: string;
  backoff?: BackoffOptions;
  log?: (line: string) => void;
  /** Time allowed from the socket opening to the server's welcome. */
  welcomeTimeoutMs?: number;
}

// The server's heartbeat interval is trusted within these bounds only.
const MIN_HEARTBEAT_MS = 1_000;
const MAX_HEARTBEAT_MS = 10 * 60_000;
/** Silence from the server for this many heartbeat intervals means the link is dead (e.g. a half-open TCP). */
const SILENT_INTERVALS = 3;

export type WelcomeMessage = Extract<ServerToAgentMessage, { type: 'welcome' }>;
/** What the connection hands on: every valid server message after the welcome (heartbeat acks included). */
export type SessionMessage = Exclude<ServerToAgentMessage, WelcomeMessage>;

/** The part of the connection a session needs: send JSON and binary frames, see what is still buffered. */
export interface AgentLink {
  /** False when there is no open connection (the message is dropped). */
  send(message: AgentMessage): boolean;
  sendBinary(bytes: Uint8Array): boolean;
  /** Bytes the WebSocket has accepted but not yet handed to the operating system. */
  bufferedAmount(): number;
}

export class AgentConnection implements AgentLink {
  private socket: WebSocket | null = null;
  private backoff: Backoff;
  private stateValue: AgentState = 'stopped';
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private welcomeTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private onlineSince = 0;
  private lastHeard = 0;
  private listeners = new Set<(state: AgentState) => void>();
  private messageListeners = new Set<(message: SessionMessage) => void>();
  private refusalListeners = new Set<(reason: string) => void>();
  private readonly log: (line: string) => void;
  /** The id the server gave this connection in its welcome (null when not online). */
  agentId: string | null = null;
  /** The server's welcome on the current connection (null when not online): names the session, if any. */
  welcome: WelcomeMessage | null = null;
  /** Heartbeats the server acknowledged over the agent's lifetime. */
  acks = 0;
  /** Connections that reached the welcome over the agent's lifetime. */
  sessions = 0;

  constructor(private readonly options: AgentConnectionOptions) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.log = options.log ?? ((line) => console.log(`${new Date().toISOString()} ${line}`));
  }

  get state(): AgentState {
    return this.stateValue;
  }

  /** Calls `listener` on every state change; returns a function that removes it. */
  onState(listener: (state: AgentState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with every valid server message after the welcome; returns a function that removes it. */
  onMessage(listener: (message: SessionMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Calls `listener` when the server refuses the hello (closes with 1008 before its welcome); returns a remover. */
  onRefused(listener: (reason: string) => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  start(): void {
    if (this.stateValue !== 'stopped') return;
    this.connect();
  }

  /** Closes the connection and stops retrying. */
  stop(): void {
    if (this.stateValue === 'stopped') return;
    this.clearTimers();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.agentId = null;
    this.welcome = null;
    this.onlineSince = 0;
    socket?.close(1000, 'agent stopping');
    this.setState('stopped', 'stopped');
  }

  private setState(state: AgentState, line: string): void {
    this.log(line);
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const listener of this.listeners) listener(state);
  }

  private connect(): void {
    this.setState('connecting', `connecting to ${this.options.url}`);
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url);
    } catch (e) {
      this.retry(`cannot open a connection: ${(e as Error).message}`, 0);
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      const session = this.options.session;
      this.send({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, ...this.options.hello, ...(session ? { session } : {}) });
      this.welcomeTimer = setTimeout(() => socket.close(4000, 'no welcome'), this.options.welcomeTimeoutMs ?? 15_000);
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      if (typeof event.data !== 'string') {
        this.log('ignored a binary message from the server (it sends JSON only)');
        return;
      }
      this.receive(event.data);
    });
    let failure = '';
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return; // stop() or a superseded socket
      this.socket = null;
      const lasted = this.onlineSince ? Date.now() - this.onlineSince : 0;
      const reason = failure || `${event.code}${event.reason ? ` ${event.reason}` : ''}`;
      const what = this.onlineSince ? `disconnected after ${formatDuration(lasted)}: ${reason}` : `connection failed: ${reason}`;
      const refused = !this.onlineSince && event.code === 1008;
      this.retry(what, lasted);
      // The server turned the hello down on purpose (e.g. a join token whose session has ended): whoever started
      // the agent decides whether trying again makes sense (an attended agent gives up).
      if (refused) for (const listener of [...this.refusalListeners]) listener(event.reason || 'refused');
    });
    // Errors are always followed by a close event, which is where the retry happens; keep the error's words.
    socket.addEventListener('error', (event) => {
      failure = describeFailure((event as ErrorEvent).message ?? '');
    });
  }

  private receive(text: string): void {
    const parsed = parseServerMessage(text);
    // The parser's refusal has no type; the server's own {type: 'error'} message does.
    if (!('type' in parsed)) {
      this.log(`ignored a malformed message from the server (${parsed.error}): ${text.slice(0, 80)}`);
      return;
    }
    const message = parsed;
    if (message.type === 'welcome') {
      if (this.onlineSince) return; // a second welcome on the same connection changes nothing
      if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
      this.welcomeTimer = null;
      const heartbeatMs = clampHeartbeat(message.heartbeatMs);
      this.agentId = message.id;
      this.welcome = message;
      this.onlineSince = Date.now();
      this.sessions++;
      this.heartbeatTimer = setInterval(() => this.beat(heartbeatMs), heartbeatMs);
      const session = message.session ? ` for session ${message.session.id} (${message.session.desk})` : '';
      this.setState('online', `online as ${this.agentId}${session} (heartbeat every ${formatDuration(heartbeatMs)})`);
      return;
    }
    if (!this.onlineSince) {
      if (message.type === 'error') this.log(`server says: ${message.error}`);
      else this.log(`ignored a ${message.type} message that came before the welcome`);
      return;
    }
    if (message.type === 'heartbeat-ack') this.acks++;
    else if (message.type === 'error') this.log(`server says: ${message.error}`);
    for (const listener of [...this.messageListeners]) {
      try {
        listener(message);
      } catch (error) {
        // One failing handler must not take the connection down; the session reports its own failures.
        this.log(`handling a ${message.type} message failed: ${(error as Error).message}`);
      }
    }
  }

  private beat(heartbeatMs: number): void {
    if (Date.now() - this.lastHeard > SILENT_INTERVALS * heartbeatMs) {
      this.socket?.close(4001, 'server silent');
      return;
    }
    this.send({ type: 'heartbeat', t: Date.now() });
  }

  send(message: AgentMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  sendBinary(bytes: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.onlineSince) return false;
    socket.send(bytes);
    return true;
  }

  bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  private retry(what: string, lastedMs: number): void {
    this.clearTimers();
    this.agentId = null;
    this.welcome = null;
    this.onlineSince = 0;
    this.backoff.connectionEnded(lastedMs);
    const delay = this.backoff.next();
    this.setState('waiting', `${what}; retrying in ${formatDuration(delay)} (attempt ${this.backoff.attempts})`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stateValue === 'waiting') this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.welcomeTimer = null;
    this.heartbeatTimer = null;
  }
}

/** "WebSocket connection to '...' failed: Expected 101 status code: 503" -> "HTTP 503, ..." */
export function describeFailure(message: string): string {
  const detail = message.replace(/^.*? failed: /, '').trim();
  const status = /status code:? (\d{3})/i.exec(detail)?.[1];
  if (status === '503') return 'HTTP 503, the server does not accept agents yet (first-start setup not done?)';
  if (status) return `HTTP ${status}, is this a Tessera server?`;
  return detail;
}

function clampHeartbeat(ms: unknown): number {
  const n = typeof ms === 'number' && Number.isFinite(ms) ? ms : 15_000;
  return Math.min(MAX_HEARTBEAT_MS, Math.max(MIN_HEARTBEAT_MS, n));
}

/** 850 ms, 2.4 s, 3 min 5 s */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1).replace(/\.0$/, '')} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}
