// Test helper: a real WebSocket server (Bun.serve on loopback) playing the server's side of /ws/agent, so agent tests
// run over a real socket without the whole Tessera server. It welcomes the agent into a session, checks every
// message the agent sends with the server's own parser (a message the real server would refuse fails the test),
// decodes desktop frames with the native decoder, acknowledges them (or withholds the acks on purpose), and sends
// whatever a test wants, including forged messages the real server would never send.
import { createDecoder, type DesktopDecoder } from '../../native/index.ts';
import { parseAgentMessage, type AgentHello, type AgentMessage } from '../../server/protocol/agent.ts';
import { DesktopFrame, splitFrame } from '../../server/protocol/desktop.ts';
import type { RecordingPolicy } from '../../server/protocol/recording.ts';

export interface PeerFrame {
  kind: DesktopFrame;
  payload: Uint8Array;
  /** Bytes received on the connection when this frame arrived (its own included). */
  total: number;
  at: number;
}

interface PeerSocket {
  send(data: string): unknown;
  close(code?: number, reason?: string): void;
}

export const PICTURE_KINDS: ReadonlySet<DesktopFrame> = new Set([DesktopFrame.Keyframe, DesktopFrame.Update, DesktopFrame.Refresh]);

export class ServerPeer {
  readonly hellos: AgentHello[] = [];
  /** JSON messages from the agent, in order (hello and heartbeats included). */
  readonly messages: AgentMessage[] = [];
  readonly frames: PeerFrame[] = [];
  /** Problems the real server would close the connection for. */
  readonly violations: string[] = [];
  /** Refuse this many hellos (error, then close 1008), as the server does with a token it will not take. */
  refuseHellos = 0;
  /** Acknowledge every binary frame as it arrives (the real server's behaviour). */
  autoAck = true;
  connections = 0;
  private socket: PeerSocket | null = null;
  private received = 0;
  private decoderValue: DesktopDecoder = createDecoder();
  private pictureSize = { width: 0, height: 0 };
  private readonly server: ReturnType<typeof Bun.serve>;

  constructor(readonly session: { id: number; desk: string; recording: RecordingPolicy } | null = { id: 42, desk: 'Helpdesk', recording: 'always' }) {
    this.server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: (req, srv) => (srv.upgrade(req, { data: undefined }) ? undefined : new Response('not a websocket', { status: 400 })),
      websocket: {
        maxPayloadLength: 16 * 1024 * 1024,
        open: (ws) => {
          this.socket = ws;
          this.connections++;
          this.received = 0;
        },
        message: (ws, raw) => {
          if (typeof raw === 'string') this.text(ws, raw);
          else this.binary(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
        },
        close: (ws) => {
          if (this.socket === ws) this.socket = null;
        },
      },
    });
  }

  /** ws://127.0.0.1:port/ws/agent */
  get agentUrl(): string {
    return `ws://127.0.0.1:${this.server.port}/ws/agent`;
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  /** Binary bytes received on the current connection. */
  get bytesReceived(): number {
    return this.received;
  }

  get decoder(): DesktopDecoder {
    return this.decoderValue;
  }

  /** Size of the decoded picture (0 x 0 before the first picture). */
  get size(): { width: number; height: number } {
    return this.pictureSize;
  }

  /** Sends anything to the agent: a protocol message, or (as a string) bytes a broken or hostile server would send. */
  send(message: object | string): void {
    if (!this.socket) throw new Error('no agent connected');
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Acknowledges everything received so far. */
  ack(): void {
    this.send({ type: 'desktop-ack', bytes: this.received });
  }

  of<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<AgentMessage, { type: T }> => m.type === type);
  }

  last<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }> | undefined {
    return this.of(type).at(-1);
  }

  pictures(): PeerFrame[] {
    return this.frames.filter((f) => PICTURE_KINDS.has(f.kind));
  }

  /** A fresh decoder (e.g. to read the stream from a point on). */
  resetDecoder(): void {
    this.decoderValue = createDecoder();
    this.pictureSize = { width: 0, height: 0 };
  }

  /** Drops the agent's connection (the agent reconnects by itself). */
  disconnect(code = 1001, reason = 'server going away'): void {
    this.socket?.close(code, reason);
  }

  stop(): void {
    this.server.stop(true);
  }

  private text(ws: PeerSocket, raw: string): void {
    const message = parseAgentMessage(raw);
    if ('error' in message) {
      this.violations.push(`${message.error}: ${raw.slice(0, 120)}`);
      return;
    }
    this.messages.push(message);
    if (message.type === 'hello') {
      this.hellos.push(message);
      if (this.refuseHellos > 0) {
        this.refuseHellos--;
        ws.send(JSON.stringify({ type: 'error', error: 'another agent is already connected to this session' }));
        ws.close(1008, 'another agent is already connected to this session');
        return;
      }
      ws.send(JSON.stringify({ type: 'welcome', id: `agent-${this.connections}`, heartbeatMs: 15_000, ...(this.session ? { session: this.session } : {}) }));
    } else if (message.type === 'heartbeat') {
      ws.send(JSON.stringify({ type: 'heartbeat-ack', t: message.t }));
    }
  }

  private binary(bytes: Uint8Array): void {
    this.received += bytes.length;
    const split = splitFrame(bytes);
    if (typeof split === 'string') {
      this.violations.push(`binary frame: ${split}`);
      return;
    }
    const payload = split.payload.slice();
    this.frames.push({ kind: split.kind, payload, total: this.received, at: performance.now() });
    if (PICTURE_KINDS.has(split.kind)) {
      try {
        this.pictureSize = this.decoderValue.apply(payload);
      } catch (error) {
        this.violations.push(`undecodable ${DesktopFrame[split.kind]}: ${(error as Error).message}`);
      }
    }
    if (this.autoAck) this.ack();
  }
}

/** True when the peer's decoded picture equals the X screen (or a region of it) right now, bit for bit. */
export function matchesScreen(
  peer: ServerPeer,
  capture: { grab(region?: { x: number; y: number; width: number; height: number }): { width: number; height: number; stride: number; data: Uint8Array } },
  region?: { x: number; y: number; width: number; height: number },
): boolean {
  const { width, height } = peer.size;
  if (!width) return false;
  const grabbed = capture.grab(region);
  if (grabbed.width !== width || grabbed.height !== height) return false;
  const rgba = peer.decoder.rgba();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = y * grabbed.stride + x * 4, d = (y * width + x) * 4;
      if (rgba[d] !== grabbed.data[s + 2] || rgba[d + 1] !== grabbed.data[s + 1] || rgba[d + 2] !== grabbed.data[s]) return false;
    }
  }
  return true;
}
