// An outside expert's page at /expert/<link>: no console account. They see who invited them, prove themselves
// with the e-mailed code or the password they were given, then chat in that one session until access ends.
import { useParams } from '@solidjs/router';
import { createEffect, createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import type { SessionLogEntry } from '../../../server/protocol/support.ts';
import { expertApi, type ExpertInvitation, type ExpertSession } from '../api/support.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { customerTitle } from '../components/CustomerValues.tsx';
import { ChatLog, Composer, mergeEntries } from '../components/session/ChatLog.tsx';
import { ErrorMessage, Loading, TextField } from '../components/ui.tsx';
import { formatDateTime } from '../lib/format.ts';

export const EXPERT_POLL_MS = 2000;
export const ACCESS_ENDED = 'Your access to this session has ended. Thank you for your help.';

type Phase =
  | { kind: 'checking' }
  | { kind: 'sign-in'; invitation: ExpertInvitation }
  | { kind: 'in' }
  | { kind: 'problem'; error: unknown }
  | { kind: 'ended'; message: string };

export function ExpertPage() {
  const params = useParams<{ link: string }>();
  const [phase, setPhase] = createSignal<Phase>({ kind: 'checking' });
  createEffect(() => {
    document.title = 'Join a support session · Tessera';
  });
  // A usable invitation asks for the code or password. A used one may be ours (a reload after signing in):
  // then the session answers; otherwise the link is spent.
  expertApi
    .invitation(params.link)
    .then((invitation) => setPhase({ kind: 'sign-in', invitation }))
    .catch(async (error: unknown) => {
      if (!(error instanceof ApiError && error.status === 404)) return setPhase({ kind: 'problem', error });
      try {
        await expertApi.session();
        setPhase({ kind: 'in' });
      } catch {
        setPhase({ kind: 'problem', error });
      }
    });

  return (
    <main class="auth-page expert-page">
      <Switch>
        <Match when={phase().kind === 'checking'}>
          <Loading label="Opening your invitation…" />
        </Match>
        <Match when={phase().kind === 'sign-in' || phase().kind === 'problem'}>
          <div class="card narrow stack auth-card">
            <h1>Join a support session</h1>
            <Show
              when={phase().kind === 'sign-in' && (phase() as { invitation: ExpertInvitation }).invitation}
              fallback={<InvitationProblem error={(phase() as { error?: unknown }).error} />}
            >
              {(inv) => <SignInForm link={params.link} invitation={inv()} onIn={() => setPhase({ kind: 'in' })} />}
            </Show>
          </div>
        </Match>
        <Match when={phase().kind === 'in'}>
          <ExpertWorkspace onEnded={(message) => setPhase({ kind: 'ended', message })} />
        </Match>
        <Match when={phase().kind === 'ended'}>
          <div class="card narrow stack">
            <h1>Session closed</h1>
            <p role="status">{(phase() as { message: string }).message}</p>
            <p class="muted small">You can close this page.</p>
          </div>
        </Match>
      </Switch>
    </main>
  );
}

function InvitationProblem(props: { error: unknown }) {
  return (
    <Show when={props.error instanceof ApiError && props.error.status === 404} fallback={<ErrorMessage error={errorMessage(props.error)} />}>
      <p class="error-message" role="alert">
        This invitation link is unknown, already used or expired. Ask the engineer who invited you for a new one.
      </p>
    </Show>
  );
}

function SignInForm(props: { link: string; invitation: ExpertInvitation; onIn: () => void }) {
  const byCode = () => props.invitation.method === 'email-code';
  const [secret, setSecret] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [info, setInfo] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const sendCode = async () => {
    setBusy(true);
    setError(null);
    try {
      const sent = await expertApi.sendCode(props.link);
      setInfo(`A code is on its way to ${sent.sentTo}. It is valid for 10 minutes.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const value = byCode() ? secret().replace(/\s+/g, '') : secret();
    if (!value) return setError(byCode() ? 'Enter the code from the e-mail.' : 'Enter the password you were given.');
    setBusy(true);
    setError(null);
    try {
      await expertApi.login(props.link, byCode() ? { code: value } : { password: value });
      props.onIn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={submit} noValidate>
      <p>
        Hello {props.invitation.name}.{' '}
        {props.invitation.inviter ? `${props.invitation.inviter} invited you` : 'You are invited'} to help in a support session as an
        outside expert. You will see the session's chat and log and can write in the chat.
      </p>
      <p class="muted small">This link works once and expires {formatDateTime(props.invitation.expiresAt)}.</p>
      <Show
        when={byCode()}
        fallback={
          <TextField label="Password" type="password" autocomplete="off" value={secret()} onInput={(e) => setSecret(e.currentTarget.value)} autofocus />
        }
      >
        <div class="actions start">
          <button type="button" class="button" disabled={busy()} onClick={() => void sendCode()}>
            {info() ? 'Send the code again' : 'E-mail me a code'}
          </button>
        </div>
        <Show when={info()}>
          <p class="notice" role="status">
            {info()}
          </p>
        </Show>
        <TextField label="Code from the e-mail" inputMode="numeric" autocomplete="one-time-code" maxLength={12} value={secret()} onInput={(e) => setSecret(e.currentTarget.value)} />
      </Show>
      <ErrorMessage error={error()} />
      <button type="submit" class="button primary" disabled={busy()}>
        {busy() ? 'Checking…' : 'Join the session'}
      </button>
    </form>
  );
}

function ExpertWorkspace(props: { onEnded: (message: string) => void }) {
  const [data, setData] = createSignal<ExpertSession | null>(null);
  const [entries, setEntries] = createSignal<SessionLogEntry[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [draft, setDraft] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  let stopped = false;
  let logCursor = 0;

  const ended = (e: unknown) => e instanceof ApiError && e.status === 401;
  const poll = async () => {
    try {
      const next = await expertApi.session();
      // The cursor is the last entry read from the log, not the last shown: a line the expert sent may be newer
      // than lines others wrote meanwhile.
      const more = await expertApi.log(logCursor);
      logCursor = more.at(-1)?.id ?? logCursor;
      setData(next);
      setEntries((list) => mergeEntries(list, more));
      setError(null);
    } catch (e) {
      if (ended(e)) {
        stopped = true;
        props.onEnded(ACCESS_ENDED);
      } else setError(errorMessage(e));
    }
  };
  void poll();
  const timer = setInterval(() => {
    if (!stopped) void poll();
  }, EXPERT_POLL_MS);
  onCleanup(() => clearInterval(timer));
  createEffect(() => {
    const d = data();
    if (d) document.title = `Session with ${customerTitle(d.session.customer)} · Tessera`;
  });

  const send = async (text: string) => {
    setBusy(true);
    try {
      const entry = await expertApi.chat(text);
      setEntries((list) => mergeEntries(list, [entry]));
      setDraft('');
      setError(null);
    } catch (e) {
      if (ended(e)) props.onEnded(ACCESS_ENDED);
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const leave = async () => {
    stopped = true;
    try {
      await expertApi.leave();
    } catch {
      // gone either way
    }
    props.onEnded('You left the session. Thank you for your help.');
  };

  return (
    <Show when={data()} fallback={<Show when={error()} fallback={<Loading />}><ErrorMessage error={error()} /></Show>}>
      {(d) => (
        <div class="expert-workspace stack">
          <header class="page-header">
            <div>
              <h1>Session with {customerTitle(d().session.customer)}</h1>
              <p class="muted">
                You are {d().you}, outside expert. {d().session.participants.filter((p) => p.role !== 'supervisor').map((p) => p.name).join(', ') || 'No engineer'} {d().session.participants.length === 1 ? 'is' : 'are'} in the session.
              </p>
            </div>
            <button type="button" class="button" onClick={() => void leave()}>
              Leave
            </button>
          </header>
          <Show when={d().session.status !== 'active'}>
            <p class="notice" role="status">
              The session is not live any more; you can read it but not write.
            </p>
          </Show>
          <section class="card stack tight chat-card" aria-label="Chat">
            <ChatLog entries={entries()} selfActor={entries().find((e) => e.name === `${d().you} (expert)`)?.actor} label="Session log" />
            <Show when={d().session.status === 'active'}>
              <Composer value={draft()} onInput={setDraft} onSend={send} busy={busy()} />
            </Show>
            <ErrorMessage error={error()} />
          </section>
        </div>
      )}
    </Show>
  );
}
