import { describe, expect, test } from 'vitest';
import { Backoff } from './backoff.ts';

const options = { baseMs: 1_000, capMs: 60_000, resetAfterMs: 30_000 };

describe('Backoff', () => {
  test('the ceiling doubles from the base and stops at the cap', () => {
    const b = new Backoff(options, () => 0.5);
    const ceilings: number[] = [];
    for (let i = 0; i < 10; i++) {
      ceilings.push(b.ceiling());
      b.next();
    }
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  test('full jitter: each delay is random * ceiling, within [0, ceiling)', () => {
    expect(new Backoff(options, () => 0).next()).toBe(0);
    expect(new Backoff(options, () => 0.5).next()).toBe(500);
    // random() never reaches 1, but even a misbehaving source cannot push a delay to the ceiling or past it
    expect(new Backoff(options, () => 1).next()).toBe(999);
    expect(new Backoff(options, () => 7).next()).toBe(999);
    expect(new Backoff(options, () => -3).next()).toBe(0);
    const b = new Backoff(options);
    for (let i = 0; i < 2_000; i++) {
      const ceiling = b.ceiling();
      const delay = b.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceiling);
      expect(Number.isInteger(delay)).toBe(true);
    }
    // after thousands of attempts the cap still holds (no overflow to Infinity or NaN)
    expect(b.ceiling()).toBe(60_000);
  });

  test('the delays are spread out, not all the same', () => {
    const b = new Backoff({ ...options, baseMs: 60_000 });
    const delays = new Set(Array.from({ length: 50 }, () => b.next()));
    expect(delays.size).toBeGreaterThan(40);
  });

  test('a connection that lasted resets the sequence; a short one does not', () => {
    const b = new Backoff(options, () => 0.999);
    for (let i = 0; i < 5; i++) b.next();
    expect(b.ceiling()).toBe(32_000);
    b.connectionEnded(29_999);
    expect(b.ceiling()).toBe(32_000);
    expect(b.attempts).toBe(5);
    b.connectionEnded(30_000);
    expect(b.attempts).toBe(0);
    expect(b.ceiling()).toBe(1_000);
    expect(b.next()).toBe(999);
  });

  test('refuses nonsense options', () => {
    expect(() => new Backoff({ baseMs: 0, capMs: 10, resetAfterMs: 1 })).toThrow(/baseMs/);
    expect(() => new Backoff({ baseMs: 100, capMs: 10, resetAfterMs: 1 })).toThrow(/capMs/);
  });
});
