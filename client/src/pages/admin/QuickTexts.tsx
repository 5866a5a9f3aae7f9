// Canned replies and common URLs for the session chat: up to 30 each, in the admin's order.
import { createResource, createSignal, For, Index, Show } from 'solid-js';
import { MAX_QUICK_TEXTS, supportApi, type CannedReply, type CommonUrl } from '../../api/support.ts';
import { errorMessage } from '../../api/http.ts';
import { ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { toast } from '../../lib/toasts.ts';

/** The list with item `index` moved by `delta` places (clamped); the same list if it cannot move. */
export function moveItem<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, index + delta));
  if (to === index || index < 0 || index >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

export const limitText = (noun: string) => `You have the maximum of ${MAX_QUICK_TEXTS} ${noun}. Remove one to add another.`;

interface FieldSpec<T> {
  key: keyof T & string;
  label: string;
  multiline?: boolean;
  placeholder?: string;
  maxLength: number;
}

export interface QuickListEditorProps<T extends { title: string }> {
  title: string;
  /** Plural noun, e.g. "canned replies" */
  noun: string;
  /** Singular noun for buttons, e.g. "reply" */
  one: string;
  initial: readonly T[];
  fields: FieldSpec<T>[];
  blank: () => T;
  /** What is wrong with an item, or null. */
  check: (item: T) => string | null;
  onSave: (list: T[]) => Promise<void>;
}

export function QuickListEditor<T extends { title: string }>(props: QuickListEditorProps<T>) {
  const [items, setItems] = createSignal<T[]>(props.initial.map((i) => ({ ...i })));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [dirty, setDirty] = createSignal(false);
  const full = () => items().length >= MAX_QUICK_TEXTS;
  const change = (next: T[]) => {
    setItems(next);
    setDirty(true);
  };
  const add = () => {
    if (full()) return setError(limitText(props.noun));
    setError(null);
    change([...items(), props.blank()]);
  };
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const list = items();
    if (list.length > MAX_QUICK_TEXTS) return setError(limitText(props.noun));
    for (const [i, item] of list.entries()) {
      const problem = props.check(item);
      if (problem) return setError(`Item ${i + 1}${item.title.trim() ? ` (“${item.title.trim()}”)` : ''}: ${problem}`);
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSave(list);
      setDirty(false);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card stack" onSubmit={save} noValidate aria-label={props.title}>
      <div class="row-between">
        <h2>{props.title}</h2>
        <span class="muted small" aria-live="polite">
          {items().length} of {MAX_QUICK_TEXTS}
        </span>
      </div>
      <Show when={items().length > 0} fallback={<p class="muted">None yet.</p>}>
        <ol class="quick-list">
          <Index each={items()}>
            {(item, index) => (
              <li class="quick-item">
                <div class="quick-fields">
                  <For each={props.fields}>
                    {(spec) => {
                      const id = `${props.one}-${index}-${spec.key}`;
                      const set = (value: string) => change(items().map((x, i) => (i === index ? { ...x, [spec.key]: value } : x)));
                      return (
                        <div class="field" classList={{ grow: spec.multiline || spec.key !== 'title' }}>
                          <label for={id}>{spec.label}</label>
                          <Show
                            when={spec.multiline}
                            fallback={
                              <input id={id} value={String(item()[spec.key] ?? '')} maxLength={spec.maxLength} placeholder={spec.placeholder} onInput={(e) => set(e.currentTarget.value)} />
                            }
                          >
                            <textarea id={id} rows={2} value={String(item()[spec.key] ?? '')} maxLength={spec.maxLength} placeholder={spec.placeholder} onInput={(e) => set(e.currentTarget.value)} />
                          </Show>
                        </div>
                      );
                    }}
                  </For>
                </div>
                <div class="quick-buttons">
                  <button type="button" class="icon-button" aria-label={`Move ${props.one} ${index + 1} up`} disabled={index === 0} onClick={() => change(moveItem(items(), index, -1))}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class="icon-button"
                    aria-label={`Move ${props.one} ${index + 1} down`}
                    disabled={index === items().length - 1}
                    onClick={() => change(moveItem(items(), index, 1))}
                  >
                    ↓
                  </button>
                  <button type="button" class="icon-button" aria-label={`Remove ${props.one} ${index + 1}`} onClick={() => change(items().filter((_, i) => i !== index))}>
                    ×
                  </button>
                </div>
              </li>
            )}
          </Index>
        </ol>
      </Show>
      <Show when={full()}>
        <p class="hint">{limitText(props.noun)}</p>
      </Show>
      <ErrorMessage error={error()} />
      <div class="actions start">
        <button type="button" class="button" disabled={full()} onClick={add}>
          Add {props.one}
        </button>
        <button type="submit" class="button primary" disabled={busy()}>
          {busy() ? 'Saving…' : `Save ${props.noun}`}
        </button>
        <Show when={dirty()}>
          <span class="muted small">Unsaved changes</span>
        </Show>
      </div>
    </form>
  );
}

export const checkReply = (r: CannedReply) => (!r.title.trim() ? 'give it a title.' : !r.text.trim() ? 'write the reply text.' : null);
export const checkUrl = (u: CommonUrl) =>
  !u.title.trim() ? 'give it a title.' : !/^https?:\/\/\S+$/i.test(u.url.trim()) ? 'the address must start with http:// or https://' : null;

export function QuickTextsPage() {
  const [replies, { mutate: setReplies }] = createResource(supportApi.cannedReplies);
  const [urls, { mutate: setUrls }] = createResource(supportApi.commonUrls);
  return (
    <div class="page">
      <PageHeader title="Canned replies and common URLs" subtitle="Ready-made chat messages and links engineers insert with one click in a session." />
      <div class="grid two">
        <Show when={!replies.error} fallback={<ErrorMessage error={errorMessage(replies.error)} />}>
          <Show when={replies()} fallback={<Loading />}>
            {(list) => (
              <QuickListEditor<CannedReply>
                title="Canned replies"
                noun="canned replies"
                one="reply"
                initial={list()}
                fields={[
                  { key: 'title', label: 'Title', maxLength: 80, placeholder: 'Restart' },
                  { key: 'text', label: 'Text', multiline: true, maxLength: 4000, placeholder: 'Please restart your computer and tell me when it is back.' },
                ]}
                blank={() => ({ title: '', text: '' })}
                check={checkReply}
                onSave={async (next) => {
                  setReplies(await supportApi.saveCannedReplies(next.map((r) => ({ title: r.title.trim(), text: r.text.trim() }))));
                  toast('Canned replies saved.');
                }}
              />
            )}
          </Show>
        </Show>
        <Show when={!urls.error} fallback={<ErrorMessage error={errorMessage(urls.error)} />}>
          <Show when={urls()} fallback={<Loading />}>
            {(list) => (
              <QuickListEditor<CommonUrl>
                title="Common URLs"
                noun="common URLs"
                one="URL"
                initial={list()}
                fields={[
                  { key: 'title', label: 'Title', maxLength: 80, placeholder: 'Status page' },
                  { key: 'url', label: 'Address', maxLength: 2000, placeholder: 'https://status.example.com' },
                ]}
                blank={() => ({ title: '', url: '' })}
                check={checkUrl}
                onSave={async (next) => {
                  setUrls(await supportApi.saveCommonUrls(next.map((u) => ({ title: u.title.trim(), url: u.url.trim() }))));
                  toast('Common URLs saved.');
                }}
              />
            )}
          </Show>
        </Show>
      </div>
    </div>
  );
}
