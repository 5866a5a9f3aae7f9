// Bun applies WebSocket limits server-wide only (Elysia ignores per-route maxPayloadLength), and Elysia parses
// JSON text frames before a handler sees them. So: one server-wide ceiling on any frame, and each route checks
// its own, smaller limit on the message it got.

/** No WebSocket frame may be larger than this (a 4K lossless desktop update fits; memory stays bounded). */
export const MAX_WS_FRAME_BYTES = 16 * 1024 * 1024;

/** The size of a received message as it was on the wire (Elysia may have parsed JSON text into a value). */
export function messageBytes(message: unknown): number {
  if (typeof message === 'string') return Buffer.byteLength(message);
  if (message instanceof Uint8Array || message instanceof ArrayBuffer) return message.byteLength;
  try {
    return Buffer.byteLength(JSON.stringify(message) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
