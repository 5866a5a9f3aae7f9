import { afterEach, describe, expect, it } from 'vitest';
import type { DeskPresence } from '../../../server/protocol/api.ts';
import { applyConsoleMessage, stopLive } from '../live/liveStore.ts';
import { clearDirectory, setDeskList } from '../lib/directory.ts';
import { flush, mount } from '../test/dom.ts';
import { mergePresence, PresencePanel } from './PresencePanel.tsx';
import { describeStatus } from './ConnectionIndicator.tsx';

const desks = [
  { id: 2, name: 'Tier 1', description: '', isDefault: false },
  { id: 1, name: 'General', description: '', isDefault: true },
];

const online = (id: number, displayName: string, more: Partial<DeskPresence['engineers'][number]> = {}) => ({
  id,
  displayName,
  status: 'available' as const,
  sessions: 0,
  sessionLimit: null,
  ...more,
});

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  stopLive();
  clearDirectory();
});

describe('mergePresence', () => {
  it('lists every desk, default first, with who is online sorted by name', () => {
    const rows = mergePresence(desks, [
      { deskId: 1, deskName: 'General', engineers: [] },
      { deskId: 2, deskName: 'Tier 1', engineers: [online(9, 'Zoe'), online(3, 'Adam')] },
    ]);
    expect(rows.map((r) => [r.name, r.engineers.map((e) => e.displayName)])).toEqual([
      ['General', []],
      ['Tier 1', ['Adam', 'Zoe']],
    ]);
  });

  it('names desks from the push, even one the desk list does not know yet (renamed or new)', () => {
    const rows = mergePresence(desks, [{ deskId: 5, deskName: 'Printers', engineers: [online(1, 'Ann')] }]);
    expect(rows[0]).toMatchObject({ name: 'Printers', isDefault: false });
  });
});

describe('PresencePanel', () => {
  it('shows live presence per desk from the console push', async () => {
    setDeskList(desks);
    const view = mount(() => <PresencePanel currentUserId={3} />);
    cleanup = view.unmount;
    expect(view.container.textContent).toContain('Waiting for the live connection');
    applyConsoleMessage({ type: 'presence', desks: [{ deskId: 1, deskName: 'General', engineers: [] }, { deskId: 2, deskName: 'Tier 1', engineers: [online(3, 'Adam')] }] });
    await flush();
    const tier1 = view.container.querySelector('[aria-label="Tier 1 desk"]')!;
    expect(tier1.textContent).toContain('Adam');
    expect(tier1.textContent).toContain('(you)');
    expect(view.container.querySelector('[aria-label="General desk"]')?.textContent).toContain('Nobody online');

    applyConsoleMessage({ type: 'presence', desks: [{ deskId: 1, deskName: 'General', engineers: [] }, { deskId: 2, deskName: 'Tier 1', engineers: [] }] });
    await flush();
    expect(tier1.textContent).not.toContain('Adam');
  });
});

describe('status and load in the presence panel', () => {
  it('shows each engineer\'s status and, once there is a limit or a session, their load', async () => {
    setDeskList(desks);
    const view = mount(() => <PresencePanel currentUserId={3} />);
    cleanup = view.unmount;
    applyConsoleMessage({
      type: 'presence',
      desks: [
        { deskId: 1, deskName: 'General', engineers: [online(3, 'Adam', { status: 'busy', sessions: 2, sessionLimit: 3 }), online(4, 'Bea', { status: 'away' }), online(5, 'Cem', { sessions: 1 })] },
      ],
    });
    await flush();
    const row = (id: number) => view.container.querySelector(`[data-engineer="${id}"]`)!;
    expect(row(3).textContent).toMatch(/Adam \(you\), Busy · 2 of 3 sessions$/);
    expect(row(4).textContent).toMatch(/Bea, Away$/);
    expect(row(5).textContent).toMatch(/Cem, Available · 1 session$/);
    expect(row(3).querySelector('.dot')?.classList.contains('status-busy')).toBe(true);
  });
});

describe('connection indicator text', () => {
  it('describes each socket state', () => {
    expect(describeStatus({ state: 'open', since: 0 }, 0, 12).label).toBe('Live');
    expect(describeStatus({ state: 'open', since: 0 }, 0, 12).detail).toContain('12 ms');
    expect(describeStatus({ state: 'connecting', attempt: 0 }, 0, null).label).toBe('Connecting…');
    expect(describeStatus({ state: 'connecting', attempt: 3 }, 0, null).label).toBe('Reconnecting…');
    expect(describeStatus({ state: 'waiting', attempt: 2, retryAt: 4_200 }, 1_000, null).label).toBe('Offline, retry in 4s');
    expect(describeStatus({ state: 'closed' }, 0, null).label).toBe('Not connected');
  });
});
