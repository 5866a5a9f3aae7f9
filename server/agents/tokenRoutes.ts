import { Elysia, t } from 'elysia';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { CUSTOMER_HEADER } from '../portal/routes.ts';
import { Participants } from '../support/participants.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { workingSession } from '../support/visibility.ts';
import { joinTokenRefusal, JoinTokens } from './joinTokens.ts';
import { apiTag } from '../docs/tags.ts';

/**
 * Join tokens for agents: the engineers working in a session and the session's customer (portal) can each get
 * one, to hand to the agent they start (embedded in its download or given with --session).
 */
export function agentTokenRoutes(ctx: AppContext, auth: Auth) {
  const tokens = new JoinTokens(ctx.db);
  const sessions = new SessionStore(ctx.db);
  const participants = new Participants(ctx.db);

  return new Elysia({ name: 'agent-token-routes', tags: apiTag('Agents') })
    .use(auth.guard)
    .post(
      '/api/support/sessions/:id/agent-token',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const s = workingSession(sessions, participants, params.id, me.id);
        if (!s) return status(404, { error: 'no session you work in with that id' });
        if (s.status === 'ended') return status(409, { error: 'the session has ended' });
        return tokens.issue(s.id, `engineer:${me.id}`);
      },
      { access: { role: 'engineer' }, params: t.Object({ id: t.Integer({ minimum: 1 }) }) },
    )
    .post(
      '/api/portal/session/agent-token',
      ({ headers, status }) => {
        const s = sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);
        if (!s) return status(401, { error: 'unknown or expired customer session' });
        if (s.status === 'ended') return status(409, { error: 'the session has ended' });
        const refused = joinTokenRefusal(s.status);
        if (refused) return status(409, { error: refused });
        return tokens.issue(s.id, 'customer');
      },
      { access: 'public' },
    );
}
