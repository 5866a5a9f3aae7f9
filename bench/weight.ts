// Page weight: `npm run bench:weight [-- --json FILE]`
//
// Starts the real server (`bun server/main.ts` over a fresh data folder) and loads the console (/) and the
// customer portal (/portal) the way a browser's cold first visit does: the page, then every script, stylesheet
// and modulepreload it names (CSS url()s and what the scripts fetch later are left out). Once without
// Accept-Encoding and once with `br, gzip`, and prints the bytes on the wire side by side: the status line and
// headers as sent plus the body as sent (encoded, not decoded). Needs client/dist (`npm run build:client`).
import { writeFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ensureClientBuilt, startServer } from '../test/helpers/server.ts';

const PAGES = [
  ['console', '/'],
  ['portal', '/portal'],
] as const;
const ENCODED = 'br, gzip';

interface Load {
  files: number;
  headerBytes: number;
  bodyBytes: number;
  /** The files that were not sent encoded (identity), to spot what the build left out. */
  identity: string[];
}

/** Approximate HTTP/1.1 header size: what fetch exposes, as `name: value\r\n`, plus status line and blank line. */
function headerBytes(res: Response): number {
  let n = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`.length + 2;
  res.headers.forEach((value, name) => (n += name.length + 2 + value.length + 2));
  return n;
}

async function get(base: string, path: string, acceptEncoding: string | null) {
  // Bun's fetch would ask for br/gzip itself and decode; a browser without them sends no Accept-Encoding.
  const headers: Record<string, string> = { 'accept-encoding': acceptEncoding ?? 'identity' };
  const res = await fetch(base + path, { headers, decompress: false } as RequestInit);
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  return { res, body };
}

function decodeText(body: Uint8Array, encoding: string | null): string {
  const bytes = encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;
  return new TextDecoder().decode(bytes);
}

async function loadPage(base: string, path: string, acceptEncoding: string | null): Promise<Load> {
  const load: Load = { files: 0, headerBytes: 0, bodyBytes: 0, identity: [] };
  const count = (url: string, res: Response, body: Uint8Array) => {
    load.files++;
    load.headerBytes += headerBytes(res);
    load.bodyBytes += body.length;
    if (!res.headers.get('content-encoding')) load.identity.push(url);
  };
  const page = await get(base, path, acceptEncoding);
  count(path, page.res, page.body);
  const html = decodeText(page.body, page.res.headers.get('content-encoding'));
  const refs = new Set<string>();
  for (const tag of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const attrs = tag[0];
    const isScript = tag[1] === 'script';
    const rel = /\brel="([^"]+)"/.exec(attrs)?.[1] ?? '';
    if (!isScript && !/\b(stylesheet|modulepreload)\b/.test(rel)) continue;
    const url = /\b(?:src|href)="(\/[^"]+)"/.exec(attrs)?.[1];
    if (url) refs.add(url);
  }
  for (const url of refs) {
    const { res, body } = await get(base, url, acceptEncoding);
    count(url, res, body);
  }
  return load;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main() {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  await ensureClientBuilt();
  const server = await startServer();
  const results: Record<string, { plain: Load; encoded: Load }> = {};
  try {
    for (const [name, path] of PAGES) {
      results[name] = { plain: await loadPage(server.url, path, null), encoded: await loadPage(server.url, path, ENCODED) };
    }
  } finally {
    await server.stop();
  }
  const rows = [['page', 'files', 'identity', `${ENCODED}`, 'saved']];
  for (const [name, { plain, encoded }] of Object.entries(results)) {
    const a = plain.headerBytes + plain.bodyBytes;
    const b = encoded.headerBytes + encoded.bodyBytes;
    rows.push([name, String(plain.files), kb(a), kb(b), `${((1 - b / a) * 100).toFixed(0)} %`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  for (const [name, { encoded }] of Object.entries(results))
    if (encoded.identity.length) console.log(`${name}: sent as identity even with ${ENCODED}: ${encoded.identity.join(', ')}`);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2));
}

main().catch((e: Error) => {
  console.error(`bench:weight: ${e.message}`);
  process.exit(1);
});
