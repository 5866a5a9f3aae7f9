import { Elysia } from 'elysia';
import type { Config } from '../config.ts';
import { RouteBodies, type RouteBody } from './bodyPolicy.ts';
import { jsonDeeperThan, MAX_JSON_DEPTH } from './jsonDepth.ts';
import { sameOrigin } from './origin.ts';

/** A body refused before it was parsed; errorBodies answers with its status and reason. */
export class BodyRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Marks a raw route's body as handled, so Elysia parses nothing and the route reads its own bytes. */
const RAW_BODY = Object.freeze({});

async function readText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new BodyRefused(413, `request body too large (at most ${limit} bytes here)`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel();
      throw new BodyRefused(413, `request body too large (at most ${limit} bytes here)`);
    }
    parts.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts));
  } catch {
    throw new BodyRefused(400, 'request body is not UTF-8');
  }
}

function refuseKind(body: RouteBody, contentType: string): never {
  const wanted = body.kind === 'json' ? 'application/json' : body.kind === 'multipart' ? 'multipart/form-data' : 'application/octet-stream';
  throw new BodyRefused(415, `this route takes ${wanted}, not ${contentType || 'a body without a content type'}`);
}

/**
 * What every request passes before a route sees it:
 * - a state-changing request from a browser must come from our own origin (Origin, scheme included, and
 *   Sec-Fetch-Site): SameSite cookies still go with a form posted from a sibling sub-domain;
 * - a body must be of the kind its route takes: JSON routes take only application/json (a form or text/plain
 *   post is what a forging page can send without CORS), multipart only where a route takes a file;
 * - JSON is read under a limit (small on public routes: it is read before anyone is known) and refused when
 *   nested deeper than MAX_JSON_DEPTH, before the parser or validation recurse into it.
 */
export function requestGuard(config: Pick<Config, 'trustedProxies' | 'jsonBodyLimitBytes' | 'publicBodyLimitBytes'>, routes: () => RouteBodies) {
  return new Elysia({ name: 'request-guard' })
    .onRequest(({ request, server, status }) => {
      if (UNSAFE.has(request.method) && !sameOrigin(request, server, config.trustedProxies))
        return status(403, { error: 'cross-origin request refused: state-changing requests must come from this server’s own pages' });
    })
    .onParse({ as: 'global' }, async ({ request }, contentType) => {
      const body = routes().find(request.method, new URL(request.url).pathname);
      if (!body) return;
      const type = contentType.toLowerCase();
      if (type === '') {
        if (body.kind === 'raw') return RAW_BODY;
        return; // no body at all: the route's schema decides whether that is enough
      }
      if (body.kind === 'raw') return type === 'application/octet-stream' ? RAW_BODY : refuseKind(body, type);
      if (body.kind === 'multipart') return type === 'multipart/form-data' ? undefined : refuseKind(body, type);
      if (type !== 'application/json') refuseKind(body, type);
      const text = await readText(request, body.public ? config.publicBodyLimitBytes : config.jsonBodyLimitBytes);
      if (text.trim() === '') return; // a declared but empty body: the same as none
      if (jsonDeeperThan(text)) throw new BodyRefused(400, `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new BodyRefused(400, 'request body is not valid JSON');
      }
    });
}
