import { Elysia, t } from 'elysia';
import { oneOf } from '../http/oneOf.ts';
import { required, type Auth } from '../auth/guard.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from '../auth/passwords.ts';
import type { AppContext } from '../context.ts';
import { Mailer } from '../notify/mailer.ts';
import { Experts, EXPERT_CODE_MINUTES } from './experts.ts';
import { Participants } from './participants.ts';
import { MAX_CHAT_CHARS } from './routes.ts';
import { SessionStore } from './sessionStore.ts';
import { LOG_PAGE } from '../protocol/sessionLog.ts';
import { logPageQuery } from './logPageQuery.ts';
import { SupportViews } from './views.ts';
import { SessionJournal } from './journal.ts';
import { IdentityFields } from './identityFields.ts';
import { apiTag } from '../docs/tags.ts';

export const EXPERT_COOKIE = 'tessera_expert';
const EXPERT_LOGIN_HOURS = 12;
const MAX_CODE_MAILS = 3;

/**
 * Outside experts. An engineer of the session creates a one-time link; the expert proves themselves with an
 * e-mailed code or the inviter's password and gets a login scoped to that one session: they read and write the
 * chat and log, never own the session, and are removed when no engineer is left in it.
 */
export function expertRoutes(ctx: AppContext, auth: Auth) {
  const experts = new Experts(ctx.db);
  const sessions = new SessionStore(ctx.db);
  const participants = new Participants(ctx.db);
  const views = new SupportViews(new IdentityFields(ctx.db), auth.engineers, participants);
  const mailer = new Mailer(ctx.config);
  const journal = new SessionJournal(ctx, sessions, views);
  const codeMails = new Map<number, number>();
  const checking = new Set<number>();

  ctx.events.on('session-unstaffed', ({ sessionId }) => {
    for (const name of experts.revokeSession(sessionId))
      journal.write(sessionId, 'system', 'operation', `expert ${name} was removed: no engineer is left in the session`);
  });

  const cookie = (token: string, expires: Date) => ({
    value: token,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.config.secureCookies,
    path: '/',
    expires,
  });

  /** The signed-in expert's invitation and its session, or null when the expert cookie names neither. */
  const expertIn = (cookies: Record<string, { value?: unknown } | undefined>) => {
    const inv = experts.byLogin(String(cookies[EXPERT_COOKIE]?.value ?? ''));
    const s = inv ? sessions.get(inv.sessionId) : null;
    return inv && s ? { inv, s } : null;
  };

  return new Elysia({ name: 'expert-routes', prefix: '/api', tags: apiTag('Experts') })
    .use(auth.guard)
    .post(
      '/sessions/:id/experts',
      async ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const s = sessions.get(params.id);
        const role = s ? participants.roleOf(s.id, me.id) : null;
        if (!s || s.status !== 'active' || (role !== 'owner' && role !== 'engineer'))
          return status(404, { error: 'no live session of yours with that id' });
        if (body.method === 'email-code') {
          if (!body.email) return status(422, { error: 'an e-mail address is needed to send the expert a code' });
          if (!mailer.configured) return status(422, { error: 'e-mail is not configured on this server; use a password instead' });
        }
        if (body.method === 'password') {
          const problem = body.password ? passwordProblem(body.password) : 'set a password for the expert';
          if (problem) return status(422, { error: problem });
        }
        const { link, expiresAt } = experts.invite({
          sessionId: s.id,
          inviterId: me.id,
          name: body.name.trim(),
          email: body.email?.trim() ?? '',
          method: body.method,
          passwordHash: body.method === 'password' ? await hashPassword(body.password!) : null,
          hours: body.hours ?? 1,
        });
        journal.write(s.id, `engineer:${me.id}`, 'operation', `invited outside expert ${body.name.trim()} (${body.method})`);
        return { link: `/expert/${link}`, expiresAt };
      },
      {
        access: { role: 'engineer' },
        params: t.Object({ id: t.Integer({ minimum: 1 }) }),
        body: t.Object({
          name: t.String({ minLength: 1, maxLength: 100 }),
          email: t.Optional(t.String({ maxLength: 200, format: 'email' })),
          method: oneOf(['email-code', 'password'] as const),
          password: t.Optional(t.String({ maxLength: MAX_PASSWORD_LENGTH })),
          hours: t.Optional(t.Integer({ minimum: 1, maximum: 72 })),
        }),
      },
    )
    .get(
      '/expert/invitations/:link',
      ({ params, status }) => {
        const inv = experts.usable(params.link);
        if (!inv) return status(404, { error: 'this invitation is unknown, used or expired' });
        const inviter = inv.inviterId ? auth.engineers.byId(inv.inviterId) : null;
        return { name: inv.name, method: inv.method, inviter: inviter?.displayName ?? null, expiresAt: inv.expiresAt };
      },
      { access: 'public', params: t.Object({ link: t.String({ maxLength: 200 }) }) },
    )
    .post(
      '/expert/invitations/:link/code',
      async ({ params, status }) => {
        const inv = experts.usable(params.link);
        if (!inv || inv.method !== 'email-code') return status(404, { error: 'this invitation is unknown, used or expired' });
        const sent = codeMails.get(inv.id) ?? 0;
        if (sent >= MAX_CODE_MAILS) return status(429, { error: 'the code was sent too often; ask the engineer for a new invitation' });
        codeMails.set(inv.id, sent + 1);
        const code = experts.newCode(inv.id);
        await mailer.send({
          to: inv.email,
          subject: 'Your Tessera sign-in code',
          text: `Hello ${inv.name},\n\nyour code to join the support session is ${code}.\nIt is valid for ${EXPERT_CODE_MINUTES} minutes.\n`,
        });
        return { ok: true as const, sentTo: inv.email.replace(/^(.).*(@.*)$/, '$1…$2') };
      },
      { access: 'public', params: t.Object({ link: t.String({ maxLength: 200 }) }) },
    )
    .post(
      '/expert/invitations/:link/login',
      async ({ params, body, cookie: cookies, set, status }) => {
        const inv = experts.usable(params.link);
        if (!inv) return status(404, { error: 'this invitation is unknown, used or expired' });
        // One check per invitation at a time, counted before the password hash: parallel guesses cannot outrun it.
        if (checking.has(inv.id)) {
          set.headers['retry-after'] = '1';
          return status(429, { error: 'a sign-in with this invitation is already being checked; try again in a moment' });
        }
        const left = experts.reserveAttempt(inv.id);
        if (left === null) return status(404, { error: 'this invitation is unknown, used or expired' });
        checking.add(inv.id);
        let ok: boolean;
        try {
          ok =
            inv.method === 'password'
              ? !!body.password && !!inv.passwordHash && (await verifyPassword(body.password, inv.passwordHash))
              : !!body.code && experts.codeMatches(inv, body.code);
        } finally {
          checking.delete(inv.id);
        }
        if (!ok)
          return status(403, { error: left > 0 ? `wrong ${inv.method === 'password' ? 'password' : 'code'}; ${left} attempts left` : 'too many wrong attempts; this invitation is closed' });
        experts.releaseAttempt(inv.id);
        const s = sessions.get(inv.sessionId);
        if (!s || s.status !== 'active') return status(409, { error: 'the session is not live any more' });
        const token = experts.login(inv, EXPERT_LOGIN_HOURS);
        if (!token) return status(404, { error: 'this invitation was just used' });
        cookies[EXPERT_COOKIE]!.set(cookie(token, new Date(Date.now() + EXPERT_LOGIN_HOURS * 3600_000)));
        journal.write(s.id, 'system', 'join', `outside expert ${inv.name} joined`);
        return { sessionId: s.id };
      },
      {
        access: 'public',
        params: t.Object({ link: t.String({ maxLength: 200 }) }),
        body: t.Object({ code: t.Optional(t.String({ maxLength: 12 })), password: t.Optional(t.String({ maxLength: MAX_PASSWORD_LENGTH })) }),
      },
    )
    .get(
      '/expert/session',
      ({ cookie: cookies, status }) => {
        const signedIn = expertIn(cookies);
        if (!signedIn) return status(401, { error: 'your expert access has ended' });
        const { inv, s } = signedIn;
        return { session: views.summary(s), you: inv.name };
      },
      { access: 'public' },
    )
    .get(
      '/expert/session/log',
      ({ cookie: cookies, query, status }) => {
        const signedIn = expertIn(cookies);
        if (!signedIn) return status(401, { error: 'your expert access has ended' });
        const { inv, s } = signedIn;
        return sessions.logOf(s.id, query.after ?? 0, query.limit ?? LOG_PAGE).map((e) => views.logEntry(e, views.customerName(s)));
      },
      { access: 'public', query: logPageQuery },
    )
    .post(
      '/expert/session/chat',
      ({ cookie: cookies, body, status }) => {
        const signedIn = expertIn(cookies);
        if (!signedIn) return status(401, { error: 'your expert access has ended' });
        const { inv, s } = signedIn;
        if (s.status !== 'active') return status(409, { error: 'the session is not live' });
        const text = body.text.trim();
        if (!text) return status(422, { error: 'message is empty' });
        return journal.write(s.id, `expert:${inv.id}`, 'chat', text, { expert: inv.name });
      },
      { access: 'public', body: t.Object({ text: t.String({ minLength: 1, maxLength: MAX_CHAT_CHARS }) }) },
    )
    .post(
      '/expert/session/leave',
      ({ cookie: cookies, status }) => {
        const token = String(cookies[EXPERT_COOKIE]?.value ?? '');
        const inv = experts.byLogin(token);
        if (!inv) return status(401, { error: 'your expert access has ended' });
        experts.logout(token);
        cookies[EXPERT_COOKIE]!.remove();
        journal.write(inv.sessionId, 'system', 'leave', `outside expert ${inv.name} left`);
        return { ok: true as const };
      },
      { access: 'public' },
    );
}
