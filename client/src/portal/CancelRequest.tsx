// Withdrawing a request nobody has taken yet (the customer solved it, or asked at the wrong desk). The server
// decides atomically against an engineer taking it; if the engineer was first, the customer is told so and stays.
import { createSignal, Show } from 'solid-js';
import { portalApi } from './api.ts';

export function CancelRequest(props: { token: string; onCancelled: () => void }) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');

  async function cancel() {
    setBusy(true);
    setError('');
    try {
      await portalApi.cancel(props.token);
      props.onCancelled();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="actions start">
      <button type="button" class="button" disabled={busy()} onClick={cancel}>
        {busy() ? 'Withdrawing…' : 'Withdraw my request'}
      </button>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}
