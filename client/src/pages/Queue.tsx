import { createMemo, Show } from 'solid-js';
import { EmptyState, PageHeader } from '../components/ui.tsx';
import { presence, socketStatus } from '../live/liveStore.ts';
import { desks } from '../lib/directory.ts';
import { plural } from '../lib/format.ts';

export function QueuePage() {
  const staffed = createMemo(() => (presence() ?? []).filter((p) => p.engineers.length > 0).length);
  return (
    <div class="page">
      <PageHeader title="Queue" subtitle="Requests waiting for an engineer in your desks, live." />
      <Show when={desks() && presence()}>
        <p class="muted small">
          {plural(staffed(), 'desk')} of {desks()?.length ?? 0} staffed right now
          {socketStatus().state === 'open' ? '' : ' (live updates paused)'}.
        </p>
      </Show>
      <EmptyState title="No requests waiting" icon="☰">
        <p>
          Help requests will appear here as they arrive: from the customer portal, the help button on your web
          site, an agent's "request help", or a 6-digit access code you give on the phone.
        </p>
        <p>Every online engineer of the desk sees the same queue; the first one to take a request owns the session.</p>
      </EmptyState>
    </div>
  );
}
