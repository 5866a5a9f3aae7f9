// Reader for desk-corpus/1 scenario folders (format: bench/corpus/README.md), written for this project.
// Yields every frame as RGBA (A = 255) after checking it against the manifest's SHA-256.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import sharp from 'sharp';

export interface CorpusManifest {
  format: string;
  name: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  blob: string;
  frames: { sha256: string; copy: number[][]; rects: (number | string)[][] }[];
}

export interface CorpusFrame {
  index: number;
  width: number;
  height: number;
  fps: number;
  /** RGBA, rows width*4 bytes apart. The same buffer is reused for the next frame: copy it to keep it. */
  rgba: Uint8Array;
  /** True when the frame is identical to the previous one (empty copy and rects). */
  unchanged: boolean;
}

/** The recordings kept in the repository (bench/corpus): what the tests read, so a clone anywhere has them. */
export function defaultCorpusDir(): string {
  return resolve(import.meta.dirname, 'corpus');
}

/** Where a workspace keeps more recordings beside the repository; it may be absent. */
export const SHARED_CORPUS_DIR = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus', 'public');

/**
 * The scenarios a benchmark runs when it is given no folder: the repository's, then those of the shared corpus
 * beside it (when there is one) that the repository does not have. A name is a recording, so the repository's
 * copy wins.
 */
export function benchScenarios(): string[] {
  const own = listScenarios(defaultCorpusDir());
  const names = new Set(own.map((dir) => basename(dir)));
  return [...own, ...listScenarios(SHARED_CORPUS_DIR).filter((dir) => !names.has(basename(dir)))];
}

/** Scenario folders (those with a manifest.json) inside `dir`, sorted by name. */
export function listScenarios(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'manifest.json')))
    .map((e) => join(dir, e.name))
    .sort();
}

export function readManifest(dir: string): CorpusManifest {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusManifest;
  if (manifest.format !== 'desk-corpus/1') throw new Error(`${dir}: unsupported corpus format ${manifest.format}`);
  if (!(manifest.width > 0 && manifest.height > 0) || manifest.frames.length !== manifest.frameCount) {
    throw new Error(`${dir}: inconsistent manifest`);
  }
  return manifest;
}

async function decodePng(png: Uint8Array): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ...info };
}

/** Frames of one scenario, in order. Throws if a frame's SHA-256 differs from the manifest. */
export async function* readScenario(dir: string, options: { limit?: number } = {}): AsyncGenerator<CorpusFrame> {
  const manifest = readManifest(dir);
  const { width, height } = manifest;
  const blob = readFileSync(join(dir, manifest.blob));
  const current = new Uint8Array(width * height * 4);
  const previous = new Uint8Array(width * height * 4);
  const count = Math.min(manifest.frames.length, options.limit ?? Infinity);
  for (let index = 0; index < count; index++) {
    const entry = manifest.frames[index]!;
    const unchanged = index > 0 && entry.copy.length === 0 && entry.rects.length === 0;
    if (entry.copy.length) previous.set(current);
    for (const op of entry.copy) {
      const [x, y, w, h, dx, dy] = op as [number, number, number, number, number, number];
      if (x < 0 || y < 0 || x + w > width || y + h > height || x + dx < 0 || y + dy < 0 || x + dx + w > width || y + dy + h > height) {
        throw new Error(`${manifest.name} frame ${index}: copy outside the frame`);
      }
      for (let r = 0; r < h; r++) {
        const src = ((y + dy + r) * width + x + dx) * 4;
        current.set(previous.subarray(src, src + w * 4), ((y + r) * width + x) * 4);
      }
    }
    for (const rect of entry.rects) {
      const [x, y, w, h] = rect as number[];
      const png = typeof rect[4] === 'string'
        ? readFileSync(join(dir, rect[4]))
        : blob.subarray(rect[4] as number, (rect[4] as number) + (rect[5] as number));
      const img = await decodePng(png);
      if (img.width !== w || img.height !== h || x! + w! > width || y! + h! > height) {
        throw new Error(`${manifest.name} frame ${index}: rectangle does not fit`);
      }
      const ch = img.channels;
      for (let r = 0; r < h!; r++) {
        let o = ((y! + r) * width + x!) * 4;
        let i = r * w! * ch;
        for (let c = 0; c < w!; c++, o += 4, i += ch) {
          current[o] = img.data[i]!;
          current[o + 1] = img.data[i + 1]!;
          current[o + 2] = img.data[i + 2]!;
          current[o + 3] = 255;
        }
      }
    }
    const sha = createHash('sha256').update(current).digest('hex');
    if (sha !== entry.sha256) throw new Error(`${manifest.name} frame ${index}: SHA-256 mismatch`);
    yield { index, width, height, fps: manifest.fps, rgba: current, unchanged };
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
