import { describe, expect, it } from 'vitest';
import { createDecoder, createEncoder } from '../../native/index.ts';
import { CodecPicture, encodeKeyframe } from './codecPicture.ts';
import { picture, sameBytes, withRect } from './testing/desktopKit.ts';

const W = 200;
const H = 120;

describe('CodecPicture', () => {
  it('follows the stream and makes keyframes a fresh decoder shows exactly, once per version', () => {
    const pic = new CodecPicture();
    expect(pic.keyframe()).toBeNull();
    const encoder = createEncoder();
    let current = picture(W, H, 1);
    pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
    for (let i = 0; i < 4; i++) {
      current = withRect(current, W, { x: i * 20, y: i * 10, w: 30, h: 30 }, [i * 60, 20, 200]);
      pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
    }
    // a refresh message: the decoder resets its context itself (FORMAT.md flag bit 1)
    encoder.refresh();
    current = withRect(current, W, { x: 150, y: 90, w: 20, h: 20 }, [1, 2, 3]);
    pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);

    const key = pic.keyframe()!;
    expect(pic.keyframe()).toBe(key); // cached: many viewers joining at once cost one encode
    expect(pic.dimensions).toEqual({ width: W, height: H });
    expect(sameBytes(createDecoder().decode(key).rgba, current)).toBe(true);

    current = withRect(current, W, { x: 0, y: 0, w: 5, h: 5 }, [9, 9, 9]);
    pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
    const next = pic.keyframe()!;
    expect(next).not.toBe(key);
    expect(sameBytes(createDecoder().decode(next).rgba, current)).toBe(true);
  });

  it('makes the same bytes as a brand-new encoder (the shared keyframe encoder is reset each time)', () => {
    for (const seed of [1, 1, 2, 3, 3]) {
      const rgba = picture(W, H, seed);
      const fresh = createEncoder({ zstdLevel: 3 }).encode(rgba, W, H, W * 4, 'rgba')!;
      expect(sameBytes(encodeKeyframe(rgba, W, H)!, fresh)).toBe(true);
    }
  });

  it('makes no keyframe from a picture a malformed message may have damaged', () => {
    const pic = new CodecPicture();
    const encoder = createEncoder();
    pic.apply(encoder.encode(picture(W, H, 4), W, H, W * 4, 'rgba')!);
    const update = encoder.encode(picture(W, H, 5), W, H, W * 4, 'rgba')!;
    expect(() => pic.apply(update.subarray(0, update.length - 4))).toThrow();
    expect(pic.keyframe()).toBeNull();
    expect(pic.dimensions).toBeNull();
  });
});
