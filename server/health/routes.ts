import { Elysia } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import type { Health } from '../protocol/api.ts';

export function healthRoutes(ctx: AppContext, auth: Auth) {
  return new Elysia({ name: 'health-routes' })
    .use(auth.guard)
    .get(
      '/api/health',
      (): Health => {
        ctx.db.query('SELECT 1').get(); // the database answers
        return { ok: true, version: ctx.version, setupRequired: !auth.engineers.hasAdmin() };
      },
      { access: 'public' },
    );
}
