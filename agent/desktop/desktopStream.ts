// The agent's side of a live desktop: grab -> encode -> send, paced by the link.
//
// A new frame is grabbed only when the previous one has left (the sink's buffer is empty), so a slow link never
// queues stale pictures: whatever happened on screen meanwhile is folded into the next grab, and the latest screen
// wins. While the screen changes the loop runs at up to maxFps; after idleAfterMs without a change it polls at
// idleFps (input from the viewer brings it back to full rate at once). An idle screen sends nothing: the codec
// returns null for an unchanged picture. The cursor goes as its own small frames (shape when it changes, position
// when it moves), never into the picture.
//
// Each codec message goes out as the frame kind the relay needs to know about (server/protocol/desktop.ts): the
// stream's first message and every key message (a new epoch: size change, monitor change, reset) as Keyframe, a
// refresh message (the server asked for one to resynchronise a viewer) as Refresh, everything else as Update.
import { openCapture, type CursorInfo, type Rect, type ScreenCapture } from '../../native/capture.ts';
import { createEncoder, type DesktopEncoder, type EncoderOptions } from '../../native/index.ts';
import { DesktopFrame, frame, MAX_CURSOR_SIDE } from '../../server/protocol/desktop.ts';

export interface FrameSink {
  /** Sends one binary desktop frame ([kind][payload], server/protocol/desktop.ts). */
  send(bytes: Uint8Array): void;
  /**
   * Bytes given to send() that have not arrived yet. A WebSocket's bufferedAmount is a start, but the operating
   * system's socket buffer (megabytes on a fast LAN) hides a slow link behind it: counting the bytes the server has
   * not acknowledged yet is what keeps lag from building up.
   */
  bufferedAmount(): number;
}

export interface DesktopStreamOptions {
  sink: FrameSink;
  /** An open capture (default: openCapture() on $DISPLAY); closed by stop() only when the stream opened it. */
  capture?: ScreenCapture;
  /** Default: createEncoder(encoderOptions), in progressive mode with an adaptive message budget. */
  encoder?: DesktopEncoder;
  encoderOptions?: EncoderOptions;
  /**
   * Fit each message to the link: the encoder's message budget follows the measured drain rate (about
   * budgetMs worth of bytes), so a slow link gets a quick coarse picture that then sharpens. Default on when the
   * stream makes its own encoder.
   */
  adaptiveBudget?: boolean;
  budgetMs?: number;
  /** Monitor index (ScreenCapture.monitors()) or 'all' (default). */
  monitor?: number | 'all';
  maxFps?: number;
  idleFps?: number;
  idleAfterMs?: number;
  /** How often a busy sink is looked at again. */
  busyPollMs?: number;
  /** Called when capturing fails (e.g. the X server went away); the stream has stopped. */
  onError?: (error: Error) => void;
  /** Called when the desktop size or monitor layout changed (the stream keeps going with the new picture). */
  onLayoutChange?: () => void;
}

export interface DesktopStreamStats {
  /** Pictures grabbed and encoded. */
  grabs: number;
  /** Picture frames sent: Keyframe, Update and Refresh (a grab with no change sends none). */
  updates: number;
  keyframes: number;
  refreshes: number;
  cursorShapes: number;
  cursorPositions: number;
  bytes: number;
  /** Ticks that found the previous frame still in the sink (nothing grabbed). */
  busyTicks: number;
}

export class DesktopStream {
  readonly stats: DesktopStreamStats = { grabs: 0, updates: 0, keyframes: 0, refreshes: 0, cursorShapes: 0, cursorPositions: 0, bytes: 0, busyTicks: 0 };
  private readonly capture: ScreenCapture;
  private readonly ownsCapture: boolean;
  private readonly encoder: DesktopEncoder;
  private readonly sink: FrameSink;
  private readonly frameMs: number;
  private readonly idleMs: number;
  private readonly idleAfterMs: number;
  private readonly busyPollMs: number;
  private monitor: number | 'all';
  private regionValue: Rect;
  private layout = -1;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private lastChange = 0;
  /** Until then the screen is polled every INPUT_POLL_MS (input just arrived). */
  private burstUntil = 0;
  /** When the scheduled tick is due. */
  private pendingAt = 0;
  private forceCursorShape = true;
  private lastCursor: { x: number; y: number; visible: boolean; serial: number } | null = null;
  private readonly adaptive: boolean;
  private readonly budgetMs: number;
  private budget = INITIAL_BUDGET;
  private inFlight: { bytes: number; since: number } | null = null;
  /** No picture sent yet: the first one is a Keyframe whatever the encoder says. */
  private first = true;
  /** Estimated link rate in bytes per second (0 until measured). */
  linkRate = 0;

  constructor(private readonly options: DesktopStreamOptions) {
    this.sink = options.sink;
    this.ownsCapture = !options.capture;
    this.capture = options.capture ?? openCapture();
    this.adaptive = options.adaptiveBudget ?? !options.encoder;
    this.budgetMs = clampNumber(options.budgetMs ?? 200, 10, 5000, 'budgetMs');
    this.encoder =
      options.encoder ??
      createEncoder({ ...(this.adaptive ? { maxMessageBytes: INITIAL_BUDGET } : {}), ...options.encoderOptions });
    if (this.adaptive) this.encoder.setMaxMessageBytes(this.budget);
    this.frameMs = 1000 / clampNumber(options.maxFps ?? 30, 1, 120, 'maxFps');
    this.idleMs = 1000 / clampNumber(options.idleFps ?? 5, 0.2, 120, 'idleFps');
    this.idleAfterMs = clampNumber(options.idleAfterMs ?? 1000, 0, 60_000, 'idleAfterMs');
    this.busyPollMs = clampNumber(options.busyPollMs ?? 4, 1, 1000, 'busyPollMs');
    this.monitor = options.monitor ?? 'all';
    this.regionValue = this.resolveRegion();
  }

  /** The part of the desktop being streamed (a monitor or everything): viewer coordinates are relative to it. */
  get region(): Rect {
    return this.regionValue;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastChange = performance.now();
    this.schedule(0);
  }

  /** Stops the loop (and closes the capture if the stream opened it). */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.ownsCapture) this.capture.close();
  }

  /** The monitor being streamed (falls back to 'all' when the chosen one went away). */
  get currentMonitor(): number | 'all' {
    return this.monitor;
  }

  /** Streams another monitor (index of ScreenCapture.monitors()) or 'all'; the next update is a full picture. */
  setMonitor(monitor: number | 'all'): void {
    this.monitor = monitor;
    this.regionValue = this.resolveRegion();
    this.activity();
  }

  /** The next update carries the whole picture with a fresh codec context (a viewer must be resynchronised). */
  requestKeyframe(): void {
    this.encoder.reset();
    this.forceCursorShape = true;
    this.lastCursor = null;
    this.activity();
  }

  /**
   * The server asked for a Refresh (it resynchronised a viewer with a picture of its own): the next message resets
   * the codec context, goes out as a Refresh frame even if nothing changed on screen, and it goes out now.
   */
  refresh(): void {
    this.encoder.refresh();
    this.forceCursorShape = true;
    this.lastCursor = null;
    this.lastChange = performance.now();
    if (this.running && this.timer) this.schedule(0);
  }

  /** Input arrived: something is likely to change, so poll at full rate (and right now if idle). */
  activity(): void {
    const now = performance.now();
    const wasIdle = now - this.lastChange > this.idleAfterMs;
    this.lastChange = now;
    // The application answers input within a few ms, but not before the grab that follows at once: look again
    // every few ms for a short while, so a typed key is on its way in one poll instead of one frame interval. An
    // unchanged grab costs ~2 ms and sends nothing.
    const burst = now + INPUT_BURST_MS;
    if (burst > this.burstUntil) this.burstUntil = burst;
    if (this.running && (wasIdle || !this.timer || this.pendingAt - now > INPUT_POLL_MS)) this.schedule(wasIdle ? 0 : INPUT_POLL_MS);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.pendingAt = performance.now() + ms;
    this.timer = setTimeout(() => this.tick(), ms);
  }

  private resolveRegion(): Rect {
    this.layout = this.capture.layoutVersion();
    const { width, height } = this.capture.size();
    if (this.monitor === 'all') return { x: 0, y: 0, width, height };
    const monitors = this.capture.monitors();
    const m = monitors[this.monitor];
    if (!m) {
      this.monitor = 'all'; // the monitor went away: show everything rather than nothing
      return { x: 0, y: 0, width, height };
    }
    return { x: m.x, y: m.y, width: m.width, height: m.height };
  }

  private tick(): void {
    this.timer = null;
    if (!this.running) return;
    if (this.sink.bufferedAmount() > 0) {
      // The previous frame has not left: grabbing now would only queue a picture that will be stale on arrival.
      this.stats.busyTicks++;
      this.schedule(this.busyPollMs);
      return;
    }
    const started = performance.now();
    if (this.inFlight) this.measure(started);
    try {
      if (this.capture.layoutVersion() !== this.layout) {
        this.regionValue = this.resolveRegion();
        this.options.onLayoutChange?.();
      }
      const picture = this.capture.grab(this.monitor === 'all' ? undefined : this.regionValue);
      if (picture.width !== this.regionValue.width || picture.height !== this.regionValue.height) {
        this.regionValue = { x: picture.x, y: picture.y, width: picture.width, height: picture.height };
      }
      this.stats.grabs++;
      const message = this.encoder.encode(picture.data, picture.width, picture.height, picture.stride, 'bgrx');
      const bytesBefore = this.stats.bytes;
      if (message) {
        const stats = this.encoder.stats();
        const kind = this.first || stats.key ? DesktopFrame.Keyframe : stats.refresh ? DesktopFrame.Refresh : DesktopFrame.Update;
        this.first = false;
        this.send(frame(kind, message));
        this.stats.updates++;
        if (kind === DesktopFrame.Keyframe) this.stats.keyframes++;
        if (kind === DesktopFrame.Refresh) this.stats.refreshes++;
        this.lastChange = performance.now();
      }
      this.sendCursor(this.capture.cursor(this.forceCursorShape));
      this.forceCursorShape = false;
      const sent = this.stats.bytes - bytesBefore;
      if (sent >= MIN_SAMPLE_BYTES) this.inFlight = { bytes: sent, since: performance.now() };
    } catch (error) {
      this.running = false;
      this.options.onError?.(error as Error);
      return;
    }
    const idle = performance.now() - this.lastChange > this.idleAfterMs && this.encoder.isExact();
    const interval = performance.now() < this.burstUntil ? Math.min(INPUT_POLL_MS, this.frameMs) : idle ? this.idleMs : this.frameMs;
    this.schedule(Math.max(0, interval - (performance.now() - started)));
  }

  // The last message has drained: its size over the time it took is a (low) estimate of the link rate.
  private measure(now: number): void {
    const { bytes, since } = this.inFlight!;
    this.inFlight = null;
    const rate = (bytes * 1000) / Math.max(now - since, 1);
    this.linkRate = this.linkRate ? this.linkRate * 0.7 + rate * 0.3 : rate;
    if (!this.adaptive) return;
    const budget = Math.round(Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, (this.linkRate * this.budgetMs) / 1000)));
    if (Math.abs(budget - this.budget) > this.budget * 0.2) {
      this.budget = budget;
      this.encoder.setMaxMessageBytes(budget);
    }
  }

  private sendCursor(cursor: CursorInfo): void {
    const r = this.regionValue;
    if (cursor.shape && cursor.shape.width <= MAX_CURSOR_SIDE && cursor.shape.height <= MAX_CURSOR_SIDE) {
      const s = cursor.shape;
      const payload = new Uint8Array(12 + s.rgba.length);
      const view = new DataView(payload.buffer);
      view.setUint16(0, s.width, true);
      view.setUint16(2, s.height, true);
      view.setUint16(4, Math.min(s.hotX, s.width - 1), true);
      view.setUint16(6, Math.min(s.hotY, s.height - 1), true);
      view.setUint32(8, cursor.serial >>> 0, true);
      payload.set(s.rgba, 12);
      this.send(frame(DesktopFrame.CursorShape, payload));
      this.stats.cursorShapes++;
    }
    const x = cursor.x - r.x, y = cursor.y - r.y;
    const visible = x >= 0 && y >= 0 && x < r.width && y < r.height;
    const last = this.lastCursor;
    if (last && last.x === x && last.y === y && last.visible === visible && last.serial === cursor.serial) return;
    this.lastCursor = { x, y, visible, serial: cursor.serial };
    const payload = new Uint8Array(13);
    const view = new DataView(payload.buffer);
    view.setInt32(0, x, true);
    view.setInt32(4, y, true);
    view.setUint8(8, visible ? 1 : 0);
    view.setUint32(9, cursor.serial >>> 0, true);
    this.send(frame(DesktopFrame.CursorPosition, payload));
    this.stats.cursorPositions++;
  }

  private send(bytes: Uint8Array): void {
    this.stats.bytes += bytes.length;
    this.sink.send(bytes);
  }
}

const INITIAL_BUDGET = 32 * 1024;
const INPUT_BURST_MS = 120;
const INPUT_POLL_MS = 6;
const MIN_BUDGET = 8 * 1024;
const MAX_BUDGET = 4 * 1024 * 1024;
/** Messages smaller than this drain too fast to say anything about the link. */
const MIN_SAMPLE_BYTES = 4 * 1024;

function clampNumber(value: number, min: number, max: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a finite number`);
  return Math.min(max, Math.max(min, value));
}
