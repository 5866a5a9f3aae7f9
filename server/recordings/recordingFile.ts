// The on-disk recording of a session's desktop stream: an append-only file of self-checking records.
//
//   file   = "TSREC1\n" record*
//   record = u32 length | u32 crc32 | f64 timeMs | u8 kind | payload[length]     (little-endian)
//
// crc32 covers timeMs, kind and the payload. A record is only trusted when its whole body is present and its
// checksum matches, so a tail torn by a crash (kill -9 mid-write) is detected and ignored, and the rest plays.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { encodeRecord, MAX_RECORD_BYTES, RECORD_HEADER_BYTES, RECORDING_MAGIC, RecordKind } from '../protocol/recording.ts';

// The layout lives in server/protocol/recording.ts (the browser's player parses the same records).
export { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, RecordKind };
export const MAGIC = RECORDING_MAGIC;

export interface RecordEntry {
  timeMs: number;
  kind: RecordKind;
  payload: Uint8Array;
  /** Byte offset of the record in the file (for a seek index). */
  offset: number;
}

/** Bun's native CRC-32 (same polynomial as protocol/recording.ts crc32, much faster on large payloads). */
export function crc(timeAndKindAndPayload: Uint8Array): number {
  return Number(Bun.hash.crc32(timeAndKindAndPayload)) >>> 0;
}

export class RecordingWriter {
  private fd: number;
  private size: number;

  /** Opens for appending; a new or empty file gets the magic first. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
    if (this.size === 0) {
      writeSync(this.fd, MAGIC);
      this.size = MAGIC.length;
    }
  }

  /** Appends one record in a single write() so a crash can only tear the last record, never interleave. */
  append(timeMs: number, kind: RecordKind, payload: Uint8Array): number {
    if (payload.length > MAX_RECORD_BYTES) throw new Error(`record of ${payload.length} bytes is over the limit`);
    if (!Number.isFinite(timeMs) || timeMs < 0) throw new Error('record time must be a non-negative number');
    const offset = this.size;
    const record = encodeRecord(timeMs, kind, payload, crc);
    let written = 0;
    while (written < record.length) written += writeSync(this.fd, record, written);
    this.size += record.length;
    return offset;
  }

  get bytes(): number {
    return this.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface ReadResult {
  records: RecordEntry[];
  /** Bytes after the last valid record (a torn or corrupt tail), 0 for a clean file. */
  ignoredTailBytes: number;
}

/**
 * Reads every valid record. Stops at the first record that is incomplete, oversized, of an unknown kind, out
 * of time order, or fails its checksum: everything before it plays, nothing after it is trusted.
 * Throws only when the file is not a recording at all.
 */
export function readRecording(path: string): ReadResult {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const magic = new Uint8Array(MAGIC.length);
    if (readSync(fd, magic, 0, magic.length, 0) !== magic.length || !magic.every((b, i) => b === MAGIC[i]))
      throw new Error(`${path} is not a Tessera recording`);
    const records: RecordEntry[] = [];
    const header = new Uint8Array(RECORD_HEADER_BYTES);
    const view = new DataView(header.buffer);
    let offset = MAGIC.length;
    let lastTime = 0;
    while (offset + RECORD_HEADER_BYTES <= size) {
      readSync(fd, header, 0, RECORD_HEADER_BYTES, offset);
      const length = view.getUint32(0, true);
      const timeMs = view.getFloat64(8, true);
      const kind = header[16]!;
      if (length > MAX_RECORD_BYTES || offset + RECORD_HEADER_BYTES + length > size) break;
      if (!(kind in RecordKind) || !Number.isFinite(timeMs) || timeMs < lastTime) break;
      const body = new Uint8Array(9 + length);
      body.set(header.subarray(8), 0);
      readSync(fd, body, 9, length, offset + RECORD_HEADER_BYTES);
      if (crc(body) !== view.getUint32(4, true)) break;
      records.push({ timeMs, kind, payload: body.subarray(9), offset });
      lastTime = timeMs;
      offset += RECORD_HEADER_BYTES + length;
    }
    return { records, ignoredTailBytes: size - offset };
  } finally {
    closeSync(fd);
  }
}
