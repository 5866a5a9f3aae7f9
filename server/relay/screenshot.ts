// A screenshot of a session's remote screen: the server's own decoded picture (the one every viewer is brought to),
// made into a lossless PNG and kept as a session file, so it has a SHA-256, shows in the session's files (engineers
// and, as a file "from the engineer", the customer: it is their screen) and in the log.
import type { ScreenshotRef } from '../protocol/support.ts';
import type { FileStore, SessionFile } from '../files/fileStore.ts';
import { loadSharp } from '../http/sharpLoader.ts';

export interface Screen {
  width: number;
  height: number;
  /** RGBA, rows width*4 bytes apart, alpha 255. */
  rgba: Uint8Array;
}

/**
 * Lossless PNG of the screen. The alpha channel is always 255 on a desktop, so it is left out (a quarter fewer raw
 * bytes); decoding gives back exactly the RGB of every pixel. sharp runs in libuv's pool, off the event loop.
 */
export async function screenPng(screen: Screen): Promise<Uint8Array> {
  const sharp = loadSharp();
  const png = await sharp(Buffer.from(screen.rgba.buffer, screen.rgba.byteOffset, screen.rgba.byteLength), {
    raw: { width: screen.width, height: screen.height, channels: 4 },
  })
    .removeAlpha()
    .png({ compressionLevel: 6, adaptiveFiltering: true })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** "screenshot-12-2026-11-22-081503.png": session and UTC time, sortable, no characters a file system dislikes. */
export function screenshotName(sessionId: number, at: Date): string {
  const stamp = at.toISOString().replace(/\.\d+Z$/, '').replace('T', '-').replace(/:/g, '');
  return `screenshot-${sessionId}-${stamp}.png`;
}

/**
 * Stores the PNG as a complete session file (its SHA-256 is checked by the store like any upload); it counts
 * against the session's file quota like any other file.
 */
export async function storeScreenshot(
  store: FileStore,
  input: { sessionId: number; uploader: string; name: string; png: Uint8Array; width: number; height: number },
  quotaBytes: number,
): Promise<{ file: SessionFile; ref: ScreenshotRef }> {
  const sha256 = new Bun.CryptoHasher('sha256').update(input.png).digest('hex');
  const created = store.create({
    sessionId: input.sessionId,
    direction: 'to-customer',
    uploader: input.uploader,
    name: input.name,
    size: input.png.byteLength,
    sha256,
  }, quotaBytes);
  const file = await store.append(created.sessionId, created.id, 0, input.png);
  if (file.status !== 'complete') throw new Error(`the screenshot file could not be stored (${file.status})`);
  return { file, ref: { sessionId: file.sessionId, fileId: file.id, name: file.name, width: input.width, height: input.height, size: file.size, sha256: file.sha256 } };
}
