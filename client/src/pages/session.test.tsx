import { afterEach, describe, expect, it } from 'vitest';
import type { SessionLogEntry, SessionSummary } from '../../../server/protocol/support.ts';
import { mergeEntries } from '../components/session/ChatLog.tsx';
import { linkify } from '../lib/linkify.tsx';
import { applyProgress, formatBytes, sizeLimitMessage } from '../components/session/FilesPanel.tsx';
import { expertInviteProblem, offerCandidates } from '../components/session/SessionDialogs.tsx';
import { countdown, spacedCode } from '../components/AccessCodeDialog.tsx';
import { safeLink } from '../components/CustomerValues.tsx';
import { applyConsoleMessage, dismissOffer, offers, queue, removeQueueItem, stopLive } from '../live/liveStore.ts';
import { mount } from '../test/dom.ts';
import { logQuery } from './SessionLog.tsx';
import { watchedBy } from './SessionWorkspace.tsx';

afterEach(() => stopLive());

const entry = (id: number, text = `line ${id}`): SessionLogEntry => ({ id, at: '2026-01-01T10:00:00Z', actor: 'customer', name: 'Pat', kind: 'chat', text });
const summary = (participants: SessionSummary['participants']): Pick<SessionSummary, 'participants'> => ({ participants });

describe('session workspace helpers', () => {
  it('merges pushed and fetched log lines once each, in order', () => {
    expect(mergeEntries([entry(1), entry(3)], [entry(2), entry(3, 'again')]).map((e) => [e.id, e.text])).toEqual([
      [1, 'line 1'],
      [2, 'line 2'],
      [3, 'again'],
    ]);
  });

  it('turns http(s) addresses in chat into links and nothing else into markup', () => {
    const view = mount(() => <p>{linkify('See https://status.example/x?a=1. Or <b>javascript:alert(1)</b>')}</p>);
    const links = view.container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://status.example/x?a=1');
    expect(links[0]!.rel).toBe('noopener noreferrer');
    expect(view.container.querySelector('b')).toBeNull();
    expect(view.container.textContent).toContain('<b>javascript:alert(1)</b>');
    view.unmount();
  });

  it('names who watches, not counting me', () => {
    expect(watchedBy(summary([{ id: 1, name: 'Ann', role: 'owner' }]), 1)).toBeNull();
    expect(watchedBy(summary([{ id: 1, name: 'Ann', role: 'owner' }, { id: 5, name: 'Sue', role: 'supervisor' }]), 1)).toBe('Sue');
    expect(
      watchedBy(summary([{ id: 5, name: 'Sue', role: 'supervisor' }, { id: 6, name: 'Kim', role: 'supervisor' }, { id: 7, name: 'Lu', role: 'supervisor' }]), 5),
    ).toBe('Kim and Lu');
  });

  it('offers transfers to online engineers but me, invitations only to those not in the session yet', () => {
    const online = [
      { engineers: [{ id: 1, displayName: 'Ann' }, { id: 2, displayName: 'Bo' }] },
      { engineers: [{ id: 2, displayName: 'Bo' }, { id: 3, displayName: 'Cy' }] },
    ];
    const s = summary([{ id: 1, name: 'Ann', role: 'owner' }, { id: 2, name: 'Bo', role: 'engineer' }, { id: 3, name: 'Cy', role: 'supervisor' }]);
    expect(offerCandidates(online, s, 1, 'transfer').map((c) => c.displayName)).toEqual(['Bo', 'Cy']);
    expect(offerCandidates(online, s, 1, 'invite').map((c) => c.displayName)).toEqual(['Cy']);
  });

  it('checks an expert invitation before sending it', () => {
    expect(expertInviteProblem({ name: '', method: 'password', email: '', password: 'long-enough-pw' })).toMatch(/name/);
    expect(expertInviteProblem({ name: 'Vic', method: 'email-code', email: 'vic@', password: '' })).toMatch(/e-mail/);
    expect(expertInviteProblem({ name: 'Vic', method: 'password', email: '', password: 'short' })).toMatch(/at least 10/);
    expect(expertInviteProblem({ name: 'Vic', method: 'email-code', email: 'vic@vendor.example', password: '' })).toBeNull();
  });

  it('applies file progress pushes, asking for a reload for an unknown file', () => {
    const file = { id: 4, sessionId: 1, direction: 'from-customer' as const, uploader: 'customer', name: 'a.png', size: 100, sha256: 'x', received: 0, status: 'uploading' as const, createdAt: '', completedAt: null };
    const p = { sessionId: 1, fileId: 4, name: 'a.png', received: 100, size: 100, status: 'complete' as const, by: 'Pat' };
    expect(applyProgress([file], p)).toEqual({ list: [{ ...file, received: 100, status: 'complete' }], unknown: false });
    expect(applyProgress([], p).unknown).toBe(true);
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MB');
    expect(sizeLimitMessage('the file is larger than the limit of 1073741824 bytes', 2.5 * 1024 ** 3)).toBe(
      'Too large to send: the file is 2.5 GB, the limit is 1.0 GB.',
    );
  });

  it('reads access codes aloud and counts down to expiry', () => {
    expect(spacedCode('123456')).toBe('123 456');
    expect(countdown('2026-01-01T10:10:00Z', Date.parse('2026-01-01T10:00:00Z'))).toBe('10:00');
    expect(countdown('2026-01-01T10:00:05Z', Date.parse('2026-01-01T10:00:00Z'))).toBe('0:05');
    expect(countdown('2026-01-01T10:00:00Z', Date.parse('2026-01-01T10:00:00Z'))).toBeNull();
  });

  it('follows only http(s) CRM links', () => {
    expect(safeLink('https://crm.example/?q=1')).toBe('https://crm.example/?q=1');
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink(null)).toBeNull();
  });

  it('turns the log search form into the API query, whole local days', () => {
    const q = logQuery({ q: ' Pat ', engineerId: '3', deskId: '', from: '2026-03-01', to: '2026-03-02' });
    expect(q.q).toBe('Pat');
    expect(q.engineerId).toBe(3);
    expect(q.deskId).toBeUndefined();
    expect(q.from).toBe(new Date(2026, 2, 1).toISOString());
    expect(q.to).toBe(new Date(2026, 2, 3).toISOString());
    expect(logQuery({ q: '', engineerId: '', deskId: '', from: 'x', to: '' }).from).toBeUndefined();
  });
});

describe('support pushes', () => {
  it('keeps the queue and the offers from the console socket', () => {
    applyConsoleMessage({ type: 'queue', requests: [{ id: 1, deskId: 1, channel: 'chat', customer: [], createdAt: '' }, { id: 2, deskId: 1, channel: 'chat', customer: [], createdAt: '' }] });
    removeQueueItem(1);
    expect(queue()?.map((q) => q.id)).toEqual([2]);
    applyConsoleMessage({ type: 'session-offer', sessionId: 9, kind: 'transfer', from: 'Ann' });
    applyConsoleMessage({ type: 'session-offer', sessionId: 9, kind: 'invite', from: 'Ann' });
    expect(offers()).toEqual([{ sessionId: 9, kind: 'invite', from: 'Ann' }]);
    dismissOffer(9);
    expect(offers()).toEqual([]);
  });
});
