import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { ImageError, MAX_IMAGE_UPLOAD_BYTES, normalizeImage } from '../http/images.ts';
import { ProviderStore } from './store.ts';
import { apiTag } from '../docs/tags.ts';

export function providerRoutes(ctx: AppContext, auth: Auth) {
  const store = new ProviderStore(ctx.db);
  return new Elysia({ name: 'provider-routes', prefix: '/api/provider', tags: apiTag('Provider') })
    .use(auth.guard)
    .get('', () => store.get(), { access: { role: 'engineer', scope: 'org:read' } })
    .put(
      '',
      ({ body, status }) => {
        const website = body.website.trim();
        if (website && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(website))
          return status(422, { error: 'web site must be an http(s) address such as https://example.com' });
        if (!body.name.trim()) return status(422, { error: 'name must not be blank' });
        store.update({ name: body.name.trim(), address: body.address.trim(), phone: body.phone.trim(), website });
        return store.get();
      },
      {
        access: { role: 'admin', scope: 'org:write' },
        body: t.Object({
          name: t.String({ minLength: 1, maxLength: 120 }),
          address: t.String({ maxLength: 500 }),
          phone: t.String({ maxLength: 40, pattern: '^[0-9+()./ -]*$' }),
          website: t.String({ maxLength: 300 }),
        }),
      },
    )
    .post(
      '/logo',
      async ({ body, status }) => {
        try {
          store.setLogo(await normalizeImage(body.file, 512, 'png'));
        } catch (e) {
          if (e instanceof ImageError) return status(422, { error: e.message });
          throw e;
        }
        return store.get();
      },
      { access: { role: 'admin', scope: 'org:write' }, body: t.Object({ file: t.File({ maxSize: MAX_IMAGE_UPLOAD_BYTES }) }) },
    )
    // Public: the customer portal and the help button show the logo.
    .get(
      '/logo',
      ({ status }) => {
        const logo = store.logo();
        if (!logo) return status(404, { error: 'no logo' });
        return new Response(new Uint8Array(logo), { headers: { 'content-type': 'image/png', 'cache-control': 'public, max-age=60' } });
      },
      { access: 'public' },
    );
}
