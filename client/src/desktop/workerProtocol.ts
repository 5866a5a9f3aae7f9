// Messages between the viewer (main thread) and the decode worker (client/src/codec/decodeWorker.ts).
//
// The worker owns the WebAssembly decoder and the canvas (handed over with transferControlToOffscreen), so a
// decode or a paint never blocks the page. Frames go in as whole desktop frames ([u8 kind][payload], the bytes the
// server sent, transferred, not copied); the worker decodes every one in order and paints at most once per
// animation frame, so a burst of queued frames costs one paint.

export type ToWorker =
  /** The canvas to paint into; without one the worker only decodes (picture() still works). */
  | { type: 'canvas'; canvas: OffscreenCanvas }
  /**
   * Codec frames (Update, Keyframe, Refresh) in order. paint: false holds painting back until a later message
   * with paint: true (a recording seek decodes from its seek point up to the target without showing the way).
   */
  | { type: 'frames'; frames: ArrayBuffer[]; paint?: boolean }
  /** Drop the decoder (the picture stays on the canvas): the next frame must be a key message. */
  | { type: 'reset' }
  /** The decoder's exact current picture (after every frame sent before this message). */
  | { type: 'picture'; id: number };

export type FromWorker =
  /**
   * One paint: the picture's size, and what was decoded since the previous paint (messages, total decode
   * milliseconds, payload bytes) and how long the paint took.
   */
  | { type: 'painted'; width: number; height: number; messages: number; decodeMs: number; bytes: number; paintMs: number }
  /** A frame the decoder refused; the picture stays as it was until the next key message. */
  | { type: 'error'; message: string }
  | { type: 'picture'; id: number; width: number; height: number; rgba: ArrayBuffer }
  /** The decoder could not be loaded at all (the wasm file is missing or broken). */
  | { type: 'failed'; message: string };
