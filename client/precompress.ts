// Writes `<file>.br` and `<file>.gz` beside each compressible file of the build, so the server can send them as
// they are instead of compressing on every request (server/web/routes.ts picks one by Accept-Encoding).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

// wasm is binary but compresses well (a third smaller); images and fonts are already compressed.
const COMPRESSIBLE = /\.(html|js|mjs|css|json|svg|txt|map|wasm)$/;
// Below this the framing costs about what it saves, and the header round trip dominates anyway.
const MIN_BYTES = 512;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Precompresses `dir` in place; returns how many variants it wrote. */
export function precompressDir(dir: string): number {
  let written = 0;
  for (const file of listFiles(dir)) {
    if (!COMPRESSIBLE.test(file) || statSync(file).size < MIN_BYTES) continue;
    const raw = readFileSync(file);
    // Build time is paid once, so the slowest, smallest settings.
    const variants: [string, Buffer][] = [
      ['br', brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })],
      ['gz', gzipSync(raw, { level: 9 })],
    ];
    for (const [ext, packed] of variants) {
      // A variant that does not shrink would only cost the server a stat and the client a decode.
      if (packed.length >= raw.length) continue;
      writeFileSync(`${file}.${ext}`, packed);
      written++;
    }
  }
  return written;
}

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'tessera-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    // After every bundle is written (both pages share one build), so nothing is left out.
    closeBundle() {
      precompressDir(outDir);
    },
  };
}
