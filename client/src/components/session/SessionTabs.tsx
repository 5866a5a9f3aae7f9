// The engineer's live sessions as tabs above the workspace: one click (or Tab and Enter) to the next customer.
// They are links, so each session keeps its address, and the browser's back button works.
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { SessionSummary } from '../../../../server/protocol/support.ts';
import { attention } from '../../live/attention.ts';
import { customerTitle } from '../CustomerValues.tsx';

export function SessionTabs(props: { sessions: readonly SessionSummary[]; current: number; myId: number }) {
  const live = () => props.sessions.filter((s) => s.status !== 'ended' && s.participants.some((p) => p.id === props.myId));
  return (
    <Show when={live().length > 1 || (live().length === 1 && live()[0]!.id !== props.current)}>
      <nav class="session-tabs" aria-label="Your sessions">
        <ul>
          <For each={live()}>
            {(s) => (
              <li>
                <A
                  href={`/sessions/${s.id}`}
                  class="session-tab"
                  classList={{ current: s.id === props.current }}
                  aria-current={s.id === props.current ? 'page' : undefined}
                  data-session-id={s.id}
                >
                  <span class="dot" classList={{ ok: s.status === 'active', warn: s.status !== 'active' }} aria-hidden="true" />
                  <span class="session-tab-name">{customerTitle(s.customer)}</span>
                  <span class="muted small">#{s.id}</span>
                  <Show when={s.id !== props.current && attention.unreadIn(s.id) > 0}>
                    <span class="count attention">
                      {attention.unreadIn(s.id)}
                      <span class="visually-hidden"> new</span>
                    </span>
                  </Show>
                </A>
              </li>
            )}
          </For>
        </ul>
      </nav>
    </Show>
  );
}
