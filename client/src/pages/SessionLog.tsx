// The session log: every session, searchable by customer text, engineer, desk and date; open one to read it.
import { A, useNavigate } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import type { Engineer } from '../../../server/protocol/api.ts';
import { api } from '../api/endpoints.ts';
import { sessionLogTextUrl, supportApi, type LoggedSession, type SessionLogQuery } from '../api/support.ts';
import { errorMessage } from '../api/http.ts';
import { customerTitle } from '../components/CustomerValues.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { surveyLine } from '../components/session/SurveySummary.tsx';
import { Badge, ErrorMessage, Loading, PageHeader, TextField } from '../components/ui.tsx';
import { presence } from '../live/liveStore.ts';
import { desks } from '../lib/directory.ts';
import { formatDateTime } from '../lib/format.ts';
import { me } from '../lib/session.ts';
import { channelLabel, STATUS_LABELS } from '../lib/labels.ts';

export interface LogFilters {
  q: string;
  engineerId: string;
  deskId: string;
  /** yyyy-mm-dd from <input type="date">, local days */
  from: string;
  to: string;
}

/** The form's values as the API's query: local days become instants, "to" includes the whole day. */
export function logQuery(f: LogFilters): SessionLogQuery {
  const day = (value: string, plusDays = 0) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return undefined;
    return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).toISOString();
  };
  return {
    q: f.q.trim() || undefined,
    engineerId: f.engineerId ? Number(f.engineerId) : undefined,
    deskId: f.deskId ? Number(f.deskId) : undefined,
    from: day(f.from),
    to: day(f.to, 1),
    limit: 200,
  };
}

export function SessionLogPage() {
  const canPickEngineer = () => me()?.role === 'supervisor' || me()?.role === 'admin';
  const [engineers] = createResource(
    () => me()?.role === 'admin',
    () => api.engineers().catch(() => [] as Engineer[]),
  );
  // Names for the engineer filter: admins have the whole list; others know who is online, and themselves.
  const names = createMemo(() => {
    const map = new Map<number, string>();
    for (const d of presence() ?? []) for (const e of d.engineers) map.set(e.id, e.displayName);
    for (const e of engineers() ?? []) map.set(e.id, e.displayName);
    const self = me();
    if (self) map.set(self.id, self.displayName);
    return map;
  });
  const nameOf = (id: number | null) => (id === null ? '—' : (names().get(id) ?? `Engineer #${id}`));

  const [filters, setFilters] = createSignal<LogFilters>({ q: '', engineerId: '', deskId: '', from: '', to: '' });
  const [submitted, setSubmitted] = createSignal<SessionLogQuery>(logQuery(filters()));
  const [results] = createResource(submitted, (q) => supportApi.searchLog(q));
  const set = (key: keyof LogFilters) => (e: { currentTarget: { value: string } }) => setFilters((f) => ({ ...f, [key]: e.currentTarget.value }));
  const rangeProblem = () => (filters().from && filters().to && filters().from > filters().to ? 'The start date is after the end date.' : null);

  return (
    <div class="page">
      <PageHeader title="Session log" subtitle="Every session with its chat, operations, files and notes.">
        <A class="button" href="/sessions">
          Live sessions
        </A>
      </PageHeader>
      <form
        class="card inline-form"
        aria-label="Search the session log"
        onSubmit={(e) => {
          e.preventDefault();
          if (!rangeProblem()) setSubmitted(logQuery(filters()));
        }}
      >
        <TextField label="Customer or notes" type="search" class="grow" data-search value={filters().q} onInput={set('q')} maxLength={200} placeholder="Name, e-mail, notes…  /" />
        <Show when={canPickEngineer()}>
          <div class="field">
            <label for="log-engineer">Engineer</label>
            <select id="log-engineer" value={filters().engineerId} onChange={set('engineerId')}>
              <option value="">Anyone</option>
              <For each={[...names()].sort((a, b) => a[1].localeCompare(b[1]))}>{([id, name]) => <option value={id}>{name}</option>}</For>
            </select>
          </div>
        </Show>
        <div class="field">
          <label for="log-desk">Desk</label>
          <select id="log-desk" value={filters().deskId} onChange={set('deskId')}>
            <option value="">All desks</option>
            <For each={desks() ?? []}>{(d) => <option value={d.id}>{d.name}</option>}</For>
          </select>
        </div>
        <TextField label="From" type="date" value={filters().from} onInput={set('from')} />
        <TextField label="To" type="date" value={filters().to} onInput={set('to')} error={rangeProblem()} />
        <button type="submit" class="button primary">
          Search
        </button>
      </form>
      <Show when={!results.error} fallback={<ErrorMessage error={errorMessage(results.error)} />}>
        <Show when={results()} fallback={<Loading />}>
          {(list) => (
            <>
              <p class="muted small" role="status">
                {list().length === 0 ? 'No sessions match.' : `${list().length} session${list().length === 1 ? '' : 's'}${list().length >= 200 ? ' (the newest 200)' : ''}.`}
              </p>
              <Show when={list().length > 0}>
                <LogTable sessions={list()} nameOf={nameOf} />
              </Show>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}

export function LogTable(props: { sessions: readonly LoggedSession[]; nameOf: (id: number | null) => string }) {
  const navigate = useNavigate();
  const deskName = (id: number | null) => (id === null ? 'Any desk' : (desks()?.find((d) => d.id === id)?.name ?? `Desk #${id}`));
  const columns: Column<LoggedSession>[] = [
    {
      id: 'id',
      header: 'Session',
      width: '6rem',
      sortBy: (s) => s.id,
      cell: (s) => (
        <A href={`/sessions/${s.id}`} aria-label={`Open session ${s.id}`}>
          #{s.id}
        </A>
      ),
    },
    {
      id: 'customer',
      header: 'Customer',
      sortBy: (s) => customerTitle(s.customer, '').toLowerCase(),
      cell: (s) => (
        <>
          {customerTitle(s.customer, '—')}
          <Show when={s.customer.length > 1}>
            <div class="muted small">{s.customer.slice(1).map((c) => c.value).join(' · ')}</div>
          </Show>
        </>
      ),
    },
    {
      id: 'desk',
      header: 'Desk',
      sortBy: (s) => deskName(s.deskId),
      cell: (s) => (
        <>
          {deskName(s.deskId)}
          <div class="muted small">{channelLabel(s.channel)}</div>
        </>
      ),
    },
    { id: 'engineer', header: 'Engineer', sortBy: (s) => s.ownerName ?? props.nameOf(s.ownerId), cell: (s) => s.ownerName ?? props.nameOf(s.ownerId) },
    { id: 'started', header: 'Started', sortBy: (s) => s.createdAt, cell: (s) => formatDateTime(s.createdAt) },
    {
      id: 'status',
      header: 'Status',
      sortBy: (s) => STATUS_LABELS[s.status],
      cell: (s) => <Badge tone={s.status === 'active' ? 'ok' : s.status === 'ended' ? 'subtle' : 'warn'}>{STATUS_LABELS[s.status]}</Badge>,
    },
    {
      id: 'notes',
      header: 'Notes',
      class: 'notes-cell',
      cell: (s) => (s.notes ? <span title={s.notes}>{s.notes}</span> : <span class="muted">—</span>),
    },
    {
      id: 'feedback',
      header: 'Feedback',
      class: 'notes-cell survey-cell',
      sortBy: (s) => s.survey?.rating ?? null,
      cell: (s) =>
        s.survey ? (
          <>
            {surveyLine(s.survey)}
            <Show when={s.survey.comment}>
              <div class="muted small" title={s.survey.comment}>
                “{s.survey.comment}”
              </div>
            </Show>
          </>
        ) : (
          <span class="muted">—</span>
        ),
    },
    {
      id: 'actions',
      header: 'Actions',
      hideHeader: true,
      class: 'row-actions',
      cell: (s) => (
        <a class="button small" href={sessionLogTextUrl(s.id)} download="" aria-label={`Download log.txt of session ${s.id}`}>
          log.txt
        </a>
      ),
    },
  ];
  return (
    <DataTable
      label="Sessions found"
      rows={props.sessions}
      rowKey={(s) => s.id}
      columns={columns}
      initialSort={{ id: 'started', desc: true }}
      onOpen={(s) => navigate(`/sessions/${s.id}`)}
      empty={<p class="muted">No sessions match.</p>}
    />
  );
}
