// "Push URL": opens an address in the customer's default browser through their agent (and puts it in the chat, so
// they keep the link). The admin's common URLs are offered as suggestions. Checked here with the same rule as the
// server and the agent (http(s) only, at most 2048 characters), so a typo is explained before anything is sent.
import { createSignal, createUniqueId, For, onCleanup, onMount, Show } from 'solid-js';
import { checkPushUrl, MAX_PUSH_URL_CHARS } from '../../../../server/protocol/agent.ts';
import type { SessionLogEntry } from '../../../../server/protocol/support.ts';
import { errorMessage } from '../../api/http.ts';
import { sessionActionsApi, type SessionActionsApi } from '../../api/sessionActions.ts';
import { MAX_QUICK_TEXTS, type CommonUrl } from '../../api/support.ts';
import { toast } from '../../lib/toasts.ts';

export function PushUrl(props: {
  sessionId: number;
  urls: readonly CommonUrl[];
  disabled?: boolean;
  /** The chat line the server wrote (so the workspace shows it before the push arrives). */
  onPushed?: (chat: SessionLogEntry) => void;
  api?: Pick<SessionActionsApi, 'pushUrl'>;
}) {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(false);
  const [value, setValue] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [sending, setSending] = createSignal(false);
  let root!: HTMLDivElement;
  let input: HTMLInputElement | undefined;
  let toggle!: HTMLButtonElement;

  const close = (focusToggle = false) => {
    setOpen(false);
    setError(null);
    if (focusToggle) toggle.focus();
  };
  const onDoc = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) close();
  };
  const onKey = (e: KeyboardEvent) => {
    if (open() && e.key === 'Escape') close(true);
  };
  onMount(() => {
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
  });
  onCleanup(() => {
    document.removeEventListener('mousedown', onDoc);
    document.removeEventListener('keydown', onKey);
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    if (sending()) return;
    const checked = checkPushUrl(value().trim());
    if ('error' in checked) {
      setError(`${checked.error.charAt(0).toUpperCase()}${checked.error.slice(1)}.`);
      input?.focus();
      return;
    }
    setSending(true);
    setError(null);
    try {
      const res = await (props.api ?? sessionActionsApi).pushUrl(props.sessionId, checked.url);
      props.onPushed?.(res.chat);
      toast(`Opened ${res.url} in the customer’s browser.`);
      setValue('');
      close(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <div class="popover-anchor" ref={root}>
      <button
        ref={toggle}
        type="button"
        class="button small"
        aria-expanded={open()}
        aria-controls={`${id}-form`}
        disabled={props.disabled}
        title="Open a web page in the customer’s default browser (needs their agent)"
        onClick={() => {
          setOpen(!open());
          if (open()) queueMicrotask(() => input?.focus());
        }}
      >
        Push URL
      </button>
      <Show when={open()}>
        {/* Not a <form>: it sits inside the chat composer's form, and Enter here must not send the chat message. */}
        <div id={`${id}-form`} class="popover stack tight" role="group" aria-label="Push URL">
          <label for={`${id}-url`} class="small">
            Open in the customer’s browser
          </label>
          <input
            ref={input}
            id={`${id}-url`}
            type="url"
            inputmode="url"
            placeholder="https://"
            maxLength={MAX_PUSH_URL_CHARS}
            list={`${id}-suggestions`}
            value={value()}
            aria-invalid={error() !== null}
            aria-describedby={error() ? `${id}-error` : undefined}
            onInput={(e) => {
              setValue(e.currentTarget.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void submit(e);
            }}
          />
          <datalist id={`${id}-suggestions`}>
            <For each={props.urls.slice(0, MAX_QUICK_TEXTS)}>{(u) => <option value={u.url}>{u.title}</option>}</For>
          </datalist>
          <Show when={props.urls.length > 0}>
            <ul class="popover-list" aria-label="Common URLs">
              <For each={props.urls.slice(0, MAX_QUICK_TEXTS)}>
                {(u) => (
                  <li>
                    <button type="button" class="popover-item" title={u.url} onClick={() => (setValue(u.url), setError(null), input?.focus())}>
                      <strong>{u.title}</strong>
                      <span class="muted small clamp">{u.url}</span>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={error()}>
            <p id={`${id}-error`} class="field-error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="actions">
            <button type="button" class="button small" onClick={() => close(true)}>
              Cancel
            </button>
            <button type="button" class="button small primary" disabled={sending() || !value().trim()} onClick={(e) => void submit(e)}>
              {sending() ? 'Opening…' : 'Open on their computer'}
            </button>
          </div>
        </div>
      </Show>
    </div>
  );
}
