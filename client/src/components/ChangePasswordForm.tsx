// Change your own password: current one, the new one twice.
import { createSignal } from 'solid-js';
import { api } from '../api/endpoints.ts';
import { me } from '../lib/session.ts';
import { createFieldErrors } from '../lib/fieldErrors.ts';
import { createAction } from '../lib/createAction.ts';
import { confirmProblem, ErrorMessage, newPasswordProblem, passwordHint, TextField } from './ui.tsx';

export function ChangePasswordForm(props: { onDone: () => void; submitLabel?: string }) {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [confirm, setConfirm] = createSignal('');

  const problems = createFieldErrors(() => ({
    current: current() ? null : 'Enter your current password.',
    next:
      newPasswordProblem(next(), me()?.username)?.replace('the username', 'your username') ??
      (next() === current() ? 'The new password must differ from the current one.' : null),
    confirm: confirmProblem(next(), confirm()),
  }));

  const save = createAction(async () => {
    await api.changePassword({ currentPassword: current(), newPassword: next() });
    setCurrent('');
    setNext('');
    setConfirm('');
    problems.reset();
    props.onDone();
  });
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    save.setError(null);
    if (problems.check(e.currentTarget as HTMLFormElement)) void save.run();
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
      <ErrorMessage error={save.error()} />
      <div class="actions start">
        <button type="submit" class="button primary" disabled={save.busy()}>
          {save.busy() ? 'Saving…' : (props.submitLabel ?? 'Change password')}
        </button>
      </div>
    </form>
  );
}
