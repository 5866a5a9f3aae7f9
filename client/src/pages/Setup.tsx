// First start: the one-time token from the server console creates the first admin.
import { Navigate, useNavigate } from '@solidjs/router';
import { createSignal, Match, onMount, Switch } from 'solid-js';
import { api } from '../api/endpoints.ts';
import { confirmProblem, ErrorMessage, newPasswordProblem, passwordHint, TextField } from '../components/ui.tsx';
import { createFieldErrors } from '../lib/fieldErrors.ts';
import { createAction } from '../lib/createAction.ts';
import { boot, markSetupDone, me, setMe } from '../lib/session.ts';

export function SetupPage() {
  const navigate = useNavigate();
  const [token, setToken] = createSignal('');
  const [username, setUsername] = createSignal('admin');
  const [displayName, setDisplayName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [confirm, setConfirm] = createSignal('');

  onMount(() => {
    document.title = 'Set up · Tessera';
  });

  const problems = createFieldErrors(() => ({
    token: token().trim() ? null : 'Enter the setup token from the server console.',
    username: username().trim() ? null : 'Choose a username for the administrator.',
    displayName: displayName().trim() ? null : 'Enter a display name.',
    password: newPasswordProblem(password(), username()),
    confirm: confirmProblem(password(), confirm()),
  }));

  const save = createAction(async () => {
    const user = await api.setup({
      token: token().trim(),
      username: username().trim(),
      displayName: displayName().trim(),
      password: password(),
    });
    setMe(user);
    markSetupDone();
    navigate('/queue', { replace: true });
  });
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    save.setError(null);
    if (problems.check(e.currentTarget as HTMLFormElement)) void save.run();
  };

  return (
    <Switch>
      <Match when={boot().state === 'ready'}>
        <Navigate href={me() ? '/queue' : '/login'} />
      </Match>
      <Match when={true}>
        <main class="auth-page">
          <form class="card auth-card stack" onSubmit={submit} noValidate aria-labelledby="setup-title">
            <div class="auth-brand">
              <span class="brand-mark" aria-hidden="true" />
              <span>Tessera</span>
            </div>
            <h1 id="setup-title">Set up Tessera</h1>
            <p class="muted">
              This server has no administrator yet. Its console printed a one-time setup token at start
              (the line <code>setup token: …</code>). Enter it to create the first administrator account.
            </p>
            <TextField
              label="Setup token"
              name="token"
              autocomplete="off"
              spellcheck={false}
              value={token()}
              onInput={(e) => setToken(e.currentTarget.value)}
              error={problems.at('token')}
              autofocus
              required
            />
            <TextField
              label="Administrator username"
              name="username"
              autocomplete="username"
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
              error={problems.at('username')}
              required
            />
            <TextField
              label="Display name"
              name="displayName"
              autocomplete="name"
              hint="Shown to other engineers and customers."
              value={displayName()}
              onInput={(e) => setDisplayName(e.currentTarget.value)}
              error={problems.at('displayName')}
              required
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autocomplete="new-password"
              hint={passwordHint()}
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
              error={problems.at('password')}
              required
            />
            <TextField
              label="Confirm password"
              name="confirm"
              type="password"
              autocomplete="new-password"
              value={confirm()}
              onInput={(e) => setConfirm(e.currentTarget.value)}
              error={problems.at('confirm')}
              required
            />
            <ErrorMessage error={save.error()} />
            <button type="submit" class="button primary block" disabled={save.busy()}>
              {save.busy() ? 'Creating administrator…' : 'Create administrator'}
            </button>
          </form>
        </main>
      </Match>
    </Switch>
  );
}
