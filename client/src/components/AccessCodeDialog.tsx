// "New session with access code": the server pre-creates a session and a 6-digit code to read over the phone.
import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { supportApi, type AccessCode } from '../api/support.ts';
import { errorMessage } from '../api/http.ts';
import { presence } from '../live/liveStore.ts';
import { me } from '../lib/session.ts';
import { createNow } from '../lib/format.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorMessage, Loading } from './ui.tsx';

/** "123 456": easier to read aloud. */
export function spacedCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

/** "9:05" left, or null once expired. */
export function countdown(expiresAt: string, now: number): string | null {
  const left = Math.ceil((Date.parse(expiresAt) - now) / 1000);
  if (!(left > 0)) return null;
  const m = Math.floor(left / 60);
  const s = left % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function AccessCodeDialog(props: { onClose: () => void; onOpenSession: (sessionId: number) => void }) {
  const now = createNow(1000);
  const [code, setCode] = createSignal<AccessCode | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [deskId, setDeskId] = createSignal<number | null>(null);
  // The desks I am in are the ones the presence push shows me in.
  const myDesks = createMemo(() => (presence() ?? []).filter((d) => d.engineers.some((e) => e.id === me()?.id)));

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      setCode(await supportApi.createCode({ deskId: deskId() }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  onMount(() => void create());
  const left = () => {
    const c = code();
    return c ? countdown(c.expiresAt, now()) : null;
  };

  return (
    <Dialog title="Session with access code" onClose={props.onClose} description="Read the code to the customer; they enter it on the help portal and land in your session.">
      <div class="stack">
        <Show when={code()} fallback={<Show when={!error()}><Loading label="Creating a code…" /></Show>}>
          {(c) => (
            <div class="access-code" classList={{ expired: left() === null }}>
              <output class="access-code-value mono" aria-label={`Access code ${c().code.split('').join(' ')}`}>
                {spacedCode(c().code)}
              </output>
              <p role="status" class="access-code-expiry">
                {left() === null ? 'This code has expired. Create a new one.' : `Expires in ${left()}`}
              </p>
              <p class="muted small">The code works once. The session waits in your session list until the customer joins.</p>
            </div>
          )}
        </Show>
        <ErrorMessage error={error()} />
        <Show when={myDesks().length > 1}>
          <div class="field">
            <label for="code-desk">Desk for the next code</label>
            <select id="code-desk" value={deskId() ?? ''} onChange={(e) => setDeskId(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
              <option value="">No particular desk</option>
              <For each={myDesks()}>{(d) => <option value={d.deskId}>{d.deskName}</option>}</For>
            </select>
          </div>
        </Show>
        <div class="actions">
          <button type="button" class="button" disabled={busy()} onClick={() => void create()}>
            New code
          </button>
          <Show when={code()}>
            {(c) => (
              <button
                type="button"
                class="button primary"
                onClick={() => {
                  props.onClose();
                  props.onOpenSession(c().sessionId);
                }}
              >
                Open the session
              </button>
            )}
          </Show>
        </div>
      </div>
    </Dialog>
  );
}
