// The seek index of a recording file: where its valid records end, when it starts and ends, and where each
// Keyframe record (a seek point) is. Built by reading the file once and then only what was appended since, so a
// player polling a live recording does not make the server re-read hours of video.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, RECORDING_MAGIC, RecordKind, type SeekPoint } from '../protocol/recording.ts';
import { crc } from './recordingFile.ts';

export interface RecordingScan {
  /** Inode of the file scanned (a replaced file is scanned again from the start). */
  ino: number;
  /** End of the last valid record: everything after it (a torn tail) is ignored. */
  validEnd: number;
  /** File size when scanned. */
  size: number;
  records: number;
  /** Wall-clock ms of the first and the last record (0 when there is none). */
  firstMs: number;
  lastMs: number;
  /** Seek points with wall-clock times. */
  keyframes: { timeMs: number; offset: number }[];
}

/** Scans a recording, continuing from an earlier scan of the same file when there is one. Throws if it is not one. */
export function scanRecording(path: string, previous?: RecordingScan): RecordingScan {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    const size = stat.size;
    let scan: RecordingScan;
    if (previous && previous.ino === stat.ino && previous.validEnd <= size) {
      if (previous.size === size) return previous;
      scan = { ...previous, keyframes: previous.keyframes.slice(), size };
    } else {
      const magic = new Uint8Array(RECORDING_MAGIC.length);
      if (readSync(fd, magic, 0, magic.length, 0) !== magic.length || !magic.every((b, i) => b === RECORDING_MAGIC[i]))
        throw new Error(`${path} is not a Tessera recording`);
      scan = { ino: stat.ino, validEnd: RECORDING_MAGIC.length, size, records: 0, firstMs: 0, lastMs: 0, keyframes: [] };
    }
    const header = new Uint8Array(RECORD_HEADER_BYTES);
    const view = new DataView(header.buffer);
    let body = new Uint8Array(64 * 1024);
    let offset = scan.validEnd;
    while (offset + RECORD_HEADER_BYTES <= size) {
      if (readSync(fd, header, 0, RECORD_HEADER_BYTES, offset) !== RECORD_HEADER_BYTES) break;
      const length = view.getUint32(0, true);
      const timeMs = view.getFloat64(8, true);
      const kind = header[16]!;
      if (length > MAX_RECORD_BYTES || offset + RECORD_HEADER_BYTES + length > size) break;
      if (kind < RecordKind.Stream || kind > RecordKind.Event || !Number.isFinite(timeMs) || timeMs < scan.lastMs) break;
      if (body.length < 9 + length) body = new Uint8Array(Math.max(9 + length, body.length * 2));
      body.set(header.subarray(8), 0);
      if (readSync(fd, body, 9, length, offset + RECORD_HEADER_BYTES) !== length) break;
      if (crc(body.subarray(0, 9 + length)) !== view.getUint32(4, true)) break;
      if (scan.records === 0) scan.firstMs = timeMs;
      scan.records++;
      scan.lastMs = timeMs;
      if (kind === RecordKind.Keyframe) scan.keyframes.push({ timeMs, offset });
      offset += RECORD_HEADER_BYTES + length;
    }
    scan.validEnd = offset;
    return scan;
  } finally {
    closeSync(fd);
  }
}

/** Seek points in ms since the recording's start. */
export function seekPoints(scan: RecordingScan): SeekPoint[] {
  return scan.keyframes.map((k) => ({ ms: Math.round(k.timeMs - scan.firstMs), offset: k.offset }));
}

/** The offset to play from for a position (ms since the start): the last seek point at or before it, else the first. */
export function seekOffset(scan: RecordingScan, fromMs: number): number | null {
  if (!scan.keyframes.length) return null;
  const target = scan.firstMs + fromMs;
  let best = scan.keyframes[0]!;
  for (const k of scan.keyframes) {
    if (k.timeMs > target) break;
    best = k;
  }
  return best.offset;
}

/** Scans kept between requests, keyed by path (a small cache: recordings being watched are few). */
export class RecordingScans {
  private scans = new Map<string, RecordingScan>();

  constructor(private limit = 64) {}

  get(path: string): RecordingScan {
    const scan = scanRecording(path, this.scans.get(path));
    this.scans.delete(path);
    this.scans.set(path, scan);
    while (this.scans.size > this.limit) this.scans.delete(this.scans.keys().next().value!);
    return scan;
  }

  forget(path: string): void {
    this.scans.delete(path);
  }
}
