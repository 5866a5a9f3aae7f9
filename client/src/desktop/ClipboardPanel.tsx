// Clipboard text both ways: put text on the remote clipboard (or type it into the focused remote window), fetch
// the remote clipboard and copy it here. The agent enforces the customer's clipboard consent; without it the
// server answers with a refusal, which the viewer shows.
import { createSignal, Show } from 'solid-js';
import { MAX_CLIPBOARD_BYTES, MAX_TEXT_INPUT } from '../../../server/protocol/desktop.ts';

export interface ClipboardPanelProps {
  /** The remote clipboard as the agent last sent it. */
  received: string | null;
  allowed: boolean;
  controlling: boolean;
  onSend(text: string): void;
  onType(text: string): void;
  onRequest(): void;
}

export function ClipboardPanel(props: ClipboardPanelProps) {
  const [draft, setDraft] = createSignal('');
  const [copied, setCopied] = createSignal(false);
  const tooLong = () => draft().length > MAX_CLIPBOARD_BYTES;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.received ?? '');
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard permission: the text stays selectable in the box.
    }
  };
  return (
    <section class="desktop-clipboard" aria-label="Clipboard">
      <Show when={!props.allowed}>
        <p class="muted small">The customer has not allowed clipboard access; the agent will refuse.</p>
      </Show>
      <div class="desktop-clipboard-grid">
        <div class="field">
          <label for="desktop-clipboard-in">Text for the remote machine</label>
          <textarea
            id="desktop-clipboard-in"
            data-testid="clipboard-in"
            rows={3}
            value={draft()}
            onInput={(e) => setDraft(e.currentTarget.value)}
            placeholder="Paste or type text here…"
          />
          <div class="actions start">
            <button type="button" class="button small primary" data-testid="clipboard-send" disabled={!draft() || tooLong()} onClick={() => props.onSend(draft())}>
              Put on remote clipboard
            </button>
            <button
              type="button"
              class="button small"
              data-testid="clipboard-type"
              disabled={!draft() || !props.controlling || draft().length > MAX_TEXT_INPUT}
              title={props.controlling ? 'Types the text into the focused window' : 'Take control to type'}
              onClick={() => props.onType(draft())}
            >
              Type it
            </button>
          </div>
          <Show when={tooLong()}>
            <p class="field-error">Too long for the clipboard (1 MB at most).</p>
          </Show>
        </div>
        <div class="field">
          <label for="desktop-clipboard-out">Remote clipboard</label>
          <textarea id="desktop-clipboard-out" data-testid="clipboard-received" rows={3} readonly value={props.received ?? ''} placeholder="Nothing received yet." />
          <div class="actions start">
            <button type="button" class="button small" data-testid="clipboard-request" onClick={() => props.onRequest()}>
              Get remote clipboard
            </button>
            <button type="button" class="button small" disabled={!props.received} onClick={() => void copy()}>
              {copied() ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}
