// Desktop codec benchmark: `npm run bench:codec -- [--corpus DIR] [--json FILE] [--no-x264] [--no-browser] [--limit N]`
//
// For every scenario folder in DIR (desk-corpus/1, see bench/corpus/README.md; without --corpus: the repository's
// recordings plus any others in ../shared/corpus/public) it encodes and decodes every
// frame with Tessera's codec (first frame progressive: coarse preview, then refinements until exact), checks each
// decoded frame against the manifest's SHA-256, and measures in the same run, on the same frames, the anchors:
// ZRLE-like (changed 64x64 tiles, one zlib-6 stream, sync flush per frame), zstd-like (same, one zstd-3 stream),
// PNG of changed rectangles (sharp), x264 lossless ultrafast/veryslow (ffmpeg, if installed) and the first frame
// as one PNG (level 9). Anchor values are bytes after the first frame (firstFramePng: the first frame alone).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { createDecoder, createEncoder, createTileAnchor } from '../native/index.ts';
import { benchScenarios, listScenarios, readManifest, readScenario, sha256 } from './corpus.ts';

interface Anchors {
  zrle: number;
  zstd: number;
  png: number;
  x264Ultrafast: number | null;
  x264Veryslow: number | null;
  firstFramePng: number;
}

export interface ScenarioResult {
  frames: number;
  bytes: number;
  bytesAfterFirst: number;
  firstFrameBytes: number;
  previewBytes: number;
  kbps: number;
  encodeMsMedian: number;
  encodeMsP95: number;
  encodeWallMsMedian: number;
  decodeMsMedian: number;
  decodeWallMsMedian: number;
  browserDecodeMsMedian: number | null;
  exact: boolean;
  encoderMemoryBytes: number;
  decoderMemoryBytes: number;
  anchors: Anchors;
}

const PREVIEW_BUDGET = 40_000;
const CHROMIUM = '/usr/bin/chromium';

function parseArgs(argv: string[]) {
  const args = { corpus: '', json: '', x264: true, browser: true, limit: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--corpus') args.corpus = resolve(argv[++i] ?? '');
    else if (a === '--json') args.json = resolve(argv[++i] ?? '');
    else if (a === '--no-x264') args.x264 = false;
    else if (a === '--no-browser') args.browser = false;
    else if (a === '--limit') args.limit = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

const quantile = (values: number[], q: number) => {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** PNG anchor: changed 16x16 cells, clustered (closer than ~32 px merged), each cluster's bounding box as PNG. */
async function pngOfChanges(prev: Uint8Array, cur: Uint8Array, width: number, height: number): Promise<number> {
  const cw = Math.ceil(width / 16), chh = Math.ceil(height / 16);
  const changed = new Uint8Array(cw * chh);
  let any = false;
  for (let cy = 0; cy < chh; cy++)
    for (let cx = 0; cx < cw; cx++) {
      const x0 = cx * 16, w = Math.min(16, width - x0);
      for (let y = cy * 16; y < Math.min(height, cy * 16 + 16); y++) {
        const o = (y * width + x0) * 4;
        if (Buffer.compare(Buffer.from(prev.buffer, prev.byteOffset + o, w * 4), Buffer.from(cur.buffer, cur.byteOffset + o, w * 4)) !== 0) {
          changed[cy * cw + cx] = 1;
          any = true;
          break;
        }
      }
    }
  if (!any) return 0;
  // Boxes of cells, merged while any two are within 2 cells (32 px) of each other.
  let boxes: [number, number, number, number][] = [];
  for (let i = 0; i < changed.length; i++) if (changed[i]) boxes.push([i % cw, Math.floor(i / cw), (i % cw) + 1, Math.floor(i / cw) + 1]);
  for (let merged = true; merged; ) {
    merged = false;
    const out: [number, number, number, number][] = [];
    for (const b of boxes) {
      const m = out.find((o) => b[0] < o[2] + 2 && o[0] < b[2] + 2 && b[1] < o[3] + 2 && o[1] < b[3] + 2);
      if (m) {
        m[0] = Math.min(m[0], b[0]); m[1] = Math.min(m[1], b[1]); m[2] = Math.max(m[2], b[2]); m[3] = Math.max(m[3], b[3]);
        merged = true;
      } else out.push([...b]);
    }
    boxes = out;
  }
  let bytes = 0;
  for (const [cx0, cy0, cx1, cy1] of boxes) {
    const x0 = cx0 * 16, y0 = cy0 * 16, x1 = Math.min(width, cx1 * 16), y1 = Math.min(height, cy1 * 16);
    const w = x1 - x0, h = y1 - y0;
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = ((y0 + y) * width + x0 + x) * 4, o = (y * w + x) * 3;
        rgb[o] = cur[i]!; rgb[o + 1] = cur[i + 1]!; rgb[o + 2] = cur[i + 2]!;
      }
    const png = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer();
    bytes += png.length;
  }
  return bytes;
}

async function firstFramePng(rgba: Uint8Array, width: number, height: number): Promise<number> {
  const png = await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toBuffer();
  return png.length;
}

const hasFfmpeg = () => spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

/** x264 lossless (libx264rgb -qp 0) of all frames; returns bytes after the first frame for each preset. */
async function x264(dir: string, limit: number, presets: string[]): Promise<Record<string, number>> {
  const manifest = readManifest(dir);
  const tmp = mkdtempSync(join(tmpdir(), 'tessera-x264-'));
  try {
    const procs = presets.map((preset) => {
      const file = join(tmp, `${preset}.nut`);
      const p = spawn('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${manifest.width}x${manifest.height}`,
        '-r', String(manifest.fps), '-i', '-', '-c:v', 'libx264rgb', '-qp', '0', '-preset', preset, '-tune', 'zerolatency', '-f', 'nut', file],
      { stdio: ['pipe', 'ignore', 'inherit'] });
      const done = new Promise<void>((res, rej) => p.on('close', (code) => (code === 0 ? res() : rej(new Error(`ffmpeg ${preset} exited ${code}`)))));
      return { preset, file, p, done };
    });
    for await (const frame of readScenario(dir, { limit })) {
      const chunk = Buffer.from(frame.rgba);
      await Promise.all(procs.map(({ p }) => new Promise<void>((res) => (p.stdin!.write(chunk) ? res() : p.stdin!.once('drain', () => res())))));
    }
    for (const { p } of procs) p.stdin!.end();
    await Promise.all(procs.map((p) => p.done));
    const result: Record<string, number> = {};
    for (const { preset, file } of procs) {
      const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=size', '-of', 'csv=p=0', file], { encoding: 'utf8' });
      const sizes = probe.stdout.trim().split('\n').map(Number);
      result[preset] = sizes.slice(1).reduce((a, b) => a + b, 0);
    }
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Decode all messages in headless Chromium with the wasm decoder; returns the median ms per decoded message. */
async function browserDecode(all: { name: string; messages: Uint8Array[][] }[]): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const s of all) out[s.name] = null;
  if (!existsSync(CHROMIUM)) return out;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const wasm = readFileSync(resolve(import.meta.dirname, '../client/src/codec/tesseraDecoder.wasm')).toString('base64');
    for (const s of all) {
      // Per frame: the messages that make it (frame 0 in progressive mode has several), concatenated with lengths.
      const frames = s.messages.map((ms) => ms.map((m) => Buffer.from(m).toString('base64')));
      const median = await page.evaluate(async ({ wasm, frames }) => {
        const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const { instance } = await WebAssembly.instantiate(bytes(wasm), {});
        const x = instance.exports as any;
        const h = x.tessera_create();
        const decoded = frames.map((ms) => ms.map(bytes));
        const times: number[] = [];
        for (const ms of decoded) {
          if (!ms.length) continue;
          const t0 = performance.now();
          for (const m of ms) {
            const p = x.tessera_input(h, m.length);
            new Uint8Array(x.memory.buffer, p, m.length).set(m);
            if (!x.tessera_decode(h, m.length)) throw new Error('browser decode failed');
          }
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        return times.length ? times[Math.floor(times.length / 2)]! : 0;
      }, { wasm, frames });
      out[s.name] = median;
    }
  } finally {
    await browser.close();
  }
  return out;
}

export async function runScenario(dir: string, limit = Infinity) {
  const manifest = readManifest(dir);
  const encoder = createEncoder({ maxMessageBytes: PREVIEW_BUDGET });
  const decoder = createDecoder();
  const zrle = createTileAnchor('zlib');
  const zstd = createTileAnchor('zstd');
  const messages: Uint8Array[][] = [];
  const encodeMs: number[] = [];
  const encodeWallMs: number[] = [];
  const decodeMs: number[] = [];
  const decodeWallMs: number[] = [];
  let bytes = 0, firstFrameBytes = 0, previewBytes = 0, exact = true, frames = 0;
  let encoderMemory = 0, decoderMemory = 0;
  const anchors = { zrle: 0, zstd: 0, png: 0, firstFramePng: 0 };
  let prev: Uint8Array | null = null;
  for await (const frame of readScenario(dir, { limit })) {
    frames++;
    const { width, height, rgba } = frame;
    // Ours. Frame 0 is progressive: coarse preview, then refinements until the picture is exact.
    const msgs: Uint8Array[] = [];
    let spent = 0, cpu = 0;
    for (;;) {
      const t0 = performance.now();
      const m = encoder.encode(rgba, width, height, width * 4, 'rgba');
      spent += performance.now() - t0;
      cpu += encoder.stats().cpuMs;
      if (!m) break;
      msgs.push(m);
      if (frame.index > 0) break;
    }
    if (frame.index === 0) encoder.setMaxMessageBytes(0);
    encodeMs.push(cpu);
    encodeWallMs.push(spent);
    encoderMemory = Math.max(encoderMemory, encoder.memoryBytes());
    if (msgs.length) {
      const t0 = performance.now();
      let cpuDecode = 0;
      for (const m of msgs) {
        decoder.apply(m);
        cpuDecode += decoder.lastCpuMs();
      }
      decodeWallMs.push(performance.now() - t0);
      decodeMs.push(cpuDecode);
    }
    decoderMemory = Math.max(decoderMemory, decoder.memoryBytes());
    const size = msgs.reduce((a, m) => a + m.length, 0);
    bytes += size;
    if (frame.index === 0) {
      firstFrameBytes = size;
      previewBytes = msgs[0]?.length ?? 0;
    }
    if (sha256(decoder.rgba()) !== manifest.frames[frame.index]!.sha256) exact = false;
    messages.push(msgs);
    // Anchors on the same frames.
    const z1 = zrle.push(rgba, width, height), z2 = zstd.push(rgba, width, height);
    if (frame.index > 0) {
      anchors.zrle += z1;
      anchors.zstd += z2;
      anchors.png += await pngOfChanges(prev!, rgba, width, height);
    } else {
      anchors.firstFramePng = await firstFramePng(rgba, width, height);
    }
    prev = prev ?? new Uint8Array(rgba.length);
    prev.set(rgba);
  }
  const bytesAfterFirst = bytes - firstFrameBytes;
  const seconds = Math.max(1, frames - 1) / manifest.fps;
  const result: ScenarioResult = {
    frames,
    bytes,
    bytesAfterFirst,
    firstFrameBytes,
    previewBytes,
    kbps: bytesAfterFirst / seconds / 1000,
    encodeMsMedian: quantile(encodeMs, 0.5),
    encodeMsP95: quantile(encodeMs, 0.95),
    encodeWallMsMedian: quantile(encodeWallMs, 0.5),
    decodeMsMedian: quantile(decodeMs, 0.5),
    decodeWallMsMedian: quantile(decodeWallMs, 0.5),
    browserDecodeMsMedian: null,
    exact,
    encoderMemoryBytes: encoderMemory,
    decoderMemoryBytes: decoderMemory,
    anchors: { ...anchors, x264Ultrafast: null, x264Veryslow: null },
  };
  return { name: manifest.name, result, messages };
}

const kB = (n: number | null) => (n === null ? 'n/a' : (n / 1000).toFixed(1));

export function table(results: Record<string, ScenarioResult>): string {
  const lines = [
    '| scenario | frames | exact | ours total kB | ours after first kB | ours kB/s | first frame kB (preview kB) | first frame PNG-9 kB | ZRLE-like kB | zstd-like kB | PNG rects kB | x264 ultrafast kB | x264 veryslow kB | encode CPU ms median / p95 (wall median) | decode ms median C++ CPU / browser | encoder MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, r] of Object.entries(results)) {
    lines.push(`| ${name} | ${r.frames} | ${r.exact ? 'yes' : 'NO'} | ${kB(r.bytes)} | ${kB(r.bytesAfterFirst)} | ${r.kbps.toFixed(2)} | ${kB(r.firstFrameBytes)} (${kB(r.previewBytes)}) | ${kB(r.anchors.firstFramePng)} | ${kB(r.anchors.zrle)} | ${kB(r.anchors.zstd)} | ${kB(r.anchors.png)} | ${kB(r.anchors.x264Ultrafast)} | ${kB(r.anchors.x264Veryslow)} | ${r.encodeMsMedian.toFixed(2)} / ${r.encodeMsP95.toFixed(2)} (${r.encodeWallMsMedian.toFixed(2)}) | ${r.decodeMsMedian.toFixed(2)} / ${r.browserDecodeMsMedian === null ? 'n/a' : r.browserDecodeMsMedian.toFixed(2)} | ${(r.encoderMemoryBytes / 1048576).toFixed(1)} |`);
  }
  return lines.join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dirs = args.corpus ? listScenarios(args.corpus) : benchScenarios();
  if (!dirs.length) throw new Error(`no scenario folders in ${args.corpus || 'bench/corpus'}`);
  const results: Record<string, ScenarioResult> = {};
  const all: { name: string; messages: Uint8Array[][] }[] = [];
  for (const dir of dirs) {
    const { name, result, messages } = await runScenario(dir, args.limit);
    results[name] = result;
    all.push({ name, messages });
    console.error(`${name}: ${kB(result.bytesAfterFirst)} kB after first frame (${result.kbps.toFixed(2)} kB/s), exact=${result.exact}`);
  }
  if (args.browser) {
    const browser = await browserDecode(all);
    for (const [name, ms] of Object.entries(browser)) results[name]!.browserDecodeMsMedian = ms;
  }
  if (args.x264 && hasFfmpeg()) {
    for (const dir of dirs) {
      const name = readManifest(dir).name;
      const x = await x264(dir, args.limit, ['ultrafast', 'veryslow']);
      results[name]!.anchors.x264Ultrafast = x.ultrafast ?? null;
      results[name]!.anchors.x264Veryslow = x.veryslow ?? null;
      console.error(`${name}: x264 done`);
    }
  }
  console.log(table(results));
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
  if (!Object.values(results).every((r) => r.exact)) process.exitCode = 1;
}

if (import.meta.main) await main();
