// Writes the fuzzer's seed corpus (native/codec/fuzz/seeds/): real message sequences from the encoder, in the
// fuzzer's input format (each message prefixed by its 2-byte little-endian length). Run: bun native/codec/fuzz/makeSeeds.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder, createEncoder } from '../../index.ts';

const out = join(import.meta.dirname, 'seeds');
mkdirSync(out, { recursive: true });

function pack(messages: Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  for (const m of messages) {
    if (m.length > 65535) throw new Error('seed message too long');
    parts.push(m.length & 255, m.length >> 8, ...m);
  }
  return new Uint8Array(parts);
}

function scene(width: number, height: number, t: number, kind: number): Uint8Array {
  const px = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const sy = kind === 1 ? y + t * 5 : y; // scrolling
      const wx = kind === 2 ? x - t * 7 : x; // moving window
      let c: [number, number, number];
      if (kind === 2 && wx >= 8 && wx < 40 && y >= 8 && y < 30) c = [250, 250, 250 - ((wx * y) % 3) * 60];
      else if (kind === 0 && x < 20) c = [(x * 13 + y * 7 + t) & 255, (x * y) & 255, 128]; // photographic strip
      else c = ((sy >> 2) + (x >> 3)) % 5 === 0 ? [30, 30, 40] : [255, 255, 255];
      px.set([...c, 255], o);
    }
  return px;
}

const sets: [string, number, number, number, number, number, number][] = [
  // name, width, height, kind, frames, progressive budget, refresh requested after this many messages (-1: none)
  ['typing', 48, 40, 0, 4, 0, -1],
  ['scroll', 64, 64, 1, 4, 0, -1],
  ['window', 80, 48, 2, 4, 0, -1],
  ['preview', 64, 48, 0, 2, 300, -1],
  ['odd', 17, 9, 0, 3, 0, -1],
  ['refresh-window', 80, 48, 2, 5, 0, 2],
  ['refresh-preview', 64, 48, 0, 2, 300, 2], // refresh in the middle of progressive refinement
];
for (const [name, width, height, kind, frames, budget, refreshAfter] of sets) {
  const encoder = createEncoder({ maxMessageBytes: budget });
  const relay = createDecoder();
  const messages: Uint8Array[] = [];
  let joiner: Uint8Array[] | null = null; // a late joiner's stream: the server's keyframe, then the refresh onwards
  const send = (m: Uint8Array) => {
    messages.push(m);
    joiner?.push(m);
    relay.apply(m);
    if (messages.length === refreshAfter) {
      const server = createEncoder();
      joiner = [server.encode(relay.rgba(), width, height, width * 4, 'rgba')!];
      encoder.refresh();
    }
  };
  for (let t = 0; t < frames; t++) {
    const px = scene(width, height, t, kind);
    for (let m; (m = encoder.encode(px, width, height, width * 4, 'rgba')); ) {
      send(m);
      if (!budget && !encoder.stats().refresh) break;
    }
    // A refresh goes out even when nothing changed (an empty payload).
    if (refreshAfter >= 0 && t === frames - 2) {
      encoder.refresh();
      send(encoder.encode(px, width, height, width * 4, 'rgba')!);
    }
  }
  writeFileSync(join(out, `${name}.bin`), pack(messages));
  if (refreshAfter < 0) writeFileSync(join(out, `${name}-first.bin`), pack(messages.slice(0, 1)));
  if (joiner) writeFileSync(join(out, `${name}-joiner.bin`), pack(joiner));
}

// Round-trip seeds (seeds-roundtrip/): the round-trip target reads its input as a stream of choices (size, frames,
// flags, palette, then edits), so a seed is a chosen header followed by varied bytes. Without seeds libFuzzer
// starts from empty inputs and, in a minute, never grows past a few bytes: the encoder would only ever see 1x1
// pictures with no edits.
const roundTripOut = join(import.meta.dirname, 'seeds-roundtrip');
mkdirSync(roundTripOut, { recursive: true });
let state = 0x9e3779b9;
const nextByte = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) & 255;
};
const headers: [string, number, number, number, number, number][] = [
  // name, width-1, height-1, frames-1, flags (1: small messages, 2: padded stride, 4: BGRX), total length
  ['small-rgba', 15, 11, 4, 0, 400],
  ['wide-bgrx', 95, 7, 4, 4, 900],
  ['tall-padded', 9, 71, 3, 2, 700],
  ['progressive', 63, 47, 4, 1, 1500],
  ['full-size', 95, 71, 4, 7, 3000],
  ['odd', 16, 8, 2, 6, 256],
];
for (const [name, w, h, frames, flags, length] of headers) {
  const bytes = new Uint8Array(length);
  bytes.set([w, h, frames, flags]);
  for (let i = 4; i < length; i++) bytes[i] = nextByte();
  writeFileSync(join(roundTripOut, `${name}.bin`), bytes);
}
console.log('seeds written to', out, 'and', roundTripOut);
