// Transfers and invitations offered to me, wherever I am in the console: accept (and open the session) or decline.
import { useNavigate } from '@solidjs/router';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { supportApi } from '../api/support.ts';
import { errorMessage } from '../api/http.ts';
import { dismissOffer, offers, onSessionEvent, type SessionOffer } from '../live/liveStore.ts';
import { toast } from '../lib/toasts.ts';

export function offerText(o: SessionOffer): string {
  return o.kind === 'transfer' ? `${o.from} wants to hand session #${o.sessionId} over to you.` : `${o.from} invites you to session #${o.sessionId}.`;
}

export function SessionOffers() {
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal<number | null>(null);
  const [errors, setErrors] = createSignal<Record<number, string>>({});
  const off = onSessionEvent((event) => {
    if (event.type === 'offer-declined' && !location.pathname.startsWith(`/sessions/${event.sessionId}`))
      toast(`${event.by} declined the ${event.kind === 'transfer' ? 'transfer' : 'invitation'} of session #${event.sessionId}.`, 'error', 6000);
  });
  onCleanup(off);

  const answer = async (o: SessionOffer, accept: boolean) => {
    setBusy(o.sessionId);
    try {
      if (accept) await supportApi.accept(o.sessionId);
      else await supportApi.decline(o.sessionId);
      dismissOffer(o.sessionId);
      if (accept) navigate(`/sessions/${o.sessionId}`);
    } catch (e) {
      setErrors((all) => ({ ...all, [o.sessionId]: errorMessage(e) }));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Show when={offers().length > 0}>
      <section class="offers" aria-label="Session offers">
        <For each={offers()}>
          {(o) => (
            <div class="offer card" role="alertdialog" aria-label={o.kind === 'transfer' ? 'Session transfer' : 'Session invitation'} aria-describedby={`offer-${o.sessionId}`}>
              <p id={`offer-${o.sessionId}`}>{offerText(o)}</p>
              <Show when={errors()[o.sessionId]}>
                <p class="field-error" role="alert">
                  {errors()[o.sessionId]}
                </p>
              </Show>
              <div class="actions">
                <button type="button" class="button small" disabled={busy() === o.sessionId} onClick={() => void answer(o, false)}>
                  Decline
                </button>
                <Show when={errors()[o.sessionId]}>
                  <button type="button" class="button small" onClick={() => dismissOffer(o.sessionId)}>
                    Dismiss
                  </button>
                </Show>
                <button type="button" class="button small primary" disabled={busy() === o.sessionId} onClick={() => void answer(o, true)}>
                  Accept
                </button>
              </div>
            </div>
          )}
        </For>
      </section>
    </Show>
  );
}
