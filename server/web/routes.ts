import { Elysia } from 'elysia';
import { clientFile } from '../assets.ts';
import { acceptedEncodings, type Encoding } from '../http/compression.ts';
import type { Auth } from '../auth/guard.ts';

const INDEX = '/index.html';
const PORTAL = '/portal.html';
// The files client/precompress.ts writes beside each built file, by the encoding they hold.
const VARIANT_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };
const PAGE_CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

/**
 * Serves the built console (client/dist). /portal and below get the customer portal's page (portal.html); any
 * other path that is not an API or WebSocket path gets index.html, so the console's own routes (/setup,
 * /admin/desks, ...) work on reload.
 */
export function webRoutes(auth: Auth) {
  async function serve(path: string, acceptEncoding: string | null): Promise<Response | null> {
    const file = clientFile(path);
    if (!file) return null;
    const blob = Bun.file(file);
    if (!(await blob.exists())) return null;
    // The best precompressed variant the client accepts; a file too small or incompressible has none.
    let body = blob;
    let encoding: Encoding | null = null;
    for (const candidate of acceptedEncodings(acceptEncoding)) {
      const variantFile = clientFile(path + VARIANT_SUFFIX[candidate]);
      const variant = variantFile ? Bun.file(variantFile) : null;
      if (variant && (await variant.exists())) {
        body = variant;
        encoding = candidate;
        break;
      }
    }
    // Built assets carry a content hash in their names, so they can be cached for good; index.html never.
    const immutable = path.startsWith('/assets/');
    return new Response(body, {
      headers: {
        // From the original name: the variant's .br/.gz would otherwise be served as a download.
        'content-type': blob.type,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
        // On identity answers too, so a shared cache never hands a stored br body to a client that cannot decode it.
        vary: 'Accept-Encoding',
        ...(encoding ? { 'content-encoding': encoding } : {}),
        ...(path === INDEX || path === PORTAL ? { 'content-security-policy': PAGE_CSP } : {}),
      },
    });
  }

  return new Elysia({ name: 'web-routes' }).use(auth.guard).get(
    '/*',
    async ({ path, status, request }) => {
      const accept = request.headers.get('accept-encoding');
      if (path.startsWith('/api/') || path === '/api' || path.startsWith('/ws/')) return status(404, { error: 'not found' });
      // The customer portal is its own page (client/portal.html) at /portal and below.
      if (path === '/portal' || path.startsWith('/portal/')) {
        const portal = await serve(PORTAL, accept);
        return portal ?? status(503, { error: 'the portal is not built; run `npm run build:client`' });
      }
      const direct = path !== '/' && path !== INDEX ? await serve(path, accept) : null;
      if (direct) return direct;
      const index = await serve(INDEX, accept);
      return index ?? status(503, { error: 'the console is not built; run `npm run build:client`' });
    },
    { access: 'public', detail: { hide: true } },
  );
}
