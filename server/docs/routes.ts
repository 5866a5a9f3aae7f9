import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import { docsFile } from '../assets.ts';
import { SECURITY_SCHEMES, type Auth } from '../auth/guard.ts';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../protocol/roles.ts';
import { API_TAGS } from './tags.ts';

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

// No persistAuthorization: a pasted token would outlive the tab in localStorage. The public validator badge is
// another origin, which the policy refuses (and the page must work offline). Swagger UI puts "Bearer " in front
// of whatever is pasted, so a pasted "Bearer tsk_..." would otherwise go out twice prefixed and be refused.
const DOCS_INIT = `window.ui = SwaggerUIBundle({
  dom_id: '#swagger-ui',
  url: '/api/openapi.json',
  validatorUrl: null,
  requestInterceptor: function (req) {
    var auth = req.headers && req.headers.Authorization;
    if (typeof auth === 'string') req.headers.Authorization = auth.replace(/^Bearer\\s+Bearer\\s+/i, 'Bearer ').trim();
    return req;
  },
});
`;

const DESCRIPTION = [
  'REST API of Tessera. Each operation says who may call it: public, or a least role (engineer < supervisor < admin)',
  'with a console login, and for some also an API token with the scope it names. A token acts as the engineer who',
  'made it, limited to its scopes, and is refused (403) on a route whose scope it lacks or that takes console logins only.',
  '',
  '**Trying it here**: signed in to the console in this browser, "Try it out" sends your login cookie by itself.',
  'To use an API token instead, press **Authorize** and paste it under `apiToken` (with or without `Bearer `).',
  '',
  '**Token scopes** (create tokens in the console under API tokens):',
  '',
  ...SCOPES.map((s) => `- \`${s}\`: ${SCOPE_DESCRIPTIONS[s]}.`),
].join('\n');

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
        // WebSockets are not operations OpenAPI can describe (the portal's lives under /api/).
        exclude: { paths: [/^\/api\/docs/, /^\/ws\//, /^\/(?!api\/)/], methods: ['options', 'ws'] },
        documentation: {
          info: {
            title: 'Tessera API',
            version,
            description: DESCRIPTION,
          },
          tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
          components: { securitySchemes: SECURITY_SCHEMES },
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
      detail: { hide: true },
    })
    .get('/api/docs/assets/swagger-ui.css', asset('swagger-ui.css', 'text/css; charset=utf-8'), { access: 'public', detail: { hide: true } });
}
