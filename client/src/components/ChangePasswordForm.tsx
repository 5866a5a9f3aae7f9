// Change your own password: current one, the new one twice.
import { createSignal } from 'solid-js';
import { api } from '../api/endpoints.ts';
import { errorMessage } from '../api/http.ts';
import { me } from '../lib/session.ts';
import { ErrorMessage, MIN_PASSWORD_LENGTH, passwordProblem, TextField } from './ui.tsx';

export function ChangePasswordForm(props: { onDone: () => void; submitLabel?: string }) {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!current()) return setError('Enter your current password.');
    const problem = passwordProblem(next(), confirm(), me()?.username);
    if (problem) return setError(problem);
    if (next() === current()) return setError('The new password must differ from the current one.');
    setBusy(true);
    setError(null);
    try {
      await api.changePassword({ currentPassword: current(), newPassword: next() });
      setCurrent('');
      setNext('');
      setConfirm('');
      props.onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={submit} noValidate aria-label="Change password">
      <TextField
        label="Current password"
        type="password"
        autocomplete="current-password"
        value={current()}
        onInput={(e) => setCurrent(e.currentTarget.value)}
      />
      <TextField
        label="New password"
        type="password"
        autocomplete="new-password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        value={next()}
        onInput={(e) => setNext(e.currentTarget.value)}
      />
      <TextField
        label="Confirm new password"
        type="password"
        autocomplete="new-password"
        value={confirm()}
        onInput={(e) => setConfirm(e.currentTarget.value)}
      />
      <ErrorMessage error={error()} />
      <div class="actions start">
        <button type="submit" class="button primary" disabled={busy()}>
          {busy() ? 'Saving…' : (props.submitLabel ?? 'Change password')}
        </button>
      </div>
    </form>
  );
}
