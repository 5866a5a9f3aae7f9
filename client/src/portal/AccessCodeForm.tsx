// The 6-digit code an engineer reads out on the phone. Spaces, dashes and other characters around the digits
// (as pasted from an e-mail) are dropped. Once the code is complete the provider's identity fields appear, asked as
// on a request, so a session joined by code knows its customer too.
import { createSignal, createUniqueId, Show } from 'solid-js';
import type { IdentityFieldPublic } from '../../../server/protocol/support.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { IdentityInputs } from './IdentityInputs.tsx';
import { assignServerProblems, checkFields, normalizeCode } from './validation.ts';

export function AccessCodeForm(props: { fields: IdentityFieldPublic[]; onSubmit: (code: string, fields: Record<string, string>) => Promise<void> }) {
  const id = createUniqueId();
  const [code, setCode] = createSignal('');
  const [values, setValues] = createSignal<Record<string, string>>({});
  const [problems, setProblems] = createSignal<Record<string, string>>({});
  const [touched, setTouched] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let form: HTMLFormElement | undefined;

  const focusFirstProblem = (found: Record<string, string>) => {
    const first = props.fields.find((f) => found[String(f.slot)]);
    if (first) form?.querySelector<HTMLInputElement>(`[data-slot="${first.slot}"]`)?.focus();
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    if (code().length !== 6) {
      setError('The access code has 6 digits.');
      return;
    }
    setTouched(true);
    const checked = checkFields(props.fields, values());
    setProblems(checked.problems);
    if (Object.keys(checked.problems).length) {
      setError(null);
      focusFirstProblem(checked.problems);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(code(), checked.values);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        const { problems: found, rest } = assignServerProblems(props.fields, err.message);
        setProblems(found);
        setError(rest.length ? rest.join('; ') : null);
        focusFirstProblem(found);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} class="card stack access-code" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Have an access code?</h2>
      <p class="muted">If an engineer gave you a code on the phone, enter it to join them directly.</p>
      <div class="field">
        <label for={id}>Access code</label>
        <div class="input-row">
          <input
            id={id}
            class="code-input"
            inputMode="numeric"
            autocomplete="one-time-code"
            placeholder="000000"
            aria-invalid={error() ? true : undefined}
            aria-describedby={error() ? `${id}-error` : undefined}
            value={code()}
            onInput={(e) => {
              const clean = normalizeCode(e.currentTarget.value);
              // Keep the field showing only what will be sent.
              if (e.currentTarget.value !== clean) e.currentTarget.value = clean;
              setCode(clean);
              if (error()) setError(null);
            }}
          />
          <button type="submit" class="button primary" disabled={busy()}>
            {busy() ? 'Joining…' : 'Join session'}
          </button>
        </div>
      </div>
      <Show when={code().length === 6 && props.fields.length}>
        <p class="muted">Tell us who you are, so the engineer knows whom they are helping.</p>
        <IdentityInputs
          fields={props.fields}
          idPrefix={id}
          values={values}
          setValues={setValues}
          problems={problems}
          setProblems={setProblems}
          touched={touched}
        />
      </Show>
      <Show when={error()}>
        <p class="error-message" role="alert" id={`${id}-error`}>
          {error()}
        </p>
      </Show>
    </form>
  );
}
