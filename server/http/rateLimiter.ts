/**
 * Fixed-window counters per key plus one global counter, in memory. For portal forms and chat: a restart resets
 * them, which only ever helps a legitimate user.
 *
 * The global limit stops only keys that were already counted in this window. Refusing everyone once it is reached
 * would let a few parties (a dozen addresses) lock everyone else out; this way a newcomer still gets its first
 * attempt, and someone spreading a flood over many keys gains one attempt per fresh key and window.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private global = { start: 0, count: 0 };

  constructor(
    private perKey: number,
    private globalLimit: number,
    private windowMs: number,
  ) {}

  /** Counts one attempt; returns the seconds to wait when over a limit (the attempt is then not allowed), else 0. */
  hit(key: string, now = Date.now()): number {
    if (now - this.global.start >= this.windowMs) this.global = { start: now, count: 0 };
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.perKey) return Math.ceil((w.start + this.windowMs - now) / 1000);
    if (this.global.count >= this.globalLimit && w.count > 0) return Math.ceil((this.global.start + this.windowMs - now) / 1000);
    w.count++;
    this.global.count++;
    if (this.windows.size > 100_000) this.prune(now);
    return 0;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
