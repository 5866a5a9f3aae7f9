import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import { docsFile } from '../assets.ts';
import type { Auth } from '../auth/guard.ts';

/**
 * OpenAPI JSON at /api/openapi.json and a Swagger UI page at /api/docs whose script and styles are served by
 * us, so the page works without internet.
 */
// Every script of the page is a file of ours, so the policy needs no inline script at all.
const DOCS_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Swagger UI sets element styles
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_INIT = `window.ui = SwaggerUIBundle({ dom_id: '#swagger-ui', url: '/api/openapi.json' });\n`;

function docsPage(version: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Tessera API ${Bun.escapeHTML(version)}</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/assets/init.js"></script>
</body>
</html>
`;
}

export function docsRoutes(auth: Auth, version: string) {
  const asset = (name: 'swagger-ui-bundle.js' | 'swagger-ui.css', type: string) => () =>
    new Response(Bun.file(docsFile(name)), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });
  const page = docsPage(version);
  return new Elysia({ name: 'docs-routes' })
    .use(auth.guard)
    .use(
      openapi({
        path: '/api/docs',
        specPath: '/api/openapi.json',
        // Our own page below: the plugin's has an inline script, which a strict policy would have to allow.
        provider: null,
        exclude: { paths: [/^\/api\/docs/, /^\/ws\//, /^\/(?!api\/)/] },
        documentation: {
          info: {
            title: 'Tessera API',
            version,
            description:
              'REST API of Tessera. Authenticate with a console login cookie or `Authorization: Bearer tsk_...` ' +
              '(an API token with the scope the route names).',
          },
        },
      }),
    )
    .get(
      '/api/docs',
      () => new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DOCS_POLICY, 'cache-control': 'no-cache' } }),
      { access: 'public', detail: { hide: true } },
    )
    .get(
      '/api/docs/assets/init.js',
      () => new Response(DOCS_INIT, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' } }),
      { access: 'public', detail: { hide: true } },
    )
    .get('/api/docs/assets/swagger-ui-bundle.js', asset('swagger-ui-bundle.js', 'text/javascript; charset=utf-8'), {
      access: 'public',
    })
    .get('/api/docs/assets/swagger-ui.css', asset('swagger-ui.css', 'text/css; charset=utf-8'), { access: 'public' });
}
