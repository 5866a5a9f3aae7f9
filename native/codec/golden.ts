// The codec's output, pinned: encodes the public corpus and prints, per scenario and mode, the bytes, the message
// count, a SHA-256 over every message and the encoder's CPU time. A change meant to leave the bytes alone (a
// refactoring, a faster loop) must print the same hashes; golden.test.ts checks the first frames of each scenario.
//   bun native/codec/golden.ts [--limit N] [--corpus DIR] [--modes bench,progressive]
// Modes: `bench` is bench/codec.ts's run (progressive first frame, then exact messages, RGBA, decoded and checked);
// `progressive` keeps the 40 kB budget for the whole run (large-change previews, split messages), reads the same
// bytes as BGRX and asks for a refresh every 20 frames, so those paths are pinned too.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { defaultCorpusDir, listScenarios, readManifest, readScenario, sha256 } from '../../bench/corpus.ts';
import { createDecoder, createEncoder } from '../index.ts';

export type GoldenMode = 'bench' | 'progressive';

export interface GoldenResult {
  scenario: string;
  mode: GoldenMode;
  frames: number;
  messages: number;
  bytes: number;
  sha256: string;
  encodeCpuMs: number;
  exact: boolean;
}

const PREVIEW_BUDGET = 40_000;

export async function encodeScenario(dir: string, mode: GoldenMode, limit = Infinity): Promise<GoldenResult> {
  const manifest = readManifest(dir);
  const encoder = createEncoder({ maxMessageBytes: PREVIEW_BUDGET });
  const decoder = mode === 'bench' ? createDecoder() : null;
  const digest = createHash('sha256');
  let frames = 0, messages = 0, bytes = 0, cpu = 0, exact = true;
  for await (const frame of readScenario(dir, { limit })) {
    frames++;
    const { width, height, rgba } = frame;
    if (mode === 'progressive' && frame.index > 0 && frame.index % 20 === 0) encoder.refresh();
    const format = mode === 'bench' ? 'rgba' : 'bgrx';
    for (;;) {
      const m = encoder.encode(rgba, width, height, width * 4, format);
      cpu += encoder.stats().cpuMs;
      if (!m) break;
      messages++;
      bytes += m.length;
      digest.update(m);
      decoder?.apply(m);
      // bench/codec.ts refines only the first frame to the end; later frames get one call each.
      if (mode === 'bench' ? frame.index > 0 : encoder.isExact()) break;
    }
    if (mode === 'bench' && frame.index === 0) encoder.setMaxMessageBytes(0);
    if (decoder && sha256(decoder.rgba()) !== manifest.frames[frame.index]!.sha256) exact = false;
  }
  return { scenario: manifest.name, mode, frames, messages, bytes, sha256: digest.digest('hex'), encodeCpuMs: cpu, exact };
}

export async function encodeCorpus(corpus: string, modes: GoldenMode[], limit = Infinity): Promise<GoldenResult[]> {
  const results: GoldenResult[] = [];
  for (const dir of listScenarios(corpus)) for (const mode of modes) results.push(await encodeScenario(dir, mode, limit));
  return results;
}

async function main() {
  const argv = process.argv.slice(2);
  let limit = Infinity, corpus = defaultCorpusDir(), modes: GoldenMode[] = ['bench', 'progressive'];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--limit') limit = Number(argv[++i]);
    else if (argv[i] === '--corpus') corpus = resolve(argv[++i] ?? '');
    else if (argv[i] === '--modes') modes = (argv[++i] ?? '').split(',') as GoldenMode[];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  const results = await encodeCorpus(corpus, modes, limit);
  if (!results.length) throw new Error(`no scenario folders in ${corpus}`);
  let cpu = 0;
  for (const r of results) {
    cpu += r.encodeCpuMs;
    console.log(`${r.scenario.padEnd(16)} ${r.mode.padEnd(11)} frames ${r.frames} messages ${r.messages} bytes ${r.bytes} ` +
      `sha256 ${r.sha256.slice(0, 16)} encode ${r.encodeCpuMs.toFixed(0)} ms${r.exact ? '' : ' NOT EXACT'}`);
  }
  const all = createHash('sha256');
  for (const r of results) all.update(r.sha256);
  console.log(`all ${all.digest('hex').slice(0, 16)} encode CPU ${cpu.toFixed(0)} ms`);
  if (!results.every((r) => r.exact)) process.exitCode = 1;
}

if (import.meta.main) await main();
