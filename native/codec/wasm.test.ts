// The browser decoder (WebAssembly built from the same decoder.cc) must show exactly what the C++ decoder shows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWasmDecoder } from '../../client/src/codec/wasmDecoder.ts';
import { defaultCorpusDir, listScenarios, readScenario } from '../../bench/corpus.ts';
import { createDecoder, createEncoder } from '../index.ts';

const root = resolve(import.meta.dirname, '..', '..');
const wasmPath = join(root, 'client/src/codec/tesseraDecoder.wasm');

const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;

describe('browser (wasm) decoder', () => {
  it('produces the same pixels as the C++ decoder on corpus frames, in progressive mode too', async () => {
    const module = await WebAssembly.compile(readFileSync(wasmPath));
    for (const dir of listScenarios(defaultCorpusDir())) {
      const encoder = createEncoder({ maxMessageBytes: 40_000 });
      const native = createDecoder();
      const wasm = await createWasmDecoder(module);
      for await (const frame of readScenario(dir, { limit: 40 })) {
        if (frame.index === 1) encoder.setMaxMessageBytes(0);
        for (let message; (message = encoder.encode(frame.rgba, frame.width, frame.height, frame.width * 4, 'rgba')); ) {
          native.apply(message);
          const shown = wasm.decode(message);
          if (!equal(shown.rgba, native.rgba())) throw new Error(`${dir} frame ${frame.index}: wasm and C++ differ`);
        }
        if (!equal(native.rgba(), frame.rgba)) throw new Error(`frame ${frame.index} not exact`);
      }
      wasm.dispose();
    }
  }, 120_000);

  it('rejects malformed messages with an Error like the C++ decoder', async () => {
    const wasm = await createWasmDecoder(readFileSync(wasmPath));
    const encoder = createEncoder();
    const px = new Uint8Array(64 * 48 * 4).map((_, i) => (i * 37) & 255);
    const key = encoder.encode(px, 64, 48, 256, 'rgba')!;
    expect(() => wasm.decode(key.subarray(0, key.length - 3))).toThrow(/malformed codec message/);
    expect(wasm.ready()).toBe(false);
    expect(() => wasm.decode(new Uint8Array([1, 2, 3]))).toThrow(/truncated/);
    const frame = wasm.decode(key);
    expect(frame.width).toBe(64);
    const native = createDecoder();
    native.apply(key);
    expect(equal(frame.rgba, native.rgba())).toBe(true);
  });

  it('is built from the current sources (native/codec/wasm/build.sh; clang is a build requirement)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-wasm-'));
    try {
      execFileSync('bash', [join(root, 'native/codec/wasm/build.sh'), join(dir, 'out.wasm')], { stdio: 'pipe' });
      expect(equal(readFileSync(join(dir, 'out.wasm')), readFileSync(wasmPath))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
