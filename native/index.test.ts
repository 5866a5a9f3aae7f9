import { describe, expect, it } from 'vitest';
import { changedTiles } from './index.ts';

function frame(width: number, height: number, stride = width * 4, fill = 0): Uint8Array {
  return new Uint8Array(stride * height).fill(fill);
}

describe('changedTiles', () => {
  it('reports nothing for identical frames', () => {
    const a = frame(200, 100);
    expect(Array.from(changedTiles(a, a.slice(), 200, 100))).toEqual([]);
  });

  it('finds the tile of a single changed pixel, including partial edge tiles', () => {
    const width = 130, height = 70; // 3 x 2 tiles of 64, the last column and row partial
    const a = frame(width, height);
    const b = a.slice();
    b[(69 * width + 129) * 4 + 1] = 7; // bottom-right pixel
    expect(Array.from(changedTiles(a, b, width, height))).toEqual([5]);
    b[(0 * width + 64) * 4] = 1; // first row, second tile
    expect(Array.from(changedTiles(a, b, width, height))).toEqual([1, 5]);
  });

  it('ignores padding bytes beyond width * 4 in padded strides', () => {
    const width = 33, height = 9, stride = 33 * 4 + 12;
    const a = frame(width, height, stride);
    const b = a.slice();
    b[stride * 3 + width * 4 + 5] = 99; // padding
    expect(Array.from(changedTiles(a, b, width, height, stride, 16))).toEqual([]);
    b[stride * 8 + 32 * 4] = 1; // last pixel of last row: third (partial) tile of the only tile row
    expect(Array.from(changedTiles(a, b, width, height, stride, 16))).toEqual([2]);
  });

  it('handles a 1x1 frame', () => {
    expect(Array.from(changedTiles(frame(1, 1), frame(1, 1, 4, 3), 1, 1))).toEqual([0]);
  });

  it('rejects buffers smaller than the stated geometry and bad arguments', () => {
    expect(() => changedTiles(frame(10, 10), frame(10, 9), 10, 10)).toThrow(/smaller/);
    expect(() => changedTiles(frame(10, 10), frame(10, 10), 10, 10, 39)).toThrow(/stride/);
    expect(() => changedTiles(frame(10, 10), frame(10, 10), 0, 10)).toThrow(/width/);
    expect(() => changedTiles(frame(10, 10), frame(10, 10), 10, 10, 40, 0)).toThrow(/tileSize/);
  });
});
