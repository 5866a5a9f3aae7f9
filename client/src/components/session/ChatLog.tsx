// A session's conversation and operations, in order: chat lines as messages, everything else as quiet notes.
import { createEffect, For, on, Show, type JSX } from 'solid-js';
import type { SessionLogEntry } from '../../../../server/protocol/support.ts';
import { formatDateTime } from '../../lib/format.ts';
import { linkify } from '../../lib/linkify.tsx';
import { ScreenshotThumb } from './ScreenshotThumb.tsx';

/** Adds entries to a list by id, in id order, without duplicates (pushes and fetches may overlap). */
export function mergeEntries(list: readonly SessionLogEntry[], more: readonly SessionLogEntry[]): SessionLogEntry[] {
  if (!more.length) return list as SessionLogEntry[];
  const byId = new Map(list.map((e) => [e.id, e]));
  for (const e of more) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function ChatLog(props: { entries: readonly SessionLogEntry[]; selfActor?: string; label?: string; showOperations?: boolean }) {
  let list!: HTMLDivElement;
  // Follow new lines when the reader is at the bottom already.
  createEffect(
    on(
      () => props.entries.length,
      () => {
        if (!list) return;
        const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
        if (nearBottom || list.scrollTop === 0) queueMicrotask(() => (list.scrollTop = list.scrollHeight));
      },
    ),
  );
  const visible = () => (props.showOperations === false ? props.entries.filter((e) => e.kind === 'chat') : props.entries);
  return (
    // The log role sits on a box around the list: on the <ol> itself it replaced the list role, and the lines were
    // no longer a list of so many items to a screen reader.
    <div ref={list} class="chat-log" role="log" aria-label={props.label ?? 'Conversation'} aria-live="polite" tabIndex={0}>
      <ol class="chat-lines">
        <For each={visible()} fallback={<li class="muted small chat-empty">No messages yet.</li>}>
          {(entry) => (
            <Show
              when={entry.kind === 'chat'}
              fallback={
                <li class="chat-note" data-kind={entry.kind}>
                  <span class="muted small" title={formatDateTime(entry.at)}>
                    {time.format(new Date(entry.at))}
                  </span>{' '}
                  <span>
                    {entry.actor === 'system' ? '' : `${entry.name} `}
                    {entry.text}
                  </span>
                </li>
              }
            >
              <li
                class="chat-message"
                classList={{
                  mine: entry.actor === props.selfActor,
                  customer: entry.actor === 'customer',
                  expert: entry.actor.startsWith('expert:'),
                }}
              >
                <div class="chat-meta">
                  <strong>{entry.name}</strong>{' '}
                  <span class="muted small" title={formatDateTime(entry.at)}>
                    {time.format(new Date(entry.at))}
                  </span>
                </div>
                <div class="chat-text">{linkify(entry.text)}</div>
                <Show when={entry.screenshot}>{(shot) => <ScreenshotThumb shot={shot()} />}</Show>
              </li>
            </Show>
          )}
        </For>
      </ol>
    </div>
  );
}

/** The message box: Enter sends, Shift+Enter breaks the line. */
export function Composer(props: {
  value: string;
  onInput: (value: string) => void;
  onSend: (text: string) => Promise<void>;
  disabled?: boolean;
  busy?: boolean;
  maxLength?: number;
  ref?: (el: HTMLTextAreaElement) => void;
  children?: JSX.Element;
}) {
  const send = () => {
    const text = props.value.trim();
    if (!text || props.busy || props.disabled) return;
    void props.onSend(text);
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for="chat-message" class="visually-hidden">
        Message
      </label>
      <textarea
        ref={props.ref}
        id="chat-message"
        rows={2}
        placeholder="Write a message. Enter sends, Shift+Enter for a new line."
        value={props.value}
        maxLength={props.maxLength ?? 4000}
        disabled={props.disabled}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <div class="composer-actions">
        {props.children}
        <button type="submit" class="button primary" disabled={props.disabled || props.busy || !props.value.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
