import { Elysia } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import type { Health } from '../protocol/api.ts';
import { changedTiles } from '../../native/index.ts';
import { apiTag } from '../docs/tags.ts';

/** Proves the native addon loaded and computes: one changed pixel in a 2x2 frame must be found in tile 0. */
function nativeWorks(): boolean {
  try {
    return changedTiles(new Uint8Array(16), new Uint8Array(16).fill(1, 4, 5), 2, 2, 8, 64).length === 1;
  } catch {
    return false;
  }
}

export function healthRoutes(ctx: AppContext, auth: Auth) {
  const native = nativeWorks();
  return new Elysia({ name: 'health-routes', tags: apiTag('Health') })
    .use(auth.guard)
    .get(
      '/api/health',
      (): Health => {
        ctx.db.query('SELECT 1').get(); // the database answers
        return { ok: true, version: ctx.version, setupRequired: !auth.engineers.hasAdmin(), native };
      },
      { access: 'public' },
    );
}
