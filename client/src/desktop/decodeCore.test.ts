// The worker's logic with the real WebAssembly decoder and the real C++ encoder: frames decoded in order, one
// paint for a burst, held paints during a seek, the exact picture on request, recovery after a bad frame.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../../native/index.ts';
import { DesktopFrame, frame } from '../../../server/protocol/desktop.ts';
import { createWasmDecoder } from '../codec/wasmDecoder.ts';
import { DecodeCore, type PaintCanvas } from './decodeCore.ts';
import type { FromWorker } from './workerProtocol.ts';

let wasm: WebAssembly.Module;
beforeAll(async () => {
  wasm = await WebAssembly.compile(readFileSync(resolve(import.meta.dirname, '../codec/tesseraDecoder.wasm')));
});

const W = 96, H = 64;

/** A picture with a pattern that depends on `seed`, and a moving block so updates differ. */
function picture(seed: number): Uint8Array {
  const px = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      const inBlock = x >= seed * 4 && x < seed * 4 + 16 && y >= 8 && y < 40;
      px[i] = inBlock ? 250 : (x * 3 + seed) & 255;
      px[i + 1] = inBlock ? 30 : (y * 5) & 255;
      px[i + 2] = (x ^ y) & 255;
      px[i + 3] = 255;
    }
  return px;
}

function buffer(u8: Uint8Array): ArrayBuffer {
  return u8.slice().buffer;
}

class RecordingCanvas implements PaintCanvas {
  width = 0;
  height = 0;
  paints: { width: number; height: number; pixels: Uint8Array }[] = [];
  getContext() {
    return {
      putImageData: (image: ImageData) => {
        this.paints.push({ width: image.width, height: image.height, pixels: new Uint8Array(image.data) });
      },
    };
  }
}

function setup() {
  const posted: FromWorker[] = [];
  const paints: (() => void)[] = [];
  let clock = 0;
  const core = new DecodeCore({
    loadDecoder: () => createWasmDecoder(wasm),
    post: (m) => posted.push(m),
    schedulePaint: (cb) => paints.push(cb),
    now: () => (clock += 0.25),
    imageData: (data, width, height) => ({ data, width, height, colorSpace: 'srgb' }) as unknown as ImageData,
  });
  const canvas = new RecordingCanvas();
  void core.handle({ type: 'canvas', canvas: canvas as unknown as OffscreenCanvas });
  const runPaints = () => paints.splice(0).forEach((cb) => cb());
  const current = async () => {
    await core.handle({ type: 'picture', id: 1 });
    const m = posted.filter((p) => p.type === 'picture').at(-1) as Extract<FromWorker, { type: 'picture' }>;
    return { width: m.width, height: m.height, rgba: new Uint8Array(m.rgba) };
  };
  return { core, canvas, posted, runPaints, current, paints };
}

/** Encodes pictures as the agent does: a key frame, then updates (null when nothing changed). */
function encodeAll(seeds: number[]): ArrayBuffer[] {
  const encoder = createEncoder();
  const out: ArrayBuffer[] = [];
  seeds.forEach((seed, i) => {
    const m = encoder.encode(picture(seed), W, H, W * 4, 'rgba');
    if (m) out.push(buffer(frame(i === 0 ? DesktopFrame.Keyframe : DesktopFrame.Update, m)));
  });
  return out;
}

describe('DecodeCore', () => {
  it('decodes a burst of frames in order and paints once, with the exact last picture', async () => {
    const { core, canvas, posted, runPaints, current } = setup();
    const frames = encodeAll([0, 1, 2, 3]);
    expect(frames).toHaveLength(4);
    for (const f of frames) await core.handle({ type: 'frames', frames: [f] });
    runPaints();
    expect(canvas.paints).toHaveLength(1);
    expect([canvas.width, canvas.height]).toEqual([W, H]);
    expect(canvas.paints[0]!.pixels).toEqual(picture(3));
    const painted = posted.filter((p) => p.type === 'painted');
    expect(painted).toHaveLength(1);
    expect(painted[0]).toMatchObject({ type: 'painted', width: W, height: H, messages: 4 });
    const p = painted[0] as Extract<FromWorker, { type: 'painted' }>;
    expect(p.decodeMs).toBeGreaterThan(0);
    expect(p.bytes).toBe(frames.reduce((n, f) => n + f.byteLength - 1, 0));
    const now = await current();
    expect([now.width, now.height]).toEqual([W, H]);
    expect(now.rgba).toEqual(picture(3));
  });

  it('holds painting while frames come with paint: false (a seek) and paints once released', async () => {
    const { core, canvas, runPaints, current } = setup();
    const frames = encodeAll([0, 1, 2, 3, 4]);
    await core.handle({ type: 'frames', frames: frames.slice(0, 2), paint: false });
    runPaints();
    await core.handle({ type: 'frames', frames: frames.slice(2, 4), paint: false });
    runPaints();
    expect(canvas.paints).toHaveLength(0);
    await core.handle({ type: 'frames', frames: frames.slice(4), paint: true });
    runPaints();
    expect(canvas.paints).toHaveLength(1);
    expect(canvas.paints[0]!.pixels).toEqual(picture(4));
    expect((await current()).rgba).toEqual(picture(4));
  });

  it('reports a refused frame once, keeps the picture, and recovers at the next key message', async () => {
    const { core, canvas, posted, runPaints, current } = setup();
    const [key, update] = encodeAll([0, 1]);
    await core.handle({ type: 'frames', frames: [key!] });
    runPaints();
    const garbage = buffer(frame(DesktopFrame.Update, new Uint8Array([9, 9, 9, 9, 9, 9])));
    await core.handle({ type: 'frames', frames: [garbage, buffer(new Uint8Array(new Uint8Array(update!)))] });
    const errors = posted.filter((p) => p.type === 'error');
    expect(errors).toHaveLength(1);
    expect((errors[0] as { message: string }).message).toMatch(/malformed codec message/);
    runPaints();
    expect(canvas.paints).toHaveLength(1); // nothing new to show
    // A fresh encoder's key message brings it back.
    const [key2] = encodeAll([5]);
    await core.handle({ type: 'frames', frames: [key2!] });
    runPaints();
    expect(canvas.paints.at(-1)!.pixels).toEqual(picture(5));
    expect((await current()).rgba).toEqual(picture(5));
  });

  it('passes over cursor frames, and a reset drops the decoder but not the canvas', async () => {
    const { core, canvas, runPaints, current } = setup();
    const [key] = encodeAll([2]);
    const cursorPos = new Uint8Array(13);
    await core.handle({ type: 'frames', frames: [buffer(frame(DesktopFrame.CursorPosition, cursorPos)), key!] });
    runPaints();
    expect(canvas.paints).toHaveLength(1);
    await core.handle({ type: 'reset' });
    expect(await current()).toEqual({ width: 0, height: 0, rgba: new Uint8Array(0) });
    expect([canvas.width, canvas.height]).toEqual([W, H]);
  });

  it('answers picture() after the frames sent before it, even while the decoder is still loading', async () => {
    const { core, current } = setup();
    const frames = encodeAll([0, 6]);
    void core.handle({ type: 'frames', frames });
    expect((await current()).rgba).toEqual(picture(6));
  });
});
