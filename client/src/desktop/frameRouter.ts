// Where each binary desktop frame from the server goes: codec frames (Update, Keyframe, Refresh) to the decoder
// unchanged and in order, cursor frames to the cursor overlay. Plain TypeScript so the routing is tested without a
// browser; the same router serves the live viewer and the recording player.
import { DesktopFrame, splitFrame } from '../../../server/protocol/desktop.ts';

export interface CursorShape {
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  serial: number;
  /** Straight-alpha RGBA, width * 4 bytes a row. */
  rgba: Uint8ClampedArray;
}

export interface CursorPosition {
  /** Remote pixels, relative to the streamed picture. */
  x: number;
  y: number;
  visible: boolean;
  /** Serial of the shape in use. */
  serial: number;
}

export interface FrameTarget {
  /** A whole codec frame ([kind][payload], the server's bytes) for the decoder. */
  codec(frame: ArrayBuffer): void;
  cursorShape(shape: CursorShape): void;
  cursorPosition(position: CursorPosition): void;
  /** A frame that does not parse (it is dropped; the decoder never sees it). */
  malformed(reason: string): void;
}

export function parseCursorShape(payload: Uint8Array): CursorShape {
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const width = v.getUint16(0, true), height = v.getUint16(2, true);
  return {
    width,
    height,
    hotX: v.getUint16(4, true),
    hotY: v.getUint16(6, true),
    serial: v.getUint32(8, true),
    rgba: new Uint8ClampedArray(payload.slice(12, 12 + width * height * 4).buffer),
  };
}

export function parseCursorPosition(payload: Uint8Array): CursorPosition {
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { x: v.getInt32(0, true), y: v.getInt32(4, true), visible: v.getUint8(8) === 1, serial: v.getUint32(9, true) };
}

/**
 * Routes one binary frame. `frame` is handed to target.codec as is (the caller may transfer it), so it must be
 * a buffer of exactly the frame's bytes.
 */
export function routeFrame(frame: ArrayBuffer, target: FrameTarget): void {
  const parts = splitFrame(new Uint8Array(frame));
  if (typeof parts === 'string') {
    target.malformed(parts);
    return;
  }
  switch (parts.kind) {
    case DesktopFrame.Update:
    case DesktopFrame.Keyframe:
    case DesktopFrame.Refresh:
      target.codec(frame);
      return;
    case DesktopFrame.CursorShape:
      target.cursorShape(parseCursorShape(parts.payload));
      return;
    case DesktopFrame.CursorPosition:
      target.cursorPosition(parseCursorPosition(parts.payload));
      return;
  }
}
