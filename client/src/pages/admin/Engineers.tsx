// Engineers: who they are, their role and memberships; create, edit, disable, reset passwords, unlock sign-in and
// revoke their API tokens.
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import type { Desk, Engineer } from '../../../../server/protocol/api.ts';
import { api } from '../../api/endpoints.ts';
import { errorMessage } from '../../api/http.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { Badge, confirmProblem, ErrorMessage, FormFooter, Loading, newPasswordProblem, PageHeader, passwordHint, TextField } from '../../components/ui.tsx';
import { createFieldErrors } from '../../lib/fieldErrors.ts';
import { formatDate } from '../../lib/format.ts';
import { me } from '../../lib/session.ts';
import { toast } from '../../lib/toasts.ts';
import { EngineerAccessDialog } from './EngineerAccess.tsx';
import { EngineerForm, ROLE_LABELS } from './EngineerForm.tsx';
import { sessionLimitColumn } from './SessionLimitColumn.tsx';

async function loadAll() {
  const [engineers, desks, stations] = await Promise.all([api.engineers(), api.desks(), api.stations()]);
  return { engineers, desks, stations };
}

export function filterEngineers(list: readonly Engineer[], query: string, showDisabled: boolean): Engineer[] {
  const q = query.trim().toLowerCase();
  return [...list]
    .filter((e) => showDisabled || !e.disabled)
    .filter((e) => !q || e.displayName.toLowerCase().includes(q) || e.username.toLowerCase().includes(q) || e.role.includes(q))
    .sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.displayName.localeCompare(b.displayName));
}

function names(ids: readonly number[], list: readonly Desk[]): string[] {
  return ids.map((id) => list.find((d) => d.id === id)?.name ?? `#${id}`);
}

export function EngineersPage() {
  const [data, { mutate }] = createResource(loadAll);
  const [query, setQuery] = createSignal('');
  const [showDisabled, setShowDisabled] = createSignal(true);
  const [creating, setCreating] = createSignal(false);
  const [editing, setEditing] = createSignal<Engineer | null>(null);
  const [toggling, setToggling] = createSignal<Engineer | null>(null);
  const [resetting, setResetting] = createSignal<Engineer | null>(null);
  const [access, setAccess] = createSignal<Engineer | null>(null);
  const limits = sessionLimitColumn();

  const rows = createMemo(() => filterEngineers(data()?.engineers ?? [], query(), showDisabled()));
  const replace = (saved: Engineer) =>
    mutate((d) => d && { ...d, engineers: d.engineers.some((e) => e.id === saved.id) ? d.engineers.map((e) => (e.id === saved.id ? saved : e)) : [...d.engineers, saved] });

  return (
    <div class="page">
      <PageHeader title="Engineers" subtitle="People who sign in to this console, their role and their desks and stations.">
        <input
          type="search"
          class="search"
          placeholder="Filter engineers  /"
          aria-label="Filter engineers"
          data-search
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="button" class="button primary" disabled={!data()} onClick={() => setCreating(true)}>
          New engineer
        </button>
      </PageHeader>
      <label class="checkbox small">
        <input type="checkbox" checked={showDisabled()} onChange={(e) => setShowDisabled(e.currentTarget.checked)} />
        <span>Show disabled engineers</span>
      </label>
      <Show when={!data.error} fallback={<ErrorMessage error={errorMessage(data.error)} />}>
        <Show when={data()} fallback={<Loading />}>
          {(d) => (
            <div class="table-wrap">
              <table class="table" aria-label="Engineers">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Desks</th>
                    <th scope="col">Stations</th>
                    <th scope="col">Status</th>
                    <th scope="col">{limits.header}</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For
                    each={rows()}
                    fallback={
                      <tr>
                        <td colspan="8" class="muted">
                          No engineer matches.
                        </td>
                      </tr>
                    }
                  >
                    {(e) => (
                      <tr classList={{ 'row-disabled': e.disabled }}>
                        <td>
                          <strong>{e.displayName}</strong>
                          <div class="muted small">{e.username}</div>
                        </td>
                        <td>
                          <Badge tone={e.role === 'admin' ? 'info' : e.role === 'supervisor' ? 'warn' : 'subtle'}>{ROLE_LABELS[e.role]}</Badge>
                        </td>
                        <td>
                          <div class="chips">
                            <For each={names(e.deskIds, d().desks)} fallback={<span class="muted">—</span>}>
                              {(n) => <span class="chip">{n}</span>}
                            </For>
                          </div>
                        </td>
                        <td>
                          <div class="chips">
                            <For each={names(e.stationIds, d().stations)} fallback={<span class="muted">—</span>}>
                              {(n) => <span class="chip">{n}</span>}
                            </For>
                          </div>
                        </td>
                        <td>{e.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="ok">Active</Badge>}</td>
                        <td>{limits.cell(e)}</td>
                        <td>{formatDate(e.createdAt)}</td>
                        <td class="row-actions">
                          <button type="button" class="button small" aria-label={`Edit ${e.displayName}`} onClick={() => setEditing(e)}>
                            Edit
                          </button>
                          <button
                            type="button"
                            class="button small"
                            aria-label={`Reset password of ${e.displayName}`}
                            onClick={() => setResetting(e)}
                          >
                            Reset password
                          </button>
                          <button
                            type="button"
                            class="button small"
                            aria-label={`Sign-in & tokens of ${e.displayName}`}
                            onClick={() => setAccess(e)}
                          >
                            Sign-in &amp; tokens
                          </button>
                          <Show when={e.id !== me()?.id}>
                            <button
                              type="button"
                              class="button small"
                              classList={{ danger: !e.disabled }}
                              aria-label={`${e.disabled ? 'Enable' : 'Disable'} ${e.displayName}`}
                              onClick={() => setToggling(e)}
                            >
                              {e.disabled ? 'Enable' : 'Disable'}
                            </button>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </Show>

      <Show when={creating() && data()}>
        {(d) => (
          <Dialog title="New engineer" wide onClose={() => setCreating(false)}>
            <EngineerForm
              mode="create"
              desks={d().desks}
              stations={d().stations}
              onCancel={() => setCreating(false)}
              onSubmit={async (values) => {
                const created = await api.createEngineer(values);
                replace(created);
                setCreating(false);
                toast(`Engineer “${created.displayName}” created.`);
              }}
            />
          </Dialog>
        )}
      </Show>
      <Show when={editing() && data() ? { engineer: editing()!, d: data()! } : null}>
        {(ctx) => (
          <Dialog title={`Edit ${ctx().engineer.displayName}`} wide onClose={() => setEditing(null)}>
            <EngineerForm
              mode="edit"
              initial={ctx().engineer}
              isSelf={ctx().engineer.id === me()?.id}
              desks={ctx().d.desks}
              stations={ctx().d.stations}
              onCancel={() => setEditing(null)}
              onSubmit={async (values) => {
                const saved = await api.updateEngineer(ctx().engineer.id, {
                  displayName: values.displayName,
                  ...(ctx().engineer.id === me()?.id ? {} : { role: values.role }),
                  deskIds: values.deskIds,
                  stationIds: values.stationIds,
                });
                replace(saved);
                setEditing(null);
                toast(`Engineer “${saved.displayName}” saved.`);
              }}
            />
          </Dialog>
        )}
      </Show>
      <Show when={toggling()}>
        {(e) => (
          <ConfirmDialog
            title={e().disabled ? 'Enable engineer' : 'Disable engineer'}
            message={
              e().disabled ? (
                <p>
                  Let <strong>{e().displayName}</strong> sign in again?
                </p>
              ) : (
                <p>
                  Disable <strong>{e().displayName}</strong>? They are signed out everywhere, their API tokens are
                  revoked, and they cannot sign in until enabled again. Their history stays.
                </p>
              )
            }
            confirmLabel={e().disabled ? 'Enable' : 'Disable'}
            danger={!e().disabled}
            onClose={() => setToggling(null)}
            onConfirm={async () => {
              const saved = await api.updateEngineer(e().id, { disabled: !e().disabled });
              replace(saved);
              toast(`${saved.displayName} ${saved.disabled ? 'disabled' : 'enabled'}.`);
            }}
          />
        )}
      </Show>
      <Show when={resetting()}>{(e) => <ResetPasswordDialog engineer={e()} onClose={() => setResetting(null)} />}</Show>
      <Show when={access()}>{(e) => <EngineerAccessDialog engineer={e()} onClose={() => setAccess(null)} />}</Show>
    </div>
  );
}

function ResetPasswordDialog(props: { engineer: Engineer; onClose: () => void }) {
  const [password, setPassword] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const problems = createFieldErrors(() => ({
    password: newPasswordProblem(password(), props.engineer.username),
    confirm: confirmProblem(password(), confirm()),
  }));
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    if (!problems.check(e.currentTarget as HTMLFormElement)) return;
    setBusy(true);
    setError(null);
    try {
      await api.resetEngineerPassword(props.engineer.id, password());
      toast(`Password of ${props.engineer.displayName} reset.`);
      props.onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Reset password of ${props.engineer.displayName}`}
      onClose={props.onClose}
      description="Set a temporary password and give it to the engineer. They are signed out, their API tokens are revoked, and they must choose a new password at their next sign-in."
    >
      <form class="stack" onSubmit={submit} noValidate>
        <TextField
          label="Temporary password"
          type="password"
          autocomplete="new-password"
          hint={passwordHint()}
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
          error={problems.at('password')}
          autofocus
        />
        <TextField
          label="Confirm temporary password"
          type="password"
          autocomplete="new-password"
          value={confirm()}
          onInput={(e) => setConfirm(e.currentTarget.value)}
          error={problems.at('confirm')}
        />
        <FormFooter error={error()} busy={busy()} busyLabel="Resetting…" label="Reset password" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
