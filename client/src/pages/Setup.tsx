// First start: the one-time token from the server console creates the first admin.
import { Navigate, useNavigate } from '@solidjs/router';
import { createSignal, Match, onMount, Switch } from 'solid-js';
import { api } from '../api/endpoints.ts';
import { errorMessage } from '../api/http.ts';
import { ErrorMessage, MIN_PASSWORD_LENGTH, passwordProblem, TextField } from '../components/ui.tsx';
import { boot, markSetupDone, me, setMe } from '../lib/session.ts';

export function SetupPage() {
  const navigate = useNavigate();
  const [token, setToken] = createSignal('');
  const [username, setUsername] = createSignal('admin');
  const [displayName, setDisplayName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [touched, setTouched] = createSignal(false);

  onMount(() => {
    document.title = 'Set up · Tessera';
  });

  const problem = () => {
    if (!token().trim()) return 'Enter the setup token from the server console.';
    if (!username().trim()) return 'Choose a username for the administrator.';
    if (!displayName().trim()) return 'Enter a display name.';
    return passwordProblem(password(), confirm(), username());
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTouched(true);
    const p = problem();
    if (p) {
      setError(p);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await api.setup({
        token: token().trim(),
        username: username().trim(),
        displayName: displayName().trim(),
        password: password(),
      });
      setMe(user);
      markSetupDone();
      navigate('/queue', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
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
              autofocus
              required
            />
            <TextField
              label="Administrator username"
              name="username"
              autocomplete="username"
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
              required
            />
            <TextField
              label="Display name"
              name="displayName"
              autocomplete="name"
              hint="Shown to other engineers and customers."
              value={displayName()}
              onInput={(e) => setDisplayName(e.currentTarget.value)}
              required
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autocomplete="new-password"
              hint={`At least ${MIN_PASSWORD_LENGTH} characters, not containing the username.`}
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
              required
            />
            <TextField
              label="Confirm password"
              name="confirm"
              type="password"
              autocomplete="new-password"
              value={confirm()}
              onInput={(e) => setConfirm(e.currentTarget.value)}
              error={touched() && confirm() && confirm() !== password() ? 'The two passwords do not match.' : null}
              required
            />
            <ErrorMessage error={error()} />
            <button type="submit" class="button primary block" disabled={busy()}>
              {busy() ? 'Creating administrator…' : 'Create administrator'}
            </button>
          </form>
        </main>
      </Match>
    </Switch>
  );
}
