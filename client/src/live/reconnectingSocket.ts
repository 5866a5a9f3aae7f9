// A WebSocket that reconnects by itself with capped exponential backoff and jitter, and pings to spot dead links.
// No Solid and no globals beyond what is injected, so the timing rules are unit-tested with fake timers.

export interface BackoffOptions {
  /** Delay before the first retry. */
  baseMs: number;
  /** Upper bound for any delay. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** 0..1: the delay is drawn from [delay * (1 - jitter), delay]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 };

/** Delay before reconnect attempt number `attempt` (0 = first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const raw = options.baseMs * Math.pow(options.factor, Math.max(0, attempt));
  const capped = Math.min(options.maxMs, raw);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(capped * (1 - jitter * random()));
}

export type SocketStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'open'; since: number }
  | { state: 'waiting'; attempt: number; retryAt: number }
  | { state: 'closed' };

/** The part of the WebSocket interface this class uses (the browser's WebSocket fits). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ReconnectingSocketOptions {
  url: string | (() => string);
  onMessage: (data: unknown) => void;
  onStatus?: (status: SocketStatus) => void;
  /** Called with the round-trip time whenever a pong arrives. */
  onLatency?: (ms: number) => void;
  /** Called after every close that will be retried, with the number of consecutive failures so far. */
  onDrop?: (failures: number) => void;
  createSocket?: (url: string) => SocketLike;
  backoff?: Partial<BackoffOptions>;
  /** Ping interval; 0 turns pings off. */
  pingMs?: number;
  /** Close and reconnect when no message has arrived for this long after a ping. */
  pongTimeoutMs?: number;
  random?: () => number;
  now?: () => number;
  /** A connection that stays open this long resets the backoff. */
  stableMs?: number;
}

const OPEN = 1;

export class ReconnectingSocket {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private stableTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private current: SocketStatus = { state: 'closed' };
  private readonly backoff: BackoffOptions;
  private readonly options: ReconnectingSocketOptions;

  constructor(options: ReconnectingSocketOptions) {
    this.options = options;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get status(): SocketStatus {
    return this.current;
  }

  /** Consecutive failed connections since the last stable one. */
  get failures(): number {
    return this.attempt;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.detach(socket);
      try {
        socket.close(1000, 'closed by the console');
      } catch {
        // already closing
      }
    }
    this.setStatus({ state: 'closed' });
  }

  /** Skip the remaining wait and try now (e.g. when the browser comes back online). */
  reconnectNow(): void {
    if (this.stopped) return;
    if (this.current.state === 'waiting') {
      this.clearTimer('retryTimer');
      this.connect();
    }
  }

  /** Sends a JSON message if the socket is open; returns whether it was sent. */
  send(message: unknown): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private setStatus(status: SocketStatus): void {
    this.current = status;
    this.options.onStatus?.(status);
  }

  private connect(): void {
    this.setStatus({ state: 'connecting', attempt: this.attempt });
    const url = typeof this.options.url === 'function' ? this.options.url() : this.options.url;
    const create = this.options.createSocket ?? ((u: string) => new WebSocket(u) as SocketLike);
    let socket: SocketLike;
    try {
      socket = create(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.setStatus({ state: 'open', since: this.now() });
      const stableMs = this.options.stableMs ?? 5_000;
      this.stableTimer = setTimeout(() => {
        this.attempt = 0;
      }, stableMs);
      this.startPings();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.clearTimer('pongTimer');
      let data: unknown;
      try {
        data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
      } catch {
        return; // not JSON: ignore
      }
      if (data && typeof data === 'object' && (data as { type?: unknown }).type === 'pong') {
        const t = (data as { t?: unknown }).t;
        if (typeof t === 'number') this.options.onLatency?.(Math.max(0, this.now() - t));
      }
      this.options.onMessage(data);
    };
    socket.onerror = () => {
      // A close event always follows; the retry is scheduled there.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.detach(socket);
      this.socket = null;
      this.clearTimers();
      if (this.stopped) return;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt, this.backoff, this.options.random);
    this.attempt += 1;
    this.options.onDrop?.(this.attempt);
    if (this.stopped) return;
    this.setStatus({ state: 'waiting', attempt: this.attempt, retryAt: this.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private startPings(): void {
    const pingMs = this.options.pingMs ?? 20_000;
    if (pingMs <= 0) return;
    const pongTimeoutMs = this.options.pongTimeoutMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping', t: this.now() })) return;
      if (this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        // Nothing heard since the ping: the link is dead even if the socket has not noticed. Drop and retry.
        const socket = this.socket;
        if (!socket) return;
        this.detach(socket);
        this.socket = null;
        try {
          socket.close(4000, 'no pong');
        } catch {
          // ignore
        }
        this.clearTimers();
        if (!this.stopped) this.scheduleRetry();
      }, pongTimeoutMs);
    }, pingMs);
  }

  private detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onerror = null;
    socket.onclose = null;
  }

  private clearTimer(name: 'retryTimer' | 'pongTimer' | 'stableTimer'): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
  }

  private clearTimers(): void {
    this.clearTimer('retryTimer');
    this.clearTimer('pongTimer');
    this.clearTimer('stableTimer');
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}

/** ws:// or wss:// URL for a path on the page's own origin. */
export function sameOriginSocketUrl(path: string, location: { protocol: string; host: string } = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}
