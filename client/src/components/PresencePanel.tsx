// Who is online, per desk, live from the console socket.
import { createEffect, createMemo, For, Index, Show } from 'solid-js';
import type { Desk, DeskPresence } from '../../../server/protocol/api.ts';
import { STATUS_LABEL } from '../../../server/protocol/availability.ts';
import { presence } from '../live/liveStore.ts';
import { desks, refreshDesks } from '../lib/directory.ts';

export interface DeskOnline {
  id: number;
  name: string;
  isDefault: boolean;
  engineers: DeskPresence['engineers'];
}

/** "Busy · 2 of 3 sessions": the status always, the load once they hold a session or have a limit. */
export function loadText(e: DeskPresence['engineers'][number]): string {
  const load = e.sessionLimit !== null ? `${e.sessions} of ${e.sessionLimit} sessions` : e.sessions > 0 ? `${e.sessions} ${e.sessions === 1 ? 'session' : 'sessions'}` : '';
  return [STATUS_LABEL[e.status] ?? e.status, load].filter(Boolean).join(' · ');
}

/** The presence push lists every desk with its name; the desk list only tells which one is the default. */
export function mergePresence(deskList: readonly Desk[], online: readonly DeskPresence[]): DeskOnline[] {
  const rows: DeskOnline[] = online.map((p) => ({
    id: p.deskId,
    name: p.deskName,
    isDefault: deskList.find((d) => d.id === p.deskId)?.isDefault ?? false,
    engineers: [...p.engineers].sort((a, b) => a.displayName.localeCompare(b.displayName)),
  }));
  return rows.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}

export function PresencePanel(props: { currentUserId: number }) {
  const rows = createMemo(() => mergePresence(desks() ?? [], presence() ?? []));
  // A desk created since we loaded the list: fetch it again to know which one is the default.
  createEffect(() => {
    const list = desks();
    const live = presence();
    if (list && live && live.some((p) => !list.some((d) => d.id === p.deskId))) void refreshDesks();
  });
  const totalOnline = createMemo(() => new Set((presence() ?? []).flatMap((p) => p.engineers.map((e) => e.id))).size);

  return (
    <section class="presence" aria-labelledby="presence-title">
      <h2 id="presence-title" class="section-title">
        Online now <Show when={presence()}>{<span class="count">{totalOnline()}</span>}</Show>
      </h2>
      <Show when={presence() && desks()} fallback={<p class="muted small">Waiting for the live connection…</p>}>
        <Index each={rows()} fallback={<p class="muted small">No desks yet.</p>}>
          {(desk) => (
            <section class="presence-desk" aria-label={`${desk().name} desk`}>
              <h3>
                {desk().name}
                <span class="count" title="Engineers online">
                  {desk().engineers.length}
                </span>
              </h3>
              <ul>
                <For each={desk().engineers} fallback={<li class="muted small">Nobody online</li>}>
                  {(e) => (
                    <li data-engineer={e.id}>
                      <span class={`dot status-${e.status}`} aria-hidden="true" />
                      {e.displayName}
                      <Show when={e.id === props.currentUserId}>
                        <span class="muted small"> (you)</span>
                      </Show>
                      <span class="muted small presence-load">
                        <span class="visually-hidden">, </span>
                        {loadText(e)}
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            </section>
          )}
        </Index>
      </Show>
    </section>
  );
}
