// What the engineer has not looked at yet: requests that came into the queue, transfers and invitations offered to
// them, customer messages in the sessions they work in. The counts feed the navigation badges and the page title;
// each arrival is also handed to a listener (sound, browser notification). Looking clears: the queue page clears the
// queue, a session's page clears its messages, and any page of a visible tab clears offers (they show on every page).
import { createEffect, createMemo, createRoot, createSignal, on } from 'solid-js';
import type { SessionLogEntry } from '../../../server/protocol/support.ts';
import { mySessions, offers, onSessionEvent, queue, type SessionOffer } from './liveStore.ts';

export type Arrival =
  | { kind: 'request'; count: number; href: '/queue' }
  | { kind: 'offer'; offer: SessionOffer; href: string }
  | { kind: 'message'; sessionId: number; from: string; text: string; href: string };

/** Where the engineer looks: the console's route and whether its tab is shown. */
export interface Looking {
  path: string;
  visible: boolean;
}

const sessionPath = (id: number) => `/sessions/${id}`;
const looksAtQueue = (l: Looking) => l.visible && (l.path === '/queue' || l.path === '/');
const looksAtSession = (l: Looking, id: number) => l.visible && (l.path === sessionPath(id) || l.path.startsWith(`${sessionPath(id)}/`));
const offerKey = (o: SessionOffer) => `${o.sessionId}:${o.kind}`;

/** A customer's chat line (not an engineer's, a system line or an operation). */
export const isCustomerMessage = (e: SessionLogEntry) => e.actor === 'customer' && e.kind === 'chat';

function createAttention() {
  const [looking, setLooking] = createSignal<Looking>({ path: '', visible: true });
  const [seenRequests, setSeenRequests] = createSignal<ReadonlySet<number>>(new Set());
  const [seenOffers, setSeenOffers] = createSignal<ReadonlySet<string>>(new Set());
  const [unread, setUnread] = createSignal<Readonly<Record<number, number>>>({});
  const listeners = new Set<(a: Arrival) => void>();
  const tell = (a: Arrival) => listeners.forEach((l) => l(a));

  // Requests: a request that left the queue (taken, withdrawn) is forgotten, so one that comes back (its owner
  // left) is news again. The first list after connecting is counted but not announced: it is not an arrival.
  let known: Set<number> | null = null;
  createEffect(
    on([queue, looking], ([list, l]) => {
      if (!list) {
        known = null;
        return;
      }
      const ids = new Set(list.map((q) => q.id));
      const fresh = known ? [...ids].filter((id) => !known!.has(id)) : [];
      known = ids;
      const here = looksAtQueue(l);
      setSeenRequests((seen) => (here ? ids : new Set([...seen].filter((id) => ids.has(id)))));
      if (fresh.length && !here) tell({ kind: 'request', count: fresh.length, href: '/queue' });
    }),
  );

  let knownOffers = new Set<string>();
  createEffect(
    on([offers, looking], ([list, l]) => {
      const keys = new Set(list.map(offerKey));
      const fresh = list.filter((o) => !knownOffers.has(offerKey(o)));
      knownOffers = keys;
      setSeenOffers((seen) => (l.visible ? keys : new Set([...seen].filter((k) => keys.has(k)))));
      // Announced even on a visible page: an offer lapses after two minutes and asks for an answer.
      for (const offer of fresh) tell({ kind: 'offer', offer, href: sessionPath(offer.sessionId) });
    }),
  );

  // Messages count only in sessions I work in (owner or invited), not in those I merely watch as a supervisor.
  const working = createMemo(() => new Set((mySessions() ?? []).filter((s) => s.status !== 'ended').map((s) => s.id)));
  onSessionEvent((event) => {
    if (event.type !== 'session-log' || !working().has(event.sessionId)) return;
    const messages = event.entries.filter(isCustomerMessage);
    if (!messages.length || looksAtSession(looking(), event.sessionId)) return;
    setUnread((all) => ({ ...all, [event.sessionId]: (all[event.sessionId] ?? 0) + messages.length }));
    const last = messages[messages.length - 1]!;
    tell({ kind: 'message', sessionId: event.sessionId, from: last.name, text: last.text, href: sessionPath(event.sessionId) });
  });
  createEffect(
    on([looking, working], ([l, ids]) =>
      setUnread((all) => {
        const kept = Object.entries(all).filter(([id]) => ids.has(Number(id)) && !looksAtSession(l, Number(id)));
        return kept.length === Object.keys(all).length ? all : Object.fromEntries(kept);
      }),
    ),
  );

  const newRequests = createMemo(() => (queue() ?? []).filter((q) => !seenRequests().has(q.id)).length);
  const newOffers = createMemo(() => offers().filter((o) => !seenOffers().has(offerKey(o))).length);
  const unreadMessages = createMemo(() => Object.values(unread()).reduce((a, b) => a + b, 0));

  return {
    setLooking,
    /** New requests in the queue since I last looked at it. */
    newRequests,
    /** Customer messages I have not read plus offers that came while I was not looking: the Sessions badge. */
    sessionsCount: createMemo(() => unreadMessages() + newOffers()),
    /** Everything not looked at, for the page title. */
    total: createMemo(() => newRequests() + unreadMessages() + newOffers()),
    unreadIn: (sessionId: number) => unread()[sessionId] ?? 0,
    onArrival(listener: (a: Arrival) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** One for the console, alive as long as the page (it follows the live store, which empties on sign-out). */
export const attention = createRoot(createAttention);
