import { loadSharp } from './sharpLoader.ts';

export const MAX_IMAGE_UPLOAD_BYTES = 2 * 1024 * 1024;
// A small file can still declare a huge canvas (a decompression bomb): refuse anything over this.
const MAX_INPUT_PIXELS = 40_000_000;

export class ImageError extends Error {}

/**
 * Checks an uploaded file and turns it into a bounded image: fits within `size` x `size` (never enlarged),
 * re-encoded as PNG or WebP so that what is stored is always something we produced. Throws ImageError with a
 * clear reason for anything else.
 */
export async function normalizeImage(file: File, size: number, format: 'png' | 'webp'): Promise<Uint8Array> {
  if (file.size === 0) throw new ImageError('the file is empty');
  if (file.size > MAX_IMAGE_UPLOAD_BYTES)
    throw new ImageError(`the image is larger than ${MAX_IMAGE_UPLOAD_BYTES / 1024 / 1024} MB`);
  const input = new Uint8Array(await file.arrayBuffer());
  const sharp = loadSharp(); // outside the try: a broken sharp is a server fault, not a bad image
  try {
    const pipeline = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true });
    const output = format === 'png' ? await pipeline.png({ compressionLevel: 9 }).toBuffer() : await pipeline.webp({ quality: 85 }).toBuffer();
    return new Uint8Array(output);
  } catch (e) {
    const message = (e as Error).message ?? '';
    if (/pixel limit/i.test(message)) throw new ImageError('the image has too many pixels');
    throw new ImageError('the file is not a readable image (PNG, JPEG, WebP, GIF, TIFF or AVIF)');
  }
}
