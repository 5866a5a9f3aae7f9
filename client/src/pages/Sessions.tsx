// Your live sessions (pushed), and for supervisors and admins the live sessions of their desks, to watch.
import { A, useNavigate } from '@solidjs/router';
import { createEffect, createResource, createSignal, on, Show, type JSX } from 'solid-js';
import type { SessionSummary } from '../../../server/protocol/support.ts';
import { supportApi } from '../api/support.ts';
import { errorMessage } from '../api/http.ts';
import { customerTitle } from '../components/CustomerValues.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../components/ui.tsx';
import { mySessions } from '../live/liveStore.ts';
import { desks } from '../lib/directory.ts';
import { createNow, formatDuration } from '../lib/format.ts';
import { me } from '../lib/session.ts';
import { channelLabel, STATUS_LABELS } from '../lib/labels.ts';

const deskName = (id: number | null) => (id === null ? 'Any desk' : (desks()?.find((d) => d.id === id)?.name ?? `Desk #${id}`));
const ownerName = (s: SessionSummary) => s.ownerName ?? '—';
const watchers = (s: SessionSummary) => s.participants.filter((p) => p.role === 'supervisor').map((p) => p.name);

function SessionsTable(props: { label: string; sessions: readonly SessionSummary[]; action: (s: SessionSummary) => JSX.Element }) {
  const navigate = useNavigate();
  const now = createNow(15_000);
  const columns: Column<SessionSummary>[] = [
    {
      id: 'customer',
      header: 'Customer',
      sortBy: (s) => customerTitle(s.customer, '').toLowerCase(),
      cell: (s) => (
        <>
          <A href={`/sessions/${s.id}`}>
            <strong>{customerTitle(s.customer, s.status === 'waiting-code' ? 'Waiting for access code' : 'Customer')}</strong>
          </A>{' '}
          <span class="muted small">#{s.id}</span>
        </>
      ),
    },
    { id: 'kind', header: 'Kind', sortBy: (s) => channelLabel(s.channel), cell: (s) => channelLabel(s.channel) },
    { id: 'desk', header: 'Desk', sortBy: (s) => deskName(s.deskId), cell: (s) => deskName(s.deskId) },
    { id: 'owner', header: 'Owner', sortBy: (s) => ownerName(s), cell: (s) => ownerName(s) },
    {
      id: 'status',
      header: 'Status',
      sortBy: (s) => STATUS_LABELS[s.status],
      cell: (s) => (
        <>
          <Badge tone={s.status === 'active' ? 'ok' : 'warn'}>{STATUS_LABELS[s.status]}</Badge>{' '}
          <Show when={watchers(s).length > 0}>
            <Badge tone="warn" title={`Watched by ${watchers(s).join(', ')}`}>
              watched
            </Badge>
          </Show>
        </>
      ),
    },
    // Longest first when sorted: the oldest start is the longest wait.
    { id: 'since', header: 'Since', sortBy: (s) => -Date.parse(s.takenAt ?? s.createdAt), cell: (s) => formatDuration(s.takenAt ?? s.createdAt, now()) },
    { id: 'actions', header: 'Actions', hideHeader: true, class: 'row-actions', cell: (s) => props.action(s) },
  ];
  return (
    <DataTable
      label={props.label}
      rows={props.sessions}
      rowKey={(s) => s.id}
      columns={columns}
      onOpen={(s) => navigate(`/sessions/${s.id}`)}
      empty={<p class="muted">No sessions.</p>}
    />
  );
}

export function SessionsPage() {
  const navigate = useNavigate();
  const supervises = () => me()?.role === 'supervisor' || me()?.role === 'admin';
  const [live, { refetch }] = createResource(supervises, (on) => (on ? supportApi.liveSessions() : Promise.resolve([] as SessionSummary[])));
  // Any change to sessions reaches every console as a sessions push: refresh the desk-wide list with it.
  createEffect(on(mySessions, () => supervises() && void refetch(), { defer: true }));
  const [watchError, setWatchError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal<number | null>(null);

  const watch = async (s: SessionSummary) => {
    setBusy(s.id);
    setWatchError(null);
    try {
      await supportApi.watch(s.id);
      navigate(`/sessions/${s.id}`);
    } catch (e) {
      setWatchError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="page">
      <PageHeader title="Sessions" subtitle="Your live support sessions; the session log keeps every past one.">
        <A class="button" href="/sessions/log">
          Session log
        </A>
      </PageHeader>
      <Show when={mySessions()} fallback={<Loading label="Waiting for the live connection…" />}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState title="No live sessions" icon="▣">
                <p>Take a request from the queue, or create a session with an access code, and it appears here.</p>
              </EmptyState>
            }
          >
            <SessionsTable
              label="Your sessions"
              sessions={list()}
              action={(s) => (
                <A class="button small primary" href={`/sessions/${s.id}`} aria-label={`Open session ${s.id}`}>
                  Open
                </A>
              )}
            />
          </Show>
        )}
      </Show>

      <Show when={supervises()}>
        <section class="stack" aria-labelledby="desk-live-title">
          <h2 id="desk-live-title">Live in my desks</h2>
          <ErrorMessage error={watchError()} />
          <Show when={!live.error} fallback={<ErrorMessage error={errorMessage(live.error)} />}>
            <Show when={live()} fallback={<Loading />}>
              {(list) => (
                <Show when={list().length > 0} fallback={<p class="muted">No live sessions in your desks right now.</p>}>
                  <SessionsTable
                    label="Live in my desks"
                    sessions={list()}
                    action={(s) => (
                      <Show
                        when={!s.participants.some((p) => p.id === me()?.id)}
                        fallback={
                          <A class="button small" href={`/sessions/${s.id}`}>
                            Open
                          </A>
                        }
                      >
                        <button
                          type="button"
                          class="button small"
                          disabled={busy() !== null}
                          aria-label={`Watch session ${s.id} of ${customerTitle(s.customer)}`}
                          onClick={() => void watch(s)}
                        >
                          {busy() === s.id ? 'Joining…' : 'Watch'}
                        </button>
                      </Show>
                    )}
                  />
                </Show>
              )}
            </Show>
          </Show>
        </section>
      </Show>
    </div>
  );
}
