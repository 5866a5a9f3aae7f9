import { Elysia, t } from 'elysia';
import { oneOf } from '../http/oneOf.ts';
import { required, type Auth } from '../auth/guard.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem } from '../auth/passwords.ts';
import type { AppContext } from '../context.ts';
import { DeskStore } from '../desks/store.ts';
import { ImageError, MAX_IMAGE_UPLOAD_BYTES, normalizeImage } from '../http/images.ts';
import { ROLES } from '../protocol/roles.ts';
import { toMe } from './store.ts';
import { apiTag } from '../docs/tags.ts';

const ids = t.Array(t.Integer({ minimum: 1 }), { maxItems: 500 });
const idParam = t.Object({ id: t.Integer({ minimum: 1 }) });
const role = oneOf(ROLES);

/** Admin management of engineers, and each engineer's own profile. */
export function engineerRoutes(ctx: AppContext, auth: Auth) {
  const desks = new DeskStore(ctx.db, 'desks');
  const stations = new DeskStore(ctx.db, 'stations');

  function membershipProblem(deskIds: number[], stationIds: number[]): string | null {
    if (deskIds.length + stationIds.length === 0) return 'an engineer needs at least one service desk or station';
    const badDesks = desks.missing(deskIds);
    if (badDesks.length) return `no such desk: ${badDesks.join(', ')}`;
    const badStations = stations.missing(stationIds);
    if (badStations.length) return `no such station: ${badStations.join(', ')}`;
    return null;
  }

  return new Elysia({ name: 'engineer-routes', prefix: '/api', tags: apiTag('Engineers') })
    .use(auth.guard)
    .get('/engineers', () => auth.engineers.list(), { access: { role: 'admin', scope: 'engineers:read' } })
    .post(
      '/engineers',
      async ({ body, status }) => {
        const username = body.username.trim();
        if (auth.engineers.byUsername(username)) return status(409, { error: `username "${username}" is taken` });
        const problem = membershipProblem(body.deskIds, body.stationIds) ?? passwordProblem(body.password, username);
        if (problem) return status(422, { error: problem });
        const id = auth.engineers.create({
          username,
          displayName: body.displayName.trim(),
          role: body.role,
          passwordHash: await hashPassword(body.password),
          deskIds: body.deskIds,
          stationIds: body.stationIds,
          // The admin knows this password: like a reset, it only lasts until the engineer's first sign-in.
          mustChangePassword: true,
        });
        ctx.events.emit('membership-changed', undefined);
        return auth.engineers.engineer(id)!;
      },
      {
        access: { role: 'admin', scope: 'engineers:write' },
        body: t.Object({
          username: t.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' }),
          displayName: t.String({ minLength: 1, maxLength: 100 }),
          password: t.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
          role,
          deskIds: ids,
          stationIds: ids,
        }),
      },
    )
    .patch(
      '/engineers/:id',
      ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const current = auth.engineers.engineer(params.id);
        if (!current) return status(404, { error: 'no such engineer' });
        const deskIds = body.deskIds ?? current.deskIds;
        const stationIds = body.stationIds ?? current.stationIds;
        const problem = membershipProblem(deskIds, stationIds);
        if (problem) return status(422, { error: problem });
        if (body.displayName !== undefined && !body.displayName.trim())
          return status(422, { error: 'display name must not be blank' });
        const losesAdmin = current.role === 'admin' && !current.disabled && (body.disabled === true || (body.role && body.role !== 'admin'));
        if (losesAdmin && auth.engineers.countActiveAdmins() <= 1)
          return status(409, { error: 'the last active admin cannot be disabled or demoted' });
        if (params.id === me.id && body.disabled) return status(409, { error: 'you cannot disable yourself' });
        auth.engineers.update(params.id, {
          displayName: body.displayName?.trim(),
          role: body.role,
          disabled: body.disabled,
          deskIds: body.deskIds,
          stationIds: body.stationIds,
        });
        if (body.disabled) {
          // Revoked, not suspended: a re-enabled engineer makes new tokens rather than waking forgotten ones.
          auth.revokeAccess(params.id);
          ctx.events.emit('engineer-logins-ended', params.id);
        }
        ctx.events.emit('membership-changed', undefined);
        return auth.engineers.engineer(params.id)!;
      },
      {
        access: { role: 'admin', scope: 'engineers:write' },
        params: idParam,
        body: t.Object({
          displayName: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
          role: t.Optional(role),
          disabled: t.Optional(t.Boolean()),
          deskIds: t.Optional(ids),
          stationIds: t.Optional(ids),
        }),
      },
    )
    .post(
      '/engineers/:id/password',
      async ({ params, body, status }) => {
        const target = auth.engineers.byId(params.id);
        if (!target) return status(404, { error: 'no such engineer' });
        const problem = passwordProblem(body.password, target.username);
        if (problem) return status(422, { error: problem });
        // An admin-set password is temporary: the engineer must replace it at the next login.
        auth.engineers.setPassword(params.id, await hashPassword(body.password), true);
        // A reset means the old credentials are not trusted: API tokens and known browsers go with the logins.
        auth.revokeAccess(params.id);
        ctx.events.emit('engineer-logins-ended', params.id);
        return { ok: true as const };
      },
      {
        access: { role: 'admin', scope: 'engineers:write' },
        params: idParam,
        body: t.Object({ password: t.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }) }),
      },
    )
    .post(
      '/engineers/:id/unlock',
      ({ params, principal, status }) => {
        const target = auth.engineers.byId(params.id);
        if (!target) return status(404, { error: 'no such engineer' });
        const cleared = auth.throttle.unlock(target.username);
        console.log(`auth: ${required(principal).engineer.username} cleared the sign-in throttle of ${target.username} (${cleared} entries)`);
        return { ok: true as const, cleared };
      },
      { access: { role: 'admin', scope: 'engineers:write' }, params: idParam },
    )
    .get(
      '/engineers/:id/avatar',
      ({ params, status }) => {
        const image = auth.engineers.avatar(params.id);
        if (!image) return status(404, { error: 'no avatar' });
        return new Response(new Uint8Array(image), { headers: { 'content-type': 'image/webp', 'cache-control': 'private, max-age=60' } });
      },
      { access: { role: 'engineer', scope: 'engineers:read' }, params: idParam },
    )
    .get('/profile', ({ principal }) => toMe(required(principal).engineer), { access: { role: 'engineer' } })
    .put(
      '/profile',
      ({ body, principal, status }) => {
        const me = required(principal).engineer;
        if (body.displayName !== undefined && !body.displayName.trim())
          return status(422, { error: 'display name must not be blank' });
        auth.engineers.updateProfile(me.id, {
          displayName: body.displayName?.trim(),
          nickname: body.nickname?.trim(),
          signature: body.signature,
        });
        ctx.events.emit('membership-changed', undefined);
        return toMe(auth.engineers.byId(me.id)!);
      },
      {
        access: { role: 'engineer' },
        body: t.Object({
          displayName: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
          nickname: t.Optional(t.String({ maxLength: 40 })),
          signature: t.Optional(t.String({ maxLength: 1000 })),
        }),
      },
    )
    .post(
      '/profile/avatar',
      async ({ body, principal, status }) => {
        const me = required(principal).engineer;
        try {
          auth.engineers.setAvatar(me.id, await normalizeImage(body.file, 256, 'webp'));
        } catch (e) {
          if (e instanceof ImageError) return status(422, { error: e.message });
          throw e;
        }
        return toMe(auth.engineers.byId(me.id)!);
      },
      {
        access: { role: 'engineer' },
        body: t.Object({ file: t.File({ maxSize: MAX_IMAGE_UPLOAD_BYTES }) }),
      },
    );
}
