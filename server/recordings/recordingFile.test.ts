import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAGIC, readRecording, RecordingWriter, RecordKind } from './recordingFile.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fresh = () => join(mkdtempSync(join(tmpdir(), 'tessera-rec-')), 'session.tsrec');
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

describe('recording file', () => {
  it('round-trips records and reopens for appending', () => {
    const path = fresh();
    const w = new RecordingWriter(path);
    w.append(0, RecordKind.Keyframe, bytes(1000, 1));
    w.append(100, RecordKind.Stream, bytes(10, 2));
    w.append(100, RecordKind.Event, new TextEncoder().encode('{"cursor":[1,2]}'));
    w.close();
    const again = new RecordingWriter(path);
    again.append(250.5, RecordKind.Stream, new Uint8Array(0));
    again.close();
    const { records, ignoredTailBytes } = readRecording(path);
    expect(ignoredTailBytes).toBe(0);
    expect(records.map((r) => [r.timeMs, r.kind, r.payload.length])).toEqual([
      [0, RecordKind.Keyframe, 1000],
      [100, RecordKind.Stream, 10],
      [100, RecordKind.Event, 16],
      [250.5, RecordKind.Stream, 0],
    ]);
    expect(records[0]!.payload).toEqual(bytes(1000, 1));
    expect(records[0]!.offset).toBe(MAGIC.length);
  });

  it('ignores a torn tail at every possible cut and keeps everything before it', () => {
    const path = fresh();
    const w = new RecordingWriter(path);
    w.append(0, RecordKind.Stream, bytes(50, 1));
    const second = w.append(10, RecordKind.Stream, bytes(50, 2));
    w.close();
    const full = readFileSync(path);
    for (let cut = second; cut < full.length; cut++) {
      writeFileSync(path, full.subarray(0, cut));
      const { records, ignoredTailBytes } = readRecording(path);
      expect(records.length, `cut at ${cut}`).toBe(1);
      expect(ignoredTailBytes).toBe(cut - second);
    }
  });

  it('stops at a flipped bit, an absurd length, an unknown kind or time going backwards', () => {
    const path = fresh();
    const w = new RecordingWriter(path);
    w.append(0, RecordKind.Stream, bytes(40, 1));
    const second = w.append(5, RecordKind.Stream, bytes(40, 2));
    w.close();
    const full = new Uint8Array(readFileSync(path));
    const mutate = (f: (b: Uint8Array, v: DataView) => void) => {
      const copy = full.slice();
      f(copy, new DataView(copy.buffer));
      writeFileSync(path, copy);
      return readRecording(path).records.length;
    };
    expect(mutate((b) => (b[second + 17 + 3]! ^= 0x10))).toBe(1); // payload bit
    expect(mutate((_, v) => v.setUint32(second, 0xffffffff, true))).toBe(1); // length
    expect(mutate((b) => (b[second + 16] = 99))).toBe(1); // kind
    expect(mutate((_, v) => v.setFloat64(second + 8, -1, true))).toBe(1); // time
    expect(mutate((_, v) => v.setFloat64(second + 8, Number.NaN, true))).toBe(1);
    expect(mutate(() => {})).toBe(2);
  });

  it('refuses files that are not recordings, and bad records on write', () => {
    const path = fresh();
    writeFileSync(path, 'hello world');
    expect(() => readRecording(path)).toThrow(/not a Tessera recording/);
    const empty = fresh();
    writeFileSync(empty, '');
    expect(() => readRecording(empty)).toThrow(/not a Tessera recording/);
    const w = new RecordingWriter(fresh());
    expect(() => w.append(-5, RecordKind.Stream, new Uint8Array(1))).toThrow(/non-negative/);
    expect(() => w.append(Number.NaN, RecordKind.Stream, new Uint8Array(1))).toThrow();
    w.close();
  });

  it('plays everything up to the last complete record after a kill -9 mid-recording', async () => {
    const path = fresh();
    const script = `
      import { RecordingWriter, RecordKind } from ${JSON.stringify(join(here, 'recordingFile.ts'))};
      const w = new RecordingWriter(${JSON.stringify(path)});
      const payload = new Uint8Array(3000).fill(7);
      for (let i = 0; ; i++) { w.append(i, RecordKind.Stream, payload); process.stdout.write(i + '\\n'); }
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = -1;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line) acknowledged = Math.max(acknowledged, Number(line));
        if (acknowledged >= 500) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    // simulate the write that was in flight: half a record
    appendFileSync(path, new Uint8Array(1234).fill(1));
    const { records, ignoredTailBytes } = readRecording(path);
    expect(records.length).toBeGreaterThan(acknowledged);
    expect(ignoredTailBytes).toBeGreaterThan(0);
    records.forEach((r, i) => expect(r.timeMs).toBe(i));
    truncateSync(path, records.at(-1)!.offset + 17 + 3000);
    expect(readRecording(path).ignoredTailBytes).toBe(0);
  });
});
