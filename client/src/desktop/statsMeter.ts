// The numbers in the viewer's stats overlay: pictures painted per second, bytes received per second, decode time
// and round-trip latency, each over a sliding window so the overlay neither jumps nor lags behind a change.

/** Samples (time, value) over the last `windowMs`; old ones fall out as time passes. */
export class SlidingWindow {
  private times: number[] = [];
  private values: number[] = [];
  private total = 0;

  constructor(readonly windowMs: number) {}

  add(t: number, value = 1): void {
    this.times.push(t);
    this.values.push(value);
    this.total += value;
  }

  /** Sum of the values in (now - windowMs, now]. */
  sum(now: number): number {
    this.expire(now);
    return this.total;
  }

  count(now: number): number {
    this.expire(now);
    return this.times.length;
  }

  /** Sum per second over the window. */
  perSecond(now: number): number {
    return (this.sum(now) * 1000) / this.windowMs;
  }

  /** Mean of the values in the window, or null when it is empty. */
  mean(now: number): number | null {
    const n = this.count(now);
    return n === 0 ? null : this.total / n;
  }

  private expire(now: number): void {
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= now - this.windowMs) {
      this.total -= this.values[drop]!;
      drop++;
    }
    if (drop > 0) {
      this.times.splice(0, drop);
      this.values.splice(0, drop);
      if (this.times.length === 0) this.total = 0; // no float drift once empty
    }
  }
}

export interface DesktopStats {
  /** Pictures painted per second. */
  fps: number;
  /** Kilobytes (1000 bytes) of desktop frames received per second. */
  kbps: number;
  /** Last round-trip time of a ping, or null before the first pong. */
  rttMs: number | null;
  /** Mean decode time per codec message over the window, or null. */
  decodeMs: number | null;
  /** Mean time to put a picture on the canvas over the window, or null. */
  paintMs: number | null;
  /** Codec messages decoded and pictures painted since the start. */
  messages: number;
  paints: number;
  bytes: number;
  width: number;
  height: number;
  /** performance.now() of the page when the last paint was reported (glass-to-glass timing), or null. */
  lastPaintAt: number | null;
}

export const STATS_WINDOW_MS = 2000;

export class StatsMeter {
  private paintsWindow = new SlidingWindow(STATS_WINDOW_MS);
  private bytesWindow = new SlidingWindow(STATS_WINDOW_MS);
  private decodeWindow = new SlidingWindow(STATS_WINDOW_MS);
  private paintWindow = new SlidingWindow(STATS_WINDOW_MS);
  private rtt: number | null = null;
  private totals = { messages: 0, paints: 0, bytes: 0 };
  private size = { width: 0, height: 0 };
  private lastPaintAt: number | null = null;

  /** A binary frame arrived from the server. */
  received(t: number, bytes: number): void {
    this.bytesWindow.add(t, bytes);
    this.totals.bytes += bytes;
  }

  /** The worker decoded `messages` codec messages taking `decodeMs` in all, and painted once (taking paintMs). */
  painted(t: number, messages: number, decodeMs: number, width: number, height: number, paintMs = 0): void {
    this.paintsWindow.add(t);
    this.paintWindow.add(t, paintMs);
    this.totals.paints++;
    this.lastPaintAt = t;
    this.decoded(t, messages, decodeMs);
    this.size = { width, height };
  }

  /** Messages decoded without painting (a seek, or frames superseded before a paint). */
  decoded(t: number, messages: number, decodeMs: number): void {
    if (messages <= 0) return;
    this.totals.messages += messages;
    // One sample per message so the mean is per message, not per batch.
    for (let i = 0; i < messages; i++) this.decodeWindow.add(t, decodeMs / messages);
  }

  latency(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.rtt = ms;
  }

  snapshot(now: number): DesktopStats {
    const decode = this.decodeWindow.mean(now);
    const paint = this.paintWindow.mean(now);
    return {
      fps: round1(this.paintsWindow.perSecond(now)),
      kbps: round1(this.bytesWindow.perSecond(now) / 1000),
      rttMs: this.rtt === null ? null : Math.round(this.rtt),
      decodeMs: decode === null ? null : round1(decode),
      paintMs: paint === null ? null : round1(paint),
      ...this.totals,
      ...this.size,
      lastPaintAt: this.lastPaintAt,
    };
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
