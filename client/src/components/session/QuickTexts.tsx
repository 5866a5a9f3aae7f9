// Canned replies and common URLs in the session workspace: pick one to put into the message box or send a link.
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { MAX_QUICK_TEXTS, type CannedReply, type CommonUrl } from '../../api/support.ts';

function Popover(props: { label: string; count: number; children: (close: () => void) => import('solid-js').JSX.Element; disabled?: boolean }) {
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  const onDoc = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) setOpen(false);
  };
  const onKey = (e: KeyboardEvent) => {
    if (open() && e.key === 'Escape') {
      setOpen(false);
      root.querySelector<HTMLButtonElement>('button')?.focus();
    }
  };
  onMount(() => {
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
  });
  onCleanup(() => {
    document.removeEventListener('mousedown', onDoc);
    document.removeEventListener('keydown', onKey);
  });
  return (
    <div class="popover-anchor" ref={root}>
      <button
        type="button"
        class="button small"
        aria-expanded={open()}
        disabled={props.disabled || props.count === 0}
        title={props.count === 0 ? 'An administrator can add these under Admin' : undefined}
        onClick={() => setOpen(!open())}
      >
        {props.label}
        <span class="count">{props.count}</span>
      </button>
      <Show when={open()}>
        <div class="popover" role="group" aria-label={props.label}>
          {props.children(() => setOpen(false))}
        </div>
      </Show>
    </div>
  );
}

export function CannedRepliesPicker(props: { replies: readonly CannedReply[]; onPick: (text: string) => void; disabled?: boolean }) {
  const list = () => props.replies.slice(0, MAX_QUICK_TEXTS);
  return (
    <Popover label="Canned replies" count={list().length} disabled={props.disabled}>
      {(close) => (
        <ul class="popover-list">
          <For each={list()}>
            {(r) => (
              <li>
                <button
                  type="button"
                  class="popover-item"
                  title={r.text}
                  onClick={() => {
                    props.onPick(r.text);
                    close();
                  }}
                >
                  <strong>{r.title}</strong>
                  <span class="muted small clamp">{r.text}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      )}
    </Popover>
  );
}

export function CommonUrlsPicker(props: {
  urls: readonly CommonUrl[];
  onInsert: (url: CommonUrl) => void;
  onSend: (url: CommonUrl) => void;
  disabled?: boolean;
}) {
  const list = () => props.urls.slice(0, MAX_QUICK_TEXTS);
  return (
    <Popover label="Common URLs" count={list().length} disabled={props.disabled}>
      {(close) => (
        <ul class="popover-list">
          <For each={list()}>
            {(u) => (
              <li class="popover-row">
                <span class="grow">
                  <strong>{u.title}</strong>
                  <span class="muted small clamp">{u.url}</span>
                </span>
                <button
                  type="button"
                  class="button small"
                  aria-label={`Insert ${u.title}`}
                  onClick={() => {
                    props.onInsert(u);
                    close();
                  }}
                >
                  Insert
                </button>
                <button
                  type="button"
                  class="button small primary"
                  aria-label={`Send ${u.title} as a link`}
                  onClick={() => {
                    props.onSend(u);
                    close();
                  }}
                >
                  Send
                </button>
              </li>
            )}
          </For>
        </ul>
      )}
    </Popover>
  );
}

/** How a common URL goes into the chat: its title and the address, which the chat shows as a link. */
export const urlMessage = (u: CommonUrl) => `${u.title}: ${u.url}`;
