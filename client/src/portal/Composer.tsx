// Writing to the engineer: Enter sends, Shift+Enter starts a new line; a failed send keeps the text.
import { createSignal, createUniqueId, Show } from 'solid-js';
import { errorMessage } from '../api/http.ts';
import { MAX_CHAT_CHARS } from './api.ts';

export function Composer(props: { onSend: (text: string) => Promise<void>; disabled?: boolean; placeholder?: string }) {
  const id = createUniqueId();
  const [text, setText] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let input: HTMLTextAreaElement | undefined;

  const tooLong = () => text().length > MAX_CHAT_CHARS;
  const send = async () => {
    const value = text().trim();
    if (!value || busy() || props.disabled) return;
    if (tooLong()) {
      setError(`A message can have at most ${MAX_CHAT_CHARS} characters.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSend(value);
      setText('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      input?.focus();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <label for={id} class="visually-hidden">
        Message
      </label>
      <textarea
        id={id}
        ref={input}
        rows={2}
        value={text()}
        placeholder={props.placeholder ?? 'Write a message…'}
        disabled={props.disabled}
        aria-invalid={tooLong() || undefined}
        aria-describedby={`${id}-help`}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" class="button primary" disabled={busy() || props.disabled || !text().trim()}>
        Send
      </button>
      <p class="hint" id={`${id}-help`}>
        <Show when={tooLong()} fallback="Enter sends, Shift+Enter starts a new line.">
          {text().length} / {MAX_CHAT_CHARS} characters: too long.
        </Show>
      </p>
      <Show when={error()}>
        <p class="error-message" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}
