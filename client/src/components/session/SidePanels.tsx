// Beside the chat: the engineer's notes (saved as they type), the customer's earlier sessions, and the parts
// that need the agent on the customer's machine (shown, honestly disabled).
import { A } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { supportApi } from '../../api/support.ts';
import { errorMessage } from '../../api/http.ts';
import { formatDateTime } from '../../lib/format.ts';
import { customerTitle } from '../CustomerValues.tsx';
import { ErrorMessage, Loading } from '../ui.tsx';

export const NOTES_SAVE_DELAY_MS = 800;

export function NotesPanel(props: { sessionId: number; initial: string; readOnly?: boolean }) {
  const [text, setText] = createSignal(props.initial);
  const [state, setState] = createSignal<'saved' | 'dirty' | 'saving' | 'error'>('saved');
  const [error, setError] = createSignal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saved = props.initial;

  const save = async () => {
    clearTimeout(timer);
    const value = text();
    if (value === saved) return setState('saved');
    setState('saving');
    try {
      await supportApi.saveNotes(props.sessionId, value);
      saved = value;
      setError(null);
      setState(text() === value ? 'saved' : 'dirty');
    } catch (e) {
      setError(errorMessage(e));
      setState('error');
    }
  };
  onCleanup(() => {
    if (text() !== saved) void save();
    clearTimeout(timer);
  });
  const status = () =>
    ({ saved: 'All changes saved', dirty: 'Unsaved changes…', saving: 'Saving…', error: 'Not saved' })[state()];

  return (
    <section class="card stack tight" aria-labelledby="notes-title">
      <div class="row-between">
        <h2 id="notes-title" class="section-title">
          Notes
        </h2>
        <span class="muted small" role="status">
          {props.readOnly ? '' : status()}
        </span>
      </div>
      <label for="session-notes" class="visually-hidden">
        Engineer notes
      </label>
      <textarea
        id="session-notes"
        rows={5}
        maxLength={10_000}
        readOnly={props.readOnly}
        placeholder={props.readOnly ? 'No notes.' : 'What you found and did. Shown with this customer’s next request.'}
        value={text()}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setState('dirty');
          clearTimeout(timer);
          timer = setTimeout(() => void save(), NOTES_SAVE_DELAY_MS);
        }}
        onBlur={() => void save()}
      />
      <ErrorMessage error={error()} />
    </section>
  );
}

export function HistoryPanel(props: { sessionId: number }) {
  const [history] = createResource(() => props.sessionId, supportApi.history);
  return (
    <section class="card stack tight" aria-labelledby="history-title">
      <h2 id="history-title" class="section-title">
        Earlier sessions of this customer
      </h2>
      <Show when={!history.error} fallback={<ErrorMessage error={errorMessage(history.error)} />}>
        <Show when={history()} fallback={<Loading />}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p class="muted small">None found: this looks like their first request.</p>}>
              <ul class="history-list">
                <For each={list()}>
                  {(h) => (
                    <li>
                      <A href={`/sessions/${h.id}`}>
                        #{h.id} · {formatDateTime(h.createdAt)}
                      </A>{' '}
                      <span class="muted small">{customerTitle(h.customer)}</span>
                      <Show when={h.notes.trim()} fallback={<p class="muted small">No notes.</p>}>
                        <p class="history-notes">{h.notes}</p>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </Show>
    </section>
  );
}

