// The conversation: each line with who wrote it and when; the newest stays in view unless the customer
// scrolled up to read.
import { createEffect, For, on, Show } from 'solid-js';
import type { SessionLogEntry } from '../../../server/protocol/support.ts';
import { sentence } from '../api/http.ts';
import { linkify } from '../lib/linkify.tsx';
import { authorKind, formatTime } from './chatLog.ts';

export function ChatList(props: { entries: SessionLogEntry[]; emptyText?: string }) {
  let list: HTMLDivElement | undefined;
  let stuckToBottom = true;
  const onScroll = () => {
    if (!list) return;
    stuckToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  };
  createEffect(
    on(
      () => props.entries.length,
      () => {
        if (list && stuckToBottom) list.scrollTop = list.scrollHeight;
      },
    ),
  );
  return (
    <div class="chat-frame">
      <Show when={props.entries.length === 0 && props.emptyText}>
        <p class="chat-empty muted">{props.emptyText}</p>
      </Show>
      {/* The log role on a box around the list, not on the <ol>: there it took the list's role away. */}
      <div class="chat-list" role="log" aria-label="Conversation" aria-live="polite" tabIndex={0} ref={list} onScroll={onScroll}>
        <ol class="chat-lines">
          <For each={props.entries}>
            {(entry) => {
              const kind = authorKind(entry);
              return (
                <li class={`chat-line ${kind}`} data-entry-id={entry.id}>
                  <Show
                    when={kind !== 'system'}
                    fallback={
                      <p class="chat-notice">
                        {sentence(entry.text)} <time datetime={entry.at}>{formatTime(entry.at)}</time>
                      </p>
                    }
                  >
                    <p class="chat-meta">
                      <span class="chat-name">{kind === 'me' ? 'You' : entry.name}</span>
                      <time datetime={entry.at}>{formatTime(entry.at)}</time>
                    </p>
                    <p class="chat-text">{linkify(entry.text)}</p>
                  </Show>
                </li>
              );
            }}
          </For>
        </ol>
      </div>
    </div>
  );
}
