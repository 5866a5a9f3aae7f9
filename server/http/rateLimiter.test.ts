import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimiter.ts';

describe('RateLimiter', () => {
  it('limits each key, and past the global limit only keys already counted: a few parties cannot lock out everyone', () => {
    const l = new RateLimiter(2, 3, 60_000);
    const t = 5_000_000;
    expect(l.hit('a', t)).toBe(0);
    expect(l.hit('a', t)).toBe(0);
    expect(l.hit('a', t + 30_000)).toBe(30); // its own limit
    expect(l.hit('b', t)).toBe(0); // the global count is now reached
    expect(l.hit('b', t + 1_000)).toBe(59);
    expect(l.hit('c', t + 1_000)).toBe(0); // a newcomer still gets its first attempt
    expect(l.hit('c', t + 1_000)).toBe(59); // but only that one
    // A new window forgets all.
    expect(l.hit('a', t + 60_000)).toBe(0);
    expect(l.hit('b', t + 60_000)).toBe(0);
  });
});
