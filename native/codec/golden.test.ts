// The encoder's bytes are part of the product (the bench figures in the README, recordings already written, the
// browser decoder shipped as .wasm): a change that is not meant to alter them must leave these hashes alone.
// When a change is meant to alter the stream, update the hashes in the same commit and say why
// (`bun native/codec/golden.ts --limit 30` prints them; without --limit it runs the whole corpus).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCorpusDir } from '../../bench/corpus.ts';
import { encodeCorpus, encodeScenario } from './golden.ts';

const FIRST_30: Record<string, [number, string]> = {
  'editor-typing bench': [642838, '75c5975ecf4b01911c263215891b86ee7a87999dec5415a3d889d40831cbba59'],
  'editor-typing progressive': [643511, '741d79f63befd9b9c19fbd41e1e647421b503b9e13d0a075ac7f4378e39fdf04'],
  'file-manager bench': [603438, '6314894c3e2a7558ca6e2f13ec28c53b75b69d59bc8af254ab5c8b3a44300efd'],
  'file-manager progressive': [603632, '630d391255532027011162ac462887d2e6a8fdf0ac2fe53ab22ee166ff654853'],
  'terminal-typing bench': [780908, '221078abb930cc313da0cda572a6d253128e24baee6beb23ed4b5c119f80d994'],
  'terminal-typing progressive': [781178, '8208f9e4064185bf7d2865f21df41623866848424724f225e4e350fc505df2f4'],
  'web-scroll bench': [191647, '51ca0993d1b318e6f13d3587947b8328ea6f6c744e3550a3c6ae0fd14ef97074'],
  'web-scroll progressive': [200964, '2cdbe56cbc200a1d5390ee37b5ce36e418fbb3dd41db6c8be8b076ba631a9e3e'],
  'window-drag bench': [1025893, '2e919b1347a123a11f2986cece5eedcc120ca9a4625714aa6425cf3dca1a0f30'],
  'window-drag progressive': [1029802, '96d649e1dfdba2061645e708005921af85c7e0673cb26c84cf12613aec313c15'],
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
    expect([r.bytes, r.sha256]).toEqual([737799, '176282a4d31c7ddddc042ef4359706fb7828fa3debc2972ac81b30148c6c4a8b']);
  }, 120_000);
});
