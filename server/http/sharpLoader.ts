// sharp, loaded on first use, from the source tree or from inside the single binary.
//
// Inside the binary (`bun build --compile`) sharp's native part cannot find libvips: its .node file looks for
// libvips-cpp.so by a path relative to node_modules, which does not exist there. So the compiled server
// registers the libvips copy embedded in the binary (server/compiled.ts), and before sharp is first required
// it is written to a temporary file and dlopen'ed; the dynamic linker then satisfies the .node's
// dependency on that soname from the library already loaded. The CommonJS build is required (not imported)
// because only its literal require of the .node file lets the bundler embed it.
import { dlopen } from 'bun:ffi';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type SharpModule from 'sharp';

export type Sharp = typeof SharpModule;

let embeddedLibvips: { path: string; soname: string } | null = null;
let sharp: Sharp | null = null;
// Kept for the life of the process: closing it would unload libvips under sharp's feet.
let libvips: { close(): void } | null = null;

/**
 * Registers the libvips library embedded in the binary (`path` is what an `import ... with { type: 'file' }`
 * gave; `soname` is the library's file name, e.g. libvips-cpp.so.8.18.7). Call before the first image is handled.
 */
export function useEmbeddedLibvips(path: string, soname: string): void {
  embeddedLibvips = { path, soname: basename(soname) };
}

export function loadSharp(): Sharp {
  if (sharp) return sharp;
  if (embeddedLibvips && !libvips) libvips = preload(embeddedLibvips.path, embeddedLibvips.soname);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('sharp') as Sharp | { default: Sharp };
  sharp = 'default' in loaded && typeof loaded.default === 'function' ? loaded.default : (loaded as Sharp);
  return sharp;
}

function preload(embeddedPath: string, soname: string): { close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-libvips-'));
  const file = join(dir, soname);
  try {
    writeFileSync(file, readFileSync(embeddedPath), { mode: 0o700 });
    return dlopen(file, { vips_version: { args: ['i32'], returns: 'i32' } });
  } finally {
    // Once mapped, the library no longer needs its file.
    rmSync(dir, { recursive: true, force: true });
  }
}
