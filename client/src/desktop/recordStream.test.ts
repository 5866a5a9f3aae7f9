import { describe, expect, it } from 'vitest';
import { encodeRecord, RecordKind } from '../../../server/protocol/recording.ts';
import { readRecords, RecordStreamParser } from './recordStream.ts';

const rec = (t: number, bytes: number[]) => encodeRecord(t, RecordKind.Stream, new Uint8Array(bytes));
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('RecordStreamParser', () => {
  it('yields each record once its last byte is in, whatever the chunking', () => {
    const bytes = join(rec(1, [1, 2, 3]), rec(2, [4]), rec(3, new Array(100).fill(7)));
    for (const size of [1, 5, 17, 18, 64, bytes.length]) {
      const p = new RecordStreamParser();
      const got: number[] = [];
      for (let i = 0; i < bytes.length; i += size) for (const r of p.push(bytes.subarray(i, i + size))) got.push(r.timeMs);
      expect(got).toEqual([1, 2, 3]);
      expect(p.pending).toBe(0);
      expect(p.broken).toBe(false);
    }
  });

  it('keeps an incomplete tail pending (a torn end) and stops for good at a corrupt record', () => {
    const good = rec(1, [1]);
    const bad = rec(2, [2, 2]);
    bad[bad.length - 1] = bad.at(-1)! ^ 0xff; // checksum no longer matches
    const p = new RecordStreamParser();
    expect(p.push(join(good, rec(5, [9, 9, 9]).subarray(0, 19))).map((r) => r.timeMs)).toEqual([1]);
    expect(p.pending).toBe(19);
    const q = new RecordStreamParser();
    expect(q.push(join(good, bad, rec(3, [3]))).map((r) => r.timeMs)).toEqual([1]);
    expect(q.broken).toBe(true);
    expect(q.push(rec(4, [4]))).toEqual([]);
  });

  it('gives payloads that stay valid after later chunks', () => {
    const p = new RecordStreamParser();
    const [a] = p.push(rec(1, [10, 11]));
    p.push(rec(2, [12]));
    expect(Array.from(a!.payload)).toEqual([10, 11]);
  });
});

describe('readRecords', () => {
  it('reads a response body as it streams', async () => {
    const bytes = join(rec(1, [1]), rec(2, [2]), rec(3, [3]));
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, 10));
        c.enqueue(bytes.subarray(10, 30));
        c.enqueue(bytes.subarray(30));
        c.close();
      },
    });
    const got: number[] = [];
    for await (const r of readRecords(body)) got.push(r.timeMs);
    expect(got).toEqual([1, 2, 3]);
  });
});
