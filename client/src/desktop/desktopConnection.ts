// One viewer's connection to /ws/desktop/:sessionId: binary frames to the decoder and the cursor overlay, JSON
// messages into the desktop state, the viewer's messages out, a ping every 2 s for the latency figure, and an
// automatic reconnect (the server starts every connection with a full picture, so a reconnect also resynchronises
// a decoder that refused a frame). No Solid and no DOM here, so it is tested with a fake socket.
import type { InputEvent, ViewerMessage } from '../../../server/protocol/desktop.ts';
import { ReconnectingSocket, sameOriginSocketUrl, type SocketLike, type SocketStatus } from '../live/reconnectingSocket.ts';
import { applyServerMessage, disconnected, INITIAL_STATE, type ConnectionState, type DesktopState } from './desktopState.ts';
import { routeFrame, type CursorPosition, type CursorShape } from './frameRouter.ts';
import type { StatsMeter } from './statsMeter.ts';

export const PING_MS = 2000;
/** A decoder error asks for a fresh picture by reconnecting, but not more often than this. */
export const RESYNC_MIN_MS = 3000;

export interface DecoderPort {
  frames(frames: ArrayBuffer[]): void;
  reset(): void;
}

export interface DesktopConnectionOptions {
  sessionId: number;
  decoder: DecoderPort;
  meter: StatsMeter;
  onState(state: DesktopState): void;
  onConnection(state: ConnectionState, retryInMs: number | null): void;
  onCursorShape(shape: CursorShape): void;
  onCursorPosition(position: CursorPosition): void;
  /** Tests inject a fake socket; the default opens a real WebSocket with binaryType arraybuffer. */
  createSocket?: (url: string) => SocketLike;
  url?: string;
  now?: () => number;
}

export function desktopSocketPath(sessionId: number): string {
  return `/ws/desktop/${sessionId}`;
}

function browserSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  return ws;
}

export class DesktopConnection {
  private socket: ReconnectingSocket;
  private stateValue: DesktopState = INITIAL_STATE;
  private lastResync = -Infinity;
  private readonly now: () => number;

  constructor(private readonly options: DesktopConnectionOptions) {
    this.now = options.now ?? (() => performance.now());
    this.socket = new ReconnectingSocket({
      url: () => options.url ?? sameOriginSocketUrl(desktopSocketPath(options.sessionId)),
      createSocket: options.createSocket ?? browserSocket,
      pingMs: PING_MS,
      pongTimeoutMs: 15_000,
      backoff: { baseMs: 500, maxMs: 10_000 },
      now: this.now,
      onMessage: (data) => this.onMessage(data),
      onStatus: (status) => this.onStatus(status),
      onLatency: (ms) => options.meter.latency(ms),
    });
  }

  get state(): DesktopState {
    return this.stateValue;
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
  }

  /** Sends input when this viewer may control; returns whether it went out. */
  input(events: InputEvent[]): boolean {
    if (!events.length || this.stateValue.mode !== 'control') return false;
    return this.send({ type: 'input', events });
  }

  send(message: ViewerMessage): boolean {
    return this.socket.send(message);
  }

  /** The decoder refused a frame: reconnect for a fresh full picture (rate-limited). */
  resync(): void {
    const t = this.now();
    if (t - this.lastResync < RESYNC_MIN_MS) return;
    this.lastResync = t;
    this.socket.stop();
    this.socket.start();
  }

  private onStatus(status: SocketStatus): void {
    switch (status.state) {
      case 'connecting':
        this.options.onConnection(status.attempt === 0 ? 'connecting' : 'reconnecting', null);
        return;
      case 'open':
        // Every connection starts with the server's full picture; a fresh decoder takes it.
        this.options.decoder.reset();
        this.options.onConnection('open', null);
        return;
      case 'waiting':
        this.setState(disconnected(this.stateValue));
        this.options.onConnection('reconnecting', Math.max(0, status.retryAt - this.now()));
        return;
      case 'closed':
        this.setState(disconnected(this.stateValue));
        this.options.onConnection('closed', null);
        return;
    }
  }

  private onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      this.options.meter.received(this.now(), data.byteLength);
      routeFrame(data, {
        codec: (frame) => this.options.decoder.frames([frame]),
        cursorShape: (shape) => this.options.onCursorShape(shape),
        cursorPosition: (position) => this.options.onCursorPosition(position),
        malformed: () => {
          // The server only relays frames it checked; a frame that does not parse here is dropped.
        },
      });
      return;
    }
    const next = applyServerMessage(this.stateValue, data);
    if (next !== this.stateValue) this.setState(next);
  }

  private setState(state: DesktopState): void {
    this.stateValue = state;
    this.options.onState(state);
  }
}
