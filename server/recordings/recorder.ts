// Records a session's desktop stream: a ViewerSink of the session's relay that appends what it receives to the
// session's recording file, and asks the relay for seek points (a server keyframe at the agent's next refresh), so
// playback can start near any moment.
//
// A seek point costs the server a full-picture encode (15-70 ms of CPU at 1080p), so they are spaced by what they
// save: playback seeks by decoding from the seek point before the target, so one is due once the stream since the
// last one would take long to decode (SEEK_DECODE_MS of the server's decoding, the browser's being within about 2x)
// or to download (SEEK_BYTES), and at least every SEEK_MAX_MS while the picture changes; never closer than the
// configured minimum. A screen with typing gets few, full-screen scrolling one per minimum interval.
import { existsSync, renameSync, statSync, truncateSync } from 'node:fs';
import { DesktopFrame } from '../protocol/desktop.ts';
import { RecordKind, type RecordingEvent } from '../protocol/recording.ts';
import type { ViewerSink } from '../relay/desktopRelay.ts';
import { RecordingWriter } from './recordingFile.ts';
import { scanRecording } from './recordingIndex.ts';

export const SEEK_EVERY_MS = 10_000;
/** Decoding the stream since the last seek point would take the server this long (ms): time for the next one. */
export const SEEK_DECODE_MS = 200;
/** Per message, what decoding does not measure: handing it to the decoder in the browser (ms). */
export const SEEK_MESSAGE_MS = 0.02;
export const SEEK_BYTES = 4 * 1024 * 1024;
export const SEEK_MAX_MS = 10 * 60_000;

export interface RecorderHooks {
  /** Time for a seek point: the relay should send this sink a keyframe at the agent's next refresh. */
  seekPointDue(): void;
  /** Writing failed (e.g. the disk is full): the recorder has stopped; the live stream goes on. */
  failed(error: Error): void;
  /** Milliseconds the server has spent decoding this stream so far (absent: a seek point every seekEveryMs). */
  decodeWorkMs?(): number;
}

/**
 * Opens a recording for appending. A tail torn by a crash is cut off first (appending after it would hide every
 * later record from readers, which stop at the first bad one); a file that is not a recording at all is moved aside.
 * Returns the writer and the time of the last record in the file (new records must not be earlier).
 */
function openForAppend(path: string): { writer: RecordingWriter; lastMs: number } {
  let lastMs = 0;
  if (existsSync(path) && statSync(path).size > 0) {
    try {
      const scan = scanRecording(path);
      if (scan.validEnd < scan.size) truncateSync(path, scan.validEnd);
      lastMs = scan.lastMs;
    } catch {
      renameSync(path, `${path}.unreadable-${Date.now()}`);
    }
  }
  return { writer: new RecordingWriter(path), lastMs };
}

export interface RecorderOptions {
  /** Least time between seek points. */
  seekEveryMs?: number;
  /** Decoding work that makes a seek point due (0: every seekEveryMs while the picture changes). */
  seekDecodeMs?: number;
  clock?: () => number;
}

export class Recorder implements ViewerSink {
  private writer: RecordingWriter | null;
  private lastMs: number;
  private lastSeekMs: number;
  private askedAt = 0;
  /** Since the last seek point: decoding work as it stood then, messages and bytes. */
  private workAtSeek = 0;
  private messagesSince = 0;
  private bytesSince = 0;

  private readonly seekEveryMs: number;
  private readonly seekDecodeMs: number;
  private readonly clock: () => number;

  constructor(
    readonly path: string,
    private hooks: RecorderHooks,
    options: RecorderOptions = {},
  ) {
    this.seekEveryMs = options.seekEveryMs ?? SEEK_EVERY_MS;
    this.seekDecodeMs = options.seekDecodeMs ?? SEEK_DECODE_MS;
    this.clock = options.clock ?? Date.now;
    const { writer, lastMs } = openForAppend(path);
    this.writer = writer;
    this.lastMs = lastMs;
    this.lastSeekMs = this.now();
  }

  get open(): boolean {
    return this.writer !== null;
  }

  /** The file never holds back the stream: a recorder is never behind. */
  buffered(): number {
    return 0;
  }

  send(frame: Uint8Array, keyframe: boolean): void {
    const t = this.now();
    if (!this.append(t, keyframe ? RecordKind.Keyframe : RecordKind.Stream, frame)) return;
    if (keyframe) {
      this.lastSeekMs = t;
      this.askedAt = 0;
      this.workAtSeek = this.hooks.decodeWorkMs?.() ?? 0;
      this.messagesSince = this.bytesSince = 0;
      return;
    }
    const changesPicture = frame[0] === DesktopFrame.Update || frame[0] === DesktopFrame.Refresh;
    if (!changesPicture) return;
    this.messagesSince++;
    this.bytesSince += frame.byteLength;
    if (t - this.lastSeekMs < this.seekEveryMs || !this.seekWorthIt(t)) return;
    // Ask again if an earlier request went unanswered for a whole period (the agent never refreshed).
    if (this.askedAt === 0 || t - this.askedAt >= this.seekEveryMs) {
      this.askedAt = t;
      this.hooks.seekPointDue();
    }
  }

  /** Whether seeking into the stream since the last seek point would cost enough to pay for a new one. */
  private seekWorthIt(t: number): boolean {
    if (!this.hooks.decodeWorkMs || this.seekDecodeMs === 0) return true;
    const work = this.hooks.decodeWorkMs() - this.workAtSeek + this.messagesSince * SEEK_MESSAGE_MS;
    return work >= this.seekDecodeMs || this.bytesSince >= SEEK_BYTES || t - this.lastSeekMs >= SEEK_MAX_MS;
  }

  event(event: RecordingEvent): void {
    this.append(this.now(), RecordKind.Event, new TextEncoder().encode(JSON.stringify(event)));
  }

  close(): void {
    this.writer?.close();
    this.writer = null;
  }

  private now(): number {
    // Wall-clock time, but never earlier than the last record (a clock step back would make readers stop there).
    this.lastMs = Math.max(this.clock(), this.lastMs);
    return this.lastMs;
  }

  private append(t: number, kind: RecordKind, payload: Uint8Array): boolean {
    if (!this.writer) return false;
    try {
      this.writer.append(t, kind, payload);
      return true;
    } catch (error) {
      this.close();
      this.hooks.failed(error as Error);
      return false;
    }
  }
}
