// Compression of what the server sends: the built client's precompressed variants (client/precompress.ts) and,
// on the fly, JSON answers large enough to be worth it. Bun does not compress responses by itself.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** Below this a JSON answer goes as it is: it fits one packet either way and compressing only costs CPU. */
export const JSON_COMPRESS_MIN_BYTES = 1024;

/**
 * The encodings a request accepts, best first (br, then gzip). Honours q=0 ("not this one") and `*`, as
 * RFC 9110 12.5.3 asks; an absent header means identity only, like every browser-less client expects.
 */
export function acceptedEncodings(header: string | null): Encoding[] {
  if (!header) return [];
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const star = q.get('*');
  const allowed = (name: string) => (q.get(name) ?? (name === 'gzip' ? q.get('x-gzip') : undefined) ?? star ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(allowed);
}

/** Appends Accept-Encoding to Vary without losing what is there, so caches keep the variants apart. */
export function addVary(headers: Headers): void {
  const vary = headers.get('vary');
  if (!vary) headers.set('vary', 'Accept-Encoding');
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) headers.set('vary', `${vary}, Accept-Encoding`);
}

/** Compresses bytes for a live answer: fast settings, since this runs on every request. */
export function compressNow(bytes: Uint8Array, encoding: Encoding): Uint8Array<ArrayBuffer> {
  return encoding === 'br'
    ? brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
    : gzipSync(bytes, { level: 1 }) as Uint8Array<ArrayBuffer>;
}

const JSON_TYPE = /^application\/(.+\+)?json\b/i;

/**
 * The compressed form of a JSON response, or the response itself when it should go as it is: not JSON (file
 * downloads, recordings, the client's files, which have their own variants), already encoded, small, a
 * range or upgrade answer, or the request accepts nothing better than identity.
 */
export async function compressJsonResponse(request: Request, response: Response): Promise<Response> {
  if (request.method === 'HEAD' || request.headers.get('upgrade')) return response;
  if (response.status === 101 || response.status === 204 || response.status === 206 || response.status === 304) return response;
  if (!response.body || response.headers.has('content-encoding')) return response;
  if (!JSON_TYPE.test(response.headers.get('content-type') ?? '')) return response;
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(length) && length < JSON_COMPRESS_MIN_BYTES) return response;
  const encoding = acceptedEncodings(request.headers.get('accept-encoding'))[0];
  if (!encoding) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  if (bytes.length < JSON_COMPRESS_MIN_BYTES) return new Response(bytes, { status: response.status, statusText: response.statusText, headers });
  return new Response(compressNow(bytes, encoding), { status: response.status, statusText: response.statusText, headers: encodedHeaders(headers, encoding) });
}

function encodedHeaders(headers: Headers, encoding: Encoding): Headers {
  headers.set('content-encoding', encoding);
  headers.delete('content-length');
  addVary(headers);
  return headers;
}

function isPlainJson(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/**
 * The compressed answer for what a handler returned (a plain object or array Elysia would send as JSON, or a
 * JSON Response), or undefined to let Elysia send it as usual. `status` is the code the handler chose.
 */
export async function compressHandlerResult(request: Request, value: unknown, status: number): Promise<Response | undefined> {
  // A WebSocket upgrade answers with its own 101, never a body.
  if (request.method === 'HEAD' || request.headers.get('upgrade')) return undefined;
  if (value instanceof Response) {
    const out = await compressJsonResponse(request, value);
    return out === value ? undefined : out;
  }
  if (!isPlainJson(value)) return undefined;
  const encoding = acceptedEncodings(request.headers.get('accept-encoding'))[0];
  if (!encoding) return undefined;
  const text = JSON.stringify(value);
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so a string this short is under the limit without encoding it.
  if (text.length < JSON_COMPRESS_MIN_BYTES / 3) return undefined;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length < JSON_COMPRESS_MIN_BYTES) return undefined;
  const headers = encodedHeaders(new Headers({ 'content-type': 'application/json' }), encoding);
  return new Response(compressNow(bytes, encoding), { status, headers });
}
