import { For } from 'solid-js';
import { dismissToast, toasts } from '../lib/toasts.ts';

export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(t) => (
          <div class={`toast ${t.tone}`}>
            <span>{t.text}</span>
            <button type="button" class="icon-button" aria-label="Dismiss notification" onClick={() => dismissToast(t.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
