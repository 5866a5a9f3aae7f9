import { Elysia, t } from 'elysia';
import type { AppContext } from '../context.ts';
import { toMe } from '../engineers/store.ts';
import { clientAddress } from '../http/clientAddress.ts';
import { SCOPES } from '../protocol/roles.ts';
import { required, type Auth } from './guard.ts';
import { SESSION_COOKIE } from './loginSessions.ts';
import { LoginThrottle } from './loginThrottle.ts';
import { burnPasswordCheck, hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './passwords.ts';

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
  const throttle = new LoginThrottle(ctx.db, ctx.config.loginMaxFailures, ctx.config.loginLockoutMinutes);
  return new Elysia({ name: 'auth-routes', prefix: '/api' })
    .use(auth.guard)
    .post(
      '/auth/login',
      async ({ body, cookie, request, server, status, set }) => {
        const address = clientAddress(server, request);
        const wait = throttle.retryAfter(body.username, address);
        if (wait > 0) {
          set.headers['retry-after'] = String(wait);
          return status(429, { error: `too many failed logins; try again in ${Math.ceil(wait / 60)} min` });
        }
        const engineer = auth.engineers.byUsername(body.username);
        const ok = engineer ? await verifyPassword(body.password, engineer.passwordHash) : (await burnPasswordCheck(body.password), false);
        if (!engineer || !ok || engineer.disabled) {
          throttle.recordFailure(body.username, address);
          return status(401, { error: engineer?.disabled && ok ? 'this account is disabled' : 'wrong username or password' });
        }
        throttle.recordSuccess(body.username);
        const session = auth.sessions.create(engineer.id);
        cookie[SESSION_COOKIE]!.set(sessionCookie(ctx, session.token, session.expires));
        return toMe(engineer);
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
      async ({ body, principal, status }) => {
        const p = required(principal);
        if (!(await verifyPassword(body.currentPassword, p.engineer.passwordHash)))
          return status(403, { error: 'current password is wrong' });
        const problem = passwordProblem(body.newPassword, p.engineer.username);
        if (problem) return status(422, { error: problem });
        if (body.newPassword === body.currentPassword) return status(422, { error: 'new password must differ' });
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
          scopes: t.Array(t.UnionEnum([...SCOPES]), { minItems: 1, maxItems: SCOPES.length }),
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
    );
}
