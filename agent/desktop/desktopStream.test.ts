// The agent's desktop loop against a real X server: what a viewer decodes equals the screen bit for bit; a busy
// link makes it skip intermediate states (the latest screen wins, nothing is queued); an idle screen sends nothing;
// one monitor can be streamed and input lands relative to it; a dying X server stops the loop with an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, openInput, type ScreenCapture } from '../../native/capture.ts';
import { runX, spawnX, startXvfb, waitUntil, type XServer } from '../../native/captureTesting.ts';
import { createDecoder } from '../../native/index.ts';
import { DesktopFrame, splitFrame } from '../../server/protocol/desktop.ts';
import { DesktopStream, type FrameSink } from './desktopStream.ts';
import { applyInput } from './inputApplier.ts';

const W = 640, H = 480;
/** Frames that carry a codec message. */
const PICTURE = new Set([DesktopFrame.Update, DesktopFrame.Keyframe, DesktopFrame.Refresh]);
let x: XServer;
let capture: ScreenCapture;

beforeAll(async () => {
  x = await startXvfb(W, H);
  capture = openCapture(x.display);
});

afterAll(async () => {
  capture?.close();
  await x?.stop();
});

/** A viewer at the end of a link: decodes what the stream sends. `busy` pretends the last frame is still in flight. */
function viewer() {
  const decoder = createDecoder();
  const state = {
    busy: false,
    frames: [] as { kind: DesktopFrame; payload: Uint8Array }[],
    width: 0,
    height: 0,
    cursor: null as { x: number; y: number; visible: boolean; serial: number } | null,
    cursorShapes: 0,
  };
  const sink: FrameSink = {
    send(bytes) {
      const split = splitFrame(bytes);
      if (typeof split === 'string') throw new Error(`malformed frame from the stream: ${split}`);
      state.frames.push(split);
      if (PICTURE.has(split.kind)) {
        const { width, height } = decoder.apply(split.payload);
        state.width = width;
        state.height = height;
      } else if (split.kind === DesktopFrame.CursorPosition) {
        const v = new DataView(split.payload.buffer, split.payload.byteOffset, split.payload.byteLength);
        state.cursor = { x: v.getInt32(0, true), y: v.getInt32(4, true), visible: v.getUint8(8) === 1, serial: v.getUint32(9, true) };
      } else if (split.kind === DesktopFrame.CursorShape) {
        state.cursorShapes++;
      }
    },
    bufferedAmount: () => (state.busy ? 65_536 : 0),
  };
  /** True when the decoded picture equals the screen (or the region) right now. */
  const exact = (region?: { x: number; y: number; width: number; height: number }) => {
    if (!state.width) return false;
    const grabbed = capture.grab(region);
    if (grabbed.width !== state.width || grabbed.height !== state.height) return false;
    const rgba = decoder.rgba();
    for (let y = 0; y < grabbed.height; y++) {
      for (let px = 0; px < grabbed.width; px++) {
        const s = y * grabbed.stride + px * 4, d = (y * grabbed.width + px) * 4;
        if (rgba[d] !== grabbed.data[s + 2] || rgba[d + 1] !== grabbed.data[s + 1] || rgba[d + 2] !== grabbed.data[s]) return false;
      }
    }
    return true;
  };
  const updates = () => state.frames.filter((f) => PICTURE.has(f.kind)).length;
  const kinds = () => state.frames.filter((f) => PICTURE.has(f.kind)).map((f) => DesktopFrame[f.kind]);
  return { sink, state, exact, updates, kinds };
}

describe('desktop stream (agent)', () => {
  it('delivers a bit-exact picture, sends nothing while the screen is idle, and follows changes', async () => {
    await runX(x, 'xsetroot', ['-mod', '5', '7', '-fg', '#ff2000', '-bg', '#10e040']);
    const v = viewer();
    const stream = new DesktopStream({ sink: v.sink, capture, maxFps: 60, idleAfterMs: 200, idleFps: 20 });
    stream.start();
    try {
      await waitUntil(() => v.exact(), 'the viewer to show the screen exactly');
      expect(v.state.cursorShapes).toBeGreaterThanOrEqual(1);
      expect(v.state.cursor).toMatchObject({ visible: true });
      const quiet = v.updates();
      await new Promise((r) => setTimeout(r, 500));
      expect(v.updates()).toBe(quiet); // idle screen: nothing sent
      expect(stream.stats.grabs).toBeGreaterThan(3); // but it did keep looking
      await runX(x, 'xsetroot', ['-solid', '#abcdef']);
      await waitUntil(() => v.exact(), 'the change to arrive');
    } finally {
      stream.stop();
    }
  });

  it('grabs nothing while the previous frame is still in flight, then sends only the latest screen', async () => {
    const v = viewer();
    const stream = new DesktopStream({ sink: v.sink, capture, maxFps: 60 });
    stream.start();
    try {
      await waitUntil(() => v.exact(), 'the first picture');
      v.state.busy = true; // a slow link: the last frame has not left
      await new Promise((r) => setTimeout(r, 50));
      const grabs = stream.stats.grabs, updates = v.updates();
      for (const color of ['#111111', '#222222', '#333333', '#445566']) {
        await runX(x, 'xsetroot', ['-solid', color]);
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(stream.stats.grabs).toBe(grabs); // nothing grabbed, nothing queued
      expect(v.updates()).toBe(updates);
      expect(stream.stats.busyTicks).toBeGreaterThan(5);
      v.state.busy = false; // the frame has left
      await waitUntil(() => v.exact(), 'the latest screen');
      expect(v.updates()).toBe(updates + 1); // the intermediate states were skipped
    } finally {
      stream.stop();
    }
  });

  it('streams one monitor; input lands relative to it and is clamped to it', async () => {
    await runX(x, 'xsetroot', ['-mod', '3', '4']);
    await runX(x, 'xrandr', ['--setmonitor', 'LEFT', `${W / 2}/100x${H}/100+0+0`, 'none']);
    await runX(x, 'xrandr', ['--setmonitor', 'RIGHT', `${W / 2}/100x${H}/100+${W / 2}+0`, 'none']);
    const index = await waitUntil(() => {
      const i = capture.monitors().findIndex((m) => m.name === 'RIGHT');
      return i >= 0 ? i + 1 : 0;
    }, 'the RIGHT monitor') - 1;
    const right = { x: W / 2, y: 0, width: W / 2, height: H };
    const v = viewer();
    const stream = new DesktopStream({ sink: v.sink, capture, monitor: index, maxFps: 60 });
    const input = openInput(x.display);
    stream.start();
    try {
      expect(stream.region).toEqual(right);
      await waitUntil(() => v.exact(right), 'the right monitor only');
      expect(v.state).toMatchObject({ width: W / 2, height: H });
      applyInput(input, [{ type: 'pointer', x: 10, y: 20 }], stream.region);
      await waitUntil(() => v.state.cursor?.x === 10 && v.state.cursor.y === 20, 'the cursor position frame');
      expect(v.state.cursor?.visible).toBe(true);
      expect(capture.cursor()).toMatchObject({ x: right.x + 10, y: 20 });
      applyInput(input, [{ type: 'pointer', x: 10_000, y: -5 }], stream.region);
      await waitUntil(() => capture.cursor().x === W - 1, 'the clamped move');
      expect(capture.cursor()).toMatchObject({ x: W - 1, y: 0 });
      stream.setMonitor('all');
      await waitUntil(() => v.exact(), 'the whole desktop');
      expect(v.state).toMatchObject({ width: W, height: H });
    } finally {
      stream.stop();
      input.close();
      await runX(x, 'xrandr', ['--delmonitor', 'LEFT']).catch(() => {});
      await runX(x, 'xrandr', ['--delmonitor', 'RIGHT']).catch(() => {});
    }
  });

  it('fits messages to a slow link (30 KB/s): a small first picture soon, then exact, never more than one message in flight', async () => {
    await runX(x, 'xsetroot', ['-mod', '2', '3', '-fg', '#102030', '-bg', '#e0d0c0']);
    const term = spawnX(x, 'xterm', ['-geometry', '70x24+10+10', '-fa', 'DejaVu Sans Mono', '-fs', '9', '-e', 'sh', '-c', 'ls -la /usr/lib /usr/bin | head -300; exec sleep 60']);
    await waitUntil(async () => (await runX(x, 'xwininfo', ['-root', '-tree'])).toString().includes('+10+10'), 'xterm');
    await new Promise((r) => setTimeout(r, 300)); // let it draw
    const v = viewer();
    const RATE = 30_000;
    // The link: bytes leave at RATE; the viewer decodes on arrival (what matters here is when they would arrive).
    let queued = 0, last = performance.now(), maxQueued = 0;
    const drain = () => {
      const now = performance.now();
      queued = Math.max(0, queued - ((now - last) * RATE) / 1000);
      last = now;
    };
    const arrivals: { at: number; bytes: number; kind: DesktopFrame }[] = [];
    const sink: FrameSink = {
      send(bytes) {
        drain();
        queued += bytes.length;
        maxQueued = Math.max(maxQueued, queued);
        arrivals.push({ at: performance.now() + (queued * 1000) / RATE, bytes: bytes.length, kind: bytes[0] as DesktopFrame });
        v.sink.send(bytes);
      },
      bufferedAmount() {
        drain();
        return queued;
      },
    };
    const started = performance.now();
    const stream = new DesktopStream({ sink, capture, maxFps: 30 });
    stream.start();
    try {
      await waitUntil(() => v.exact(), 'an exact picture over the slow link', 20_000, 100);
      const updates = arrivals.filter((a) => PICTURE.has(a.kind));
      expect(updates[0]!.at - started).toBeLessThan(2000); // a first picture within 2 s
      expect(updates[0]!.bytes).toBeLessThan(40_000);
      expect(Math.max(...updates.map((u) => u.bytes))).toBeLessThan(48 * 1024); // fitted to the link
      expect(maxQueued).toBeLessThan(50 * 1024); // one message (plus a cursor frame) in flight, never a queue
      expect(stream.linkRate).toBeGreaterThan(RATE * 0.5);
      expect(stream.linkRate).toBeLessThan(RATE * 2);
    } finally {
      stream.stop();
      term.stop();
    }
  });

  it('frames: the first message is a Keyframe, changes are Updates, refresh() sends a Refresh at once (also unchanged), a monitor change a Keyframe', async () => {
    await runX(x, 'xsetroot', ['-solid', '#204060']);
    const v = viewer();
    const stream = new DesktopStream({ sink: v.sink, capture, maxFps: 60, idleAfterMs: 100, idleFps: 0.2 });
    stream.start();
    try {
      await waitUntil(() => v.exact(), 'the first picture');
      expect(v.kinds()[0]).toBe('Keyframe');
      expect(v.kinds().slice(1).every((k) => k === 'Update')).toBe(true); // progressive refinement of the first picture
      await runX(x, 'xsetroot', ['-mod', '4', '4', '-fg', '#ff0000', '-bg', '#00ff00']);
      await waitUntil(() => v.exact(), 'the change');
      expect(v.kinds().at(-1)).toBe('Update');
      await new Promise((r) => setTimeout(r, 300)); // idle now: it looks only every 5 s
      const before = v.updates();
      stream.refresh();
      await waitUntil(() => v.updates() > before, 'the refresh, without waiting for the idle poll', 1000);
      expect(v.kinds().slice(before)).toEqual(['Refresh']);
      expect(stream.stats.refreshes).toBe(1);
      expect(v.exact()).toBe(true); // the decoder took the refresh and still shows the screen
      await runX(x, 'xsetroot', ['-solid', '#0a0b0c']);
      await waitUntil(() => v.exact(), 'a change after the refresh');
      expect(v.kinds().at(-1)).toBe('Update');
      const region = { x: 0, y: 0, width: W, height: H / 2 };
      await runX(x, 'xrandr', ['--setmonitor', 'TOP', `${W}/100x${H / 2}/100+0+0`, 'none']);
      const index = (await waitUntil(() => capture.monitors().findIndex((m) => m.name === 'TOP') + 1, 'the TOP monitor')) - 1;
      const keyframes = stream.stats.keyframes;
      stream.setMonitor(index);
      await waitUntil(() => v.exact(region), 'the top half');
      expect(stream.stats.keyframes).toBe(keyframes + 1); // another size: a new epoch
    } finally {
      stream.stop();
      await runX(x, 'xrandr', ['--delmonitor', 'TOP']).catch(() => {});
    }
  });

  it('stops with an error when the X server goes away', async () => {
    const doomed = await startXvfb(160, 120);
    const v = viewer();
    let failure: Error | null = null;
    const stream = new DesktopStream({ sink: v.sink, capture: openCapture(doomed.display), onError: (e) => (failure = e) });
    stream.start();
    await waitUntil(() => v.updates() > 0, 'a first picture');
    await doomed.kill();
    await waitUntil(() => failure, 'the error');
    expect(String(failure)).toMatch(/lost the connection/);
  });
});
