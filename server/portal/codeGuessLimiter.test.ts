import { describe, expect, it } from 'vitest';
import { CodeGuessLimiter, networkOf } from './codeGuessLimiter.ts';

describe('access-code guess limits', () => {
  const limits = { perAddress: 2, perNetwork: 3, global: 4, windowMs: 60_000 };

  it('counts wrong codes per address, per network and server-wide; the global count only stops those who failed', () => {
    const l = new CodeGuessLimiter(limits);
    const t = 1_000_000;
    expect(l.wait('198.51.100.1', t)).toBe(0);
    l.failed('198.51.100.1', t);
    l.failed('198.51.100.1', t);
    expect(l.wait('198.51.100.1', t + 10_000)).toBe(50);
    l.failed('198.51.100.2', t); // third of that /24
    expect(l.wait('198.51.100.3', t)).toBe(60);
    l.failed('203.0.113.1', t); // fourth overall
    expect(l.wait('192.0.2.1', t)).toBe(0); // clean network: still allowed
    l.failed('192.0.2.1', t);
    expect(l.wait('192.0.2.1', t)).toBe(60); // under the per-address limit, but it failed while the server is under attack
    expect(l.wait('192.0.2.200', t)).toBe(60);
    // A new window forgets all.
    expect(l.wait('198.51.100.1', t + 60_000)).toBe(0);
    expect(l.wait('192.0.2.1', t + 60_000)).toBe(0);
  });

  it('groups addresses by /24 and /64', () => {
    expect(networkOf('198.51.100.77')).toBe('198.51.100.0/24');
    expect(networkOf('::ffff:198.51.100.77')).toBe('198.51.100.0/24');
    expect(networkOf('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
    expect(networkOf('local')).toBe('local');
  });
});
