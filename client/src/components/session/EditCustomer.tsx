// "Edit details" of the customer in the session workspace: the provider's identity fields, prefilled with what the
// customer gave (or nothing, e.g. a caller who joined by code before the portal asked), checked by the server as
// the portal's are; the change is written to the session log.
import { createResource, createSignal, For, Show } from 'solid-js';
import type { CustomerValue, IdentityFieldPublic, SessionSummary } from '../../../../server/protocol/support.ts';
import { errorMessage } from '../../api/http.ts';
import { supportApi } from '../../api/support.ts';
import { Dialog } from '../Dialog.tsx';
import { FormFooter, Loading, TextField } from '../ui.tsx';

export interface EditCustomerApi {
  customerFields: () => Promise<IdentityFieldPublic[]>;
  saveCustomer: (sessionId: number, fields: Record<string, string>) => Promise<SessionSummary>;
}

export function EditCustomerDialog(props: {
  sessionId: number;
  customer: CustomerValue[];
  onClose: () => void;
  onSaved: (summary: SessionSummary) => void;
  api?: EditCustomerApi;
}) {
  const api = () => props.api ?? supportApi;
  const [fields] = createResource(() => api().customerFields());
  const [values, setValues] = createSignal<Record<string, string>>(Object.fromEntries(props.customer.map((c) => [String(c.slot), c.value])));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const kept = Object.fromEntries(Object.entries(values()).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
      props.onSaved(await api().saveCustomer(props.sessionId, kept));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Customer details" onClose={props.onClose}>
      <Show when={fields()} fallback={<Show when={fields.error} fallback={<Loading />}>{<p class="error-message">{errorMessage(fields.error)}</p>}</Show>}>
        {(list) => (
          <form class="stack" onSubmit={submit} noValidate>
            <For each={list()}>
              {(f, i) => (
                <TextField
                  label={f.required ? f.label : `${f.label} (optional)`}
                  value={values()[String(f.slot)] ?? ''}
                  maxLength={f.maxLength}
                  autofocus={i() === 0}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setValues((now) => ({ ...now, [String(f.slot)]: v }));
                  }}
                />
              )}
            </For>
            <FormFooter error={error()} busy={busy()} busyLabel="Saving…" label="Save" onCancel={props.onClose} />
          </form>
        )}
      </Show>
    </Dialog>
  );
}
