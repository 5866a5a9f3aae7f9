// Every list page's table: columns that say how to show and how to sort a row, sorting by clicking a header
// (aria-sort), an empty state, rows the keyboard walks with the arrow keys (Enter opens one), and, for long lists,
// only the rows in view are in the page. Sorting state and the sorted row model come from @tanstack/solid-table;
// the markup is ours so every table looks and reads the same.
import { createSortedRowModel, createTable, rowSortingFeature, sortFn_alphanumeric, sortFn_basic, tableFeatures, type ColumnDef, type RowData, type SortingState } from '@tanstack/solid-table';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';

export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T) => JSX.Element;
  /** What the column sorts by; without it the column does not sort. */
  sortBy?: (row: T) => string | number | null;
  /** A CSS width for the column (e.g. '8rem'); the others share the rest. */
  width?: string;
  /** Numbers and actions sit at the end of their cell. */
  align?: 'end';
  /** The header is for screen readers only (an "Actions" column). */
  hideHeader?: boolean;
  /** A class for the column's cells (e.g. 'row-actions'). */
  class?: string;
}

/** Lists longer than this render only the rows in view (and a few more). */
export const VIRTUAL_FROM = 200;
const ROW_HEIGHT = 41;

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { basic: sortFn_basic, alphanumeric: sortFn_alphanumeric },
});

export function DataTable<T extends RowData>(props: {
  /** The table's accessible name. */
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  /** A stable key per row (focus and virtual rows follow it). */
  rowKey: (row: T) => string | number;
  /** Shown instead of the table when there are no rows. */
  empty: JSX.Element;
  initialSort?: { id: string; desc?: boolean };
  /** Enter on a focused row (or a click on it) opens it. */
  onOpen?: (row: T) => void;
  class?: string;
  /** Height of the scroll area of a long (virtual) list. */
  maxHeight?: string;
}) {
  const [sorting, setSorting] = createSignal<SortingState>(props.initialSort ? [{ id: props.initialSort.id, desc: !!props.initialSort.desc }] : []);
  const defs = createMemo(() =>
    props.columns.map(
      (c): ColumnDef<typeof features, T> => ({
        id: c.id,
        header: c.header,
        enableSorting: !!c.sortBy,
        sortFn: 'alphanumeric',
        sortUndefined: 'last',
        ...(c.sortBy ? { accessorFn: (row: T) => c.sortBy!(row) ?? undefined } : { accessorFn: () => null }),
      }),
    ),
  );
  const table = createTable({
    features,
    get columns() {
      return defs();
    },
    get data() {
      return props.rows as T[];
    },
    state: {
      get sorting() {
        return sorting();
      },
    },
    onSortingChange: (updater) => setSorting((old) => (typeof updater === 'function' ? updater(old) : updater)),
    getRowId: (row) => String(props.rowKey(row)),
  });
  const rows = createMemo(() => {
    sorting();
    void props.rows;
    return table.getRowModel().rows.map((r) => r.original);
  });

  const byId = (id: string) => props.columns.find((c) => c.id === id)!;
  const sortOf = (id: string) => sorting().find((s) => s.id === id);
  const toggle = (id: string) => {
    const current = sortOf(id);
    // Ascending, then descending, then back to ascending: a header never leaves the list unsorted by surprise.
    setSorting([{ id, desc: current ? !current.desc : false }]);
  };

  // Keyboard: one row is the Tab stop; the arrows move it.
  const [active, setActive] = createSignal(0);
  let body: HTMLTableSectionElement | undefined;
  let scroller: HTMLDivElement | undefined;
  const virtual = () => rows().length >= VIRTUAL_FROM;
  const virtualizer = createVirtualizer({
    get count() {
      return rows().length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const shown = createMemo(() => {
    if (!virtual()) return rows().map((row, index) => ({ row, index }));
    return virtualizer.getVirtualItems().map((v) => ({ row: rows()[v.index]!, index: v.index }));
  });
  const padding = () => {
    if (!virtual()) return { top: 0, bottom: 0 };
    const items = virtualizer.getVirtualItems();
    const top = items[0]?.start ?? 0;
    const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
    return { top, bottom };
  };
  const focusRow = (index: number) => {
    const n = rows().length;
    if (!n) return;
    const i = Math.max(0, Math.min(n - 1, index));
    setActive(i);
    if (virtual()) virtualizer.scrollToIndex(i);
    queueMicrotask(() => body?.querySelector<HTMLElement>(`tr[aria-rowindex="${i + 2}"]`)?.focus());
  };
  const onKeyDown = (e: KeyboardEvent, index: number, row: T) => {
    if (e.target !== e.currentTarget) return; // a button or link inside the row keeps its keys
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows().length - 1, PageDown: index + 10, PageUp: index - 10 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if (e.key === 'Enter' && props.onOpen) {
      e.preventDefault();
      props.onOpen(row);
    }
  };

  return (
    <Show when={props.rows.length > 0} fallback={props.empty}>
      <div
        ref={scroller}
        class="table-wrap table-scroll"
        classList={{ virtual: virtual() }}
        style={virtual() ? { 'max-height': props.maxHeight ?? '70vh' } : undefined}
      >
        <table class={`table ${props.class ?? ''}`} aria-label={props.label} aria-rowcount={rows().length + 1}>
          <colgroup>
            <For each={props.columns}>{(c) => <col style={c.width ? { width: c.width } : undefined} />}</For>
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <For each={props.columns}>
                {(c) => (
                  <th
                    scope="col"
                    classList={{ end: c.align === 'end' }}
                    aria-sort={c.sortBy ? (sortOf(c.id) ? (sortOf(c.id)!.desc ? 'descending' : 'ascending') : 'none') : undefined}
                  >
                    <Show when={c.sortBy} fallback={c.hideHeader ? <span class="visually-hidden">{c.header}</span> : c.header}>
                      <button type="button" class="sort-button" onClick={() => toggle(c.id)}>
                        {c.header}
                        <span class="sort-mark" aria-hidden="true">
                          {sortOf(c.id) ? (sortOf(c.id)!.desc ? '▼' : '▲') : '↕'}
                        </span>
                      </button>
                    </Show>
                  </th>
                )}
              </For>
            </tr>
          </thead>
          <tbody ref={body}>
            <Show when={padding().top > 0}>
              <tr aria-hidden="true" class="virtual-pad" style={{ height: `${padding().top}px` }} />
            </Show>
            <For each={shown()}>
              {(item) => (
                <tr
                  aria-rowindex={item.index + 2}
                  tabindex={item.index === Math.min(active(), rows().length - 1) ? 0 : -1}
                  classList={{ openable: !!props.onOpen }}
                  data-key={props.rowKey(item.row)}
                  onFocus={() => setActive(item.index)}
                  onKeyDown={(e) => onKeyDown(e, item.index, item.row)}
                  onClick={(e) => {
                    // A click on a control inside the row is that control's.
                    if (props.onOpen && !(e.target as HTMLElement).closest('a, button, input, select, textarea')) props.onOpen(item.row);
                  }}
                >
                  <For each={props.columns}>{(c) => <td class={c.class} classList={{ end: c.align === 'end' }}>{byId(c.id).cell(item.row)}</td>}</For>
                </tr>
              )}
            </For>
            <Show when={padding().bottom > 0}>
              <tr aria-hidden="true" class="virtual-pad" style={{ height: `${padding().bottom}px` }} />
            </Show>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
