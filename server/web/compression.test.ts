// What goes over the wire: the built client's precompressed variants by Accept-Encoding, JSON compressed on the
// fly above 1 KB, and the portal's first load small enough for a slow customer line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, type TestClient, type TestServer } from '../testing/startTestServer.ts';

const DIST = join(import.meta.dirname, '..', '..', 'client', 'dist');
const PORTAL_BUDGET_BYTES = 35 * 1024;

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  if (!existsSync(join(DIST, 'portal.html'))) throw new Error('client/dist is not built: run `npm run build:client`');
  server = await startTestServer();
  admin = await setupAdmin(server);
});
afterAll(() => server?.stop());

/** A raw fetch: Bun's fetch would otherwise ask for br/gzip itself and decode before the test sees the bytes. */
async function raw(path: string, acceptEncoding: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, { headers: { 'accept-encoding': acceptEncoding, ...headers }, decompress: false } as RequestInit);
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
}

function decode(body: Uint8Array, encoding: string | null): Uint8Array {
  if (encoding === 'br') return new Uint8Array(brotliDecompressSync(body));
  if (encoding === 'gzip') return new Uint8Array(gunzipSync(body));
  return body;
}

/** The scripts, styles and modulepreloads a built page loads first, as URL paths. */
function referencedAssets(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
}

const builtScript = () => '/assets/' + readdirSync(join(DIST, 'assets')).find((n) => /^portal-.*\.js$/.test(n))!;

describe('built client files', () => {
  it('come as br, gzip or identity by Accept-Encoding, with the same bytes and headers', async () => {
    const path = builtScript();
    const original = new Uint8Array(readFileSync(join(DIST, path)));
    const cases: [string, string | null][] = [
      ['br, gzip', 'br'],
      ['gzip, deflate, br;q=0.9', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['identity', null],
      ['deflate', null],
    ];
    for (const [accept, expected] of cases) {
      const { res, body } = await raw(path, accept);
      expect(res.status, accept).toBe(200);
      expect(res.headers.get('content-encoding'), accept).toBe(expected);
      expect(res.headers.get('vary'), accept).toMatch(/accept-encoding/i);
      expect(res.headers.get('content-type'), accept).toMatch(/javascript/);
      expect(res.headers.get('cache-control'), accept).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options'), accept).toBe('nosniff');
      if (expected) expect(body.length, accept).toBeLessThan(original.length / 2);
      expect(Buffer.from(decode(body, expected)).equals(Buffer.from(original)), accept).toBe(true);
    }
  });

  it('keeps the page CSP and no-cache on a compressed page', async () => {
    const { res, body } = await raw('/portal', 'br');
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(new TextDecoder().decode(decode(body, 'br'))).toBe(readFileSync(join(DIST, 'portal.html'), 'utf8'));
  });

  it('does not preload the SHA-256 digest, which only a file transfer needs', () => {
    for (const page of ['index.html', 'portal.html']) expect(readFileSync(join(DIST, page), 'utf8'), page).not.toMatch(/sha256/i);
  });

  it("keeps the portal's first load under 35 KB with brotli", () => {
    const html = readFileSync(join(DIST, 'portal.html'));
    const assets = referencedAssets(html.toString());
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    // The precompressed variant when the build wrote one (that is what is sent), else the file itself.
    const sent = (file: string) => (existsSync(`${file}.br`) ? readFileSync(`${file}.br`) : readFileSync(file)).length;
    const total = sent(join(DIST, 'portal.html')) + assets.reduce((sum, a) => sum + sent(join(DIST, a)), 0);
    expect(total).toBeLessThan(PORTAL_BUDGET_BYTES);
    // The variants really are the files: the budget is not met by a stale or broken .br.
    for (const a of assets) {
      const file = join(DIST, a);
      if (existsSync(`${file}.br`)) expect(brotliDecompressSync(readFileSync(`${file}.br`)).equals(readFileSync(file)), a).toBe(true);
    }
  });
});

describe('JSON answers', () => {
  beforeAll(async () => {
    // Enough engineers that the list is well over 1 KB.
    for (let i = 0; i < 8; i++) await createEngineer(server, admin, `engineer${i}`);
  });

  async function get(path: string, acceptEncoding: string) {
    return raw(path, acceptEncoding, { cookie: admin.cookieHeader });
  }

  it('over 1 KB are compressed when accepted and decode to the same JSON', async () => {
    const plain = await get('/api/engineers', 'identity');
    expect(plain.res.status).toBe(200);
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.body.length).toBeGreaterThan(1024);
    const expected = JSON.parse(new TextDecoder().decode(plain.body));
    for (const encoding of ['br', 'gzip']) {
      const { res, body } = await get('/api/engineers', encoding);
      expect(res.status, encoding).toBe(200);
      expect(res.headers.get('content-encoding'), encoding).toBe(encoding);
      expect(res.headers.get('content-type'), encoding).toMatch(/application\/json/);
      expect(res.headers.get('vary'), encoding).toMatch(/accept-encoding/i);
      expect(res.headers.get('x-content-type-options'), encoding).toBe('nosniff');
      expect(body.length, encoding).toBeLessThan(plain.body.length);
      expect(JSON.parse(new TextDecoder().decode(decode(body, encoding))), encoding).toEqual(expected);
    }
  });

  it('under 1 KB go as they are', async () => {
    const { res, body } = await get('/api/health', 'br, gzip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(body.length).toBeLessThan(1024);
    expect(JSON.parse(new TextDecoder().decode(body))).toMatchObject({ ok: true });
  });

  it('keep a status other than 200', async () => {
    const { res, body } = await get('/api/no-such-route', 'br');
    expect(res.status).toBe(404);
    expect(JSON.parse(new TextDecoder().decode(decode(body, res.headers.get('content-encoding'))))).toMatchObject({ error: expect.any(String) });
  });
});

// Keeps the import of brotliCompressSync/constants honest: the test decodes what node:zlib itself can encode.
it('decodes node:zlib brotli', () => {
  const data = new TextEncoder().encode('x'.repeat(5000));
  const packed = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
  expect(decode(new Uint8Array(packed), 'br')).toEqual(data);
});
