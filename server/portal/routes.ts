import { Elysia, t } from 'elysia';
import { oneOf } from '../http/oneOf.ts';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { DeskStore } from '../desks/store.ts';
import { clientAddress } from '../http/clientAddress.ts';
import type { PresenceTracker } from '../presence/tracker.ts';
import { customerSees, LOG_PAGE } from '../protocol/sessionLog.ts';
import type { RecordingPolicy } from '../protocol/recording.ts';
import type { PortalConfig, PortalSession, SessionLogEntry } from '../protocol/support.ts';
import { ProviderStore } from '../provider/store.ts';
import { AccessCodes } from '../support/accessCodes.ts';
import { IdentityFields, identityValues } from '../support/identityFields.ts';
import { PortalSettings } from '../support/portalSettings.ts';
import { RateLimiter } from '../http/rateLimiter.ts';
import { CodeGuessLimiter } from './codeGuessLimiter.ts';
import { logPageQuery } from '../support/logPageQuery.ts';
import { MAX_CHAT_CHARS } from '../support/routes.ts';
import { SessionStore, type SupportSession } from '../support/sessionStore.ts';
import { Participants } from '../support/participants.ts';
import { SupportViews } from '../support/views.ts';
import { SessionJournal } from '../support/journal.ts';
import { apiTag } from '../docs/tags.ts';

export const CUSTOMER_HEADER = 'x-tessera-customer';

const MINUTE = 60_000;

/** The customers' side: portal configuration, requests, access codes, and the customer's live chat socket. */
/** What the portal says about the live desktop: the desk's recording policy, whether the relay records the
 * session now, and whether the session's agent is connected. */
export interface PortalDesktop {
  policy(deskId: number | null): RecordingPolicy;
  recordingNow(sessionId: number): boolean;
  agentConnected(sessionId: number): boolean;
}

export function portalRoutes(ctx: AppContext, auth: Auth, presence: PresenceTracker, desktop: PortalDesktop) {
  const sessions = new SessionStore(ctx.db);
  const codes = new AccessCodes(ctx.db);
  const fields = new IdentityFields(ctx.db);
  const settings = new PortalSettings(ctx.db);
  const provider = new ProviderStore(ctx.db);
  const desks = new DeskStore(ctx.db, 'desks');
  const views = new SupportViews(fields, auth.engineers, new Participants(ctx.db));
  const journal = new SessionJournal(ctx, sessions, views);
  // 6-digit codes have a million values and live an hour at most: 5 wrong guesses per address, 20 per network
  // and 60 overall per 10 minutes (the last only for those who guessed wrong, see CodeGuessLimiter) make a brute
  // force hopeless.
  const codeLimiter = new CodeGuessLimiter({ perAddress: 5, perNetwork: 20, global: 60, windowMs: 10 * MINUTE });
  const requestLimiter = new RateLimiter(10, 1000, 10 * MINUTE);
  const chatLimiter = new RateLimiter(60, 100_000, MINUTE);
  type CustomerSocket = { send(data: string): unknown; close(code?: number, reason?: string): unknown; data: { query: { token: string } } };
  const customerSockets = new Map<number, Set<CustomerSocket>>();

  const deskOnline = (deskId: number) =>
    auth.engineers.deskMembers().get(deskId)?.some((id) => presence.isOnline(id)) ?? false;

  function portalSession(s: SupportSession): PortalSession {
    const owner = s.ownerId ? auth.engineers.byId(s.ownerId) : null;
    const ended = s.status === 'ended';
    return {
      id: s.id,
      status: s.status,
      channel: s.channel,
      engineer: owner ? owner.nickname || owner.displayName : null,
      // After the session: the provider's own survey when set, else the built-in one (once).
      surveyUrl: ended ? settings.get().surveyUrl || null : null,
      surveyDone: sessions.hasSurvey(s.id),
      recording: desktop.policy(s.deskId),
      recordingNow: desktop.recordingNow(s.id),
      agentConnected: desktop.agentConnected(s.id),
    };
  }

  const pushToCustomer = (sessionId: number, message: unknown) => {
    for (const socket of customerSockets.get(sessionId) ?? []) {
      // The token may have expired since the socket opened: it then gets nothing more.
      if (sessions.byCustomerToken(socket.data.query.token, ctx.config)) socket.send(JSON.stringify(message));
      else socket.close(1008, 'the customer session has expired');
    }
  };
  ctx.events.on('session-log', ({ sessionId, entry }) => {
    if (customerSees(entry)) pushToCustomer(sessionId, { type: 'log', entries: [entry] });
  });
  ctx.events.on('file-progress', (p) => pushToCustomer(p.sessionId, { type: 'file-progress', ...p }));
  const pushSession = ({ sessionId }: { sessionId: number }) => {
    const s = sessions.get(sessionId);
    if (s) pushToCustomer(sessionId, { type: 'session', session: portalSession(s) });
  };
  ctx.events.on('recording-changed', pushSession);
  ctx.events.on('session-agent-changed', pushSession);
  ctx.events.on('support-changed', () => {
    for (const id of customerSockets.keys()) {
      const s = sessions.get(id);
      if (s) pushToCustomer(id, { type: 'session', session: portalSession(s) });
    }
  });

  const tooMany = (wait: number, set: { headers: Record<string, string | number> }) => {
    set.headers['retry-after'] = String(wait);
    return { error: `too many attempts; try again in ${Math.ceil(wait / 60)} min` };
  };

  return new Elysia({ name: 'portal-routes', prefix: '/api/portal', tags: apiTag('Portal') })
    .use(auth.guard)
    .get(
      '/config',
      (): PortalConfig => {
        const p = provider.get();
        const s = settings.get();
        return {
          provider: p,
          notice: s.notice,
          contact: s.contact,
          fields: fields
            .list()
            .filter((f) => f.shown)
            .map((f) => ({ slot: f.slot, label: f.label, type: f.type, required: f.required, maxLength: f.maxLength, pattern: f.pattern, example: f.example })),
          desks: desks.list().map((d) => ({ id: d.id, name: d.name, online: deskOnline(d.id) })),
        };
      },
      { access: 'public' },
    )
    .post(
      '/requests',
      ({ body, request, server, set, status }) => {
        const address = clientAddress(server, request, ctx.config.trustedProxies);
        const wait = requestLimiter.hit(address);
        if (wait) return status(429, tooMany(wait, set));
        const deskId = body.deskId ?? null;
        if (deskId !== null && !desks.get(deskId)) return status(404, { error: 'no such desk' });
        const online = deskId === null ? desks.list().some((d) => deskOnline(d.id)) : deskOnline(deskId);
        if (!online) return status(409, { error: 'nobody is online at this desk right now; please try again later' });
        const checked = fields.validate(body.fields);
        if ('problems' in checked) return status(422, { error: checked.problems.join('; ') });
        const { session, customerToken } = sessions.createRequest({ deskId, channel: body.channel, fields: checked.values, address });
        ctx.events.emit('support-changed', undefined);
        return { session: portalSession(session), customerToken };
      },
      {
        access: 'public',
        body: t.Object({
          deskId: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
          channel: oneOf(['chat', 'remote'] as const),
          fields: identityValues,
        }),
      },
    )
    .post(
      '/access-codes',
      ({ body, request, server, set, status }) => {
        const address = clientAddress(server, request, ctx.config.trustedProxies);
        const wait = codeLimiter.wait(address);
        if (wait) return status(429, tooMany(wait, set));
        // Checked before the code: a missing name must not use up the code or count as a wrong guess.
        const checked = fields.validate(body.fields ?? {});
        if ('problems' in checked) return status(422, { error: checked.problems.join('; ') });
        const sessionId = codes.redeem(body.code.replace(/\s+/g, ''));
        if (sessionId === null) {
          codeLimiter.failed(address);
          return status(404, { error: 'this code is wrong, used or expired' });
        }
        const customerToken = sessions.attachCustomer(sessionId, address, checked.values);
        ctx.events.emit('support-changed', undefined);
        ctx.events.emit('customer-joined', { sessionId });
        return { session: portalSession(sessions.get(sessionId)!), customerToken };
      },
      { access: 'public', body: t.Object({ code: t.String({ minLength: 1, maxLength: 12 }), fields: t.Optional(identityValues) }) },
    )
    .get(
      '/session',
      ({ headers, status }) => {
        const s = sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);
        return s ? portalSession(s) : status(401, { error: 'unknown or expired customer session' });
      },
      { access: 'public' },
    )
    .get(
      '/session/log',
      ({ headers, query, status }) => {
        const s = sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);
        if (!s) return status(401, { error: 'unknown or expired customer session' });
        return sessions
          .customerLogOf(s.id, query.after ?? 0, query.limit ?? LOG_PAGE)
          .map((e): SessionLogEntry => views.logEntry(e, views.customerName(s)));
      },
      { access: 'public', query: logPageQuery },
    )
    .post(
      '/session/chat',
      ({ headers, body, set, status }) => {
        const s = sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);
        if (!s) return status(401, { error: 'unknown or expired customer session' });
        if (s.status === 'ended') return status(409, { error: 'the session has ended' });
        const wait = chatLimiter.hit(`session:${s.id}`);
        if (wait) return status(429, tooMany(wait, set));
        const text = body.text.trim();
        if (!text) return status(422, { error: 'message is empty' });
        return journal.write(s.id, 'customer', 'chat', text);
      },
      { access: 'public', body: t.Object({ text: t.String({ minLength: 1, maxLength: MAX_CHAT_CHARS }) }) },
    )
    .post(
      '/session/cancel',
      ({ headers, status }) => {
        const s = sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);
        if (!s) return status(401, { error: 'unknown or expired customer session' });
        if (!sessions.cancelQueued(s.id))
          return status(409, { error: s.status === 'ended' ? 'the session has ended' : 'an engineer has already taken your request' });
        ctx.events.emit('support-changed', undefined);
        return { ok: true as const };
      },
      { access: 'public' },
    )
    .post(
      '/session/survey',
      ({ headers, body, status }) => {
        const s = sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);
        if (!s) return status(401, { error: 'unknown or expired customer session' });
        if (s.status !== 'ended') return status(409, { error: 'the survey opens when the session has ended' });
        if (!sessions.saveSurvey(s.id, body.rating, body.solved ?? null, body.comment?.trim() ?? ''))
          return status(409, { error: 'the survey was already answered' });
        journal.write(s.id, 'customer', 'survey', `rated ${body.rating}/5`, { rating: body.rating, solved: body.solved ?? null });
        return { ok: true as const };
      },
      {
        access: 'public',
        body: t.Object({
          rating: t.Integer({ minimum: 1, maximum: 5 }),
          solved: t.Optional(t.Boolean()),
          comment: t.Optional(t.String({ maxLength: 2000 })),
        }),
      },
    )
    .ws('/ws', {
      query: t.Object({ token: t.String({ minLength: 1, maxLength: 200 }) }),
      beforeHandle({ query, status }) {
        if (!sessions.byCustomerToken(query.token, ctx.config)) return status(401, { error: 'unknown customer session' });
      },
      open(ws) {
        const s = sessions.byCustomerToken(ws.data.query.token, ctx.config);
        if (!s) return ws.close(1008, 'unknown customer session');
        (ws.data as { sessionId?: number }).sessionId = s.id;
        let set = customerSockets.get(s.id);
        if (!set) customerSockets.set(s.id, (set = new Set()));
        set.add(ws.raw as unknown as CustomerSocket);
        ws.send(JSON.stringify({ type: 'session', session: portalSession(s) }));
      },
      message(ws, message) {
        // Keep-alive pings (the portal's reconnecting socket uses them to spot dead links) get a pong; nothing else
        // is taken here: chat goes by POST.
        const m = message as { type?: unknown; t?: unknown } | null;
        if (m && typeof m === 'object' && m.type === 'ping' && typeof m.t === 'number' && Number.isFinite(m.t)) {
          if (!sessions.byCustomerToken(ws.data.query.token, ctx.config)) return ws.close(1008, 'the customer session has expired');
          ws.send(JSON.stringify({ type: 'pong', t: m.t }));
          return;
        }
        ws.close(1008, 'the portal socket only receives; send chat with POST');
      },
      close(ws) {
        const id = (ws.data as { sessionId?: number }).sessionId;
        if (id !== undefined) customerSockets.get(id)?.delete(ws.raw as unknown as CustomerSocket);
      },
    });
}
