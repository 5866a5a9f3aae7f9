// Session recordings as the player reads them. No runtime dependencies (the browser's player uses this file).
//
//   file   = "TSREC1\n" record*
//   record = u32 length | u32 crc32 | f64 timeMs | u8 kind | payload[length]     (little-endian)
//
// crc32 (IEEE, as zlib) covers timeMs, kind and the payload. timeMs is wall-clock time (ms since 1970) and never
// decreases within a file. Stream and Keyframe records carry one binary desktop frame exactly as a viewer receives
// it ([u8 DesktopFrame kind][payload], ./desktop.ts), so a player feeds them to the same decoder as the live view.
// Every Keyframe record is a seek point: decoding can start there and continue through every later record.
//
// HTTP (readable by whoever may read the session):
//   GET /api/support/sessions/:id/recording             -> RecordingIndex (JSON)
//   GET /api/support/sessions/:id/recording/stream?from=ms
//       -> the records (no magic) from the last seek point at or before `from` (ms since the recording's start) to
//          the end of what is recorded so far; header x-tessera-recording-start = RecordingIndex.startMs.

export const RECORDING_MAGIC = new TextEncoder().encode('TSREC1\n');
export const RECORD_HEADER_BYTES = 17;
/** The largest record a reader accepts; anything larger is treated as corruption, never allocated. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export enum RecordKind {
  /** A desktop frame exactly as the agent sent it (update, refresh, cursor). */
  Stream = 1,
  /** A full picture (server-made, or the agent's key message): playback can start here. */
  Keyframe = 2,
  /** Something that happened besides the picture (RecordingEvent as JSON text). */
  Event = 3,
}

export type RecordingEvent =
  | { type: 'agent'; online: boolean }
  | { type: 'consent'; granted: string[] }
  | { type: 'monitors'; monitor: number | 'all' };

export interface RecordingRecord {
  /** Wall-clock ms (subtract RecordingIndex.startMs for the position in the recording). */
  timeMs: number;
  kind: RecordKind;
  payload: Uint8Array;
  /** Byte offset of the record in the bytes parsed. */
  offset: number;
}

export interface SeekPoint {
  /** ms since the recording's start. */
  ms: number;
  /** Byte offset of the Keyframe record in the file. */
  offset: number;
}

export interface RecordingIndex {
  sessionId: number;
  /** Wall-clock ms of the first record. */
  startMs: number;
  durationMs: number;
  /** Bytes of valid records (a torn tail after a crash is not counted). */
  bytes: number;
  seekPoints: SeekPoint[];
  /** The recording is still being written. */
  live: boolean;
}

let table: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, the zlib one), as used in record headers. */
export function crc32(bytes: Uint8Array, seed = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Encodes one record (header and payload). `checksum` computes crc32 over timeMs, kind and payload. */
export function encodeRecord(timeMs: number, kind: RecordKind, payload: Uint8Array, checksum: (b: Uint8Array) => number = crc32): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length, true);
  view.setFloat64(8, timeMs, true);
  out[16] = kind;
  out.set(payload, RECORD_HEADER_BYTES);
  view.setUint32(4, checksum(out.subarray(8)), true);
  return out;
}

export interface ParsedRecords {
  records: RecordingRecord[];
  /** Bytes after the last valid record (an incomplete or corrupt tail), 0 when everything parsed. */
  ignoredTailBytes: number;
}

/**
 * Parses records (without the file magic; pass `skipMagic` for a whole file). Stops at the first record that is
 * incomplete, oversized, of an unknown kind, earlier than the one before, or fails its checksum: everything before
 * it is returned, nothing after it is trusted. Payloads are views into `bytes`.
 */
export function parseRecords(bytes: Uint8Array, options: { skipMagic?: boolean; verify?: boolean } = {}): ParsedRecords {
  let offset = 0;
  if (options.skipMagic) {
    if (bytes.length < RECORDING_MAGIC.length || !RECORDING_MAGIC.every((b, i) => bytes[i] === b)) throw new Error('not a Tessera recording');
    offset = RECORDING_MAGIC.length;
  }
  const verify = options.verify ?? true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: RecordingRecord[] = [];
  let lastTime = 0;
  while (offset + RECORD_HEADER_BYTES <= bytes.length) {
    const length = view.getUint32(offset, true);
    const timeMs = view.getFloat64(offset + 8, true);
    const kind = bytes[offset + 16]!;
    if (length > MAX_RECORD_BYTES || offset + RECORD_HEADER_BYTES + length > bytes.length) break;
    if (kind < RecordKind.Stream || kind > RecordKind.Event || !Number.isFinite(timeMs) || timeMs < lastTime) break;
    const end = offset + RECORD_HEADER_BYTES + length;
    if (verify && crc32(bytes.subarray(offset + 8, end)) !== view.getUint32(offset + 4, true)) break;
    records.push({ timeMs, kind, payload: bytes.subarray(offset + RECORD_HEADER_BYTES, end), offset });
    lastTime = timeMs;
    offset = end;
  }
  return { records, ignoredTailBytes: bytes.length - offset };
}

/** A desk's recording policy: always (the customer is told), ask (only while the customer allows 'record'), never. */
export const RECORDING_POLICIES = ['always', 'ask', 'never'] as const;
export type RecordingPolicy = (typeof RECORDING_POLICIES)[number];
/** GET /api/recording-policies: one per desk. */
export interface DeskRecordingPolicy {
  deskId: number;
  policy: RecordingPolicy;
}
