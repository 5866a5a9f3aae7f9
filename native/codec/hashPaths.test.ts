// The encoder hashes full tiles with AVX2, SSE2 or portable code, whichever the CPU has (chosen once when the addon
// loads; TESSERA_CODEC_NO_SIMD=1 forces the portable code). All of them must compute the same hashes, so a stream
// must come out byte for byte the same either way. The portable path needs its own process (the choice is made at
// load time).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = `
import { createHash } from 'node:crypto';
import { createEncoder } from ${JSON.stringify(resolve(import.meta.dirname, '..', 'index.ts'))};
const w = 333, h = 211;
const encoder = createEncoder();
const digest = createHash('sha256');
let s = 12345;
const next = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255;
const px = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? next() : ((i >> 6) * 7) & 255));
for (let f = 0; f < 12; f++) {
  // A block moves, another one is repainted, and a tile comes back (cache): exercises hashes everywhere.
  px.copyWithin(((f % 5) * 17 + 40) * w * 4, 30 * w * 4, 60 * w * 4);
  for (let i = (f * 3001) % (w * h * 4); i < (f * 3001) % (w * h * 4) + 4000; i++) px[i] = next();
  // Single pixels changed here and there: a hash that missed any byte of a tile would miss some of these.
  for (let k = 0; k < 64; k++) px[((next() << 8 | next()) % (w * h)) * 4 + (k % 3)] ^= 1 + (k & 63);
  const m = encoder.encode(px, w, h, w * 4, 'bgrx');
  if (m) digest.update(m);
}
console.log(digest.digest('hex'));
`;

function run(env: Record<string, string>) {
  return execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
}

describe('tile hash implementations', () => {
  it('produce the same stream with and without SIMD', () => {
    const simd = run({});
    const portable = run({ TESSERA_CODEC_NO_SIMD: '1' });
    expect(simd).toMatch(/^[0-9a-f]{64}$/);
    expect(portable).toBe(simd);
  }, 60_000);
});
