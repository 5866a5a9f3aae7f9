// A viewer without a browser: opens /ws/desktop/:sessionId with a console cookie and decodes what arrives with the
// real native decoder (the same C++ as the browser's wasm). For slow-link tests and benchmarks that compare the
// viewer's picture with the X screen many times a second, which a browser round trip would make too slow.
import { createDecoder } from '../../native/index.ts';
import { DesktopFrame } from '../../server/protocol/desktop.ts';

export type ServerMessage = { type: string; at: number; [key: string]: unknown };

export class NativeViewer {
  readonly decoder = createDecoder();
  readonly messages: ServerMessage[] = [];
  /** Times (performance.now()) at which a decoded picture changed, with the picture's hash then. */
  readonly pictures: { t: number; hash: bigint }[] = [];
  bytes = 0;
  frames = 0;
  width = 0;
  height = 0;
  /** When the first picture (key or preview) was decoded. */
  firstPictureAt = 0;
  error: string | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })));
    ws.addEventListener('message', (e) => {
      if (typeof e.data === 'string') {
        this.messages.push({ ...(JSON.parse(e.data) as { type: string }), at: performance.now() });
        return;
      }
      const bytes = new Uint8Array(e.data as ArrayBuffer);
      this.bytes += bytes.length;
      const kind = bytes[0];
      if (kind !== DesktopFrame.Update && kind !== DesktopFrame.Keyframe && kind !== DesktopFrame.Refresh) return;
      try {
        const { width, height } = this.decoder.apply(bytes.subarray(1));
        this.width = width;
        this.height = height;
        this.frames++;
        const now = performance.now();
        if (!this.firstPictureAt) this.firstPictureAt = now;
        if (this.trackHashes) this.pictures.push({ t: now, hash: BigInt(Bun.hash(this.decoder.rgba())) });
      } catch (error) {
        this.error = (error as Error).message;
      }
    });
  }

  /** Hash every decoded picture (for lag measurements); costs a copy of the picture per frame. */
  trackHashes = false;

  static async open(baseUrl: string, sessionId: number, cookie: string): Promise<NativeViewer> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/desktop/${sessionId}`, { headers: { cookie } } as unknown as string[]);
    ws.binaryType = 'arraybuffer';
    const viewer = new NativeViewer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve());
      ws.addEventListener('close', (e) => reject(new Error(`viewer socket closed: ${e.code} ${e.reason}`)));
    });
    return viewer;
  }

  picture(): Uint8Array {
    return this.decoder.rgba();
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Samples the real screen every `everyMs` and, from the viewer's decoded pictures, works out how far behind the
 * screen the viewer was: for each screen sample, the time until the viewer showed that picture or a later one.
 */
export class LagMeter {
  readonly samples: { t: number; hash: bigint }[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  constructor(private readonly screen: () => Uint8Array) {}

  start(everyMs = 100): void {
    this.timer = setInterval(() => this.samples.push({ t: performance.now(), hash: BigInt(Bun.hash(this.screen())) }), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Max and p95 lag in ms; a screen sample the viewer never caught up with counts until `end`. */
  lag(viewer: NativeViewer, end = performance.now()): { maxMs: number; p95Ms: number; unmatched: number } {
    const lags: number[] = [];
    let unmatched = 0;
    for (let i = 0; i < this.samples.length; i++) {
      const s = this.samples[i]!;
      // The viewer caught up with sample i when it showed sample i's picture or any later sample's picture.
      const later = new Set(this.samples.slice(i).map((x) => x.hash));
      const shown = viewer.pictures.find((p) => p.t >= s.t && later.has(p.hash)) ?? (viewer.pictures.some((p) => p.t < s.t && p.hash === s.hash) ? { t: s.t } : null);
      if (shown) lags.push(shown.t - s.t);
      else {
        unmatched++;
        lags.push(end - s.t);
      }
    }
    lags.sort((a, b) => a - b);
    return { maxMs: lags.at(-1) ?? 0, p95Ms: lags[Math.floor(lags.length * 0.95)] ?? 0, unmatched };
  }
}
