// The live desktop over a 30 KB/s link, with real programs: Xvfb (1920x1080) with an xterm, the real agent joined to
// a session through a throttling TCP proxy, the real server, and a viewer decoding with the real decoder. The first
// picture must be recognisable within 2 s of the agent connecting and become exact with no further action; while
// text is typed and the terminal scrolls, the viewer never lags more than 2 s behind the screen, and ends bit-exact.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CORPUS_DESKTOP, startAgent, startDesktopRig, type DesktopRig } from '../helpers/desktopHarness.ts';
import { LagMeter, NativeViewer } from '../helpers/nativeViewer.ts';

const LINK = 30 * 1024;
let rig: DesktopRig;
let viewer: NativeViewer;

beforeAll(async () => {
  rig = await startDesktopRig({ width: 1920, height: 1080, linkBytesPerSecond: LINK, linkLatencyMs: 20, deferAgent: true, wallpaper: CORPUS_DESKTOP });
  viewer = await NativeViewer.open(rig.server.url, rig.sessionId, rig.admin.cookieHeader);
  viewer.trackHashes = true;
});

afterAll(async () => {
  viewer?.close();
  await rig?.stop();
});

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms\nagent output:\n${rig.agent?.output()}`);
    await Bun.sleep(25);
  }
}

test('first picture within 2 s at 30 KB/s, then exact without further action', async () => {
  rig.agent = await startAgent(rig);
  await until(() => viewer.messages.some((m) => m.type === 'agent' && m.online === true), 15_000, 'the agent online');
  const connectedAt = viewer.messages.find((m) => m.type === 'agent' && m.online === true)!.at;
  await until(() => viewer.firstPictureAt > 0, 10_000, 'a first picture');
  expect(viewer.error).toBeNull();
  expect(viewer.width).toBe(1920);
  expect(viewer.height).toBe(1080);
  const firstPictureMs = viewer.firstPictureAt - connectedAt;
  expect(firstPictureMs).toBeLessThan(2000);
  await until(() => same(viewer.picture(), rig.screen()), 90_000, 'an exact picture');
  // Nothing more than the link allows went over it (the proxy counts what it delivered).
  expect(rig.proxy!.stats.up).toBeGreaterThan(0);
}, 150_000);

test('typing and scrolling over 30 KB/s: never more than 2 s behind, bit-exact at the end', async () => {
  const control = viewer.messages.find((m) => m.type === 'hello');
  expect(control?.mode).toBe('control');
  const meter = new LagMeter(rig.screen);
  meter.start(100);
  const type = (text: string) => viewer.send({ type: 'input', events: [{ type: 'text', text }] });
  const enter = () => viewer.send({ type: 'input', events: [{ type: 'key', keysym: 0xff0d, down: true }, { type: 'key', keysym: 0xff0d, down: false }] });
  for (const word of ['echo', ' slow', ' link', ' works']) {
    type(word);
    await Bun.sleep(300);
  }
  enter();
  await Bun.sleep(1000);
  // The terminal scrolls continuously for about 4 s, a line every 50 ms.
  type('for i in $(seq 1 80); do echo scrolling line $i of 80; sleep 0.05; done');
  enter();
  await Bun.sleep(5000);
  type('ls -la /usr/bin | head -60');
  enter();
  await Bun.sleep(2000);
  meter.stop();
  await until(() => same(viewer.picture(), rig.screen()), 30_000, 'the exact final picture');
  const lag = meter.lag(viewer);
  expect(viewer.error).toBeNull();
  // The screen really changed all along (typing, then scrolling output), and the viewer followed it.
  expect(new Set(meter.samples.map((s) => s.hash)).size, JSON.stringify(viewer.messages.slice(-8)) + rig.agent.output().slice(-3000)).toBeGreaterThan(20);
  expect(lag.maxMs, JSON.stringify(lag)).toBeLessThan(2000);
}, 120_000);
