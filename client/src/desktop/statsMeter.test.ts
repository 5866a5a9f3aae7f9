import { describe, expect, it } from 'vitest';
import { SlidingWindow, StatsMeter, STATS_WINDOW_MS } from './statsMeter.ts';

describe('SlidingWindow', () => {
  it('sums, counts and averages the samples of the last window only', () => {
    const w = new SlidingWindow(1000);
    w.add(0, 10);
    w.add(500, 20);
    w.add(999, 30);
    expect(w.sum(999)).toBe(60);
    expect(w.mean(999)).toBe(20);
    expect(w.perSecond(999)).toBe(60);
    expect(w.sum(1000)).toBe(50); // the sample at 0 is out
    expect(w.count(1600)).toBe(1);
    expect(w.sum(5000)).toBe(0);
    expect(w.mean(5000)).toBeNull();
  });
});

describe('StatsMeter', () => {
  it('reports paints per second, KB/s, mean decode time per message and the last round trip', () => {
    const m = new StatsMeter();
    // 30 paints over 1 s within a 2 s window -> 15 fps; 60 kB in the window -> 30 KB/s.
    for (let i = 0; i < 30; i++) {
      m.received(1000 + i * 33, 2000);
      m.painted(1000 + i * 33, 2, 3, 1920, 1080, 0.5); // 2 messages, 3 ms together; 0.5 ms to paint
    }
    m.latency(23.6);
    const s = m.snapshot(2000);
    expect(s.fps).toBe(15);
    expect(s.kbps).toBe(30);
    expect(s.decodeMs).toBe(1.5);
    expect(s.paintMs).toBe(0.5);
    expect(s.rttMs).toBe(24);
    expect(s.messages).toBe(60);
    expect(s.paints).toBe(30);
    expect(s.bytes).toBe(60_000);
    expect([s.width, s.height]).toEqual([1920, 1080]);
    expect(s.lastPaintAt).toBe(1000 + 29 * 33);
  });

  it('falls to zero when frames stop, keeping the totals', () => {
    const m = new StatsMeter();
    m.received(0, 500);
    m.painted(0, 1, 1, 10, 10);
    const later = m.snapshot(STATS_WINDOW_MS + 1);
    expect(later.fps).toBe(0);
    expect(later.kbps).toBe(0);
    expect(later.decodeMs).toBeNull();
    expect(later.bytes).toBe(500);
    expect(later.rttMs).toBeNull();
    expect(new StatsMeter().snapshot(0).lastPaintAt).toBeNull();
  });

  it('ignores impossible latencies', () => {
    const m = new StatsMeter();
    m.latency(-1);
    m.latency(Number.NaN);
    expect(m.snapshot(0).rttMs).toBeNull();
  });
});
