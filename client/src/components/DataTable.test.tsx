import { afterEach, describe, expect, it, vi } from 'vitest';
import { flush, mount } from '../test/dom.ts';
import { DataTable, VIRTUAL_FROM, type Column } from './DataTable.tsx';

interface Row {
  id: number;
  name: string;
  size: number | null;
}
const columns: Column<Row>[] = [
  { id: 'name', header: 'Name', sortBy: (r) => r.name, cell: (r) => r.name },
  { id: 'size', header: 'Size', sortBy: (r) => r.size, cell: (r) => String(r.size ?? '–'), align: 'end' },
  { id: 'actions', header: 'Actions', hideHeader: true, cell: (r) => <button type="button">Delete {r.name}</button> },
];
const rows: Row[] = [
  { id: 1, name: 'beta', size: 20 },
  { id: 2, name: 'alpha', size: null },
  { id: 3, name: 'gamma', size: 3 },
];

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function setup(list: Row[] = rows, onOpen = vi.fn()) {
  const view = mount(() => (
    <DataTable label="Files" rows={list} columns={columns} rowKey={(r) => r.id} initialSort={{ id: 'name' }} onOpen={onOpen} empty={<p>No files yet.</p>} />
  ));
  cleanup = view.unmount;
  const names = () => [...view.container.querySelectorAll('tbody tr[data-key]')].map((tr) => tr.querySelector('td')!.textContent);
  const header = (name: string) => [...view.container.querySelectorAll('th')].find((th) => th.textContent?.includes(name))!;
  return { ...view, names, header, onOpen };
}

describe('DataTable', () => {
  it('shows the empty state and no table when there are no rows', () => {
    const { container } = setup([]);
    expect(container.querySelector('table')).toBeNull();
    expect(container.textContent).toContain('No files yet.');
  });

  it('sorts by the initial column, then by a clicked header, ascending then descending, and says so in aria-sort', async () => {
    const { names, header } = setup();
    expect(names()).toEqual(['alpha', 'beta', 'gamma']);
    expect(header('Name').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Size').getAttribute('aria-sort')).toBe('none');
    header('Size').querySelector('button')!.click();
    await flush();
    // Empty values go last either way.
    expect(names()).toEqual(['gamma', 'beta', 'alpha']);
    expect(header('Size').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Name').getAttribute('aria-sort')).toBe('none');
    header('Size').querySelector('button')!.click();
    await flush();
    expect(names()).toEqual(['beta', 'gamma', 'alpha']);
    expect(header('Size').getAttribute('aria-sort')).toBe('descending');
    // A column without sortBy has no button; a hidden header is still named for screen readers.
    expect(header('Actions').querySelector('button')).toBeNull();
    expect(header('Actions').querySelector('.visually-hidden')?.textContent).toBe('Actions');
  });

  it('walks the rows with the arrow keys from one Tab stop, and Enter opens the focused row', async () => {
    const { container, onOpen } = setup();
    const trs = () => [...container.querySelectorAll<HTMLElement>('tbody tr[data-key]')];
    expect(trs().map((tr) => tr.tabIndex)).toEqual([0, -1, -1]);
    trs()[0]!.focus();
    trs()[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await flush();
    await Promise.resolve();
    expect(document.activeElement).toBe(trs()[1]);
    expect(trs().map((tr) => tr.tabIndex)).toEqual([-1, 0, -1]);
    trs()[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    await flush();
    await Promise.resolve();
    expect(document.activeElement).toBe(trs()[2]);
    trs()[2]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onOpen).toHaveBeenCalledWith(rows[2]);
    // A click on a button inside a row is the button's, not an open.
    onOpen.mockClear();
    trs()[0]!.querySelector('button')!.click();
    expect(onOpen).not.toHaveBeenCalled();
    (trs()[0]!.querySelector('td') as HTMLElement).click();
    expect(onOpen).toHaveBeenCalledWith(rows[1]);
  });

  it('puts only the rows in view into the page for a long list, and says how many there are', async () => {
    const many = Array.from({ length: VIRTUAL_FROM * 10 }, (_, i) => ({ id: i, name: `file ${String(i).padStart(5, '0')}`, size: i }));
    const { container } = setup(many);
    await flush();
    const table = container.querySelector('table')!;
    expect(table.getAttribute('aria-rowcount')).toBe(String(many.length + 1));
    const rendered = container.querySelectorAll('tbody tr[data-key]').length;
    expect(rendered).toBeLessThan(200);
  });
});
