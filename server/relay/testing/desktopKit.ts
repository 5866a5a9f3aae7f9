// Test helpers for the live desktop: a test agent that encodes pictures with the real native encoder and speaks
// the agent protocol over a real WebSocket, a viewer that decodes what it gets with the real native decoder, and
// a support session set up through the real API.
import { createDecoder, createEncoder, type DesktopEncoder, type EncoderOptions } from '../../../native/index.ts';
import { AGENT_PROTOCOL_VERSION } from '../../protocol/agent.ts';
import { DesktopFrame, frame } from '../../protocol/desktop.ts';
import { TestClient, createEngineer, setupAdmin, type TestServer } from '../../testing/startTestServer.ts';

export type Json = { type: string; [key: string]: any };

export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`${what} not met within ${ms} ms`);
    await Bun.sleep(10);
  }
}

/** A deterministic RGBA picture (alpha 255), different for each seed. */
export function picture(width: number, height: number, seed: number): Uint8Array {
  const px = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      px[i] = (x * 3 + y + seed * 17) & 255;
      px[i + 1] = ((x >> 3) * (y >> 3) + seed) & 255;
      px[i + 2] = (x ^ y ^ seed) & 255;
      px[i + 3] = 255;
    }
  return px;
}

/** A copy of `base` with a filled rectangle (a window moved, text typed...). */
export function withRect(base: Uint8Array, width: number, rect: { x: number; y: number; w: number; h: number }, rgb: [number, number, number]): Uint8Array {
  const px = base.slice();
  for (let y = rect.y; y < rect.y + rect.h; y++)
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      const i = (y * width + x) * 4;
      px[i] = rgb[0];
      px[i + 1] = rgb[1];
      px[i + 2] = rgb[2];
    }
  return px;
}

/** Incompressible pixels (alpha 255): frames that fill a slow socket quickly. */
export function noise(width: number, height: number, seed: number): Uint8Array {
  const px = new Uint8Array(width * height * 4);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < px.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    px[i] = (i & 3) === 3 ? 255 : s & 255;
  }
  return px;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function wsUrl(server: TestServer | { url: string }, path: string): string {
  return server.url.replace(/^http/, 'ws') + path;
}

function closedPromise(ws: WebSocket) {
  return new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })));
}

/** Plays an agent: hello with a join token, then encodes pictures with the native encoder and sends them. */
export class TestAgent {
  readonly messages: Json[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly encoder: DesktopEncoder;
  /** The last picture encoded (what viewers should show once in sync). */
  last: { rgba: Uint8Array; width: number; height: number } | null = null;
  sentBytes = 0;
  /** Answer desktop-refresh by refreshing the encoder and sending a Refresh frame, as the real agent does. */
  autoRefresh = true;
  private constructor(readonly ws: WebSocket, options: EncoderOptions) {
    this.encoder = createEncoder(options);
    this.closed = closedPromise(ws);
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as Json;
      this.messages.push(m);
      if (m.type === 'desktop-refresh' && this.autoRefresh && this.last && this.ws.readyState === WebSocket.OPEN) {
        this.encoder.refresh();
        this.send(this.last.rgba, this.last.width, this.last.height);
      }
    });
  }

  static async connect(server: TestServer | { url: string }, token?: string, options: EncoderOptions = {}): Promise<TestAgent> {
    const ws = new WebSocket(wsUrl(server, '/ws/agent'));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    const agent = new TestAgent(ws, options);
    ws.send(
      JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, version: '1.0', os: 'linux', hostname: 'pc-test', ...(token ? { session: token } : {}) }),
    );
    return agent;
  }

  /** Waits for the welcome (or returns the error and close when refused). */
  async welcome(): Promise<Json> {
    await until(() => this.messages.some((m) => m.type === 'welcome' || m.type === 'error'), 5000, 'welcome');
    return this.messages.find((m) => m.type === 'welcome' || m.type === 'error')!;
  }

  has(type: string): boolean {
    return this.messages.some((m) => m.type === type);
  }

  count(type: string): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  lastOf(type: string): Json | undefined {
    return this.messages.findLast((m) => m.type === type);
  }

  json(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Encodes and sends one picture; returns the frame sent (null when nothing changed). */
  send(rgba: Uint8Array, width: number, height: number): Uint8Array | null {
    this.last = { rgba, width, height };
    const message = this.encoder.encode(rgba, width, height, width * 4, 'rgba');
    if (!message) return null;
    const stats = this.encoder.stats() as { key: boolean; refresh?: boolean };
    const kind = stats.key ? DesktopFrame.Keyframe : stats.refresh ? DesktopFrame.Refresh : DesktopFrame.Update;
    const bytes = frame(kind, message);
    this.raw(bytes);
    return bytes;
  }

  raw(bytes: Uint8Array): void {
    this.sentBytes += bytes.length;
    this.ws.send(bytes);
  }

  close(): void {
    this.ws.close();
  }
}

/** A console viewer of /ws/desktop/:id that decodes every picture frame it gets with the native decoder. */
export class TestViewer {
  readonly messages: Json[] = [];
  readonly frames: { kind: number; bytes: number }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly decoder = createDecoder();
  size: { width: number; height: number } | null = null;
  decodeErrors: string[] = [];
  pictureFrames = 0;

  private constructor(readonly ws: WebSocket) {
    this.closed = closedPromise(ws);
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e) => {
      if (typeof e.data === 'string') return void this.messages.push(JSON.parse(e.data) as Json);
      const bytes = new Uint8Array(e.data as ArrayBuffer);
      this.frames.push({ kind: bytes[0]!, bytes: bytes.length });
      if (bytes[0] === DesktopFrame.Update || bytes[0] === DesktopFrame.Keyframe || bytes[0] === DesktopFrame.Refresh) {
        try {
          this.size = this.decoder.apply(bytes.subarray(1));
          this.pictureFrames++;
        } catch (error) {
          // Like the console: no picture until the next key message (the decoder refuses anything else until then).
          this.size = null;
          this.decodeErrors.push((error as Error).message);
        }
      }
    });
  }

  static async open(server: TestServer | { url: string }, sessionId: number | string, cookie: string): Promise<TestViewer> {
    const ws = new WebSocket(wsUrl(server, `/ws/desktop/${sessionId}`), { headers: { cookie } } as unknown as string[]);
    const viewer = new TestViewer(ws);
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', () => reject(new Error('viewer socket refused')));
    });
    await until(() => viewer.messages.some((m) => m.type === 'hello'), 5000, 'viewer hello');
    return viewer;
  }

  get hello(): Json {
    return this.messages.find((m) => m.type === 'hello')!;
  }

  has(type: string): boolean {
    return this.messages.some((m) => m.type === type);
  }

  picture(): Uint8Array {
    return this.decoder.rgba();
  }

  /** Whether the viewer shows exactly this picture. */
  shows(rgba: Uint8Array): boolean {
    return this.size !== null && sameBytes(this.decoder.rgba(), rgba);
  }

  json(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}

export interface DesktopTeam {
  admin: TestClient;
  owner: { client: TestClient; id: number };
  other: { client: TestClient; id: number };
  supervisor: { client: TestClient; id: number };
  sessionId: number;
  customer: TestClient;
  customerToken: string;
  /** A fresh join token for the session's agent (issued by the owner). */
  agentToken(): Promise<string>;
}

/** An admin, an owner engineer with a live session (the customer joined by access code), another engineer, a supervisor. */
export async function desktopTeam(server: TestServer): Promise<DesktopTeam> {
  const admin = await setupAdmin(server);
  const owner = await createEngineer(server, admin, 'olga');
  const other = await createEngineer(server, admin, 'otto');
  const supervisor = await createEngineer(server, admin, 'sue', 'supervisor');
  const created = await owner.client.post('/api/sessions/code', { deskId: 1 });
  if (created.status !== 200) throw new Error(`session code: ${created.status} ${created.text}`);
  const customer = new TestClient(server.url);
  const joined = await customer.post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: created.json.code });
  if (joined.status !== 200) throw new Error(`access code: ${joined.status} ${joined.text}`);
  const sessionId = created.json.sessionId as number;
  return {
    admin,
    owner,
    other,
    supervisor,
    sessionId,
    customer,
    customerToken: joined.json.customerToken as string,
    async agentToken() {
      const res = await owner.client.post(`/api/support/sessions/${sessionId}/agent-token`);
      if (res.status !== 200) throw new Error(`agent token: ${res.status} ${res.text}`);
      return res.json.token as string;
    },
  };
}
