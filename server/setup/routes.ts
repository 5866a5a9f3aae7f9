import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem } from '../auth/passwords.ts';
import { sessionCookie } from '../auth/routes.ts';
import { SESSION_COOKIE } from '../auth/loginSessions.ts';
import type { AppContext } from '../context.ts';
import { DeskStore } from '../desks/store.ts';
import { toMe } from '../engineers/store.ts';
import type { SetupToken } from './setupToken.ts';
import { apiTag } from '../docs/tags.ts';

export function setupRoutes(ctx: AppContext, auth: Auth, setupToken: SetupToken) {
  let creating = false; // two setup requests at once: the second is refused, never two admins
  return new Elysia({ name: 'setup-routes', prefix: '/api', tags: apiTag('Setup') })
    .use(auth.guard)
    .get('/setup', () => ({ required: !auth.engineers.hasAdmin() }), { access: 'public' })
    .post(
      '/setup',
      async ({ body, cookie, status }) => {
        if (auth.engineers.hasAdmin() || creating) return status(409, { error: 'setup is already complete' });
        if (!setupToken.matches(body.token))
          return status(403, { error: 'wrong setup token (it is printed on the server console)' });
        const problem = passwordProblem(body.password, body.username);
        if (problem) return status(422, { error: problem });
        creating = true;
        try {
          const desks = new DeskStore(ctx.db, 'desks');
          const stations = new DeskStore(ctx.db, 'stations');
          const id = auth.engineers.create({
            username: body.username.trim(),
            displayName: body.displayName.trim(),
            role: 'admin',
            passwordHash: await hashPassword(body.password),
            deskIds: [desks.defaultId()],
            stationIds: [stations.defaultId()],
          });
          setupToken.consume();
          ctx.events.emit('admin-created', undefined);
          const session = auth.sessions.create(id);
          cookie[SESSION_COOKIE]!.set(sessionCookie(ctx, session.token, session.expires));
          return toMe(auth.engineers.byId(id)!);
        } finally {
          creating = false;
        }
      },
      {
        access: 'public',
        body: t.Object({
          token: t.String({ minLength: 1, maxLength: 200 }),
          username: t.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' }),
          displayName: t.String({ minLength: 1, maxLength: 100 }),
          password: t.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
        }),
      },
    );
}
