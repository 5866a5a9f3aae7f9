// Choosing my status (available, away, busy) from the account menu; the server keeps it and every tab follows.
import { For } from 'solid-js';
import { ENGINEER_STATUSES, STATUS_LABEL, type EngineerStatus } from '../../../server/protocol/availability.ts';
import { api } from '../api/endpoints.ts';
import { errorMessage } from '../api/http.ts';
import { applyMyAvailability, myAvailability } from '../live/liveStore.ts';
import { toast } from '../lib/toasts.ts';

export const STATUS_HINT: Record<EngineerStatus, string> = {
  available: 'takes requests, hears about new ones',
  away: 'not at the desk: no new sessions, no alerts',
  busy: 'no new sessions, no alerts',
};

export const statusLabel = () => STATUS_LABEL[myAvailability()?.status ?? 'available'];

export async function chooseStatus(status: EngineerStatus): Promise<void> {
  try {
    applyMyAvailability(await api.setStatus(status));
    toast(`You are ${STATUS_LABEL[status].toLowerCase()}.`);
  } catch (e) {
    toast(`Could not change your status: ${errorMessage(e)}`, 'error');
  }
}

/** Three radio items for the account menu (role="menu"), in a group named Status. */
export function StatusMenuItems(props: { onPicked: () => void }) {
  return (
    <div role="group" aria-label="Status" class="menu-group">
      <For each={ENGINEER_STATUSES}>
        {(status) => (
          <button
            type="button"
            role="menuitemradio"
            aria-checked={(myAvailability()?.status ?? 'available') === status}
            onClick={() => {
              props.onPicked();
              void chooseStatus(status);
            }}
          >
            <span class={`dot status-${status}`} aria-hidden="true" /> {STATUS_LABEL[status]}
            <span class="muted small menu-hint"> · {STATUS_HINT[status]}</span>
          </button>
        )}
      </For>
    </div>
  );
}
