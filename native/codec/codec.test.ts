// Round-trip and robustness tests of the desktop codec through its N-API face.
import { describe, expect, it } from 'vitest';
import { defaultCorpusDir, listScenarios, readScenario } from '../../bench/corpus.ts';
import { createDecoder, createEncoder, type PixelFormat } from '../index.ts';

/** Deterministic pseudo-random generator (tests must not be flaky). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** A desktop-like test picture: flat areas, a few colours with text-like strokes, and a photographic gradient. */
function picture(width: number, height: number, seed: number, stride = width * 4, format: PixelFormat = 'rgba') {
  const px = new Uint8Array(stride * height);
  const next = rng(seed);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * stride + x * 4;
      let r: number, g: number, b: number;
      if (x < width / 3) [r, g, b] = [240, 240, 240];
      else if (x < (2 * width) / 3) {
        const ink = (next() & 7) === 0;
        [r, g, b] = ink ? [20, 20, 30 + (seed & 63)] : [255, 255, 255];
      } else [r, g, b] = [(x * 3 + seed) & 255, (y * 5) & 255, (x + y + (next() & 3)) & 255];
      if (format === 'rgba') px.set([r, g, b, 255], o);
      else px.set([b, g, r, next() & 255], o); // garbage X byte must be ignored
    }
    for (let p = width * 4; p < stride; p++) px[y * stride + p] = next() & 255; // padding is not part of the picture
  }
  return px;
}

/** The RGBA picture the decoder must show for an input frame. */
function expected(px: Uint8Array, width: number, height: number, stride: number, format: PixelFormat) {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * stride + x * 4, o = (y * width + x) * 4;
      if (format === 'rgba') out.set([px[i]!, px[i + 1]!, px[i + 2]!, 255], o);
      else out.set([px[i + 2]!, px[i + 1]!, px[i]!, 255], o);
    }
  return out;
}

function same(a: Uint8Array, b: Uint8Array) {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

describe('codec round trip on the public corpus', () => {
  const scenarios = listScenarios(defaultCorpusDir());
  it('finds the corpus', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(5);
  });
  for (const dir of scenarios) {
    it(`is exact on every frame of ${dir.split('/').pop()}`, async () => {
      const encoder = createEncoder();
      const decoder = createDecoder();
      let bytes = 0;
      for await (const frame of readScenario(dir)) {
        const message = encoder.encode(frame.rgba, frame.width, frame.height, frame.width * 4, 'rgba');
        if (frame.unchanged) expect(message).toBeNull();
        if (message) {
          decoder.apply(message);
          bytes += message.length;
        }
        if (!same(decoder.rgba(), frame.rgba)) throw new Error(`frame ${frame.index} differs`);
      }
      expect(bytes).toBeGreaterThan(0);
      expect(encoder.memoryBytes()).toBeLessThan(64 * 1024 * 1024);
    }, 120_000);
  }
});

describe('codec edge cases', () => {
  const roundTrip = (sizes: [number, number, number?][], format: PixelFormat = 'rgba', frames = 3) => {
    const encoder = createEncoder();
    const decoder = createDecoder();
    for (const [width, height, pad = 0] of sizes) {
      const stride = width * 4 + pad;
      for (let f = 0; f < frames; f++) {
        const px = picture(width, height, 7 + f * (f % 2), stride, format);
        const message = encoder.encode(px, width, height, stride, format);
        if (message) decoder.apply(message);
        expect(decoder.rgba().length).toBe(width * height * 4);
        if (!same(decoder.rgba(), expected(px, width, height, stride, format))) throw new Error(`${width}x${height} frame ${f} differs`);
        expect(encoder.isExact()).toBe(true);
      }
    }
  };

  it('handles 1x1, odd widths and heights, and padded strides, in both pixel formats', () => {
    roundTrip([[1, 1], [1, 17], [17, 1], [3, 5, 4], [33, 47, 12], [127, 65, 60], [16, 16], [31, 33, 1]]);
    roundTrip([[1, 1, 3], [33, 47, 12], [130, 70, 4]], 'bgrx');
  });

  it('handles 4K frames (size change mid-stream starts a new epoch)', () => {
    roundTrip([[3840, 2160]], 'bgrx', 2);
  }, 60_000);

  it('starts a new epoch on size change and on reset, mid-stream', () => {
    const encoder = createEncoder();
    const decoder = createDecoder();
    const late = createDecoder();
    const a = picture(200, 120, 1), b = picture(200, 120, 2), c = picture(96, 64, 3);
    decoder.apply(encoder.encode(a, 200, 120, 800, 'rgba')!);
    decoder.apply(encoder.encode(b, 200, 120, 800, 'rgba')!);
    expect(encoder.encode(b, 200, 120, 800, 'rgba')).toBeNull();
    const resized = encoder.encode(c, 96, 64, 384, 'rgba')!;
    expect(resized[2]! & 1).toBe(1); // key flag
    expect(decoder.decode(resized)).toMatchObject({ width: 96, height: 64 });
    expect(same(decoder.rgba(), c)).toBe(true);
    encoder.reset();
    const key = encoder.encode(c, 96, 64, 384, 'rgba')!;
    expect(key).not.toBeNull();
    expect(key[2]! & 1).toBe(1);
    // A late joiner starts from the key message alone.
    late.apply(key);
    decoder.apply(key);
    expect(same(late.rgba(), c)).toBe(true);
    const d = picture(96, 64, 4);
    const delta = encoder.encode(d, 96, 64, 384, 'rgba')!;
    late.apply(delta);
    decoder.apply(delta);
    expect(same(late.rgba(), d) && same(decoder.rgba(), d)).toBe(true);
  });

  it('stays exact when the tile cache evicts under pressure, and reuses cached tiles', () => {
    const width = 256, height = 256; // 256 tiles per frame; the cache holds 1024 tiles
    const encoder = createEncoder();
    const decoder = createDecoder();
    const frames: Uint8Array[] = [];
    for (let f = 0; f < 12; f++) {
      const px = new Uint8Array(width * height * 4);
      const next = rng(100 + f);
      for (let i = 0; i < width * height; i++) px.set([next() & 255, (next() & 3) * 60, f * 20, 255], i * 4);
      frames.push(px);
    }
    const order = [...frames.keys(), 11, 10, 9, 0, 1, 11, 2];
    let hits = 0;
    for (const f of order) {
      const message = encoder.encode(frames[f]!, width, height, width * 4, 'rgba');
      if (message) decoder.apply(message);
      hits += encoder.stats().cacheHits;
      if (!same(decoder.rgba(), frames[f]!)) throw new Error(`frame ${f} differs`);
    }
    expect(hits).toBeGreaterThanOrEqual(256 * 2); // frames 10 and 9 came back from the cache; 0, 1, 2 were evicted
  });

  it('finds scrolling and moved windows from the pixels alone', () => {
    const width = 640, height = 480;
    const encoder = createEncoder();
    const decoder = createDecoder();
    const base = picture(width, height, 9);
    decoder.apply(encoder.encode(base, width, height, width * 4, 'rgba')!);
    // Scroll the whole picture up by 37 rows; new rows at the bottom.
    const scrolled = new Uint8Array(base.length);
    scrolled.set(base.subarray(37 * width * 4));
    scrolled.set(picture(width, 37, 10), (height - 37) * width * 4);
    const message = encoder.encode(scrolled, width, height, width * 4, 'rgba')!;
    expect(encoder.stats().copyOps).toBeGreaterThan(0);
    decoder.apply(message);
    expect(same(decoder.rgba(), scrolled)).toBe(true);
    expect(message.length).toBeLessThan(20_000);
  });

  it('moves a window of text lines with copies that do not spoil each other (few tiles coded)', () => {
    // Text lines with a blank tile row between them become separate copy rectangles; widened pixel by pixel they
    // used to overlap, and the second copy then shifted the overlap a second time (tiles recoded for nothing).
    const width = 800, height = 600;
    const scene = (wx: number, wy: number) => {
      const px = new Uint8Array(width * height * 4);
      const next = rng(77);
      const ink = Array.from({ length: 400 * 300 }, () => (next() & 3) === 0);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const inside = x >= wx && x < wx + 400 && y >= wy && y < wy + 300;
          const lx = x - wx, ly = y - wy;
          const text = inside && ly % 32 >= 4 && ly % 32 < 14 && lx > 8 && lx < 390 && ink[ly * 400 + lx];
          const c = !inside ? [(x * 7 + y * 3) & 255, (x * y) >> 8 & 255, (y * 5) & 255] : text ? [20, 20, 30] : [255, 255, 255];
          px.set([c[0]!, c[1]!, c[2]!, 255], (y * width + x) * 4);
        }
      return px;
    };
    const encoder = createEncoder();
    const decoder = createDecoder();
    decoder.apply(encoder.encode(scene(101, 77), width, height, width * 4, 'rgba')!);
    for (const [wx, wy] of [[115, 75], [128, 70], [131, 81]] as const) {
      const px = scene(wx, wy);
      const message = encoder.encode(px, width, height, width * 4, 'rgba')!;
      const st = encoder.stats();
      decoder.apply(message);
      expect(same(decoder.rgba(), px)).toBe(true);
      expect(st.copyOps).toBeGreaterThan(0);
      // What is left is the uncovered background strip and the window's border tiles, not the text.
      // (Measured: 12 % of the changed tiles; 35 % when overlapping copies spoiled each other.)
      expect(st.codedTiles - st.cacheHits).toBeLessThan(st.changedTiles / 5);
    }
  });

  it('sends a coarse preview first and then refinements that end exact (progressive mode)', () => {
    const width = 1920, height = 1080;
    const encoder = createEncoder({ maxMessageBytes: 40_000 });
    const decoder = createDecoder();
    const px = picture(width, height, 5);
    const preview = encoder.encode(px, width, height, width * 4, 'rgba')!;
    expect(encoder.stats().preview).toBe(true);
    expect(preview.length).toBeLessThanOrEqual(40_000);
    decoder.apply(preview);
    let messages = 0;
    for (let m; (m = encoder.encode(px, width, height, width * 4, 'rgba')); messages++) {
      expect(m.length).toBeLessThan(120_000);
      decoder.apply(m);
    }
    expect(messages).toBeGreaterThan(1);
    expect(encoder.isExact()).toBe(true);
    expect(same(decoder.rgba(), px)).toBe(true);
  });
});

describe('progressive updates on a slow link', () => {
  it('previews a large change first, refines it to exact, and does not preview a scroll', () => {
    const width = 1280, height = 720;
    const encoder = createEncoder({ maxMessageBytes: 30_000 });
    const decoder = createDecoder();
    const first = picture(width, height, 21);
    for (let m; (m = encoder.encode(first, width, height, width * 4, 'rgba')); ) decoder.apply(m);
    expect(same(decoder.rgba(), first)).toBe(true);
    // Another application in front: most of the screen changes and motion does not explain it.
    const other = picture(width, height, 22).map((v, i) => (i % 4 === 3 ? 255 : 255 - v));
    const preview = encoder.encode(other, width, height, width * 4, 'rgba')!;
    expect(encoder.stats().preview).toBe(true);
    expect(preview.length).toBeLessThanOrEqual(30_000);
    decoder.apply(preview);
    let messages = 0;
    for (let m; (m = encoder.encode(other, width, height, width * 4, 'rgba')); messages++) decoder.apply(m);
    expect(messages).toBeGreaterThan(1);
    expect(encoder.isExact()).toBe(true);
    expect(same(decoder.rgba(), other)).toBe(true);
    // A scroll of the whole screen is motion: exact at once, no preview.
    const scrolled = new Uint8Array(other.length);
    scrolled.set(other.subarray(64 * width * 4));
    scrolled.set(other.subarray(0, 64 * width * 4), (height - 64) * width * 4);
    const m = encoder.encode(scrolled, width, height, width * 4, 'rgba')!;
    expect(encoder.stats().preview).toBe(false);
    decoder.apply(m);
    expect(same(decoder.rgba(), scrolled)).toBe(true);
  });

  it('sends a new single-colour background in one exact message, without a preview', () => {
    const width = 1280, height = 720;
    const encoder = createEncoder({ maxMessageBytes: 20_000 });
    const decoder = createDecoder();
    const first = picture(width, height, 23);
    for (let m; (m = encoder.encode(first, width, height, width * 4, 'rgba')); ) decoder.apply(m);
    const solid = new Uint8Array(width * height * 4).map((_, i) => [0x44, 0x55, 0x66, 255][i % 4]!);
    decoder.apply(encoder.encode(solid, width, height, width * 4, 'rgba')!);
    expect(encoder.stats().preview).toBe(false);
    expect(encoder.isExact()).toBe(true);
    expect(same(decoder.rgba(), solid)).toBe(true);
  });

  it('always makes progress, even with a budget smaller than one tile', () => {
    const encoder = createEncoder({ maxMessageBytes: 1 });
    const decoder = createDecoder();
    const px = picture(100, 60, 30);
    let messages = 0;
    for (let m; (m = encoder.encode(px, 100, 60, 400, 'rgba')); messages++) decoder.apply(m);
    expect(messages).toBeGreaterThan(3);
    expect(encoder.isExact()).toBe(true);
    expect(same(decoder.rgba(), px)).toBe(true);
  });
});

describe('decoder on malformed input', () => {
  const stream = () => {
    const encoder = createEncoder();
    const msgs: Uint8Array[] = [];
    for (let f = 0; f < 4; f++) msgs.push(encoder.encode(picture(100, 70, 20 + f), 100, 70, 400, 'rgba')!);
    return msgs;
  };

  it('rejects truncated messages with an Error, and recovers at the next key message', () => {
    const msgs = stream();
    for (const cut of [0, 1, 3, 4, 5, 8, 20, msgs[0]!.length - 1]) {
      const decoder = createDecoder();
      expect(() => decoder.apply(msgs[0]!.subarray(0, cut))).toThrow(/malformed codec message/);
      expect(() => decoder.apply(msgs[1]!)).toThrow(/no key message/);
      decoder.apply(msgs[0]!);
      decoder.apply(msgs[1]!);
    }
  });

  it('never crashes on corrupted or random bytes', () => {
    const msgs = stream();
    const next = rng(42);
    for (let trial = 0; trial < 3000; trial++) {
      const decoder = createDecoder();
      const which = trial % msgs.length;
      try {
        for (let i = 0; i < which; i++) decoder.apply(msgs[i]!);
      } catch {
        throw new Error('valid prefix rejected');
      }
      const m = msgs[which]!.slice();
      const flips = 1 + (next() % 4);
      for (let k = 0; k < flips; k++) m[next() % m.length] = next() & 255;
      try {
        decoder.apply(m);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
      }
    }
    for (let trial = 0; trial < 500; trial++) {
      const decoder = createDecoder();
      const m = new Uint8Array(3 + (next() % 64)).map(() => next() & 255);
      if (trial % 2) m.set([0x54, 1, 1], 0);
      try {
        decoder.apply(m);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
      }
    }
  });

  it('rejects a declared size beyond the bound and unknown versions', () => {
    const decoder = createDecoder();
    expect(() => decoder.apply(new Uint8Array([0x54, 9, 1, 5, 1, 1, 0]))).toThrow(/version/);
    expect(() => decoder.apply(new Uint8Array([0x54, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 1, 0]))).toThrow(/size/);
    expect(() => decoder.apply(new Uint8Array([0x54, 1, 1, 5, 0x81, 0x80, 0x01, 1, 0]))).toThrow(/size out of range/);
  });
});
