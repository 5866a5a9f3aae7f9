import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopFrame, frame } from '../../../server/protocol/desktop.ts';
import { RecordKind, type RecordingRecord } from '../../../server/protocol/recording.ts';
import { Playback, SEEK_BATCH, type PlaybackSink, type RecordingSource } from './playback.ts';

const START = 1_700_000_000_000;

/** A recording with one update per `stepMs`, a keyframe every `keyEveryMs`; payload byte 1 = the record's second. */
function recording(durationMs: number, stepMs = 1000, keyEveryMs = 10_000): RecordingRecord[] {
  const out: RecordingRecord[] = [];
  for (let t = 0; t <= durationMs; t += stepMs) {
    const key = t % keyEveryMs === 0;
    const payload = frame(key ? DesktopFrame.Keyframe : DesktopFrame.Update, new Uint8Array([t / stepMs, 0]));
    out.push({ timeMs: START + t, kind: key ? RecordKind.Keyframe : RecordKind.Stream, payload, offset: 0 });
  }
  return out;
}

/** Serves records like the server: from the last keyframe at or before `from`. */
function source(records: RecordingRecord[]) {
  const calls: { from: number; signal: AbortSignal }[] = [];
  const src: RecordingSource = {
    stream(from, signal) {
      calls.push({ from, signal });
      let first = 0;
      records.forEach((r, i) => {
        if (r.kind === RecordKind.Keyframe && r.timeMs - START <= from) first = i;
      });
      return (async function* () {
        for (const r of records.slice(first)) {
          await Promise.resolve();
          if (signal.aborted) throw new Error('aborted');
          yield r;
        }
      })();
    },
  };
  return { src, calls };
}

function sink() {
  const log = { batches: [] as { ids: number[]; paint: boolean }[], resets: 0, cursors: 0 };
  const s: PlaybackSink = {
    frames: (frames, paint) => log.batches.push({ ids: frames.map((f) => new Uint8Array(f)[1]!), paint }),
    reset: () => log.resets++,
    cursorShape: () => log.cursors++,
    cursorPosition: () => log.cursors++,
  };
  return { s, log };
}

const clock = { now: () => Date.now(), setTimeout: (cb: () => void, ms: number) => setTimeout(cb, ms), clearTimeout: (h: unknown) => clearTimeout(h as number) };
const painted = (log: ReturnType<typeof sink>['log']) => log.batches.filter((b) => b.paint && b.ids.length).map((b) => b.ids);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

describe('Playback', () => {
  it('seeks by decoding from the seek point before the target up to it, painting once', async () => {
    const { src, calls } = source(recording(60_000));
    const { s, log } = sink();
    const p = new Playback({ startMs: START, durationMs: 60_000 }, src, s, clock);
    await p.seek(25_500);
    expect(calls[0]!.from).toBe(25_500);
    expect(log.resets).toBe(1);
    expect(log.batches).toEqual([{ ids: [20, 21, 22, 23, 24, 25], paint: true }]);
    expect(p.position).toBe(25_500);
    expect(p.status).toBe('paused');
  });

  it('hands a long way to the target over in batches without painting until the last', async () => {
    const { src } = source(recording(200_000, 1000, 1_000_000));
    const { s, log } = sink();
    const p = new Playback({ startMs: START, durationMs: 200_000 }, src, s, clock);
    await p.seek(150_000);
    const paints = log.batches.map((b) => b.paint);
    expect(paints.slice(0, -1).every((x) => !x)).toBe(true);
    expect(paints.at(-1)).toBe(true);
    expect(log.batches[0]!.ids).toHaveLength(SEEK_BATCH);
    expect(log.batches.flatMap((b) => b.ids)).toEqual(Array.from({ length: 151 }, (_, i) => i));
  });

  it('plays records at their time, faster at higher speeds', async () => {
    const { src } = source(recording(60_000));
    const { s, log } = sink();
    const p = new Playback({ startMs: START, durationMs: 60_000 }, src, s, clock);
    await p.seek(30_000);
    p.play();
    await vi.advanceTimersByTimeAsync(999);
    expect(painted(log)).toEqual([[30]]); // only the seek's picture so far
    await vi.advanceTimersByTimeAsync(1);
    expect(painted(log).at(-1)).toEqual([31]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(painted(log).at(-1)).toEqual([32]);
    expect(p.position).toBe(32_000);
    p.setSpeed(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(painted(log).flat().slice(-4)).toEqual([33, 34, 35, 36]);
    expect(p.position).toBe(36_000);
  });

  it('pauses and resumes where it was', async () => {
    const { src } = source(recording(60_000));
    const { s, log } = sink();
    const p = new Playback({ startMs: START, durationMs: 60_000 }, src, s, clock);
    await p.seek(0);
    p.play();
    await vi.advanceTimersByTimeAsync(2500);
    p.pause();
    expect(p.status).toBe('paused');
    expect(p.position).toBe(2500);
    const before = log.batches.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.batches.length).toBe(before);
    expect(p.position).toBe(2500);
    p.play();
    p.pause();
    p.play(); // a quick pause/play must not lose or repeat a record
    await vi.advanceTimersByTimeAsync(1500);
    expect(painted(log).flat()).toEqual([0, 1, 2, 3, 4]);
  });

  it('ends at the end of the recording and starts over on play', async () => {
    const { src } = source(recording(5000));
    const { s, log } = sink();
    const p = new Playback({ startMs: START, durationMs: 5000 }, src, s, clock);
    await p.seek(0);
    p.play();
    await vi.advanceTimersByTimeAsync(6000);
    expect(p.status).toBe('ended');
    expect(p.position).toBe(5000);
    expect(painted(log).flat()).toEqual([0, 1, 2, 3, 4, 5]);
    p.play();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.status).toBe('playing');
    expect(p.position).toBe(0);
  });

  it('a seek while playing abandons the old stream and plays on from the new place', async () => {
    const { src, calls } = source(recording(60_000));
    const { s, log } = sink();
    const p = new Playback({ startMs: START, durationMs: 60_000 }, src, s, clock);
    await p.seek(0);
    p.play();
    await vi.advanceTimersByTimeAsync(1000);
    await p.seek(45_000);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(p.status).toBe('playing');
    expect(log.batches.at(-1)).toEqual({ ids: [40, 41, 42, 43, 44, 45], paint: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(painted(log).at(-1)).toEqual([46]);
  });

  it('routes cursor records to the overlay, not the decoder, and clamps seeks to the recording', async () => {
    const records = recording(3000);
    records.splice(2, 0, { timeMs: START + 1500, kind: RecordKind.Stream, payload: frame(DesktopFrame.CursorPosition, new Uint8Array(13)), offset: 0 });
    const { src, calls } = source(records);
    const { s, log } = sink();
    const p = new Playback({ startMs: START, durationMs: 3000 }, src, s, clock);
    await p.seek(99_000);
    expect(calls[0]!.from).toBe(3000);
    expect(log.cursors).toBe(1);
    expect(log.batches.flatMap((b) => b.ids)).toEqual([0, 1, 2, 3]);
  });

  it('reports a stream that fails', async () => {
    const src: RecordingSource = {
      stream: () =>
        (async function* () {
          yield* [];
          throw new Error('network down');
        })(),
    };
    const { s } = sink();
    const p = new Playback({ startMs: START, durationMs: 3000 }, src, s, clock);
    await p.seek(0);
    expect(p.status).toBe('error');
    expect(p.error).toBe('network down');
  });
});
