// Your API tokens: create with scopes and expiry, see the secret once, revoke.
import { createResource, createSignal, onCleanup, Show } from 'solid-js';
import type { ApiToken, CreatedApiToken } from '../../../server/protocol/api.ts';
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from '../../../server/protocol/roles.ts';
import { api } from '../api/endpoints.ts';
import { errorMessage } from '../api/http.ts';
import { ConfirmDialog, Dialog } from '../components/Dialog.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { tokenColumns } from '../components/tokenColumns.tsx';
import { CheckboxGroup, EmptyState, ErrorMessage, FormFooter, Loading, PageHeader, SelectField, TextField } from '../components/ui.tsx';
import { copyText } from '../lib/clipboard.ts';
import { toast } from '../lib/toasts.ts';

const EXPIRY_OPTIONS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never' },
] as const;
type Expiry = (typeof EXPIRY_OPTIONS)[number]['value'];

export function TokensPage() {
  const [tokens, { refetch, mutate }] = createResource(api.tokens);
  // "Last used" changes while the page is open (a script uses a token): look again whenever the page comes back
  // into view, and every minute while it is in view.
  const refresh = () => {
    if (document.visibilityState === 'visible') void refetch();
  };
  document.addEventListener('visibilitychange', refresh);
  const timer = setInterval(refresh, 60_000);
  onCleanup(() => {
    document.removeEventListener('visibilitychange', refresh);
    clearInterval(timer);
  });
  const [creating, setCreating] = createSignal(false);
  const [created, setCreated] = createSignal<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = createSignal<ApiToken | null>(null);


  return (
    <div class="page">
      <PageHeader title="API tokens" subtitle="Tokens act as you on the REST API, limited to their scopes.">
        <button type="button" class="button primary" onClick={() => setCreating(true)}>
          New token
        </button>
      </PageHeader>
      <p class="muted small">
        Send a token as <code>Authorization: Bearer &lt;token&gt;</code>. The API is described at{' '}
        <a href="/api/docs" target="_blank" rel="noopener">
          /api/docs
        </a>
        .
      </p>
      <Show when={!tokens.error} fallback={<ErrorMessage error={errorMessage(tokens.error)} />}>
        <Show when={tokens()} fallback={<Loading />}>
          {(list) => (
            <DataTable
              label="API tokens"
              rows={list()}
              rowKey={(t) => t.id}
              initialSort={{ id: 'created', desc: true }}
              empty={
                <EmptyState title="No API tokens" icon="⚿">
                  <p>Create a token to let scripts and other systems use the REST API on your behalf.</p>
                </EmptyState>
              }
              columns={tokenColumns(setRevoking, { expires: true })}
            />
          )}
        </Show>
      </Show>

      <Show when={creating()}>
        <CreateTokenDialog
          onClose={() => setCreating(false)}
          onCreated={(t) => {
            setCreating(false);
            setCreated(t);
            mutate((list) => [...(list ?? []), t]);
            void refetch();
          }}
        />
      </Show>
      <Show when={created()}>{(t) => <ShowTokenDialog token={t()} onClose={() => setCreated(null)} />}</Show>
      <Show when={revoking()}>
        {(t) => (
          <ConfirmDialog
            title="Revoke token"
            message={
              <p>
                Revoke <strong>{t().name}</strong>? Anything using it stops working immediately. This cannot be undone.
              </p>
            }
            confirmLabel="Revoke token"
            danger
            onClose={() => setRevoking(null)}
            onConfirm={async () => {
              await api.revokeToken(t().id);
              mutate((list) => list?.filter((x) => x.id !== t().id));
              toast(`Token “${t().name}” revoked.`);
            }}
          />
        )}
      </Show>
    </div>
  );
}

function CreateTokenDialog(props: { onClose: () => void; onCreated: (token: CreatedApiToken) => void }) {
  const [name, setName] = createSignal('');
  const [scopes, setScopes] = createSignal<Scope[]>(['org:read']);
  const [expiry, setExpiry] = createSignal<Expiry>('90');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!name().trim()) return setError('Give the token a name, e.g. what will use it.');
    if (scopes().length === 0) return setError('Choose at least one scope.');
    setBusy(true);
    setError(null);
    try {
      const token = await api.createToken({
        name: name().trim(),
        scopes: scopes(),
        ...(expiry() === 'never' ? {} : { expiresInDays: Number(expiry()) }),
      });
      props.onCreated(token);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="New API token" onClose={props.onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <TextField label="Token name" hint="What will use it, e.g. “CRM sync”." value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} autofocus />
        <CheckboxGroup
          legend="Scopes"
          options={SCOPES.map((s) => ({ value: s, label: `${s} — ${SCOPE_DESCRIPTIONS[s]}` }))}
          selected={scopes()}
          onChange={setScopes}
          hint="A token can never do more than you can."
        />
        <SelectField label="Expires after" value={expiry()} options={EXPIRY_OPTIONS} onChange={setExpiry} />
        <FormFooter error={error()} busy={busy()} busyLabel="Creating…" label="Create token" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

function ShowTokenDialog(props: { token: CreatedApiToken; onClose: () => void }) {
  const [copied, setCopied] = createSignal<boolean | null>(null);
  let field!: HTMLInputElement;
  const copy = async () => {
    const ok = await copyText(props.token.token);
    setCopied(ok);
    if (!ok) field.select();
  };
  return (
    <Dialog title="Token created" onClose={props.onClose} description="Copy it now: it is shown only once and cannot be retrieved later.">
      <div class="stack">
        <div class="field">
          <label for="new-token-value">Token for {props.token.name}</label>
          <div class="input-row">
            <input ref={field} id="new-token-value" class="mono" readOnly value={props.token.token} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" class="button primary" onClick={copy}>
              Copy token
            </button>
          </div>
          <p class="hint" role="status">
            {copied() === true ? 'Copied to the clipboard.' : copied() === false ? 'Copy failed: press Ctrl+C to copy the selected token.' : ''}
          </p>
        </div>
        <div class="actions">
          <button type="button" class="button" onClick={() => props.onClose()}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
