// Dialogs of the session workspace: hand over or invite an online engineer, invite an outside expert.
import { createMemo, createSignal, For, Show } from 'solid-js';
import type { SessionSummary } from '../../../../server/protocol/support.ts';
import { supportApi } from '../../api/support.ts';
import { errorMessage } from '../../api/http.ts';
import { copyText } from '../../lib/clipboard.ts';
import { presence } from '../../live/liveStore.ts';
import { Dialog } from '../Dialog.tsx';
import { FormFooter, MIN_PASSWORD_LENGTH, TextField } from '../ui.tsx';

/** Online engineers other than me; for an invitation, not those already in the session. */
export function offerCandidates(
  online: readonly { engineers: { id: number; displayName: string }[] }[],
  session: Pick<SessionSummary, 'participants'>,
  myId: number,
  kind: 'transfer' | 'invite',
): { id: number; displayName: string }[] {
  const seen = new Map<number, string>();
  for (const desk of online) for (const e of desk.engineers) seen.set(e.id, e.displayName);
  const inSession = new Set(session.participants.filter((p) => p.role !== 'supervisor').map((p) => p.id));
  return [...seen]
    .filter(([id]) => id !== myId && (kind === 'transfer' || !inSession.has(id)))
    .map(([id, displayName]) => ({ id, displayName }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export function OfferDialog(props: { kind: 'transfer' | 'invite'; session: SessionSummary; myId: number; onClose: () => void; onSent: (name: string) => void }) {
  const candidates = createMemo(() => offerCandidates(presence() ?? [], props.session, props.myId, props.kind));
  const [picked, setPicked] = createSignal<number | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const title = props.kind === 'transfer' ? 'Transfer the session' : 'Invite an engineer';
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const id = picked();
    if (id === null) return setError('Choose an engineer.');
    setBusy(true);
    setError(null);
    try {
      await supportApi.offer(props.session.id, props.kind, id);
      props.onSent(candidates().find((c) => c.id === id)?.displayName ?? 'the engineer');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      onClose={props.onClose}
      description={
        props.kind === 'transfer'
          ? 'The engineer you choose becomes the owner once they accept. You stay in the session until you leave.'
          : 'The engineer joins the session once they accept.'
      }
    >
      <form class="stack" onSubmit={submit} noValidate>
        <fieldset class="checkbox-group">
          <legend>Online engineers</legend>
          <Show when={candidates().length > 0} fallback={<p class="muted">Nobody else is online right now.</p>}>
            <div class="checkbox-list">
              <For each={candidates()}>
                {(c) => (
                  <div class="checkbox">
                    <input id={`offer-${c.id}`} type="radio" name="offer-target" checked={picked() === c.id} onChange={() => setPicked(c.id)} />
                    <label for={`offer-${c.id}`}>{c.displayName}</label>
                  </div>
                )}
              </For>
            </div>
          </Show>
        </fieldset>
        <FormFooter error={error()} busy={busy()} busyLabel="Sending…" label={props.kind === 'transfer' ? 'Offer the session' : 'Send invitation'} disabled={candidates().length === 0} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

export function expertInviteProblem(v: { name: string; method: 'email-code' | 'password'; email: string; password: string }): string | null {
  if (!v.name.trim()) return "Enter the expert's name.";
  if (v.method === 'email-code' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim())) return 'Enter the e-mail address the code goes to.';
  if (v.method === 'password' && v.password.length < MIN_PASSWORD_LENGTH)
    return `Set a password of at least ${MIN_PASSWORD_LENGTH} characters and tell it to the expert another way (e.g. by phone).`;
  return null;
}

export function ExpertDialog(props: { sessionId: number; onClose: () => void }) {
  const [name, setName] = createSignal('');
  const [method, setMethod] = createSignal<'email-code' | 'password'>('email-code');
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [hours, setHours] = createSignal('1');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [link, setLink] = createSignal<{ url: string; expiresAt: string } | null>(null);
  const [copied, setCopied] = createSignal<boolean | null>(null);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const problem = expertInviteProblem({ name: name(), method: method(), email: email(), password: password() });
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const created = await supportApi.inviteExpert(props.sessionId, {
        name: name().trim(),
        method: method(),
        ...(email().trim() ? { email: email().trim() } : {}),
        ...(method() === 'password' ? { password: password() } : {}),
        hours: Number(hours()),
      });
      setLink({ url: new URL(created.link, window.location.origin).href, expiresAt: created.expiresAt });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Invite an outside expert" onClose={props.onClose} description="The expert gets a one-time link to this session only: chat and log, never ownership.">
      <Show
        when={link()}
        fallback={
          <form class="stack" onSubmit={submit} noValidate>
            <TextField label="Expert's name" value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} autofocus />
            <fieldset class="checkbox-group">
              <legend>How the expert signs in</legend>
              <div class="checkbox">
                <input id="expert-by-code" type="radio" name="expert-method" checked={method() === 'email-code'} onChange={() => setMethod('email-code')} />
                <label for="expert-by-code">A code sent to their e-mail</label>
              </div>
              <div class="checkbox">
                <input id="expert-by-password" type="radio" name="expert-method" checked={method() === 'password'} onChange={() => setMethod('password')} />
                <label for="expert-by-password">A password I set now</label>
              </div>
            </fieldset>
            <TextField
              label={method() === 'email-code' ? 'E-mail' : 'E-mail (optional)'}
              type="email"
              value={email()}
              onInput={(e) => setEmail(e.currentTarget.value)}
              maxLength={200}
            />
            <Show when={method() === 'password'}>
              <TextField
                label="Password for the expert"
                type="password"
                autocomplete="new-password"
                hint={`At least ${MIN_PASSWORD_LENGTH} characters. Tell it to the expert another way than the link.`}
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </Show>
            <div class="field">
              <label for="expert-hours">Link valid for</label>
              <select id="expert-hours" value={hours()} onChange={(e) => setHours(e.currentTarget.value)}>
                <option value="1">1 hour</option>
                <option value="4">4 hours</option>
                <option value="24">1 day</option>
                <option value="72">3 days</option>
              </select>
            </div>
            <FormFooter error={error()} busy={busy()} busyLabel="Creating…" label="Create link" onCancel={props.onClose} />
          </form>
        }
      >
        {(l) => (
          <div class="stack">
            <div class="field">
              <label for="expert-link">One-time link for {name().trim()}</label>
              <div class="input-row">
                <input id="expert-link" class="mono" readOnly value={l().url} onFocus={(e) => e.currentTarget.select()} />
                <button
                  type="button"
                  class="button primary"
                  onClick={async () => setCopied(await copyText(l().url))}
                >
                  Copy link
                </button>
              </div>
              <p class="hint" role="status">
                {copied() === true ? 'Copied to the clipboard.' : copied() === false ? 'Copy failed: select the link and press Ctrl+C.' : ''}
              </p>
            </div>
            <p class="muted small">
              {method() === 'email-code'
                ? 'Send the link to the expert; on opening it they ask for a code, which goes to their e-mail.'
                : 'Send the link to the expert and tell them the password another way.'}{' '}
              The link works once and expires if unused.
            </p>
            <div class="actions">
              <button type="button" class="button" onClick={() => props.onClose()}>
                Done
              </button>
            </div>
          </div>
        )}
      </Show>
    </Dialog>
  );
}
