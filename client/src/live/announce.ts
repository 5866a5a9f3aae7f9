// Tells an available engineer about each arrival (see attention.ts): a chime when they asked for one, and a browser
// notification while the console is not in front of them. Away and busy engineers get neither; the badges and the
// title still count for when they come back.
import type { EngineerStatus } from '../../../server/protocol/availability.ts';
import { notificationPermission, notificationsWanted, soundEnabled, type NotificationPermissionState } from '../lib/alertSettings.ts';
import { playChime } from '../lib/alertSound.ts';
import { attention, type Arrival } from './attention.ts';
import { myAvailability } from './liveStore.ts';

/** One chime at most this often: a burst of requests or messages is one sound, not a drum roll. */
export const CHIME_GAP_MS = 3000;

export interface Notice {
  title: string;
  body: string;
  /** One notification per tag: a newer one replaces it instead of piling up. */
  tag: string;
}

export function noticeFor(a: Arrival, waiting: number): Notice {
  switch (a.kind) {
    case 'request':
      return { title: 'New request in the queue', body: waiting === 1 ? '1 request is waiting for an engineer.' : `${waiting} requests are waiting for an engineer.`, tag: 'tessera-queue' };
    case 'offer':
      return {
        title: a.offer.kind === 'transfer' ? 'Session handed over to you' : 'Invitation to a session',
        body: a.offer.kind === 'transfer' ? `${a.offer.from} wants to hand session #${a.offer.sessionId} over to you.` : `${a.offer.from} invites you to session #${a.offer.sessionId}.`,
        tag: `tessera-offer-${a.offer.sessionId}`,
      };
    case 'message':
      return { title: `Message from ${a.from}`, body: a.text.length > 140 ? `${a.text.slice(0, 139)}…` : a.text, tag: `tessera-chat-${a.sessionId}` };
  }
}

export interface AnnounceDeps {
  navigate: (href: string) => void;
  status?: () => EngineerStatus | null;
  chime?: () => void;
  /** Shows a browser notification; `onClick` brings the console forward. */
  show?: (notice: Notice, onClick: () => void) => void;
  /** Whether the console is in front of the engineer (a visible, focused tab). */
  inFront?: () => boolean;
  permission?: () => NotificationPermissionState;
  now?: () => number;
}

function showNotification(notice: Notice, onClick: () => void): void {
  try {
    const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href;
    const n = new Notification(notice.title, { body: notice.body, tag: notice.tag, icon });
    n.onclick = () => {
      onClick();
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the badge and title still tell.
  }
}

/** Starts announcing arrivals; returns the stop. */
export function startAnnouncing(deps: AnnounceDeps): () => void {
  const status = deps.status ?? (() => myAvailability()?.status ?? null);
  const chime = deps.chime ?? playChime;
  const show = deps.show ?? showNotification;
  const inFront = deps.inFront ?? (() => document.visibilityState === 'visible' && document.hasFocus());
  const now = deps.now ?? Date.now;
  const permission = deps.permission ?? notificationPermission;
  let lastChime = -Infinity;
  return attention.onArrival((a) => {
    // Unknown yet (the socket just opened) counts as available: that is where everyone starts.
    if ((status() ?? 'available') !== 'available') return;
    if (soundEnabled() && now() - lastChime >= CHIME_GAP_MS) {
      lastChime = now();
      chime();
    }
    if (notificationsWanted() && permission() === 'granted' && !inFront())
      show(noticeFor(a, attention.newRequests()), () => {
        window.focus();
        deps.navigate(a.href);
      });
  });
}
