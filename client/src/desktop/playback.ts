// Plays a session recording: seek (decode from the seek point at or before the target up to it, painting only the
// target), play at 1-8x by the records' own timestamps, pause. Every record due at the same moment is decoded in one
// batch and painted once. No DOM here: the source, the decoder and the clock are injected, so it is tested with
// fake timers.
import { RecordKind, type RecordingEvent, type RecordingRecord } from '../../../server/protocol/recording.ts';
import { routeFrame, type CursorPosition, type CursorShape } from './frameRouter.ts';
import { clampPosition, delayUntil, positionNow, type Speed } from './timeline.ts';

export interface RecordingSource {
  /** Records from the last seek point at or before `fromMs` (ms since the start) to the end recorded so far. */
  stream(fromMs: number, signal: AbortSignal): AsyncIterable<RecordingRecord>;
}

export interface PlaybackSink {
  frames(frames: ArrayBuffer[], paint: boolean): void;
  reset(): void;
  cursorShape(shape: CursorShape): void;
  cursorPosition(position: CursorPosition): void;
  event?(event: RecordingEvent): void;
}

export interface PlaybackClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type PlaybackStatus = 'idle' | 'seeking' | 'playing' | 'paused' | 'ended' | 'error';

/** Frames handed to the decoder per message while seeking (each with paint: false, except the last). */
export const SEEK_BATCH = 64;

export class Playback {
  private generation = 0;
  private controller: AbortController | null = null;
  private iterator: AsyncIterator<RecordingRecord> | null = null;
  private pending: RecordingRecord | null = null;
  /** The iterator's next() in flight, shared by whichever loop awaits it. */
  private pull: Promise<IteratorResult<RecordingRecord>> | null = null;
  /** The stream has no more records (the end of what was recorded when the seek started). */
  private exhausted = false;
  private anchorMs = 0;
  private anchorWall = 0;
  private playing = false;
  private speedValue: Speed = 1;
  private statusValue: PlaybackStatus = 'idle';
  private errorValue: string | null = null;
  private pumpToken = 0;
  private sleepTimer: unknown = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly recording: { startMs: number; durationMs: number },
    private readonly source: RecordingSource,
    private readonly sink: PlaybackSink,
    private readonly clock: PlaybackClock,
    private readonly onChange: () => void = () => {},
  ) {}

  get status(): PlaybackStatus {
    return this.statusValue;
  }

  get error(): string | null {
    return this.errorValue;
  }

  get speed(): Speed {
    return this.speedValue;
  }

  get duration(): number {
    return this.recording.durationMs;
  }

  /** The current position in ms since the recording's start. */
  get position(): number {
    return this.playing && this.statusValue === 'playing'
      ? positionNow(this.anchorMs, this.anchorWall, this.clock.now(), this.speedValue, this.recording.durationMs)
      : this.anchorMs;
  }

  play(): void {
    if (this.playing) return;
    this.playing = true;
    if (this.statusValue === 'ended' || this.statusValue === 'idle' || this.statusValue === 'error' || !this.iterator) {
      void this.seek(this.statusValue === 'ended' ? 0 : this.anchorMs);
      return;
    }
    if (this.statusValue === 'seeking') return; // playback starts when the seek lands
    this.anchorWall = this.clock.now();
    this.setStatus('playing');
    void this.pump(this.generation);
  }

  pause(): void {
    if (!this.playing) return;
    this.anchorMs = this.position;
    this.playing = false;
    this.interrupt();
    if (this.statusValue === 'playing') this.setStatus('paused');
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: Speed): void {
    this.anchorMs = this.position;
    this.anchorWall = this.clock.now();
    this.speedValue = speed;
    this.interrupt();
    this.onChange();
  }

  /** Shows the picture at `targetMs` (decoding from the seek point before it without painting the way there). */
  async seek(targetMs: number): Promise<void> {
    const target = clampPosition(targetMs, this.recording.durationMs);
    const generation = ++this.generation;
    this.controller?.abort();
    this.interrupt();
    const controller = new AbortController();
    this.controller = controller;
    this.iterator = null;
    this.pending = null;
    this.pull = null;
    this.exhausted = false;
    this.anchorMs = target;
    this.errorValue = null;
    this.setStatus('seeking');
    this.sink.reset();
    let batch: ArrayBuffer[] = [];
    try {
      const iterator = this.source.stream(target, controller.signal)[Symbol.asyncIterator]();
      for (;;) {
        const next = await iterator.next();
        if (generation !== this.generation) return;
        if (next.done) {
          this.sink.frames(batch, true);
          this.anchorMs = this.playing ? this.recording.durationMs : target;
          this.iterator = null;
          this.playing = false;
          this.setStatus('ended');
          return;
        }
        const record = next.value;
        if (record.timeMs - this.recording.startMs > target) {
          this.pending = record;
          this.iterator = iterator;
          break;
        }
        this.apply(record, batch);
        if (batch.length >= SEEK_BATCH) {
          this.sink.frames(batch, false);
          batch = [];
        }
      }
    } catch (e) {
      if (generation !== this.generation) return;
      this.fail(e);
      return;
    }
    this.sink.frames(batch, true);
    this.anchorWall = this.clock.now();
    this.setStatus(this.playing ? 'playing' : 'paused');
    if (this.playing) void this.pump(generation);
  }

  dispose(): void {
    this.generation++;
    this.playing = false;
    this.controller?.abort();
    this.interrupt();
  }

  /**
   * Delivers records as their time comes, while playing and while this seek is current. A pause followed quickly
   * by play can leave an old loop waiting on the same pull as the new one: both await one shared promise and only
   * the first to resume takes its record, so none is lost or taken twice.
   */
  private async pump(generation: number): Promise<void> {
    const token = ++this.pumpToken;
    const current = () => generation === this.generation && token === this.pumpToken && this.playing;
    let batch: ArrayBuffer[] = [];
    try {
      while (current()) {
        if (!this.pending && !this.exhausted) {
          const pull = (this.pull ??= this.iterator!.next());
          const next = await pull;
          if (this.pull === pull) {
            this.pull = null;
            if (next.done) this.exhausted = true;
            else this.pending = next.value;
          }
          continue;
        }
        if (!this.pending) {
          this.sink.frames(batch, true);
          batch = [];
          this.anchorMs = this.recording.durationMs;
          this.playing = false;
          this.iterator = null;
          this.setStatus('ended');
          return;
        }
        const at = this.pending.timeMs - this.recording.startMs;
        const wait = delayUntil(at, this.anchorMs, this.anchorWall, this.clock.now(), this.speedValue);
        if (wait > 0) {
          // Show what is due before waiting for the next record.
          if (batch.length) {
            this.sink.frames(batch, true);
            batch = [];
          }
          await this.sleep(wait);
          continue;
        }
        this.apply(this.pending, batch);
        this.pending = null;
      }
    } catch (e) {
      if (generation === this.generation) this.fail(e);
      return;
    }
    if (batch.length && generation === this.generation) this.sink.frames(batch, true);
  }

  private apply(record: RecordingRecord, batch: ArrayBuffer[]): void {
    if (record.kind === RecordKind.Event) {
      try {
        this.sink.event?.(JSON.parse(new TextDecoder().decode(record.payload)) as RecordingEvent);
      } catch {
        // An event that does not parse changes nothing on screen.
      }
      return;
    }
    const p = record.payload;
    const buffer = p.byteOffset === 0 && p.byteLength === p.buffer.byteLength ? (p.buffer as ArrayBuffer) : p.slice().buffer;
    routeFrame(buffer, {
      codec: (frame) => batch.push(frame),
      cursorShape: (shape) => this.sink.cursorShape(shape),
      cursorPosition: (position) => this.sink.cursorPosition(position),
      malformed: () => {},
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = this.clock.setTimeout(() => {
        this.sleepTimer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  /** Ends a wait early (pause, speed change, seek); the loop re-reads the clock. */
  private interrupt(): void {
    if (this.sleepTimer !== null) this.clock.clearTimeout(this.sleepTimer);
    this.sleepTimer = null;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private fail(e: unknown): void {
    this.playing = false;
    this.errorValue = e instanceof Error ? e.message : String(e);
    this.setStatus('error');
  }

  private setStatus(status: PlaybackStatus): void {
    this.statusValue = status;
    this.onChange();
  }
}
