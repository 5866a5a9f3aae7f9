import { describe, expect, it } from 'vitest';
import { delayUntil, formatTime, fractionOf, keyTarget, LONG_STEP_MS, positionAt, positionNow, SHORT_STEP_MS } from './timeline.ts';

describe('timeline', () => {
  it('formats times', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(7_999)).toBe('0:07');
    expect(formatTime(754_000)).toBe('12:34');
    expect(formatTime(3_723_000)).toBe('1:02:03');
    expect(formatTime(-5)).toBe('0:00');
    expect(formatTime(Number.NaN)).toBe('0:00');
  });

  it('maps a pointer to a position, clamped to the recording', () => {
    const box = { left: 100, width: 400 };
    expect(positionAt(100, box, 60_000)).toBe(0);
    expect(positionAt(300, box, 60_000)).toBe(30_000);
    expect(positionAt(500, box, 60_000)).toBe(60_000);
    expect(positionAt(20, box, 60_000)).toBe(0);
    expect(positionAt(900, box, 60_000)).toBe(60_000);
    expect(positionAt(300, { left: 0, width: 0 }, 60_000)).toBe(0);
    expect(fractionOf(15_000, 60_000)).toBe(0.25);
    expect(fractionOf(5, 0)).toBe(0);
  });

  it('steps with the keyboard', () => {
    expect(keyTarget('ArrowRight', false, 10_000, 60_000)).toBe(10_000 + SHORT_STEP_MS);
    expect(keyTarget('ArrowLeft', false, 2_000, 60_000)).toBe(0);
    expect(keyTarget('ArrowRight', true, 10_000, 600_000)).toBe(10_000 + LONG_STEP_MS);
    expect(keyTarget('PageUp', false, 59_000, 60_000)).toBe(60_000);
    expect(keyTarget('Home', false, 30_000, 60_000)).toBe(0);
    expect(keyTarget('End', false, 30_000, 60_000)).toBe(60_000);
    expect(keyTarget('a', false, 30_000, 60_000)).toBeNull();
  });

  it('computes the playing position and the wait for the next record at any speed', () => {
    expect(positionNow(10_000, 1000, 3000, 1, 60_000)).toBe(12_000);
    expect(positionNow(10_000, 1000, 3000, 8, 60_000)).toBe(26_000);
    expect(positionNow(59_000, 0, 5000, 2, 60_000)).toBe(60_000);
    expect(delayUntil(14_000, 10_000, 1000, 1000, 1)).toBe(4000);
    expect(delayUntil(14_000, 10_000, 1000, 1000, 4)).toBe(1000);
    expect(delayUntil(14_000, 10_000, 1000, 9000, 1)).toBe(0);
  });
});
