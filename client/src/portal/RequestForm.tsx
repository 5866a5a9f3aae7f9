// Who is asking: the provider's identity fields, checked as the server checks them before the request goes out.
import { createSignal, createUniqueId, onMount, Show } from 'solid-js';
import type { IdentityFieldPublic, SupportChannel } from '../../../server/protocol/support.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { IdentityInputs } from './IdentityInputs.tsx';
import { assignServerProblems, checkFields } from './validation.ts';

export interface RequestFormProps {
  fields: IdentityFieldPublic[];
  /** The desk's name, or null for "whoever is free". */
  deskName: string | null;
  channel: SupportChannel;
  onSubmit: (values: Record<string, string>) => Promise<void>;
  onCancel: () => void;
}

export function RequestForm(props: RequestFormProps) {
  const formId = createUniqueId();
  const [values, setValues] = createSignal<Record<string, string>>({});
  const [problems, setProblems] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [touched, setTouched] = createSignal(false);
  let form: HTMLFormElement | undefined;

  const title = () =>
    props.channel === 'chat'
      ? `Chat with ${props.deskName ?? 'an engineer'}`
      : `Remote assistance from ${props.deskName ?? 'an engineer'}`;

  const focusFirstProblem = (found: Record<string, string>) => {
    const first = props.fields.find((f) => found[String(f.slot)]);
    if (first) form?.querySelector<HTMLInputElement>(`[data-slot="${first.slot}"]`)?.focus();
  };

  onMount(() => form?.querySelector<HTMLInputElement>('input')?.focus());

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setTouched(true);
    setError(null);
    const checked = checkFields(props.fields, values());
    setProblems(checked.problems);
    if (Object.keys(checked.problems).length) {
      focusFirstProblem(checked.problems);
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(checked.values);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        const { problems: found, rest } = assignServerProblems(props.fields, err.message);
        setProblems(found);
        setError(rest.length ? errorMessage(new Error(rest.join('; '))) : 'Please correct the marked fields.');
        focusFirstProblem(found);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} class="card stack request-form" onSubmit={submit} noValidate aria-labelledby={`${formId}-title`}>
      {/* The form is all this view shows: its title is the page's heading. */}
      <h1 id={`${formId}-title`}>{title()}</h1>
      <p class="muted">
        <Show when={props.fields.length} fallback="Send your request; an engineer will answer here.">
          Tell us who you are, so the engineer knows whom they are helping.
        </Show>
      </p>
      <IdentityInputs
        fields={props.fields}
        idPrefix={formId}
        values={values}
        setValues={setValues}
        problems={problems}
        setProblems={setProblems}
        touched={touched}
      />
      <Show when={error()}>
        <p class="error-message" role="alert">
          {error()}
        </p>
      </Show>
      <div class="actions">
        <button type="button" class="button" onClick={() => props.onCancel()}>
          Back
        </button>
        <button type="submit" class="button primary" disabled={busy()}>
          {busy() ? 'Sending…' : props.channel === 'chat' ? 'Start chat' : 'Request remote assistance'}
        </button>
      </div>
    </form>
  );
}
