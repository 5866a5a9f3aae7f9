// Reads a recording stream (GET .../recording/stream) as it downloads: complete, checked records come out as soon
// as their last byte is in; a record that is complete but fails its check ends the stream (nothing after a bad
// record is trusted, as in server/protocol/recording.ts).
import { parseRecords, RECORD_HEADER_BYTES, MAX_RECORD_BYTES, type RecordingRecord } from '../../../server/protocol/recording.ts';

export class RecordStreamParser {
  private rest = new Uint8Array(0);
  private brokenValue = false;

  /** Records completed by this chunk. */
  push(chunk: Uint8Array): RecordingRecord[] {
    if (this.brokenValue || chunk.length === 0) return [];
    const bytes = this.rest.length ? concat(this.rest, chunk) : chunk;
    const { records, ignoredTailBytes } = parseRecords(bytes);
    const tail = bytes.subarray(bytes.length - ignoredTailBytes);
    // The payloads are views into `bytes`; copy them so the tail can be dropped or reused freely.
    const out = records.map((r) => ({ ...r, payload: r.payload.slice() }));
    this.rest = tail.slice();
    if (this.rest.length >= RECORD_HEADER_BYTES) {
      const length = new DataView(this.rest.buffer).getUint32(0, true);
      // Whole but refused (bad checksum, kind or time), or a length no record can have: corrupt from here on.
      if (length > MAX_RECORD_BYTES || this.rest.length >= RECORD_HEADER_BYTES + length) {
        this.brokenValue = true;
        this.rest = new Uint8Array(0);
      }
    }
    return out;
  }

  /** A bad record was met; everything after it is ignored. */
  get broken(): boolean {
    return this.brokenValue;
  }

  /** Bytes of an incomplete record waiting for more (at the end of the stream: a torn tail). */
  get pending(): number {
    return this.rest.length;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The records of a response body, in order, as they arrive. */
export async function* readRecords(body: ReadableStream<Uint8Array>): AsyncGenerator<RecordingRecord> {
  const reader = body.getReader();
  const parser = new RecordStreamParser();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      for (const r of parser.push(value)) yield r;
      if (parser.broken) return;
    }
  } finally {
    // Left early (a seek, or a bad record): stop the download instead of letting it run on.
    if (!finished) reader.cancel().catch(() => {});
  }
}
