// Tells the customer whether their screen is recorded: the desk's policy before they share it, and plainly while
// the recording runs (the session pushes recordingNow as it starts and stops).
import { Match, Show, Switch } from 'solid-js';
import type { PortalSession } from '../../../server/protocol/support.ts';

export function RecordingNotice(props: { session: PortalSession }) {
  const s = () => props.session;
  return (
    <Show when={s().recordingNow || (s().channel === 'remote' && s().status !== 'ended')}>
      <p class="recording-notice" role="status" data-testid="recording-notice" data-recording={s().recordingNow ? 'now' : s().recording}>
        <Switch>
          <Match when={s().recordingNow}>
            <strong>● Your screen is being recorded now.</strong> You can stop sharing at any time from the support app.
          </Match>
          <Match when={s().recording === 'always'}>When you share your screen, this help desk records what it sees for its records.</Match>
          <Match when={s().recording === 'ask'}>This help desk records your screen only if you allow it in the support app.</Match>
          <Match when={s().recording === 'never'}>This help desk does not record your screen.</Match>
        </Switch>
      </p>
    </Show>
  );
}
