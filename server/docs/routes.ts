import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import { docsFile } from '../assets.ts';
import type { Auth } from '../auth/guard.ts';

/**
 * OpenAPI JSON at /api/openapi.json and a Swagger UI page at /api/docs whose script and styles are served by
 * us, so the page works without internet.
 */
export function docsRoutes(auth: Auth, version: string) {
  const asset = (name: 'swagger-ui-bundle.js' | 'swagger-ui.css', type: string) => () =>
    new Response(Bun.file(docsFile(name)), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });
  return new Elysia({ name: 'docs-routes' })
    .use(auth.guard)
    .use(
      openapi({
        path: '/api/docs',
        specPath: '/api/openapi.json',
        provider: 'swagger-ui',
        swagger: {
          cdn: '/api/docs/assets/swagger-ui-bundle.js',
          theme: '/api/docs/assets/swagger-ui.css',
          autoDarkMode: false,
          // The plugin's default is a path relative to the page, which resolves to /api/api/openapi.json.
          ...({ url: '/api/openapi.json' } as object),
        },
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
    .get('/api/docs/assets/swagger-ui-bundle.js', asset('swagger-ui-bundle.js', 'text/javascript; charset=utf-8'), {
      access: 'public',
    })
    .get('/api/docs/assets/swagger-ui.css', asset('swagger-ui.css', 'text/css; charset=utf-8'), { access: 'public' });
}
