import { createDecoder, createEncoder, type DesktopDecoder, type DesktopEncoder } from '../../native/index.ts';

// One encoder for every session's keyframes, reset() before each: its next message is a key message with a fresh
// context, byte for byte what a new encoder would make (checked in codecPicture.test.ts). A new native encoder per
// keyframe was measured at 120 ms and ~60 MB each at 1080p, memory the garbage collector did not give back (2.5 GB
// after 40 keyframes); the shared one takes 35 ms and its memory once. A thread runs one keyframe at a time, so
// sharing is safe (each picture worker has its own). zstd level 3: viewers wait for keyframes (joins, resyncs) and
// every seek point costs one, so encode time matters more than the last 10-20 % of bytes.
let keyEncoder: DesktopEncoder | null = null;

/** A self-contained key message of an RGBA picture (rows width*4 bytes apart). */
export function encodeKeyframe(rgba: Uint8Array, width: number, height: number): Uint8Array | null {
  keyEncoder ??= createEncoder({ zstdLevel: 3 });
  keyEncoder.reset();
  return keyEncoder.encode(rgba, width, height, width * 4, 'rgba');
}

/**
 * One session's current screen (in a picture worker, see pictureTable.ts), kept by the native decoder applying
 * every codec message the agent sends (the decoder handles key and refresh messages itself). A keyframe is the
 * first message of a fresh encoder context given that picture: self-contained, so any new decoder shows exactly
 * this picture. It is made once per picture version, so many viewers joining at once cost one encode.
 */
export class CodecPicture {
  private decoder: DesktopDecoder = createDecoder();
  private size: { width: number; height: number } | null = null;
  private applied = 0;
  private cached: { at: number; message: Uint8Array } | null = null;

  apply(update: Uint8Array): void {
    try {
      this.size = this.decoder.apply(update);
      this.applied++;
    } catch (error) {
      // A failed message may have changed part of the picture: it is not what any viewer shows any more, so no
      // keyframe is made from it until the next key message.
      this.size = null;
      this.cached = null;
      throw error;
    }
  }

  /** The picture's size, or null before the first key message (or after a malformed one). */
  get dimensions(): { width: number; height: number } | null {
    return this.size;
  }

  /** A copy of the current picture (RGBA, alpha 255), or null when there is none (see dimensions). */
  rgba(): { width: number; height: number; rgba: Uint8Array } | null {
    return this.size ? { ...this.size, rgba: this.decoder.rgba() } : null;
  }

  keyframe(): Uint8Array | null {
    if (!this.size) return null;
    if (this.cached?.at === this.applied) return this.cached.message;
    const { width, height } = this.size;
    const message = encodeKeyframe(this.decoder.rgba(), width, height);
    if (!message) return null;
    this.cached = { at: this.applied, message };
    return message;
  }
}
