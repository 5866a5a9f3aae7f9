import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueItem } from '../../../server/protocol/support.ts';
import { ApiError } from '../api/http.ts';
import { flush, key, mount } from '../test/dom.ts';
import { setShortcutsEnabled } from '../lib/shortcuts.ts';
import { ALREADY_TAKEN, groupQueue, QueueList } from './Queue.tsx';

const item = (id: number, deskId: number | null, name: string, minutesAgo: number, extra: Partial<QueueItem> = {}): QueueItem => ({
  id,
  deskId,
  channel: 'chat',
  customer: [{ slot: 1, label: 'Name', value: name, crmLink: null }],
  createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  ...extra,
});
const deskName = (id: number) => ({ 1: 'General', 2: 'Printers' })[id] ?? `Desk #${id}`;

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function setup(initial: QueueItem[], onTake: (i: QueueItem) => Promise<void>) {
  const [items, setItems] = createSignal(initial);
  const onGone = vi.fn((id: number) => setItems((list) => list.filter((i) => i.id !== id)));
  const take = vi.fn(onTake);
  const view = mount(() => <QueueList items={items()} deskName={deskName} onTake={take} onGone={onGone} empty={<p>Nothing waits</p>} />);
  cleanup = view.unmount;
  const root = view.container.querySelector('.queue') as HTMLElement;
  return { ...view, root, items, setItems, onGone, take };
}

const names = (c: HTMLElement) => Array.from(c.querySelectorAll('.queue-item')).map((li) => li.getAttribute('aria-label'));
const selected = (c: HTMLElement) => c.querySelector('.queue-item[aria-current="true"]')?.getAttribute('aria-label');
const takeButton = (c: HTMLElement, name: string) =>
  c.querySelector<HTMLButtonElement>(`button[aria-label="Take request from ${name}"]`)!;

describe('groupQueue', () => {
  it('groups by desk, requests for any desk first, oldest first within a desk', () => {
    const groups = groupQueue([item(1, 2, 'A', 1), item(2, 1, 'B', 5), item(3, null, 'C', 2), item(4, 1, 'D', 9)], deskName);
    expect(groups.map((g) => [g.name, g.items.map((i) => i.id)])).toEqual([
      ['Any desk', [3]],
      ['General', [4, 2]],
      ['Printers', [1]],
    ]);
  });
});

describe('QueueList', () => {
  it('shows customer values with labels, a CRM link in a new tab, and the waiting time', () => {
    const { container } = setup(
      [item(1, 1, 'Pat Doe', 3, { customer: [{ slot: 1, label: 'Name', value: 'Pat Doe', crmLink: null }, { slot: 3, label: 'Customer no.', value: 'C-1', crmLink: 'https://crm.example/c?q=C-1' }] })],
      async () => {},
    );
    const link = container.querySelector<HTMLAnchorElement>('a[href="https://crm.example/c?q=C-1"]')!;
    expect(link.target).toBe('_blank');
    expect(link.rel).toContain('noopener');
    expect(container.textContent).toContain('Customer no.');
    expect(container.querySelector('.waiting')?.textContent).toMatch(/waiting 3m/);
  });

  it('says "already taken" and drops the item when another engineer was first (409)', async () => {
    const { container, onGone } = setup([item(1, 1, 'Pat', 2), item(2, 1, 'Sam', 1)], async (i) => {
      if (i.id === 1) throw new ApiError(409, 'this request was already taken or withdrawn');
    });
    takeButton(container, 'Pat').click();
    await flush();
    expect(onGone).toHaveBeenCalledWith(1);
    expect(container.querySelector('[role="status"]')?.textContent).toBe(`Pat: ${ALREADY_TAKEN}`);
    expect(names(container)).toEqual(['Request from Sam']);
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });

  it('keeps the notice when the last item goes, above the empty state', async () => {
    const { container } = setup([item(1, 1, 'Pat', 2)], async () => {
      throw new ApiError(409, 'this request was already taken or withdrawn');
    });
    takeButton(container, 'Pat').click();
    await flush();
    expect(container.textContent).toContain(ALREADY_TAKEN);
    expect(container.textContent).toContain('Nothing waits');
  });

  it('shows other errors without dropping the item', async () => {
    const { container, onGone } = setup([item(1, 1, 'Pat', 2)], async () => {
      throw new ApiError(0, 'Cannot reach the Tessera server. Check your connection and try again.');
    });
    takeButton(container, 'Pat').click();
    await flush();
    expect(onGone).not.toHaveBeenCalled();
    expect(container.querySelector('[role="alert"]')?.textContent).toMatch(/Cannot reach/);
    expect(names(container)).toEqual(['Request from Pat']);
  });

  it('says why I cannot take (status, limit) without asking the server, and keeps the request', async () => {
    const take = vi.fn(async () => {});
    const view = mount(() => (
      <QueueList items={[item(1, 1, 'Pat', 2)]} deskName={deskName} onTake={take} onGone={() => {}} refusal="you are set to Away: set yourself Available to take on a session" />
    ));
    cleanup = view.unmount;
    takeButton(view.container, 'Pat').click();
    await flush();
    expect(take).not.toHaveBeenCalled();
    expect(view.container.querySelector('[role="alert"]')?.textContent).toBe('You cannot take this request: you are set to Away: set yourself Available to take on a session.');
    expect(names(view.container)).toEqual(['Request from Pat']);
  });

  it('a 409 about my own limit (another tab changed it) is shown, not taken for "already taken"', async () => {
    const { container, onGone } = setup([item(1, 1, 'Pat', 2)], async () => {
      throw new ApiError(409, 'you already hold 3 of your 3 sessions at once: end or hand one over first');
    });
    takeButton(container, 'Pat').click();
    await flush();
    expect(onGone).not.toHaveBeenCalled();
    expect(container.querySelector('[role="alert"]')?.textContent).toMatch(/^You already hold 3 of your 3 sessions/);
    expect(container.textContent).not.toContain(ALREADY_TAKEN);
  });

  it('moves with j and k and takes the selected request with Enter', async () => {
    const { root, container, take } = setup([item(1, 1, 'Pat', 3), item(2, 1, 'Sam', 2), item(3, 2, 'Kim', 1)], async () => {});
    expect(selected(container)).toBe('Request from Pat');
    key(root, 'j');
    key(root, 'j');
    key(root, 'j'); // stays on the last
    expect(selected(container)).toBe('Request from Kim');
    key(root, 'k');
    expect(selected(container)).toBe('Request from Sam');
    key(root, 'Enter');
    await flush();
    expect(take).toHaveBeenCalledTimes(1);
    expect(take.mock.calls[0]![0].id).toBe(2);
  });

  it('with single-key shortcuts off, j and k type nothing special; the arrows still move', () => {
    setShortcutsEnabled(false);
    try {
      const { root, container } = setup([item(1, 1, 'Pat', 3), item(2, 1, 'Sam', 2)], async () => {});
      key(root, 'j');
      expect(selected(container)).toBe('Request from Pat');
      key(root, 'ArrowDown');
      expect(selected(container)).toBe('Request from Sam');
      key(root, 'k');
      expect(selected(container)).toBe('Request from Sam');
      key(root, 'ArrowUp');
      expect(selected(container)).toBe('Request from Pat');
    } finally {
      setShortcutsEnabled(true);
      localStorage.clear();
    }
  });

  it('moves the selection on when the selected request disappears from the push', async () => {
    const { container, setItems } = setup([item(1, 1, 'Pat', 3), item(2, 1, 'Sam', 2)], async () => {});
    expect(selected(container)).toBe('Request from Pat');
    setItems([item(2, 1, 'Sam', 2)]);
    await flush();
    expect(selected(container)).toBe('Request from Sam');
  });
});
