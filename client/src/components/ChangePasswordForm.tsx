// Change your own password: current one, the new one twice.
import { createSignal } from 'solid-js';
import { api } from '../api/endpoints.ts';
import { errorMessage } from '../api/http.ts';
import { me } from '../lib/session.ts';
import { createFieldErrors } from '../lib/fieldErrors.ts';
import { confirmProblem, ErrorMessage, newPasswordProblem, passwordHint, TextField } from './ui.tsx';

export function ChangePasswordForm(props: { onDone: () => void; submitLabel?: string }) {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const problems = createFieldErrors(() => ({
    current: current() ? null : 'Enter your current password.',
    next:
      newPasswordProblem(next(), me()?.username)?.replace('the username', 'your username') ??
      (next() === current() ? 'The new password must differ from the current one.' : null),
    confirm: confirmProblem(next(), confirm()),
  }));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    if (!problems.check(e.currentTarget as HTMLFormElement)) return;
    setBusy(true);
    setError(null);
    try {
      await api.changePassword({ currentPassword: current(), newPassword: next() });
      setCurrent('');
      setNext('');
      setConfirm('');
      problems.reset();
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
        error={problems.at('current')}
      />
      <TextField
        label="New password"
        type="password"
        autocomplete="new-password"
        hint={passwordHint('your username')}
        value={next()}
        onInput={(e) => setNext(e.currentTarget.value)}
        error={problems.at('next')}
      />
      <TextField
        label="Confirm new password"
        type="password"
        autocomplete="new-password"
        value={confirm()}
        onInput={(e) => setConfirm(e.currentTarget.value)}
        error={problems.at('confirm')}
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
