// Scripted workloads on a real 1080p desktop (a corpus desktop under an xterm, real agent, real server), over an
// unthrottled link and a 30 KB/s one (a throttling proxy between agent and server): bytes on the wire per second,
// pictures delivered per second, how far the viewer lagged behind the real screen, and whether it ended exact.
import { CORPUS_DESKTOP, startAgent, startDesktopRig } from '../../test/helpers/desktopHarness.ts';
import { LagMeter, NativeViewer } from '../../test/helpers/nativeViewer.ts';

export interface WorkloadResult {
  link: string;
  workload: string;
  kbps: number;
  fps: number;
  maxLagMs: number;
  p95LagMs: number;
  finalExact: boolean;
}

export interface LinkResult {
  link: string;
  firstPictureMs: number;
  exactAfterMs: number;
  workloads: WorkloadResult[];
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(25);
  }
  return true;
}

const WORKLOADS: { name: string; run: (type: (t: string) => void, enter: () => void) => Promise<void> }[] = [
  {
    name: 'typing (8 chars/s)',
    async run(type, enter) {
      const text = 'the quick brown fox jumps over the lazy dog while the engineer types slowly';
      for (const ch of text) {
        type(ch);
        await Bun.sleep(125);
      }
      enter();
    },
  },
  {
    name: 'terminal scrolling (20 lines/s)',
    async run(type, enter) {
      type('for i in $(seq 1 160); do echo scrolling line $i of 160 in the terminal window; sleep 0.05; done');
      enter();
      await Bun.sleep(9000);
    },
  },
];

export async function runLink(bytesPerSecond: number | null, log: (l: string) => void = console.log): Promise<LinkResult> {
  const link = bytesPerSecond ? `${Math.round(bytesPerSecond / 1024)} KB/s` : 'unthrottled';
  const rig = await startDesktopRig({
    width: 1920,
    height: 1080,
    wallpaper: CORPUS_DESKTOP,
    deferAgent: true,
    ...(bytesPerSecond ? { linkBytesPerSecond: bytesPerSecond, linkLatencyMs: 20 } : {}),
  });
  const viewer = await NativeViewer.open(rig.server.url, rig.sessionId, rig.admin.cookieHeader);
  viewer.trackHashes = true;
  try {
    rig.agent = await startAgent(rig);
    await until(() => viewer.messages.some((m) => m.type === 'agent' && m.online === true), 20_000);
    const connectedAt = viewer.messages.find((m) => m.type === 'agent' && m.online === true)?.at ?? performance.now();
    await until(() => viewer.firstPictureAt > 0, 20_000);
    await until(() => same(viewer.picture(), rig.screen()), 120_000);
    const exactAfterMs = Math.round(performance.now() - connectedAt);
    const firstPictureMs = Math.round(viewer.firstPictureAt - connectedAt);
    log(`${link}: first picture ${firstPictureMs} ms after the agent connected, exact after ${exactAfterMs} ms`);
    const type = (text: string) => viewer.send({ type: 'input', events: [{ type: 'text', text }] });
    const enter = () => viewer.send({ type: 'input', events: [{ type: 'key', keysym: 0xff0d, down: true }, { type: 'key', keysym: 0xff0d, down: false }] });
    const workloads: WorkloadResult[] = [];
    for (const w of WORKLOADS) {
      const meter = new LagMeter(rig.screen);
      const bytes0 = viewer.bytes;
      const frames0 = viewer.frames;
      viewer.pictures.length = 0;
      const t0 = performance.now();
      meter.start(100);
      await w.run(type, enter);
      await Bun.sleep(500);
      meter.stop();
      const seconds = (performance.now() - t0) / 1000;
      const finalExact = await until(() => same(viewer.picture(), rig.screen()), 30_000);
      const lag = meter.lag(viewer);
      const r: WorkloadResult = {
        link,
        workload: w.name,
        kbps: Math.round(((viewer.bytes - bytes0) / 1024 / seconds) * 10) / 10,
        fps: Math.round(((viewer.frames - frames0) / seconds) * 10) / 10,
        maxLagMs: Math.round(lag.maxMs),
        p95LagMs: Math.round(lag.p95Ms),
        finalExact,
      };
      workloads.push(r);
      log(`${link}, ${w.name}: ${r.kbps} kB/s, ${r.fps} pictures/s, lag p95 ${r.p95LagMs} ms / max ${r.maxLagMs} ms (goal < 2000), exact at the end: ${finalExact}`);
      await Bun.sleep(500);
    }
    return { link, firstPictureMs, exactAfterMs, workloads };
  } finally {
    viewer.close();
    await rig.stop();
  }
}
