// The desk queue, live: who waits, for how long, in which desk; take one (j/k to move, Enter to take).
import { useNavigate } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { QueueItem } from '../../../server/protocol/support.ts';
import { supportApi } from '../api/support.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { AccessCodeDialog } from '../components/AccessCodeDialog.tsx';
import { CustomerValues, customerTitle } from '../components/CustomerValues.tsx';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../components/ui.tsx';
import { myAvailability, presence, queue, removeQueueItem, socketStatus } from '../live/liveStore.ts';
import { newWorkRefusal } from '../../../server/protocol/availability.ts';
import { chooseStatus } from '../components/StatusMenu.tsx';
import { desks } from '../lib/directory.ts';
import { createNow, formatDateTime, formatDuration, plural } from '../lib/format.ts';
import { isTypingTarget, shortcutsEnabled } from '../lib/shortcuts.ts';
import { channelLabel } from '../lib/labels.ts';

export const ALREADY_TAKEN = 'Already taken: another engineer took this request first, or the customer withdrew it.';

export interface QueueGroup {
  deskId: number | null;
  name: string;
  items: QueueItem[];
}

/** Requests by desk (desks in name order, the generic "any desk" requests first), oldest first in each. */
export function groupQueue(items: readonly QueueItem[], deskName: (id: number) => string): QueueGroup[] {
  const groups = new Map<number | null, QueueGroup>();
  for (const item of [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id)) {
    let group = groups.get(item.deskId);
    if (!group) {
      group = { deskId: item.deskId, name: item.deskId === null ? 'Any desk' : deskName(item.deskId), items: [] };
      groups.set(item.deskId, group);
    }
    group.items.push(item);
  }
  return [...groups.values()].sort((a, b) => (a.deskId === null ? -1 : b.deskId === null ? 1 : a.name.localeCompare(b.name)));
}

export interface QueueListProps {
  items: readonly QueueItem[];
  deskName: (id: number) => string;
  /** Takes the request; rejects with the server's error (409 when someone else was first). */
  onTake: (item: QueueItem) => Promise<void>;
  /** The request is gone (taken by someone else): drop it from the list now. */
  onGone: (id: number) => void;
  /** Listen for j/k/Enter on the whole document (the page) instead of only inside the list. */
  globalKeys?: boolean;
  /** Shown when nothing waits (the notice above it stays, e.g. "already taken"). */
  empty?: JSX.Element;
  /** Why I cannot take a request now (status, session limit): Take says it instead of asking the server. */
  refusal?: string | null;
}

/** A 409 that means someone else was first (not one about my own status or limit, which all start "you "). */
const goneAnswer = (e: unknown) => e instanceof ApiError && (e.status === 404 || (e.status === 409 && !e.message.startsWith('you ')));

/** The waiting requests with a Take button each; keyboard: j/k move, Enter takes the selected one. */
export function QueueList(props: QueueListProps) {
  const now = createNow(1000);
  const groups = createMemo(() => groupQueue(props.items, props.deskName));
  const flat = createMemo(() => groups().flatMap((g) => g.items));
  const [selected, setSelected] = createSignal<number | null>(null);
  const [busy, setBusy] = createSignal<number | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let root!: HTMLDivElement;

  // Keep a valid selection as items come and go.
  createEffect(() => {
    const list = flat();
    const current = selected();
    if (list.length === 0) setSelected(null);
    else if (current === null || !list.some((i) => i.id === current)) setSelected(list[0]!.id);
  });

  const take = async (item: QueueItem) => {
    if (busy() !== null) return;
    setNotice(null);
    setError(null);
    if (props.refusal) return setError(`You cannot take this request: ${props.refusal}.`);
    setBusy(item.id);
    try {
      await props.onTake(item);
    } catch (e) {
      if (goneAnswer(e)) {
        setNotice(`${customerTitle(item.customer)}: ${ALREADY_TAKEN}`);
        props.onGone(item.id);
      } else setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const move = (step: number) => {
    const list = flat();
    if (!list.length) return;
    const at = list.findIndex((i) => i.id === selected());
    const next = list[Math.min(list.length - 1, Math.max(0, at + step))]!;
    setSelected(next.id);
    // Focus follows the selection, so Enter (or Space) presses that request's Take button.
    const row = root.querySelector<HTMLElement>(`[data-queue-id="${next.id}"]`);
    row?.querySelector<HTMLButtonElement>('button')?.focus();
    row?.scrollIntoView?.({ block: 'nearest' });
  };

  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(event.target)) return;
    if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
    // Enter on a focused button or link is that control's own.
    const target = event.target as HTMLElement | null;
    if (event.key === 'Enter' && target && target !== document.body && target.closest?.('button, a')) return;
    // j and k are character keys, off with the other single-key shortcuts; the arrows always work.
    const letters = shortcutsEnabled();
    if ((letters && event.key === 'j') || event.key === 'ArrowDown') {
      event.preventDefault();
      move(1);
    } else if ((letters && event.key === 'k') || event.key === 'ArrowUp') {
      event.preventDefault();
      move(-1);
    } else if (event.key === 'Enter') {
      const item = flat().find((i) => i.id === selected());
      if (item) {
        event.preventDefault();
        void take(item);
      }
    }
  };
  onMount(() => (props.globalKeys ? document : root).addEventListener('keydown', onKey as EventListener));
  onCleanup(() => (props.globalKeys ? document : root).removeEventListener('keydown', onKey as EventListener));

  return (
    <div ref={root} class="queue stack">
      <p class="queue-notice" role="status" aria-live="polite">
        {notice() ?? ''}
      </p>
      <ErrorMessage error={error()} />
      <Show when={groups().length === 0}>{props.empty}</Show>
      <For each={groups()}>
        {(group) => (
          <section class="queue-desk" aria-label={`${group.name} queue`}>
            <h2 class="section-title">
              {group.name} <span class="count">{group.items.length}</span>
            </h2>
            <ul class="queue-list">
              <For each={group.items}>
                {(item) => (
                  <li
                    class="queue-item card"
                    classList={{ selected: selected() === item.id }}
                    data-queue-id={item.id}
                    aria-current={selected() === item.id ? 'true' : undefined}
                    aria-label={`Request from ${customerTitle(item.customer)}`}
                    onClick={() => setSelected(item.id)}
                  >
                    <div class="queue-main">
                      <div class="queue-meta">
                        <Badge tone={item.channel === 'remote' ? 'info' : 'subtle'}>{channelLabel(item.channel)}</Badge>
                        <span class="waiting" title={`Waiting since ${formatDateTime(item.createdAt)}`}>
                          waiting <strong>{formatDuration(item.createdAt, now())}</strong>
                        </span>
                      </div>
                      <CustomerValues values={item.customer} compact />
                    </div>
                    <button
                      type="button"
                      class="button primary"
                      disabled={busy() !== null}
                      aria-label={`Take request from ${customerTitle(item.customer)}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        void take(item);
                      }}
                    >
                      {busy() === item.id ? 'Taking…' : 'Take'}
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </section>
        )}
      </For>
    </div>
  );
}

export function QueuePage() {
  const navigate = useNavigate();
  const [codeOpen, setCodeOpen] = createSignal(false);
  const staffed = createMemo(() => (presence() ?? []).filter((p) => p.engineers.length > 0).length);
  const refusal = createMemo(() => {
    const mine = myAvailability();
    return mine ? newWorkRefusal(mine, 'you') : null;
  });
  const deskName = (id: number) =>
    desks()?.find((d) => d.id === id)?.name ?? presence()?.find((p) => p.deskId === id)?.deskName ?? `Desk #${id}`;

  return (
    <div class="page">
      <PageHeader title="Queue" subtitle="Requests waiting for an engineer in your desks, live.">
        <button type="button" class="button" onClick={() => setCodeOpen(true)}>
          New session with access code
        </button>
      </PageHeader>
      <Show when={desks() && presence()}>
        <p class="muted small">
          {plural(staffed(), 'desk')} of {desks()?.length ?? 0} staffed right now
          {socketStatus().state === 'open' ? '' : ' (live updates paused)'}.
          <Show when={(queue()?.length ?? 0) > 0}>
            {' '}
            <Show when={shortcutsEnabled()} fallback={<><kbd>↑</kbd>/<kbd>↓</kbd> to move</>}>
              <kbd>j</kbd>/<kbd>k</kbd> to move
            </Show>
            , <kbd>Enter</kbd> to take.
          </Show>
        </p>
      </Show>
      <Show when={refusal()}>
        {(why) => (
          <div class="notice queue-refusal" role="status">
            <p>New requests wait for others: {why()}.</p>
            <Show when={myAvailability()?.status !== 'available'}>
              <button type="button" class="button small" onClick={() => void chooseStatus('available')}>
                Set me available
              </button>
            </Show>
          </div>
        )}
      </Show>
      <Show when={queue()} fallback={<Loading label="Waiting for the live queue…" />}>
        {(items) => (
          <QueueList
            items={items()}
            refusal={refusal()}
            deskName={deskName}
            globalKeys
            onGone={removeQueueItem}
            onTake={async (item) => {
              const session = await supportApi.take(item.id);
              removeQueueItem(item.id);
              navigate(`/sessions/${session.id}`);
            }}
            empty={
              <EmptyState title="No requests waiting" icon="☰">
                <p>
                  Help requests will appear here as they arrive: from the customer portal, the help button on your web
                  site, an agent's "request help", or a 6-digit access code you give on the phone.
                </p>
                <p>Every online engineer of the desk sees the same queue; the first one to take a request owns the session.</p>
              </EmptyState>
            }
          />
        )}
      </Show>
      <Show when={codeOpen()}>
        <AccessCodeDialog onClose={() => setCodeOpen(false)} onOpenSession={(id) => navigate(`/sessions/${id}`)} />
      </Show>
    </div>
  );
}
