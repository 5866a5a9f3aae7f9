import { Elysia, t } from 'elysia';
import { oneOf } from '../http/oneOf.ts';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import type { ConsoleHub } from '../presence/consoleHub.ts';
import type { PresenceTracker } from '../presence/tracker.ts';
import type { AvailabilityService } from '../availability/index.ts';
import { Participants } from './participants.ts';
import { SessionStore } from './sessionStore.ts';
import { SessionJournal } from './journal.ts';
import { IdentityFields } from './identityFields.ts';
import { SupportViews } from './views.ts';
import { apiTag } from '../docs/tags.ts';

type OfferKind = 'transfer' | 'invite';
interface Offer {
  kind: OfferKind;
  from: number;
  to: number;
  expires: number;
}

/** An unanswered transfer or invitation lapses after this long (the target may have walked away). */
const OFFER_MS = 2 * 60_000;

const idParam = t.Object({ id: t.Integer({ minimum: 1 }) });

/**
 * Working together on a session: transfer (the target accepts), invitations, supervisors watching, leaving,
 * and the fallback when the owner leaves or disconnects (longest-present engineer, else back to the queue).
 */
export function collaborationRoutes(ctx: AppContext, auth: Auth, hub: ConsoleHub, presence: PresenceTracker, availability: AvailabilityService) {
  const sessions = new SessionStore(ctx.db);
  const participants = new Participants(ctx.db);
  const journal = new SessionJournal(ctx, sessions, new SupportViews(new IdentityFields(ctx.db), auth.engineers, participants));
  const offers = new Map<string, Offer>(); // `${sessionId}:${to}` -> offer
  const graceTimers = new Map<number, ReturnType<typeof setTimeout>>();
  const nameOf = (id: number) => {
    const e = auth.engineers.byId(id);
    return e ? e.nickname || e.displayName : `#${id}`;
  };

  function logAndPush(sessionId: number, actor: string, text: string) {
    journal.write(sessionId, actor, 'operation', text);
    ctx.events.emit('support-changed', undefined);
  }

  function fallBack(sessionId: number, goneOwner: number, why: string) {
    const next = participants.fallBack(sessionId, goneOwner);
    if (next === null) ctx.events.emit('session-unstaffed', { sessionId });
    logAndPush(
      sessionId,
      'system',
      next === null ? `${nameOf(goneOwner)} ${why}; the request is back in the queue` : `${nameOf(goneOwner)} ${why}; ${nameOf(next)} now owns the session`,
    );
    if (next !== null) tellCustomerNewOwner(sessionId, next);
  }

  /**
   * The customer hears who helps them now (portal chat and the agent's window, as a system line they see): what
   * they allowed on their computer goes on to the new engineer, so that must not happen silently.
   */
  function tellCustomerNewOwner(sessionId: number, owner: number) {
    journal.write(
      sessionId,
      'system',
      'join',
      `${nameOf(owner)} is now in charge of your session. Anything you allowed on your computer now serves ${nameOf(owner)}; you can take it back at any time (Stop all in the support app).`,
    );
  }

  let stopped = false;
  // The owner's last console closed: wait a grace period (a reload or a network blip), then fall back.
  ctx.events.on('engineer-offline', (engineerId) => {
    if (stopped) return;
    clearTimeout(graceTimers.get(engineerId));
    graceTimers.set(
      engineerId,
      setTimeout(() => {
        graceTimers.delete(engineerId);
        if (presence.isOnline(engineerId)) return;
        for (const id of participants.ownedActive(engineerId)) fallBack(id, engineerId, 'disconnected');
      }, ctx.config.ownerGraceSeconds * 1000),
    );
  });

  // A disabled engineer leaves every live session at once (the owner's session falls back as if they had left), so
  // nobody keeps a seat, a role or control there; a password reset alone keeps their place for the next login.
  ctx.events.on('engineer-logins-ended', (engineerId) => {
    if (stopped || !auth.engineers.byId(engineerId)?.disabled) return;
    for (const { sessionId, role } of participants.liveSessionsOf(engineerId)) {
      if (role === 'owner') fallBack(sessionId, engineerId, 'was disabled by an administrator');
      else {
        participants.leave(sessionId, engineerId);
        logAndPush(sessionId, 'system', `${nameOf(engineerId)} was disabled by an administrator and left the session`);
      }
    }
  });

  function live(sessionId: number) {
    const s = sessions.get(sessionId);
    return s && s.status === 'active' ? s : null;
  }

  /** Offers the session to another online engineer; returns a refusal reason with its status, or null. */
  function makeOffer(kind: OfferKind, sessionId: number, me: number, targetId: number): [404 | 409 | 422, string] | null {
    const s = live(sessionId);
    if (!s || s.ownerId !== me) return [404, 'no live session of yours with that id'];
    const target = auth.engineers.byId(targetId);
    if (!target || target.disabled) return [404, 'no such engineer'];
    if (target.id === me) return [422, `you cannot ${kind} to yourself`];
    if (!presence.isOnline(target.id)) return [409, `${nameOf(target.id)} is not online`];
    if (kind === 'invite' && participants.roleOf(s.id, target.id) === 'engineer') return [409, `${nameOf(target.id)} is already in the session`];
    // A colleague who is away, busy or full is not asked at all (they would have to refuse when accepting).
    const unavailable = participants.roleOf(s.id, target.id) === 'engineer' ? null : availability.refusal(target.id, nameOf(target.id));
    if (unavailable) return [409, unavailable];
    offers.set(`${s.id}:${target.id}`, { kind, from: me, to: target.id, expires: Date.now() + OFFER_MS });
    hub.sendTo([target.id], { type: 'session-offer', sessionId: s.id, kind, from: nameOf(me) });
    journal.write(s.id, `engineer:${me}`, 'operation', `${kind === 'transfer' ? 'offered the session to' : 'invited'} ${nameOf(target.id)}`);
    return null;
  }

  return new Elysia({ name: 'collaboration-routes', prefix: '/api/sessions', tags: apiTag('Sessions') })
    .use(auth.guard)
    .onStop(() => {
      stopped = true;
      for (const timer of graceTimers.values()) clearTimeout(timer);
      graceTimers.clear();
    })
    .post(
      '/:id/:kind',
      ({ params, body, principal, status }) => {
        const refusal = makeOffer(params.kind, params.id, required(principal).engineer.id, body.engineerId);
        return refusal ? status(refusal[0], { error: refusal[1] }) : { ok: true as const };
      },
      {
        access: { role: 'engineer' },
        params: t.Object({ id: t.Integer({ minimum: 1 }), kind: oneOf(['transfer', 'invite'] as const) }),
        body: t.Object({ engineerId: t.Integer({ minimum: 1 }) }),
      },
    )
    .post(
      '/:id/accept',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const key = `${params.id}:${me.id}`;
        const o = offers.get(key);
        const s = live(params.id);
        offers.delete(key);
        if (!o || !s || o.expires < Date.now()) return status(404, { error: 'there is no offer for you in this session any more' });
        // Taking over a session you already work in adds nothing to your load.
        const refusal = participants.roleOf(s.id, me.id) === 'engineer' ? null : availability.refusal(me.id);
        if (refusal) {
          offers.set(key, o); // still open: they may free a seat or set themselves available, then accept
          return status(409, { error: refusal });
        }
        if (o.kind === 'transfer') {
          if (s.ownerId !== o.from) return status(409, { error: 'the session changed hands meanwhile' });
          participants.transfer(s.id, o.from, me.id, false);
          logAndPush(s.id, `engineer:${me.id}`, `took over the session from ${nameOf(o.from)}`);
          tellCustomerNewOwner(s.id, me.id);
        } else {
          participants.join(s.id, me.id, 'engineer');
          logAndPush(s.id, `engineer:${me.id}`, `joined the session (invited by ${nameOf(o.from)})`);
        }
        return { ok: true as const };
      },
      { access: { role: 'engineer' }, params: idParam },
    )
    .post(
      '/:id/decline',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const o = offers.get(`${params.id}:${me.id}`);
        if (!o) return status(404, { error: 'there is no offer for you in this session' });
        offers.delete(`${params.id}:${me.id}`);
        journal.write(params.id, `engineer:${me.id}`, 'operation', `declined the ${o.kind}`);
        hub.sendTo([o.from], { type: 'offer-declined', sessionId: params.id, by: nameOf(me.id), kind: o.kind });
        return { ok: true as const };
      },
      { access: { role: 'engineer' }, params: idParam },
    )
    .post(
      '/:id/watch',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const s = live(params.id);
        if (!s) return status(404, { error: 'no live session with that id' });
        const ofMyDesk = s.deskId === null || auth.engineers.deskIds(me.id).includes(s.deskId);
        if (me.role !== 'admin' && !ofMyDesk) return status(403, { error: 'this session is not in one of your desks' });
        if (!participants.join(s.id, me.id, 'supervisor')) return status(409, { error: 'you are already in this session' });
        logAndPush(s.id, `engineer:${me.id}`, 'started watching the session (supervisor, view only)');
        return { ok: true as const };
      },
      { access: { role: 'supervisor' }, params: idParam },
    )
    .post(
      '/:id/leave',
      ({ params, principal, status }) => {
        const me = required(principal).engineer;
        const s = live(params.id);
        const role = s ? participants.roleOf(s.id, me.id) : null;
        if (!s || !role) return status(404, { error: 'you are not in a live session with that id' });
        if (role === 'owner') fallBack(s.id, me.id, 'left');
        else {
          participants.leave(s.id, me.id);
          logAndPush(s.id, `engineer:${me.id}`, role === 'supervisor' ? 'stopped watching' : 'left the session');
        }
        return { ok: true as const };
      },
      { access: { role: 'engineer' }, params: idParam },
    );
}
