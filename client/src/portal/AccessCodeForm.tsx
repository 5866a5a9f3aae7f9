// The 6-digit code an engineer reads out on the phone. Spaces, dashes and other characters around the digits
// (as pasted from an e-mail) are dropped.
import { createSignal, createUniqueId, Show } from 'solid-js';
import { errorMessage } from '../api/http.ts';
import { normalizeCode } from './validation.ts';

export function AccessCodeForm(props: { onSubmit: (code: string) => Promise<void> }) {
  const id = createUniqueId();
  const [code, setCode] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    if (code().length !== 6) {
      setError('The access code has 6 digits.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(code());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card stack access-code" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
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
      <Show when={error()}>
        <p class="error-message" role="alert" id={`${id}-error`}>
          {error()}
        </p>
      </Show>
    </form>
  );
}
