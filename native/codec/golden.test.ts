// The encoder's bytes are part of the product (the bench figures in the README, recordings already written, the
// browser decoder shipped as .wasm): a change that is not meant to alter them must leave these hashes alone.
// When a change is meant to alter the stream, update the hashes in the same commit and say why
// (`bun native/codec/golden.ts --limit 30` prints them; without --limit it runs the whole corpus).
// The bytes also depend on zstd's version (compiled in from node_modules/zstd-napi: cmake/zstd.cmake); these are
// zstd 1.5.7's.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCorpusDir } from '../../bench/corpus.ts';
import { encodeCorpus, encodeScenario } from './golden.ts';

const FIRST_30: Record<string, [number, string]> = {
  'editor-typing bench': [643247, '83d0795f6956da7f341b1b6945e1493b0407ddb50410ecf589f663ba97b50b4d'],
  'editor-typing progressive': [643786, 'a97a727cdd53810a528028ffc33e80322f8097e685106ce20d660bc376f4b44b'],
  'file-manager bench': [603680, '305470ee56b530922c2ba0dbfc8f84b884a0b5fb2f2e7dd6374ad1106ac551cd'],
  'file-manager progressive': [603777, 'ee18c790e5f20719d338a0eeaaff91fe214ffb52a1ac17e7eceff2cdbf311460'],
  'terminal-typing bench': [780779, 'd3df187dc27f26c049ab98919fbc3550dd6cf138a938fb4164286539628afda4'],
  'terminal-typing progressive': [781095, '70538c1507f322a140ddab0fa9433f48426b8eaffd0d455688b98fd7782bc851'],
  'web-scroll bench': [191696, '24643a923d51c31a4958c83591c7500f56b3cf83c1cc1246cda8665b04fe800f'],
  'web-scroll progressive': [200991, '2e000152e6132c9b09dcb2698ceed7c5b4ae40000b7d7a8134bd86237f2f2d60'],
  'window-drag bench': [1026056, '2a7b432fbbd332adfa49e4cc83537ab6242551e1cbd91d1b958baeacd1f6de4c'],
  'window-drag progressive': [1029997, '560e967fd8f54adc411388c03e3d85d51ffa7f896882f7488b45fb75474bb547'],
};

describe('codec output is pinned', () => {
  it('encodes the first 30 frames of every corpus scenario to the same bytes (bench and progressive modes)', async () => {
    const results = await encodeCorpus(defaultCorpusDir(), ['bench', 'progressive'], 30);
    const got = Object.fromEntries(results.map((r) => [`${r.scenario} ${r.mode}`, [r.bytes, r.sha256]]));
    expect(got).toEqual(FIRST_30);
    expect(results.every((r) => r.exact)).toBe(true);
  }, 120_000);

  it('encodes the whole file-manager scenario in progressive mode to the same bytes (its frame 194 is the corpus\'s one large-change preview)', async () => {
    const r = await encodeScenario(join(defaultCorpusDir(), 'file-manager'), 'progressive');
    expect([r.bytes, r.sha256]).toEqual([737989, '39bcad9275f8f158e032b5dd1aa457923937d20fac4c94767fdcb25649ea7d79']);
  }, 120_000);
});
