import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { DeskStore } from '../desks/store.ts';
import { checkEmbedOptions, embedSnippet, EMBED_STYLES, MAX_IMAGE_URL_CHARS } from './embed.ts';
import { HELP_BUTTON_SCRIPT } from './helpButtonScript.ts';
import { apiTag } from '../docs/tags.ts';

/**
 * Public read-only endpoints that the help button calls from other sites' pages, and nothing else: they get
 * `Access-Control-Allow-Origin: *` (no cookies go with such requests, so no one's login can be used).
 */
export const CROSS_ORIGIN_PATHS = new Set(['/api/portal/desks']);

/** The embeddable help button: its script, the admin's snippet generator, and CORS on the desk status it polls. */
export function embedRoutes(ctx: AppContext, auth: Auth) {
  const desks = new DeskStore(ctx.db, 'desks');
  return (
    new Elysia({ name: 'embed-routes', tags: apiTag('Portal') })
      .use(auth.guard)
      // The desk status route lives with presence; the header is added here for the exact public paths above.
      // onRequest runs for every request of the app, before routing, whichever plugin owns the route.
      .onRequest(({ request, set }) => {
        if ((request.method === 'GET' || request.method === 'HEAD') && CROSS_ORIGIN_PATHS.has(new URL(request.url).pathname)) {
          set.headers['access-control-allow-origin'] = '*';
          set.headers['cache-control'] = 'no-store';
        }
      })
      .get(
        '/embed/help-button.js',
        () =>
          new Response(HELP_BUTTON_SCRIPT, {
            headers: {
              'content-type': 'text/javascript; charset=utf-8',
              'cache-control': 'public, max-age=300',
              // Loaded by other sites' pages on purpose.
              'cross-origin-resource-policy': 'cross-origin',
            },
          }),
        { access: 'public', detail: { summary: 'The help button script that any web site can include' } },
      )
      .get(
        '/api/portal/embed-snippet',
        ({ query, request, status }) => {
          const checked = checkEmbedOptions({
            base: query.base ?? new URL(request.url).origin,
            desk: query.desk,
            style: query.style,
            label: query.label,
            image: query.image,
          });
          if ('problems' in checked) return status(422, { error: checked.problems.join('; ') });
          if (!desks.get(checked.options.deskId)) return status(404, { error: 'no such desk' });
          return { snippet: embedSnippet(checked.options) };
        },
        {
          access: { role: 'admin', scope: 'org:read' },
          query: t.Object({
            desk: t.String({ maxLength: 12 }),
            style: t.Optional(t.String({ maxLength: 20, description: `one of ${EMBED_STYLES.join(', ')}` })),
            label: t.Optional(t.String({ maxLength: 200 })),
            image: t.Optional(t.String({ maxLength: MAX_IMAGE_URL_CHARS + 100 })),
            /** The address customers reach this server at; by default the one this request came to. */
            base: t.Optional(t.String({ maxLength: 300 })),
          }),
          detail: { summary: 'The HTML snippet of a help button for a desk, to paste into a web site' },
        },
      )
  );
}
