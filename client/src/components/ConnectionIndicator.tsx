// The live link's state in the top bar: Live (with latency), Connecting, Reconnecting in Ns, Offline.
import { createMemo, createSignal, onCleanup } from 'solid-js';
import { latency, reconnectLiveNow, socketStatus } from '../live/liveStore.ts';
import type { SocketStatus } from '../live/reconnectingSocket.ts';

export function describeStatus(status: SocketStatus, now: number, rtt: number | null): { tone: string; label: string; detail: string } {
  switch (status.state) {
    case 'open':
      return { tone: 'ok', label: 'Live', detail: rtt === null ? 'Connected to the server' : `Connected, ${rtt} ms round trip` };
    case 'connecting':
      return { tone: 'warn', label: status.attempt === 0 ? 'Connecting…' : 'Reconnecting…', detail: 'Opening the live connection' };
    case 'waiting': {
      const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
      return {
        tone: 'danger',
        label: seconds > 0 ? `Offline, retry in ${seconds}s` : 'Offline, retrying…',
        detail: 'Live updates are paused. Click to retry now.',
      };
    }
    default:
      return { tone: 'subtle', label: 'Not connected', detail: 'The live connection is closed' };
  }
}

export function ConnectionIndicator() {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(timer));
  const view = createMemo(() => describeStatus(socketStatus(), now(), latency()));
  return (
    <button
      type="button"
      class={`connection ${view().tone}`}
      aria-label={`Connection: ${view().label}`}
      title={view().detail}
      onClick={() => reconnectLiveNow()}
    >
      <span class="dot" aria-hidden="true" />
      <span role="status">{view().label}</span>
    </button>
  );
}
