// Screen capture against a real X server (Xvfb): pixels equal what was drawn and what a second capture path (ffmpeg's
// x11grab over XCB) sees, monitors, resolution change mid-session, cursor position and shape, bad arguments, and a
// dying X server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, openClipboard, openInput, type CapturedFrame, type ScreenCapture } from './capture.ts';
import {
  firstDifferentPixel,
  grabWithFfmpeg,
  hasCommand,
  runX,
  spawnX,
  startXvfb,
  waitUntil,
  type XServer,
} from './captureTesting.ts';

const W = 1280, H = 800;
let x: XServer;
let dir: string;

beforeAll(async () => {
  x = await startXvfb(W, H);
  dir = mkdtempSync(join(tmpdir(), 'tessera-capture-'));
});

afterAll(async () => {
  await x?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// A 16x8 bitmap tiled over the root window by xsetroot: bit 1 = foreground, 0 = background.
const TILE_W = 16, TILE_H = 8;
const tileBit = (px: number, py: number) => ((px * 7 + py * 13 + ((px * py) >> 2)) % 5) < 2;
const FG = [0x00, 0x80, 0xff]; // #ff8000 as B, G, R
const BG = [0xc0, 0x40, 0x00]; // #0040c0

async function paintPattern(): Promise<void> {
  const bytes: string[] = [];
  for (let y = 0; y < TILE_H; y++) {
    for (let b = 0; b < TILE_W / 8; b++) {
      let v = 0;
      for (let i = 0; i < 8; i++) if (tileBit(b * 8 + i, y)) v |= 1 << i;
      bytes.push(`0x${v.toString(16).padStart(2, '0')}`);
    }
  }
  const file = join(dir, 'tile.xbm');
  writeFileSync(file, `#define tile_width ${TILE_W}\n#define tile_height ${TILE_H}\nstatic unsigned char tile_bits[] = {\n   ${bytes.join(', ')}};\n`);
  await runX(x, 'xsetroot', ['-bitmap', file, '-fg', '#ff8000', '-bg', '#0040c0']);
}

function expectPattern(frame: CapturedFrame): void {
  for (let y = 0; y < frame.height; y++) {
    for (let px = 0; px < frame.width; px++) {
      const want = tileBit((frame.x + px) % TILE_W, (frame.y + y) % TILE_H) ? FG : BG;
      const i = y * frame.stride + px * 4;
      if (frame.data[i] !== want[0] || frame.data[i + 1] !== want[1] || frame.data[i + 2] !== want[2]) {
        throw new Error(
          `pixel (${frame.x + px}, ${frame.y + y}) is ${Array.from(frame.data.subarray(i, i + 3))}, expected ${want}`,
        );
      }
    }
  }
}

function matchesPattern(frame: CapturedFrame): boolean {
  try {
    expectPattern(frame);
    return true;
  } catch {
    return false;
  }
}

describe('screen capture (X11)', () => {
  it('captures exactly the pattern drawn on the root window, whole screen and regions, with and without MIT-SHM', async () => {
    await paintPattern();
    for (const shm of [true, false]) {
      const capture = openCapture(x.display, { shm });
      try {
        expect(capture.size()).toEqual({ width: W, height: H });
        const full = capture.grab();
        expect(full).toMatchObject({ x: 0, y: 0, width: W, height: H, stride: W * 4 });
        expect(full.data.length).toBe(W * 4 * H);
        expectPattern(full);
        const region = capture.grab({ x: 13, y: 7, width: 101, height: 33 });
        expect(region).toMatchObject({ x: 13, y: 7, width: 101, height: 33 });
        expectPattern(region);
        // Regions reaching past the screen are clipped to it.
        const corner = capture.grab({ x: W - 10, y: H - 5, width: 100, height: 100 });
        expect(corner).toMatchObject({ x: W - 10, y: H - 5, width: 10, height: 5 });
        expectPattern(corner);
      } finally {
        capture.close();
      }
    }
  });

  it('reuses one buffer: the same Uint8Array, overwritten by the next grab', async () => {
    const capture = openCapture(x.display);
    try {
      const first = capture.grab();
      const data = first.data;
      await runX(x, 'xsetroot', ['-solid', '#123456']);
      const second = capture.grab();
      expect(second.data).toBe(data);
      expect(Array.from(second.data.subarray(0, 3))).toEqual([0x56, 0x34, 0x12]);
      expect(Array.from(second.data.subarray(second.data.length - 4, second.data.length - 1))).toEqual([0x56, 0x34, 0x12]);
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) capture.grab();
      const ms = (performance.now() - t0) / 10;
      expect(ms).toBeLessThan(50); // ~1 ms here with MIT-SHM; generous for a loaded CI machine
    } finally {
      capture.close();
    }
  });

  it('sees the same pixels as ffmpeg x11grab with a real application (xterm) on screen', async () => {
    if (!hasCommand('ffmpeg') || !hasCommand('xterm')) throw new Error('ffmpeg and xterm are needed (see .ci/run)');
    await paintPattern();
    const term = spawnX(x, 'xterm', ['-geometry', '70x20+40+30', '-fa', 'DejaVu Sans Mono', '-fs', '11', '-e', 'sh', '-c', 'ls -la /; echo ready; exec sleep 60']);
    const capture = openCapture(x.display);
    try {
      // Wait until xterm is drawn and its picture has settled (two grabs 100 ms apart are equal).
      let previous: Uint8Array | null = null;
      await waitUntil(() => {
        const now = capture.grab().data.slice();
        const drawn = !matchesPattern({ x: 0, y: 0, width: W, height: H, stride: W * 4, data: now });
        const settled = previous !== null && firstDifferentPixel(previous, W * 4, now, W * 4, W, H) === -1;
        previous = now;
        return drawn && settled;
      }, 'xterm on screen', 10_000, 100);
      const ours = capture.grab().data;
      const theirs = await grabWithFfmpeg(x, W, H);
      expect(firstDifferentPixel(ours, W * 4, theirs, W * 4, W, H)).toBe(-1);
      // And the pattern is still there outside the xterm window.
      expectPattern(capture.grab({ x: 900, y: 600, width: 300, height: 150 }));
    } finally {
      capture.close();
      term.stop();
    }
  });

  it('lists XRandR monitors and grabs one of them; a layout change bumps layoutVersion', async () => {
    const capture = openCapture(x.display);
    try {
      const before = capture.monitors();
      expect(before.length).toBeGreaterThanOrEqual(1);
      expect(before.some((m) => m.primary)).toBe(true);
      expect(before[0]).toMatchObject({ x: 0, y: 0, width: W, height: H });
      const version = capture.layoutVersion();
      await runX(x, 'xrandr', ['--setmonitor', 'LEFT', `${W / 2}/100x${H}/100+0+0`, 'none']);
      await runX(x, 'xrandr', ['--setmonitor', 'RIGHT', `${W / 2}/100x${H}/100+${W / 2}+0`, 'none']);
      const monitors = await waitUntil(() => {
        const list = capture.monitors();
        return list.some((m) => m.name === 'RIGHT') ? list : null;
      }, 'two monitors');
      const left = monitors.find((m) => m.name === 'LEFT');
      const right = monitors.find((m) => m.name === 'RIGHT');
      expect(left).toMatchObject({ x: 0, y: 0, width: W / 2, height: H });
      expect(right).toMatchObject({ x: W / 2, y: 0, width: W / 2, height: H });
      await waitUntil(() => capture.layoutVersion() > version, 'layoutVersion to change');
      const frame = capture.grab(right);
      expect(frame).toMatchObject({ x: W / 2, y: 0, width: W / 2, height: H, stride: (W / 2) * 4 });
    } finally {
      await runX(x, 'xrandr', ['--delmonitor', 'LEFT']).catch(() => {});
      await runX(x, 'xrandr', ['--delmonitor', 'RIGHT']).catch(() => {});
      capture.close();
    }
  });

  it('follows a resolution change mid-session (shrink, then grow past the first buffer) without reopening', async () => {
    await paintPattern();
    // Xvfb can't grow its screen past the size it started with, but it can shrink and grow back: enough to test
    // both directions, including a grow beyond the buffer a capture opened on the small screen has.
    const capture = openCapture(x.display);
    let small: ScreenCapture | undefined;
    try {
      capture.grab();
      const version = capture.layoutVersion();
      await runX(x, 'xrandr', ['--output', 'screen', '--off', '--fb', '1024x768']);
      await waitUntil(() => capture.size().width === 1024, 'the screen to shrink');
      expect(capture.size()).toEqual({ width: 1024, height: 768 });
      expect(capture.layoutVersion()).toBeGreaterThan(version);
      const shrunk = capture.grab();
      expect(shrunk).toMatchObject({ width: 1024, height: 768, stride: 1024 * 4 });
      expectPattern(shrunk);
      expect(() => capture.grab({ x: 1100, y: 0, width: 10, height: 10 })).toThrow(/outside the 1024x768 screen/);

      small = openCapture(x.display);
      const smallFrame = small.grab();
      const oldData = smallFrame.data;
      expect(smallFrame.width).toBe(1024);

      await runX(x, 'xrandr', ['--fb', `${W}x${H}`, '--output', 'screen', '--mode', `${W}x${H}`]);
      await waitUntil(() => small!.size().width === W && capture.size().width === W, 'the screen to grow back');
      for (const c of [capture, small]) {
        const grown = c.grab();
        expect(grown).toMatchObject({ width: W, height: H, stride: W * 4 });
        expectPattern(grown);
      }
      // The small capture needed a bigger buffer; the frame handed out before is still readable.
      expect(small.grab().data).not.toBe(oldData);
      expect(oldData.length).toBe(1024 * 768 * 4);
      expect(oldData[0]).toBeTypeOf('number');
    } finally {
      small?.close();
      capture.close();
    }
  });

  it('reports the pointer position and sends the cursor shape only when it changes', async () => {
    const capture = openCapture(x.display);
    const input = openInput(x.display);
    const term = spawnX(x, 'xterm', ['-geometry', '40x10+600+400', '-e', 'sh', '-c', 'exec sleep 60']);
    try {
      input.move(10, 20);
      await waitUntil(() => capture.cursor().x === 10, 'the pointer to move');
      const first = capture.cursor(true);
      expect(first).toMatchObject({ x: 10, y: 20 });
      expect(first.shape).toBeDefined();
      const shape = first.shape!;
      expect(shape.width).toBeGreaterThan(0);
      expect(shape.height).toBeGreaterThan(0);
      expect(shape.rgba.length).toBe(shape.width * shape.height * 4);
      expect(shape.hotX).toBeLessThan(shape.width);
      expect(shape.rgba.some((v, i) => i % 4 === 3 && v === 255)).toBe(true); // some opaque pixels
      input.move(30, 40);
      await waitUntil(() => capture.cursor().x === 30, 'the pointer to move');
      const second = capture.cursor();
      expect(second).toMatchObject({ x: 30, y: 40, serial: first.serial });
      expect(second.shape).toBeUndefined();
      expect(capture.cursor(true).shape).toBeDefined(); // forced, for a viewer that just joined

      // Over xterm the cursor becomes xterm's text cursor: a new shape with a new serial.
      await waitUntil(async () => (await runX(x, 'xwininfo', ['-root', '-tree'])).toString().includes('xterm'), 'xterm');
      const changed = await waitUntil(() => {
        input.move(700, 450);
        const c = capture.cursor();
        return c.shape ? c : null;
      }, 'a cursor shape change over xterm');
      expect(changed.serial).not.toBe(first.serial);
      expect(changed).toMatchObject({ x: 700, y: 450 });

      // Coordinates outside the screen are clamped.
      // (Input and capture are separate connections: the X server may answer the query before it moved.)
      input.move(-50, 99_999);
      await waitUntil(() => capture.cursor().x === 0, 'the pointer to move');
      expect(capture.cursor()).toMatchObject({ x: 0, y: H - 1 });
      input.move(1e12, -1e12);
      await waitUntil(() => capture.cursor().x === W - 1, 'the pointer to move');
      expect(capture.cursor()).toMatchObject({ x: W - 1, y: 0 });
    } finally {
      term.stop();
      input.close();
      capture.close();
    }
  });

  it('throws clear errors on bad arguments, a missing display and use after close', () => {
    expect(() => openCapture(':987')).toThrow(/cannot open X display ':987'/);
    const saved = process.env.DISPLAY;
    delete process.env.DISPLAY;
    try {
      expect(() => openCapture()).toThrow(/no X display/);
    } finally {
      if (saved !== undefined) process.env.DISPLAY = saved;
    }
    const capture = openCapture(x.display);
    expect(() => capture.grab({ x: 5000, y: 0, width: 10, height: 10 })).toThrow(/outside the 1280x800 screen/);
    expect(() => capture.grab({ x: 1.5, y: 0, width: 10, height: 10 })).toThrow(/region.x must be an integer/);
    expect(() => capture.grab({ x: 0, y: 0, width: 0, height: 10 })).toThrow(/region size/);
    expect(() => capture.grab({ x: 0, y: 0, width: 10 } as never)).toThrow(/region.height/);
    expect(() => capture.grab('all' as never)).toThrow(/region must be/);
    capture.close();
    expect(() => capture.grab()).toThrow(/closed/);
    expect(() => capture.cursor()).toThrow(/closed/);
    capture.close(); // twice is fine
  });

  it('survives the X server dying: calls throw "lost the connection" instead of the process exiting', async () => {
    const doomed = await startXvfb(320, 200);
    const capture = openCapture(doomed.display);
    const input = openInput(doomed.display);
    const clipboard = openClipboard(doomed.display);
    expect(capture.grab().width).toBe(320);
    await doomed.kill();
    expect(() => capture.grab()).toThrow(/lost the connection to X display/);
    expect(() => capture.cursor()).toThrow(/lost the connection/);
    expect(() => input.move(1, 1)).toThrow(/lost the connection/);
    await expect(clipboard.get()).rejects.toThrow(/lost the X display|did not answer/);
    input.close();
    capture.close();
    clipboard.close();
  });
});
