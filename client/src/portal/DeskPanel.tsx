// One way in: a desk (or "whoever is free") with its Chat and Remote assistance buttons, lit only while an
// engineer is online there.
import { createUniqueId } from 'solid-js';
import type { SupportChannel } from '../../../server/protocol/support.ts';

export function DeskPanel(props: { name: string; description?: string; online: boolean; onChoose: (channel: SupportChannel) => void }) {
  const headingId = createUniqueId();
  return (
    <section class="card desk" classList={{ online: props.online }} role="group" aria-labelledby={headingId}>
      <div class="desk-head">
        <h2 id={headingId}>{props.name}</h2>
        <span class="status-pill" classList={{ ok: props.online }}>
          <span class="dot" classList={{ ok: props.online }} aria-hidden="true" />
          {props.online ? 'Online' : 'Offline'}
        </span>
      </div>
      <p class="muted small">
        {props.online
          ? (props.description ?? 'An engineer is available now.')
          : 'Nobody is online here right now. Please try again later or use the contact details on this page.'}
      </p>
      <div class="actions start desk-actions">
        <button type="button" class="button primary" disabled={!props.online} onClick={() => props.onChoose('chat')}>
          Chat
        </button>
        <button type="button" class="button" disabled={!props.online} onClick={() => props.onChoose('remote')}>
          Remote assistance
        </button>
      </div>
    </section>
  );
}
