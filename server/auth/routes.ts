import { Elysia, t } from 'elysia';
import { oneOf } from '../http/oneOf.ts';
import type { AppContext } from '../context.ts';
import { toMe } from '../engineers/store.ts';
import { clientAddress } from '../http/clientAddress.ts';
import { SCOPES } from '../protocol/roles.ts';
import { required, type Auth } from './guard.ts';
import { SESSION_COOKIE } from './loginSessions.ts';
import { DEVICE_COOKIE } from './knownDevices.ts';
import { burnPasswordCheck, hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './passwords.ts';
import { apiTag } from '../docs/tags.ts';

const credentials = t.Object({
  username: t.String({ minLength: 1, maxLength: 64 }),
  password: t.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
});

export function sessionCookie(ctx: AppContext, token: string, expires: Date) {
  return {
    value: token,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.config.secureCookies,
    path: '/',
    expires,
  };
}

export function authRoutes(ctx: AppContext, auth: Auth) {
  return new Elysia({ name: 'auth-routes', prefix: '/api', tags: apiTag('Auth') })
    .use(auth.guard)
    .post(
      '/auth/login',
      async ({ body, cookie, request, server, status, set }) => {
        const address = clientAddress(server, request, ctx.config.trustedProxies);
        const engineer = auth.engineers.byUsername(body.username);
        const deviceToken = String(cookie[DEVICE_COOKIE]?.value ?? '');
        // Looked up for unknown names too (id 0 matches nothing), so the cookie does not time which names exist.
        const device = auth.devices.idFor(deviceToken, engineer?.id ?? 0);
        // Counted here, before the first await: parallel guesses cannot outrun the count.
        const gate = auth.throttle.begin(body.username, address, device);
        if (!gate.ok) {
          set.headers['retry-after'] = String(gate.retryAfter);
          return status(429, { error: gate.error });
        }
        try {
          const ok = engineer ? await verifyPassword(body.password, engineer.passwordHash) : (await burnPasswordCheck(body.password), false);
          if (!engineer || !ok || engineer.disabled)
            return status(401, { error: engineer?.disabled && ok ? 'this account is disabled' : 'wrong username or password' });
          gate.attempt.succeeded();
          const session = auth.sessions.create(engineer.id);
          cookie[SESSION_COOKIE]!.set(sessionCookie(ctx, session.token, session.expires));
          if (!device) {
            const known = auth.devices.issue(engineer.id);
            cookie[DEVICE_COOKIE]!.set({ ...sessionCookie(ctx, known.token, known.expires), path: '/api/auth' });
          }
          return toMe(engineer);
        } finally {
          gate.attempt.done();
        }
      },
      { access: 'public', body: credentials },
    )
    .post(
      '/auth/logout',
      ({ cookie, principal }) => {
        const p = required(principal);
        if (p.sessionToken) auth.sessions.end(p.sessionToken);
        cookie[SESSION_COOKIE]!.remove();
        return { ok: true as const };
      },
      { access: { role: 'engineer', beforePasswordChange: true } },
    )
    .get('/auth/me', ({ principal }) => toMe(required(principal).engineer), {
      access: { role: 'engineer', beforePasswordChange: true },
    })
    .post(
      '/auth/password',
      async ({ body, cookie, principal, request, server, status, set }) => {
        const p = required(principal);
        const problem = passwordProblem(body.newPassword, p.engineer.username);
        if (problem) return status(422, { error: problem });
        if (body.newPassword === body.currentPassword) return status(422, { error: 'new password must differ' });
        // The current password is a guess like a sign-in (a borrowed session must not try passwords at full speed):
        // it spends the same allowance, counted before the hash is checked.
        const address = clientAddress(server, request, ctx.config.trustedProxies);
        const device = auth.devices.idFor(String(cookie[DEVICE_COOKIE]?.value ?? ''), p.engineer.id);
        const gate = auth.throttle.begin(p.engineer.username, address, device);
        if (!gate.ok) {
          set.headers['retry-after'] = String(gate.retryAfter);
          return status(429, { error: gate.error });
        }
        try {
          if (!(await verifyPassword(body.currentPassword, p.engineer.passwordHash))) return status(403, { error: 'current password is wrong' });
          gate.attempt.succeeded();
        } finally {
          gate.attempt.done();
        }
        auth.engineers.setPassword(p.engineer.id, await hashPassword(body.newPassword), false);
        auth.sessions.endAllFor(p.engineer.id, p.sessionToken);
        return { ok: true as const };
      },
      {
        access: { role: 'engineer', beforePasswordChange: true },
        body: t.Object({
          currentPassword: t.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
          newPassword: t.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
        }),
      },
    )
    .get('/tokens', ({ principal }) => auth.tokens.listFor(required(principal).engineer.id), {
      access: { role: 'engineer' },
    })
    .post(
      '/tokens',
      ({ body, principal }) =>
        auth.tokens.create(required(principal).engineer.id, body.name.trim(), body.scopes, body.expiresInDays),
      {
        access: { role: 'engineer' },
        body: t.Object({
          name: t.String({ minLength: 1, maxLength: 100 }),
          scopes: t.Array(oneOf(SCOPES), { minItems: 1, maxItems: SCOPES.length }),
          expiresInDays: t.Optional(t.Integer({ minimum: 1, maximum: 3650 })),
        }),
      },
    )
    .delete(
      '/tokens/:id',
      ({ params, principal, status }) =>
        auth.tokens.revoke(required(principal).engineer.id, params.id)
          ? { ok: true as const }
          : status(404, { error: 'no such token' }),
      { access: { role: 'engineer' }, params: t.Object({ id: t.Integer({ minimum: 1 }) }) },
    )
    // An admin sees and revokes anyone's tokens (a leaked integration key, someone leaving). Console login only:
    // a token must not be able to manage tokens.
    .get(
      '/engineers/:id/tokens',
      ({ params, status }) =>
        auth.engineers.byId(params.id) ? auth.tokens.listFor(params.id) : status(404, { error: 'no such engineer' }),
      { access: { role: 'admin' }, params: t.Object({ id: t.Integer({ minimum: 1 }) }) },
    )
    .delete(
      '/engineers/:id/tokens/:tokenId',
      ({ params, principal, status }) => {
        const target = auth.engineers.byId(params.id);
        if (!target || !auth.tokens.revoke(params.id, params.tokenId)) return status(404, { error: 'no such token' });
        console.log(`auth: ${required(principal).engineer.username} revoked API token ${params.tokenId} of ${target.username}`);
        return { ok: true as const };
      },
      {
        access: { role: 'admin' },
        params: t.Object({ id: t.Integer({ minimum: 1 }), tokenId: t.Integer({ minimum: 1 }) }),
      },
    );
}
