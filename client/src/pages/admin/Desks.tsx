// Service desks and service stations: the same list, create, rename and delete; the default one stays.
import { createMemo, createResource, createSignal, Show } from 'solid-js';
import type { Desk } from '../../../../server/protocol/api.ts';
import { api } from '../../api/endpoints.ts';
import { errorMessage } from '../../api/http.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { Badge, ErrorMessage, FormFooter, Loading, PageHeader, TextField } from '../../components/ui.tsx';
import { setDeskList, setStationList } from '../../lib/directory.ts';
import { toast } from '../../lib/toasts.ts';
import { recordingPolicyColumn, type UnitColumn } from './RecordingPolicyColumn.tsx';

export interface OrgUnitKind {
  noun: string; // "desk"
  title: string; // "Service desks"
  subtitle: string;
  list: () => Promise<Desk[]>;
  create: (body: { name: string; description?: string }) => Promise<Desk>;
  update: (id: number, body: { name?: string; description?: string }) => Promise<Desk>;
  remove: (id: number) => Promise<unknown>;
  /** Keeps the shared directory (presence names, engineer forms) in step. */
  publish: (list: Desk[]) => void;
  /** A column of this kind only (desks: the recording policy), built once per page. */
  column?: () => UnitColumn;
}

export const DESK_KIND: OrgUnitKind = {
  noun: 'desk',
  title: 'Service desks',
  subtitle: 'Queues that requests arrive in. Engineers see and take requests from the desks they belong to.',
  list: api.desks,
  create: api.createDesk,
  update: api.updateDesk,
  remove: api.deleteDesk,
  publish: setDeskList,
  column: recordingPolicyColumn,
};

export const STATION_KIND: OrgUnitKind = {
  noun: 'station',
  title: 'Service stations',
  subtitle: 'Groups of engineers by place or team, used to organise customers and devices.',
  list: api.stations,
  create: api.createStation,
  update: api.updateStation,
  remove: api.deleteStation,
  publish: setStationList,
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function sortUnits(list: readonly Desk[]): Desk[] {
  return [...list].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}

export function OrgUnitsPage(props: { kind: OrgUnitKind }) {
  const kind = props.kind;
  const [items, { mutate }] = createResource(kind.list);
  const [query, setQuery] = createSignal('');
  const [editing, setEditing] = createSignal<Desk | null>(null);
  const [deleting, setDeleting] = createSignal<Desk | null>(null);
  const column = kind.column?.();

  const update = (fn: (list: Desk[]) => Desk[]) => {
    const next = sortUnits(fn(items() ?? []));
    mutate(next);
    kind.publish(next);
  };
  const rows = createMemo(() => {
    const q = query().trim().toLowerCase();
    const list = sortUnits(items() ?? []);
    return q ? list.filter((d) => d.name.toLowerCase().includes(q) || d.description.toLowerCase().includes(q)) : list;
  });

  return (
    <div class="page">
      <PageHeader title={kind.title} subtitle={kind.subtitle}>
        <input
          type="search"
          class="search"
          placeholder={`Filter ${kind.noun}s  /`}
          aria-label={`Filter ${kind.noun}s`}
          data-search
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </PageHeader>
      <CreateUnitForm kind={kind} onCreated={(d) => update((list) => [...list, d])} />
      <Show when={!items.error} fallback={<ErrorMessage error={errorMessage(items.error)} />}>
        <Show when={items()} fallback={<Loading />}>
          <DataTable
            label={cap(kind.title)}
            rows={rows()}
            rowKey={(d) => d.id}
            initialSort={{ id: 'name' }}
            empty={<p class="muted">{query() ? `No ${kind.noun} matches “${query()}”.` : `No ${kind.noun}s yet.`}</p>}
            columns={[
              {
                id: 'name',
                header: 'Name',
                sortBy: (d) => d.name.toLowerCase(),
                cell: (d) => (
                  <>
                    <strong>{d.name}</strong>{' '}
                    <Show when={d.isDefault}>
                      <Badge tone="info" title={`The default ${kind.noun} cannot be deleted`}>
                        default
                      </Badge>
                    </Show>
                  </>
                ),
              },
              { id: 'description', header: 'Description', class: 'muted', cell: (d) => d.description || '—' },
              ...(column ? [{ id: 'extra', header: column.header, cell: column.cell }] : []),
              {
                id: 'actions',
                header: 'Actions',
                hideHeader: true,
                class: 'row-actions',
                cell: (d) => (
                  <>
                    <button type="button" class="button small" aria-label={`Edit ${kind.noun} ${d.name}`} onClick={() => setEditing(d)}>
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      class="button small danger"
                      aria-label={`Delete ${kind.noun} ${d.name}`}
                      disabled={d.isDefault}
                      title={d.isDefault ? `The default ${kind.noun} cannot be deleted` : undefined}
                      onClick={() => setDeleting(d)}
                    >
                      Delete
                    </button>
                  </>
                ),
              },
            ]}
          />
        </Show>
      </Show>

      <Show when={editing()}>
        {(d) => (
          <EditUnitDialog
            kind={kind}
            unit={d()}
            onClose={() => setEditing(null)}
            onSaved={(saved) => {
              update((list) => list.map((x) => (x.id === saved.id ? saved : x)));
              setEditing(null);
              toast(`${cap(kind.noun)} “${saved.name}” saved.`);
            }}
          />
        )}
      </Show>
      <Show when={deleting()}>
        {(d) => (
          <ConfirmDialog
            title={`Delete ${kind.noun}`}
            message={
              <p>
                Delete the {kind.noun} <strong>{d().name}</strong>? Engineers lose their membership in it.
              </p>
            }
            confirmLabel={`Delete ${kind.noun}`}
            danger
            onClose={() => setDeleting(null)}
            onConfirm={async () => {
              await kind.remove(d().id);
              update((list) => list.filter((x) => x.id !== d().id));
              toast(`${cap(kind.noun)} “${d().name}” deleted.`);
            }}
          />
        )}
      </Show>
    </div>
  );
}

function CreateUnitForm(props: { kind: OrgUnitKind; onCreated: (d: Desk) => void }) {
  const [name, setName] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const noun = props.kind.noun;
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!name().trim()) return setError(`Give the ${noun} a name.`);
    setBusy(true);
    setError(null);
    try {
      const created = await props.kind.create({ name: name().trim(), description: description().trim() });
      props.onCreated(created);
      setName('');
      setDescription('');
      toast(`${cap(noun)} “${created.name}” created.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card inline-form" onSubmit={submit} noValidate aria-label={`New ${noun}`}>
      <TextField label={`${cap(noun)} name`} value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={80} />
      <TextField
        label="Description"
        class="grow"
        value={description()}
        onInput={(e) => setDescription(e.currentTarget.value)}
        maxLength={500}
      />
      <button type="submit" class="button primary" disabled={busy()}>
        {busy() ? 'Creating…' : `Create ${noun}`}
      </button>
      <ErrorMessage error={error()} />
    </form>
  );
}

function EditUnitDialog(props: { kind: OrgUnitKind; unit: Desk; onClose: () => void; onSaved: (d: Desk) => void }) {
  const [name, setName] = createSignal(props.unit.name);
  const [description, setDescription] = createSignal(props.unit.description);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!name().trim()) return setError('The name cannot be empty.');
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await props.kind.update(props.unit.id, { name: name().trim(), description: description().trim() }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Edit ${props.kind.noun}`} onClose={props.onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <TextField label={`${cap(props.kind.noun)} name`} value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={80} autofocus />
        <TextField label="Description" value={description()} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={500} />
        <FormFooter error={error()} busy={busy()} busyLabel="Saving…" label="Save" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

export const DesksPage = () => <OrgUnitsPage kind={DESK_KIND} />;
export const StationsPage = () => <OrgUnitsPage kind={STATION_KIND} />;
