// "Screenshot": pastes the customer's screen, as the server has it, into the chat (a PNG session file the chat shows
// as a thumbnail). Also on Ctrl+Alt+Shift+P anywhere in the workspace, even while the remote screen has the keyboard:
// the key is caught before the viewer sends keys to the remote machine.
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { SessionLogEntry } from '../../../../server/protocol/support.ts';
import type { SessionFile } from '../../api/support.ts';
import { errorMessage, request } from '../../api/http.ts';

export const SCREENSHOT_KEYS = 'Ctrl+Alt+Shift+P';

export function takeScreenshot(sessionId: number): Promise<{ file: SessionFile; entry: SessionLogEntry }> {
  return request('POST', `/api/sessions/${sessionId}/screenshot`);
}

/** Ctrl+Alt+Shift+P by physical key (any layout), like the viewer's own shortcuts (desktop/viewerShortcuts.ts). */
export function isScreenshotShortcut(e: Pick<KeyboardEvent, 'code' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>): boolean {
  return e.code === 'KeyP' && e.ctrlKey && e.altKey && e.shiftKey && !e.metaKey;
}

export function ScreenshotButton(props: { sessionId: number; onTaken?: (entry: SessionLogEntry) => void }) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const take = async () => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      const { entry } = await takeScreenshot(props.sessionId);
      props.onTaken?.(entry);
    } catch (e) {
      setError(`Screenshot failed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isScreenshotShortcut(e) || e.repeat) return;
      e.preventDefault();
      e.stopPropagation();
      void take();
    };
    // Capture phase: before the remote screen's own key handling.
    window.addEventListener('keydown', onKey, true);
    onCleanup(() => window.removeEventListener('keydown', onKey, true));
  });
  return (
    <>
      <button
        type="button"
        class="button small"
        data-testid="screenshot"
        disabled={busy()}
        aria-busy={busy()}
        title={`Paste the customer’s screen into the chat (${SCREENSHOT_KEYS})`}
        onClick={() => void take()}
      >
        {busy() ? 'Taking screenshot…' : 'Screenshot'}
      </button>
      <Show when={error()}>
        <span class="field-error small" role="alert">
          {error()}
        </span>
      </Show>
    </>
  );
}
