// Refresh messages (FORMAT.md, flags bit 1): how the server brings a late joiner into a running stream. It decodes
// the stream itself (D1), sends the new viewer D1's picture as the key message of a fresh encoder, and asks the
// agent's encoder for a refresh; from the refresh message on, every viewer applies the same messages and stays exact.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWasmDecoder, type WasmDecoder } from '../../client/src/codec/wasmDecoder.ts';
import { defaultCorpusDir, listScenarios, readScenario } from '../../bench/corpus.ts';
import { createDecoder, createEncoder, type DesktopDecoder, type DesktopEncoder } from '../index.ts';

const wasmBytes = () => readFileSync(join(resolve(import.meta.dirname, '..', '..'), 'client/src/codec/tesseraDecoder.wasm'));

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;

/** A desktop-like frame: a text-like panel, a gradient, and a window (with its own texture) at (wx, wy). */
function scene(width: number, height: number, wx: number, wy: number, t = 0): Uint8Array {
  const px = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let c: [number, number, number];
      const inWindow = x >= wx && x < wx + 120 && y >= wy && y < wy + 90;
      if (inWindow) c = ((x - wx) * 7 + (y - wy) * 3) % 11 < 2 ? [20, 40, 90] : [250, 250, 245];
      else if (x < width / 2) c = ((x >> 2) * 31 + (y >> 1) * 17 + t) % 9 === 0 ? [30, 30, 30] : [235, 235, 235];
      else c = [(x * 3) & 255, (y * 2) & 255, (x + y) & 255];
      px.set([...c, 255], o);
    }
  return px;
}

/** The server's keyframe for a late joiner: the first message of a fresh encoder given the relay decoder's picture. */
function serverKeyframe(relay: DesktopDecoder, width: number, height: number): Uint8Array {
  const server = createEncoder();
  const key = server.encode(relay.rgba(), width, height, width * 4, 'rgba')!;
  expect(server.stats().key).toBe(true);
  return key;
}

interface Frame {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/**
 * Streams `frames` from encoder A to D1 (the relay's decoder); after `joinAfter` messages a late joiner (native D2
 * and wasm W2) gets a server keyframe, A.refresh() is called, and every later message goes to D1, D2 and W2.
 * Returns how many messages went to the joiner and how many of them used the cache.
 */
async function lateJoin(frames: AsyncIterable<Frame> | Iterable<Frame>, encoder: DesktopEncoder, joinAfter: number) {
  const d1 = createDecoder();
  let d2: DesktopDecoder | null = null;
  let w2: WasmDecoder | null = null;
  let sent = 0, joinerMessages = 0, joinerCacheHits = 0;
  let expectRefresh = false;
  let exactAtJoin = false;
  let index = 0;
  for await (const frame of frames) {
    const { rgba, width, height } = frame;
    for (let m; (m = encoder.encode(rgba, width, height, width * 4, 'rgba')); ) {
      const stats = encoder.stats();
      expect(stats.refresh).toBe(expectRefresh);
      expect(m[2]).toBe(expectRefresh ? 2 : stats.key ? 1 : 0);
      expectRefresh = false;
      d1.apply(m);
      if (d2 && w2) {
        d2.apply(m);
        const shown = w2.decode(m);
        joinerMessages++;
        joinerCacheHits += stats.cacheHits;
        if (!same(d2.rgba(), d1.rgba())) throw new Error(`frame ${index}: the late joiner differs from the relay`);
        if (!same(shown.rgba, d1.rgba())) throw new Error(`frame ${index}: the wasm late joiner differs`);
      }
      if (++sent === joinAfter) {
        d2 = createDecoder();
        w2 = await createWasmDecoder(wasmBytes());
        const key = serverKeyframe(d1, width, height);
        d2.apply(key);
        w2.decode(key);
        expect(same(d2.rgba(), d1.rgba())).toBe(true);
        exactAtJoin = encoder.isExact();
        encoder.refresh();
        expectRefresh = true;
      }
    }
    if (encoder.isExact() && !same(d1.rgba(), rgba)) throw new Error(`frame ${index}: relay not exact`);
    if (d2 && encoder.isExact() && !same(d2.rgba(), rgba)) throw new Error(`frame ${index}: late joiner not exact`);
    index++;
  }
  w2?.dispose();
  return { joined: d2 !== null, joinerMessages, joinerCacheHits, refreshPending: expectRefresh, exactAtJoin };
}

describe('late joiner through a refresh message', () => {
  const scenarios = listScenarios(defaultCorpusDir()).filter((d) => /window-drag|web-scroll/.test(d));

  for (const dir of scenarios) {
    it(`keeps a joiner and the relay bit-exact on ${dir.split('/').pop()}`, async () => {
      const encoder = createEncoder();
      const result = await lateJoin(readScenario(dir, { limit: 40 }), encoder, 12);
      expect(result.joined).toBe(true);
      expect(result.exactAtJoin).toBe(true);
      expect(result.refreshPending).toBe(false);
      expect(result.joinerMessages).toBeGreaterThan(5);
      // The cache filled again after the refresh (so slot numbers restarted from 0 on every side).
      if (dir.endsWith('window-drag')) expect(result.joinerCacheHits).toBeGreaterThan(0);
    }, 120_000);
  }

  it('keeps them exact on synthetic moving windows with cache hits after the refresh', async () => {
    const width = 320, height = 200;
    const positions = [10, 30, 50, 30, 10, 30, 50, 70, 50, 30, 10];
    const frames = positions.map((wx, i) => ({ rgba: scene(width, height, wx, 40 + (i % 3) * 16, i), width, height }));
    const result = await lateJoin(frames, createEncoder(), 4);
    expect(result.joinerMessages).toBeGreaterThan(3);
    expect(result.joinerCacheHits).toBeGreaterThan(0);
  });

  it('joins in the middle of progressive refinement and continues from the picture the viewers have', async () => {
    const width = 1280, height = 720;
    const encoder = createEncoder({ maxMessageBytes: 2_000 });
    const frames = [0, 1, 2].map((t) => ({ rgba: scene(width, height, 100 + t * 40, 200, t), width, height }));
    // Message 3 leaves the first frame partly refined (a preview and two budgeted messages of exact tiles).
    const result = await lateJoin(frames, encoder, 3);
    expect(result.joined).toBe(true);
    expect(result.exactAtJoin).toBe(false);
    expect(result.joinerMessages).toBeGreaterThan(3);
    expect(encoder.isExact()).toBe(true);
  }, 60_000);
});

describe('refresh messages', () => {
  const width = 160, height = 96;

  it('goes out even when nothing changed: a tiny message without operations', () => {
    const encoder = createEncoder();
    const decoder = createDecoder();
    const px = scene(width, height, 20, 10);
    decoder.apply(encoder.encode(px, width, height, width * 4, 'rgba')!);
    expect(encoder.encode(px, width, height, width * 4, 'rgba')).toBeNull();
    encoder.refresh();
    const m = encoder.encode(px, width, height, width * 4, 'rgba')!;
    expect(m).not.toBeNull();
    expect(m[2]).toBe(2);
    expect(encoder.stats()).toMatchObject({ refresh: true, key: false, codedTiles: 0, copyOps: 0 });
    expect(m.length).toBeLessThan(32);
    decoder.apply(m);
    expect(same(decoder.rgba(), px)).toBe(true);
    // Only one refresh per request; the stream goes on normally.
    expect(encoder.encode(px, width, height, width * 4, 'rgba')).toBeNull();
    const next = scene(width, height, 24, 10);
    const update = encoder.encode(next, width, height, width * 4, 'rgba')!;
    expect(encoder.stats()).toMatchObject({ refresh: false, key: false });
    decoder.apply(update);
    expect(same(decoder.rgba(), next)).toBe(true);
  });

  it('carries the change when the frame changed, and a joiner with a server keyframe follows', () => {
    const encoder = createEncoder();
    const relay = createDecoder();
    const a = scene(width, height, 20, 10), b = scene(width, height, 60, 30);
    relay.apply(encoder.encode(a, width, height, width * 4, 'rgba')!);
    const joiner = createDecoder();
    joiner.apply(serverKeyframe(relay, width, height));
    encoder.refresh();
    const m = encoder.encode(b, width, height, width * 4, 'rgba')!;
    expect(encoder.stats().refresh).toBe(true);
    expect(encoder.stats().copyOps).toBeGreaterThan(0); // motion search still works against the kept picture
    relay.apply(m);
    joiner.apply(m);
    expect(same(relay.rgba(), b) && same(joiner.rgba(), b)).toBe(true);
  });

  it('loses to a pending reset and to a size change (a key message resets everything anyway)', () => {
    const encoder = createEncoder();
    const decoder = createDecoder();
    const px = scene(width, height, 20, 10);
    decoder.apply(encoder.encode(px, width, height, width * 4, 'rgba')!);
    encoder.refresh();
    encoder.reset();
    const key = encoder.encode(px, width, height, width * 4, 'rgba')!;
    expect(key[2]).toBe(1);
    expect(encoder.stats()).toMatchObject({ key: true, refresh: false });
    decoder.apply(key);
    expect(encoder.encode(px, width, height, width * 4, 'rgba')).toBeNull(); // the refresh was absorbed by the key
    encoder.reset();
    encoder.refresh();
    expect(encoder.encode(px, width, height, width * 4, 'rgba')![2]).toBe(1);
    encoder.refresh();
    const small = scene(96, 64, 5, 5).subarray(0, 96 * 64 * 4);
    const resized = encoder.encode(small, 96, 64, 96 * 4, 'rgba')!;
    expect(resized[2]).toBe(1);
    expect(encoder.stats().refresh).toBe(false);
    // A refresh requested before the very first frame: the first message is a key message.
    const fresh = createEncoder();
    fresh.refresh();
    expect(fresh.encode(px, width, height, width * 4, 'rgba')![2]).toBe(1);
  });

  it('is an error on a decoder without a picture (native and wasm), which then still accepts a key message', async () => {
    const encoder = createEncoder();
    const px = scene(width, height, 20, 10);
    const key = encoder.encode(px, width, height, width * 4, 'rgba')!;
    encoder.refresh();
    const refresh = encoder.encode(px, width, height, width * 4, 'rgba')!;
    const native = createDecoder();
    expect(() => native.apply(refresh)).toThrow(/malformed codec message: refresh message without a picture/);
    const wasm = await createWasmDecoder(wasmBytes());
    expect(() => wasm.decode(refresh)).toThrow(/malformed codec message: refresh message without a picture/);
    native.apply(key);
    wasm.decode(key);
    // After an error the picture is not trusted any more: a refresh cannot revive the stream either.
    expect(() => native.apply(new Uint8Array([0x54, 1, 0, 200, 1, 0]))).toThrow(/malformed codec message/);
    expect(() => native.apply(refresh)).toThrow(/refresh message without a picture/);
    wasm.dispose();
  });

  it('rejects the key and refresh bits together (native and wasm)', async () => {
    const encoder = createEncoder();
    const key = encoder.encode(scene(width, height, 20, 10), width, height, width * 4, 'rgba')!.slice();
    key[2] = 3;
    expect(() => createDecoder().apply(key)).toThrow(/key and refresh flags together/);
    const wasm = await createWasmDecoder(wasmBytes());
    expect(() => wasm.decode(key)).toThrow(/key and refresh flags together/);
    key[2] = 4;
    expect(() => createDecoder().apply(key)).toThrow(/unknown flags/);
    wasm.dispose();
  });

  it('restarts the zstd stream: a refresh message does not decode against the old stream without the reset', () => {
    // A decoder that ignored the flag would try to continue the old zstd frame and fail: decode the refresh
    // message's body as an ordinary update (flag cleared) to show the reset is what makes it decodable.
    const encoder = createEncoder();
    const decoder = createDecoder();
    const px = scene(width, height, 20, 10);
    decoder.apply(encoder.encode(px, width, height, width * 4, 'rgba')!);
    encoder.refresh();
    const m = encoder.encode(scene(width, height, 40, 20), width, height, width * 4, 'rgba')!.slice();
    m[2] = 0;
    expect(() => decoder.apply(m)).toThrow(/malformed codec message/);
  });
});
