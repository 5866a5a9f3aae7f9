import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueItem, SessionLogEntry, SessionSummary } from '../../../server/protocol/support.ts';
import { setNotificationsWanted, setSoundEnabled } from '../lib/alertSettings.ts';
import { flush } from '../test/dom.ts';
import { CHIME_GAP_MS, noticeFor, startAnnouncing, type Notice } from './announce.ts';
import { attention, type Arrival } from './attention.ts';
import { applyConsoleMessage, stopLive } from './liveStore.ts';

const request = (id: number): QueueItem => ({ id, deskId: 1, channel: 'chat', customer: [], createdAt: new Date().toISOString() });
const session = (id: number): SessionSummary => ({
  id,
  deskId: 1,
  channel: 'chat',
  status: 'active',
  ownerId: 7,
  ownerName: 'Ann',
  customer: [],
  createdAt: '',
  takenAt: '',
  endedAt: null,
  participants: [{ id: 7, name: 'Ann', role: 'owner' }],
});
const line = (id: number, actor: string, text: string, kind = 'chat'): SessionLogEntry => ({ id, at: '', actor, name: actor === 'customer' ? 'Cy' : 'Ann', kind, text });
const queue = (...ids: number[]) => applyConsoleMessage({ type: 'queue', requests: ids.map(request) });
const chat = (sessionId: number, ...entries: SessionLogEntry[]) => applyConsoleMessage({ type: 'session-log', sessionId, entries });

let arrivals: Arrival[] = [];
let off: () => void = () => {};
beforeEach(() => {
  arrivals = [];
  off = attention.onArrival((a) => arrivals.push(a));
  attention.setLooking({ path: '/devices', visible: true });
});
afterEach(() => {
  off();
  stopLive();
  localStorage.clear();
});

describe('attention: what the engineer has not looked at', () => {
  it('counts requests that came while the queue was not shown, announces only arrivals, and clears on the queue page', async () => {
    queue(1, 2);
    await flush();
    expect(attention.newRequests()).toBe(2); // waiting when the console opened: counted...
    expect(arrivals).toEqual([]); // ...but no arrival to announce
    queue(1, 2, 3);
    await flush();
    expect(attention.newRequests()).toBe(3);
    expect(arrivals).toEqual([{ kind: 'request', count: 1, href: '/queue' }]);
    expect(attention.total()).toBe(3);

    attention.setLooking({ path: '/queue', visible: true });
    await flush();
    expect(attention.newRequests()).toBe(0);
    queue(1, 2, 3, 4); // arrives while I look: nothing to count or announce
    await flush();
    expect(attention.newRequests()).toBe(0);
    expect(arrivals).toHaveLength(1);
  });

  it('a hidden tab is not looking, even on the queue page; a request that left and came back is new again', async () => {
    attention.setLooking({ path: '/queue', visible: true });
    queue(5);
    await flush();
    attention.setLooking({ path: '/queue', visible: false });
    queue();
    await flush();
    queue(5); // its owner left: back in the queue
    await flush();
    expect(attention.newRequests()).toBe(1);
    expect(arrivals.map((a) => a.kind)).toEqual(['request']);
  });

  it('counts customer messages per session I work in until I open that session; not mine, operations and engineers do not count', async () => {
    applyConsoleMessage({ type: 'sessions', sessions: [session(10), session(11)] });
    await flush();
    chat(10, line(1, 'customer', 'hello?'), line(2, 'customer', 'anyone there?'));
    chat(11, line(3, 'customer', 'printer is on fire'));
    chat(10, line(4, 'engineer:7', 'on it'), line(5, 'system', 'joined', 'join'), line(6, 'customer', 'x', 'operation'));
    chat(99, line(7, 'customer', 'a session I only watch or never joined'));
    await flush();
    expect(attention.unreadIn(10)).toBe(2);
    expect(attention.unreadIn(11)).toBe(1);
    expect(attention.sessionsCount()).toBe(3);
    expect(arrivals.filter((a) => a.kind === 'message').map((a) => a.kind === 'message' && a.text)).toEqual(['anyone there?', 'printer is on fire']);

    attention.setLooking({ path: '/sessions/10', visible: true });
    await flush();
    expect(attention.unreadIn(10)).toBe(0);
    expect(attention.sessionsCount()).toBe(1);
    chat(10, line(8, 'customer', 'thanks')); // read as it arrives
    await flush();
    expect(attention.unreadIn(10)).toBe(0);
    // The session ended (it left my list): its count goes with it.
    applyConsoleMessage({ type: 'sessions', sessions: [session(10)] });
    await flush();
    expect(attention.unreadIn(11)).toBe(0);
    expect(attention.total()).toBe(0);
  });

  it('announces an offer even on a visible page, and counts it only while the tab is hidden', async () => {
    attention.setLooking({ path: '/devices', visible: false });
    applyConsoleMessage({ type: 'session-offer', sessionId: 12, kind: 'transfer', from: 'Bo' });
    await flush();
    expect(attention.sessionsCount()).toBe(1);
    expect(arrivals).toEqual([{ kind: 'offer', offer: { sessionId: 12, kind: 'transfer', from: 'Bo' }, href: '/sessions/12' }]);
    attention.setLooking({ path: '/devices', visible: true });
    await flush();
    expect(attention.sessionsCount()).toBe(0); // the offer banner shows on every page
  });
});

describe('announcing arrivals', () => {
  function announcer(status: 'available' | 'away' | 'busy', inFront = false) {
    const shown: Array<{ notice: Notice; click: () => void }> = [];
    const chime = vi.fn();
    const navigate = vi.fn();
    let now = 100_000;
    const stop = startAnnouncing({
      navigate,
      status: () => status,
      chime,
      show: (notice, click) => shown.push({ notice, click }),
      inFront: () => inFront,
      permission: () => 'granted',
      now: () => now,
    });
    return { shown, chime, navigate, stop, advance: (ms: number) => (now += ms) };
  }

  it('chimes (when asked for, at most once per burst) and notifies while the console is in the background; a click opens the place', async () => {
    setSoundEnabled(true);
    setNotificationsWanted(true);
    const a = announcer('available');
    queue();
    await flush();
    queue(1);
    await flush();
    queue(1, 2);
    await flush();
    expect(a.chime).toHaveBeenCalledTimes(1);
    a.advance(CHIME_GAP_MS);
    queue(1, 2, 3);
    await flush();
    expect(a.chime).toHaveBeenCalledTimes(2);
    // One notification tag for the queue: the browser replaces, never piles up.
    expect(new Set(a.shown.map((s) => s.notice.tag))).toEqual(new Set(['tessera-queue']));
    expect(a.shown.at(-1)!.notice.body).toBe('3 requests are waiting for an engineer.');
    a.shown.at(-1)!.click();
    expect(a.navigate).toHaveBeenCalledWith('/queue');
    a.stop();
  });

  it('stays quiet for an away or busy engineer, with the sound off, and in front of the engineer', async () => {
    setSoundEnabled(true);
    for (const status of ['away', 'busy'] as const) {
      const a = announcer(status);
      queue();
      await flush();
      queue(1);
      await flush();
      expect([a.chime.mock.calls.length, a.shown.length]).toEqual([0, 0]);
      a.stop();
      stopLive();
    }
    setSoundEnabled(false);
    const front = announcer('available', true);
    queue();
    await flush();
    queue(1);
    await flush();
    expect([front.chime.mock.calls.length, front.shown.length]).toEqual([0, 0]);
    front.stop();
  });

  it('words each kind of arrival', () => {
    expect(noticeFor({ kind: 'offer', offer: { sessionId: 4, kind: 'invite', from: 'Bo' }, href: '/sessions/4' }, 0)).toEqual({
      title: 'Invitation to a session',
      body: 'Bo invites you to session #4.',
      tag: 'tessera-offer-4',
    });
    expect(noticeFor({ kind: 'message', sessionId: 4, from: 'Cy', text: 'x'.repeat(200), href: '/sessions/4' }, 0).body).toHaveLength(140);
    expect(noticeFor({ kind: 'request', count: 1, href: '/queue' }, 1).body).toBe('1 request is waiting for an engineer.');
  });
});
