import { Elysia, t } from 'elysia';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import type { ConsoleHub } from '../presence/consoleHub.ts';
import type { AvailabilityService } from '../availability/index.ts';
import { AccessCodes, MAX_CODE_MINUTES } from './accessCodes.ts';
import { IdentityFields, identityValues } from './identityFields.ts';
import { PortalSettings } from './portalSettings.ts';
import { SessionStore } from './sessionStore.ts';
import { Participants } from './participants.ts';
import { LOG_PAGE } from '../protocol/sessionLog.ts';
import { logPageQuery } from './logPageQuery.ts';
import { SupportViews } from './views.ts';
import { SessionJournal } from './journal.ts';
import { canReadSession, historyScope, workingSession } from './visibility.ts';
import { apiTag } from '../docs/tags.ts';

export const MAX_CHAT_CHARS = 4000;
const idParam = t.Object({ id: t.Integer({ minimum: 1 }) });

/** The engineers' side of attended support: the live queue, taking requests, access codes, session chat. */
export function supportRoutes(ctx: AppContext, auth: Auth, hub: ConsoleHub, availability: AvailabilityService) {
  const sessions = new SessionStore(ctx.db);
  const codes = new AccessCodes(ctx.db);
  const identity = new IdentityFields(ctx.db);
  const participants = new Participants(ctx.db);
  const views = new SupportViews(identity, auth.engineers, participants);
  const settings = new PortalSettings(ctx.db);
  const journal = new SessionJournal(ctx, sessions, views);

  /** The automatic welcome message, in the owner's name, when a customer meets their engineer. */
  function welcome(sessionId: number, engineerId: number) {
    const text = settings.get().welcomeMessage.trim();
    const s = sessions.get(sessionId);
    if (!text || !s) return;
    journal.write(sessionId, `engineer:${engineerId}`, 'chat', text, { automatic: true });
  }
  ctx.events.on('customer-joined', ({ sessionId }) => {
    const s = sessions.get(sessionId);
    if (s?.ownerId) welcome(sessionId, s.ownerId);
  });

  const queueFor = (engineerId: number) => sessions.queue(auth.engineers.deskIds(engineerId)).map((s) => views.queueItem(s));
  const sessionsFor = (engineerId: number) => sessions.activeFor(engineerId).map((s) => views.summary(s));
  const pushAll = () => {
    hub.each((id) => ({ type: 'queue', requests: queueFor(id) }));
    hub.each((id) => ({ type: 'sessions', sessions: sessionsFor(id) }));
  };
  ctx.events.on('support-changed', pushAll);
  ctx.events.on('membership-changed', pushAll);
  ctx.events.on('session-log', ({ sessionId, entry }) =>
    hub.sendTo(sessions.participants(sessionId), { type: 'session-log', sessionId, entries: [entry] }),
  );
  ctx.events.on('file-progress', (p) => hub.sendTo(sessions.participants(p.sessionId), { type: 'file-progress', ...p }));
  ctx.events.on('console-opened', (id) => {
    hub.sendTo([id], { type: 'queue', requests: queueFor(id) });
    hub.sendTo([id], { type: 'sessions', sessions: sessionsFor(id) });
  });

  /** The session if this engineer takes or took part in it (supervisors of its desk and admins may read it too). */
  function visible(sessionId: number, engineerId: number) {
    const s = sessions.get(sessionId);
    return s && canReadSession(sessions, auth.engineers, s, engineerId) ? s : null;
  }

  return new Elysia({ name: 'support-routes', prefix: '/api', tags: apiTag('Sessions') })
    .use(auth.guard)
    .get('/queue', ({ principal }) => queueFor(required(principal).engineer.id), {
      access: { role: 'engineer', scope: 'queue:read' },
      detail: { tags: apiTag('Queue') },
    })
    .post(
      '/queue/:id/take',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const refusal = availability.refusal(me.id);
        if (refusal) return status(409, { error: refusal });
        if (!sessions.take(params.id, me.id, auth.engineers.deskIds(me.id)))
          return status(409, { error: 'this request was already taken or withdrawn' });
        ctx.events.emit('support-changed', undefined);
        welcome(params.id, me.id);
        return views.summary(sessions.get(params.id)!);
      },
      { access: { role: 'engineer', scope: 'sessions:write' }, params: idParam, detail: { tags: apiTag('Queue') } },
    )
    .get('/sessions', ({ principal }) => sessionsFor(required(principal).engineer.id), { access: { role: 'engineer', scope: 'sessions:read' } })
    .get(
      '/sessions/live',
      ({ principal }) => {
        const me = required(principal).engineer;
        return sessions.live(me.role === 'admin' ? null : auth.engineers.deskIds(me.id)).map((s) => views.summary(s));
      },
      { access: { role: 'supervisor', scope: 'sessions:read' } },
    )
    .post(
      '/sessions/code',
      ({ body, principal, status }) => {
        const me = required(principal).engineer;
        const deskId = body.deskId ?? null;
        if (deskId !== null && !auth.engineers.deskIds(me.id).includes(deskId))
          return status(403, { error: 'you are not a member of that desk' });
        const session = sessions.createForCode(me.id, deskId);
        const { code, expiresAt } = codes.issue(session.id, me.id, body.minutes);
        ctx.events.emit('support-changed', undefined);
        return { sessionId: session.id, code, expiresAt };
      },
      {
        access: { role: 'engineer', scope: 'sessions:write' },
        body: t.Object({
          deskId: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
          minutes: t.Optional(t.Integer({ minimum: 1, maximum: MAX_CODE_MINUTES })),
        }),
      },
    )
    .get(
      '/sessions/:id',
      ({ params, principal, status }) => {
        const s = visible(params.id, required(principal).engineer.id);
        return s ? { ...views.summary(s), notes: s.notes, survey: sessions.surveysOf([s.id]).get(s.id) ?? null } : status(404, { error: 'no such session' });
      },
      { access: { role: 'engineer', scope: 'sessions:read' }, params: idParam },
    )
    .get(
      '/sessions/:id/log',
      ({ params, query, principal, status }) => {
        const s = visible(params.id, required(principal).engineer.id);
        if (!s) return status(404, { error: 'no such session' });
        // Paged: a long log (an agent that flooded it) is read page by page, never in one query and one reply.
        const name = views.customerName(s);
        return sessions.logOf(s.id, query.after ?? 0, query.limit ?? LOG_PAGE).map((e) => views.logEntry(e, name));
      },
      {
        access: { role: 'engineer', scope: 'sessions:read' },
        params: idParam,
        query: logPageQuery,
        detail: { tags: apiTag('Session log') },
      },
    )
    .post(
      '/sessions/:id/chat',
      ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const s = workingSession(sessions, participants, params.id, me.id);
        if (!s) return status(404, { error: 'no session you work in with that id' });
        if (s.status === 'ended') return status(409, { error: 'the session has ended' });
        const text = body.text.trim();
        if (!text) return status(422, { error: 'message is empty' });
        return journal.write(s.id, `engineer:${me.id}`, 'chat', text);
      },
      { access: { role: 'engineer', scope: 'sessions:write' }, params: idParam, body: t.Object({ text: t.String({ minLength: 1, maxLength: MAX_CHAT_CHARS }) }) },
    )
    .put(
      '/sessions/:id/notes',
      ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const s = workingSession(sessions, participants, params.id, me.id);
        if (!s) return status(404, { error: 'no session you work in with that id' });
        sessions.setNotes(s.id, body.notes);
        return { ok: true as const };
      },
      { access: { role: 'engineer', scope: 'sessions:write' }, params: idParam, body: t.Object({ notes: t.String({ maxLength: 10_000 }) }) },
    )
    .put(
      '/sessions/:id/customer',
      ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const s = workingSession(sessions, participants, params.id, me.id);
        if (!s) return status(404, { error: 'no session you work in with that id' });
        const checked = identity.validate(body.fields);
        if ('problems' in checked) return status(422, { error: checked.problems.join('; ') });
        sessions.setCustomerFields(s.id, checked.values);
        // The log says what changed (the session log is the session's history), by label.
        const labels = new Map(identity.list().map((f) => [String(f.slot), f.label]));
        const changed = [...new Set([...Object.keys(s.customerFields), ...Object.keys(checked.values)])]
          .filter((slot) => (s.customerFields[slot] ?? '') !== (checked.values[slot] ?? ''))
          .map((slot) => `${labels.get(slot) ?? `field ${slot}`}: “${s.customerFields[slot] ?? ''}” → “${checked.values[slot] ?? ''}”`);
        if (changed.length) journal.write(s.id, `engineer:${me.id}`, 'operation', `changed the customer details (${changed.join('; ')})`);
        ctx.events.emit('support-changed', undefined);
        return views.summary(sessions.get(s.id)!);
      },
      { access: { role: 'engineer', scope: 'sessions:write' }, params: idParam, body: t.Object({ fields: identityValues }) },
    )
    .get(
      '/sessions/:id/history',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const s = visible(params.id, me.id);
        if (!s) return status(404, { error: 'no such session' });
        const identifying = identity.list().filter((f) => f.type === 'email' || f.type === 'phone' || f.crmUrl).map((f) => f.slot);
        // Only sessions this engineer may read for a history (historyScope), so their notes go with them.
        return sessions
          .history(s, identifying.length ? identifying : [1], historyScope(auth.engineers, me.id))
          .map((h) => ({ ...views.summary(h), notes: h.notes }));
      },
      { access: { role: 'engineer', scope: 'sessions:read' }, params: idParam },
    )
    .get(
      '/session-log',
      ({ query, principal }) => {
        const me = required(principal).engineer;
        // Engineers search their own sessions; supervisors their desks'; admins everything.
        const own = me.role === 'engineer';
        const engineerId = own ? me.id : query.engineerId;
        const deskIds = me.role === 'supervisor' ? auth.engineers.deskIds(me.id) : null;
        const found = sessions.search({
          text: query.q?.trim() || undefined,
          engineerId,
          deskIds: query.deskId !== undefined ? (deskIds ? deskIds.filter((d) => d === query.deskId) : [query.deskId]) : deskIds,
          from: query.from,
          to: query.to,
          beforeId: query.before,
          limit: query.limit ?? 100,
        });
        const surveys = sessions.surveysOf(found.map((f) => f.id));
        return found.map((f) => ({ ...views.summary(f), notes: f.notes, survey: surveys.get(f.id) ?? null }));
      },
      {
        access: { role: 'engineer', scope: 'sessions:read' },
        detail: { tags: apiTag('Session log') },
        query: t.Object({
          q: t.Optional(t.String({ maxLength: 200 })),
          engineerId: t.Optional(t.Integer({ minimum: 1 })),
          deskId: t.Optional(t.Integer({ minimum: 1 })),
          from: t.Optional(t.String({ format: 'date-time' })),
          to: t.Optional(t.String({ format: 'date-time' })),
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
          /** The next page: sessions older than this id (the last id of the page before). */
          before: t.Optional(t.Integer({ minimum: 1 })),
        }),
      },
    )
    .get(
      '/sessions/:id/log.txt',
      ({ params, principal, status }) => {
        const s = visible(params.id, required(principal).engineer.id);
        if (!s) return status(404, { error: 'no such session' });
        const name = views.customerName(s);
        const lines = [
          `Tessera session ${s.id} (${s.channel}), ${s.createdAt} to ${s.endedAt ?? 'now'}`,
          ...views.customer(s.customerFields).map((c) => `${c.label}: ${c.value}`),
          '',
          ...sessions.logOf(s.id).map((e) => {
            const v = views.logEntry(e, name);
            return `${v.at}  [${v.kind}] ${v.name}: ${v.text}`;
          }),
        ];
        return new Response(lines.join('\n') + '\n', {
          headers: {
            'content-type': 'text/plain; charset=utf-8',
            'content-disposition': `attachment; filename="tessera-session-${s.id}.txt"`,
          },
        });
      },
      { access: { role: 'engineer', scope: 'sessions:read' }, params: idParam, detail: { tags: apiTag('Session log') } },
    )
    .post(
      '/sessions/:id/end',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const s = workingSession(sessions, participants, params.id, me.id);
        if (!s) return status(404, { error: 'no session you work in with that id' });
        if (!sessions.end(s.id, `engineer:${me.id}`)) return status(409, { error: 'the session has already ended' });
        ctx.events.emit('session-unstaffed', { sessionId: s.id });
        ctx.events.emit('support-changed', undefined);
        return views.summary(sessions.get(s.id)!);
      },
      { access: { role: 'engineer', scope: 'sessions:write' }, params: idParam },
    );
}
