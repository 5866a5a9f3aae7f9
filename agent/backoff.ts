// Reconnect delays: capped exponential backoff with full jitter (a uniform delay in [0, ceiling)), so a
// fleet of agents that lost the server at the same moment does not come back at the same moment.

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  capMs: number;
  /** A connection that stayed up at least this long counts as healthy: the next retry starts from baseMs. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 60_000, resetAfterMs: 30_000 };

export class Backoff {
  private attempt = 0;

  constructor(
    readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {
    if (!(options.baseMs > 0) || !(options.capMs >= options.baseMs))
      throw new Error('backoff needs 0 < baseMs <= capMs');
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The upper bound of the next delay: min(cap, base * 2^attempt). */
  ceiling(): number {
    // 2^31 * base is far past any cap; stop doubling there so the number never overflows to Infinity.
    return Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(this.attempt, 31));
  }

  /** The delay before the next attempt, in whole milliseconds. */
  next(): number {
    const r = Math.min(Math.max(this.random(), 0), 1 - Number.EPSILON);
    const delay = Math.floor(r * this.ceiling());
    this.attempt++;
    return delay;
  }

  /** A connection ended after being up for `lastedMs`; a long-lived one resets the sequence. */
  connectionEnded(lastedMs: number): void {
    if (lastedMs >= this.options.resetAfterMs) this.reset();
  }

  reset(): void {
    this.attempt = 0;
  }
}
