// Records a session's desktop stream: a ViewerSink of the session's relay that appends what it receives to the
// session's recording file, and asks the relay for a seek point (a server keyframe at the agent's next refresh)
// every seekEveryMs while the picture changes, so playback can start near any moment.
import { existsSync, renameSync, statSync, truncateSync } from 'node:fs';
import { DesktopFrame } from '../protocol/desktop.ts';
import { RecordKind, type RecordingEvent } from '../protocol/recording.ts';
import type { ViewerSink } from '../relay/desktopRelay.ts';
import { RecordingWriter } from './recordingFile.ts';
import { scanRecording } from './recordingIndex.ts';

export const SEEK_EVERY_MS = 10_000;

export interface RecorderHooks {
  /** Time for a seek point: the relay should send this sink a keyframe at the agent's next refresh. */
  seekPointDue(): void;
  /** Writing failed (e.g. the disk is full): the recorder has stopped; the live stream goes on. */
  failed(error: Error): void;
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

export class Recorder implements ViewerSink {
  private writer: RecordingWriter | null;
  private lastMs: number;
  private lastSeekMs: number;
  private askedAt = 0;

  constructor(
    readonly path: string,
    private hooks: RecorderHooks,
    private seekEveryMs = SEEK_EVERY_MS,
    private clock: () => number = Date.now,
  ) {
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
      return;
    }
    const changesPicture = frame[0] === DesktopFrame.Update || frame[0] === DesktopFrame.Refresh;
    // Ask again if an earlier request went unanswered for a whole period (the agent never refreshed).
    if (changesPicture && t - this.lastSeekMs >= this.seekEveryMs && (this.askedAt === 0 || t - this.askedAt >= this.seekEveryMs)) {
      this.askedAt = t;
      this.hooks.seekPointDue();
    }
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
