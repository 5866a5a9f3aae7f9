// What an engineer working in a session asks of the customer's agent: a capability (the customer answers on their
// machine, the answer comes back as the agent's `consent`), and an address to open in the customer's default
// browser. Both need the session's agent connected (409 otherwise) and change nothing when refused.
import { Elysia, t } from 'elysia';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { CAPABILITIES, checkPushUrl, type ConsentState } from '../protocol/agent.ts';
import { IdentityFields } from '../support/identityFields.ts';
import { SessionJournal } from '../support/journal.ts';
import { Participants } from '../support/participants.ts';
import { SessionStore, type SupportSession } from '../support/sessionStore.ts';
import { SupportViews } from '../support/views.ts';
import { canReadSession, workingSession } from '../support/visibility.ts';
import type { DesktopHub } from './desktopHub.ts';
import { apiTag } from '../docs/tags.ts';

const idParam = t.Object({ id: t.Integer({ minimum: 1 }) });
const NO_AGENT = 'the customer’s agent is not connected to this session';


export function sessionActionRoutes(ctx: AppContext, auth: Auth, desktops: DesktopHub) {
  const sessions = new SessionStore(ctx.db);
  const participants = new Participants(ctx.db);
  const journal = new SessionJournal(ctx, sessions, new SupportViews(new IdentityFields(ctx.db), auth.engineers, participants));
  const nameOf = (engineer: { nickname: string | null; displayName: string }) => engineer.nickname || engineer.displayName;

  /** The session if this engineer works in it and it is live, else the answer to send. */
  function live(sessionId: number, engineerId: number): { session: SupportSession } | { status: 404 | 409; error: string } {
    const s = workingSession(sessions, participants, sessionId, engineerId);
    if (!s) return { status: 404, error: 'no session you work in with that id' };
    if (s.status !== 'active') return { status: 409, error: s.status === 'ended' ? 'the session has ended' : 'the customer has not joined the session yet' };
    return { session: s };
  }

  return new Elysia({ name: 'session-action-routes', prefix: '/api', tags: apiTag('Remote assistance') })
    .use(auth.guard)
    .get(
      '/sessions/:id/consent',
      ({ params, principal, status }) => {
        const s = sessions.get(params.id);
        if (!s || !canReadSession(sessions, auth.engineers, s, required(principal).engineer.id)) return status(404, { error: 'no such session' });
        const state: ConsentState = desktops.get(s.id)?.consentState() ?? {
          agent: false,
          granted: [],
          asked: [],
          recording: desktops.policies.of(s.deskId),
          recordingNow: false,
        };
        return state;
      },
      { access: { role: 'engineer' }, params: idParam },
    )
    .post(
      '/sessions/:id/consent-request',
      ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const found = live(params.id, me.id);
        if ('error' in found) return status(found.status, { error: found.error });
        // Checked here rather than by a union schema: a missing field must never reach the agent as `undefined`.
        const capability = CAPABILITIES.find((c) => c === body.capability);
        if (!capability) return status(422, { error: `capability must be one of ${CAPABILITIES.join(', ')}` });
        const desktop = desktops.get(found.session.id);
        if (!desktop?.agentConnected) return status(409, { error: NO_AGENT });
        const refusal = desktop.askConsent(`engineer:${me.id}`, nameOf(me), capability);
        if (refusal) return status(409, { error: refusal });
        return desktop.consentState();
      },
      {
        access: { role: 'engineer' },
        params: idParam,
        body: t.Object({ capability: t.String({ maxLength: 64 }) }),
      },
    )
    .post(
      '/sessions/:id/push-url',
      ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const found = live(params.id, me.id);
        if ('error' in found) return status(found.status, { error: found.error });
        const checked = checkPushUrl(body.url);
        if ('error' in checked) return status(422, { error: checked.error });
        const desktop = desktops.get(found.session.id);
        if (!desktop?.sendToAgent({ type: 'open-url', url: checked.url })) return status(409, { error: NO_AGENT });
        const actor = `engineer:${me.id}`;
        journal.write(found.session.id, actor, 'operation', `${nameOf(me)} opened ${checked.url} in the customer’s browser`, { url: checked.url });
        // Also in the chat: the customer keeps the link (and sees it in the portal) even if the browser did not open.
        const chat = journal.write(found.session.id, actor, 'chat', `I opened this page in your browser: ${checked.url}`, { pushedUrl: checked.url });
        return { url: checked.url, chat };
      },
      // The length is checked by checkPushUrl (a clear message); this bound only keeps absurd bodies out.
      { access: { role: 'engineer' }, params: idParam, body: t.Object({ url: t.String({ maxLength: 64 * 1024 }) }) },
    );
}
