/**
 * Limits wrong access-code guesses so that nobody can brute-force a 6-digit code, without letting anyone lock the
 * portal's code box for everyone.
 *
 * Only wrong codes count (a right one is used up at once). Per window:
 * - an address gets `perAddress` wrong codes, a network (/24 for IPv4, /64 for IPv6: one party's block) `perNetwork`;
 * - past `global` wrong codes server-wide, the server is under a spread-out attack. Refusing everyone then would hand
 *   the attacker a denial of service (12 addresses used to be enough), so instead the global limit only refuses
 *   addresses and networks that have guessed wrong in this window. A customer from a clean network still gets in
 *   with the code their engineer read out; the attacker gets one more guess per fresh network, which bounds a
 *   brute force by the number of networks it controls rather than by how hard it tries.
 * The redeeming lookup is synchronous, so a check and its count can't be raced by parallel requests.
 */
export class CodeGuessLimiter {
  private counts = new Map<string, { start: number; count: number }>();
  private globalCount = { start: 0, count: 0 };

  constructor(
    private limits: { perAddress: number; perNetwork: number; global: number; windowMs: number },
  ) {}

  /** Seconds to wait before this address may try a code, or 0. */
  wait(address: string, now = Date.now()): number {
    const mine = this.current(`a:${address}`, now);
    const net = this.current(`n:${networkOf(address)}`, now);
    const secondsLeft = (w: { start: number }) => Math.max(1, Math.ceil((w.start + this.limits.windowMs - now) / 1000));
    if (mine && mine.count >= this.limits.perAddress) return secondsLeft(mine);
    if (net && net.count >= this.limits.perNetwork) return secondsLeft(net);
    const global = this.globalWindow(now);
    if (global.count >= this.limits.global && (mine || net)) return secondsLeft(global);
    return 0;
  }

  /** Counts a wrong code from this address. */
  failed(address: string, now = Date.now()): void {
    for (const key of [`a:${address}`, `n:${networkOf(address)}`]) {
      let w = this.current(key, now);
      if (!w) this.counts.set(key, (w = { start: now, count: 0 }));
      w.count++;
    }
    this.globalWindow(now).count++;
    if (this.counts.size > 100_000) this.prune(now);
  }

  private current(key: string, now: number) {
    const w = this.counts.get(key);
    return w && now - w.start < this.limits.windowMs ? w : undefined;
  }

  private globalWindow(now: number) {
    if (now - this.globalCount.start >= this.limits.windowMs) this.globalCount = { start: now, count: 0 };
    return this.globalCount;
  }

  private prune(now: number): void {
    for (const [key, w] of this.counts) if (now - w.start >= this.limits.windowMs) this.counts.delete(key);
  }
}

/** The network an address belongs to for rate limiting: its /24 (IPv4) or /64 (IPv6). */
export function networkOf(address: string): string {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.\d+$/i.exec(address);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
