// Sign in. Rate limits and lockouts come back as 429 with Retry-After; the message says how long to wait.
import { Navigate, useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { api } from '../api/endpoints.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { ErrorMessage, TextField } from '../components/ui.tsx';
import { boot, me, setMe, setSignInNotice, signInNotice } from '../lib/session.ts';

/**
 * Only same-site paths are followed after sign-in. Browsers read a backslash as `/` (so `/\evil` is `//evil`, another
 * host) and drop tabs and newlines, so anything but a plain path that stays on this origin is refused.
 */
export function safeNext(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || !value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return '/queue';
  if (value.startsWith('/login') || value.startsWith('/setup')) return '/queue';
  const base = 'http://console.invalid';
  try {
    if (new URL(value, base).origin !== base) return '/queue';
  } catch {
    return '/queue';
  }
  return value;
}

const clock = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s}s`);

export function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [lockedUntil, setLockedUntil] = createSignal(0);
  const [now, setNow] = createSignal(Date.now());
  onMount(() => {
    document.title = 'Sign in · Tessera';
  });
  const timer = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(timer));
  const waitSeconds = () => Math.max(0, Math.ceil((lockedUntil() - now()) / 1000));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!username().trim() || !password()) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await api.login({ username: username().trim(), password: password() });
      setSignInNotice(null);
      setMe(user);
      navigate(safeNext(params.next), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      if (err instanceof ApiError && err.status === 429 && err.retryAfter) {
        setNow(Date.now());
        setLockedUntil(Date.now() + err.retryAfter * 1000);
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Switch>
      <Match when={boot().state === 'setup'}>
        <Navigate href="/setup" />
      </Match>
      <Match when={me()}>
        <Navigate href={safeNext(params.next)} />
      </Match>
      <Match when={true}>
        <main class="auth-page">
          <form class="card auth-card stack" onSubmit={submit} noValidate aria-labelledby="login-title">
            <div class="auth-brand">
              <span class="brand-mark" aria-hidden="true" />
              <span>Tessera</span>
            </div>
            <h1 id="login-title">Sign in</h1>
            <Show when={signInNotice()}>
              <p class="notice" role="status">
                {signInNotice()}
              </p>
            </Show>
            <TextField
              label="Username"
              name="username"
              autocomplete="username"
              value={username()}
              onInput={(e) => {
                setUsername(e.currentTarget.value);
                setLockedUntil(0); // the lockout was for that account
              }}
              autofocus
              required
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autocomplete="current-password"
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
              required
            />
            <ErrorMessage error={error()} />
            <button type="submit" class="button primary block" disabled={busy() || waitSeconds() > 0}>
              {busy() ? 'Signing in…' : waitSeconds() > 0 ? `Wait ${clock(waitSeconds())}` : 'Sign in'}
            </button>
          </form>
        </main>
      </Match>
    </Switch>
  );
}
