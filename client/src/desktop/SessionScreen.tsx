// The session workspace's screen: the live remote desktop while the session runs (for its participants; the
// server decides who may control and who only watches), the screen recording once it is over.
import { createSignal, Show } from 'solid-js';
import type { SupportStatus } from '../../../server/protocol/support.ts';
import { DesktopView } from './DesktopView.tsx';
import { RecordingPlayer } from './RecordingPlayer.tsx';

export function SessionScreen(props: { sessionId: number; status: SupportStatus; participant: boolean }) {
  const [open, setOpen] = createSignal(true);
  return (
    <Show when={props.status === 'active'} fallback={<Show when={props.status === 'ended'}>{<RecordingPlayer sessionId={props.sessionId} />}</Show>}>
      <Show when={props.participant}>
        <section class="card stack tight" aria-labelledby="desktop-title">
          <div class="row-between">
            <h2 id="desktop-title" class="section-title">
              Remote desktop
            </h2>
            <button
              type="button"
              class="button small"
              data-testid="desktop-open"
              aria-pressed={open()}
              title={open() ? 'Stop receiving the screen (saves the customer’s bandwidth)' : 'Show the customer’s screen'}
              onClick={() => setOpen((o) => !o)}
            >
              {open() ? 'Hide screen' : 'Show screen'}
            </button>
          </div>
          <Show when={open()} fallback={<p class="muted small">The screen is hidden; nothing is streamed to you.</p>}>
            <DesktopView sessionId={props.sessionId} />
          </Show>
        </section>
      </Show>
    </Show>
  );
}
