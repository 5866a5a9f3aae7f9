// The Profile's "Notifications" card: how this browser tells me about new requests, offers and customer messages.
import { Match, Show, Switch } from 'solid-js';
import {
  askNotificationPermission,
  notificationPermission,
  notificationsWanted,
  setNotificationsWanted,
  setSoundEnabled,
  soundEnabled,
} from '../lib/alertSettings.ts';
import { playChime } from '../lib/alertSound.ts';
import { myAvailability } from '../live/liveStore.ts';

export function AlertSettings() {
  return (
    <section class="card stack" aria-labelledby="profile-alerts" id="notifications">
      <h2 id="profile-alerts">Notifications</h2>
      <p class="muted small">
        New requests, sessions handed to you and customer messages show as a count on Queue and Sessions and in the tab's
        title. While you are away or busy nothing rings or pops up; the counts wait for you.
      </p>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={soundEnabled()}
          onChange={(e) => {
            setSoundEnabled(e.currentTarget.checked);
            // A click is what lets a page play sound: play it now, so the engineer hears what it will be.
            if (e.currentTarget.checked) playChime();
          }}
        />
        Play a sound in this browser
      </label>
      <Switch>
        <Match when={notificationPermission() === 'unsupported'}>
          <p class="muted small">This browser cannot show notifications.</p>
        </Match>
        <Match when={notificationPermission() === 'default'}>
          <div class="actions start">
            <button type="button" class="button" onClick={() => void askNotificationPermission()}>
              Turn on browser notifications
            </button>
          </div>
          <p class="muted small">The browser asks you once; they appear only while the console is not in front of you.</p>
        </Match>
        <Match when={notificationPermission() === 'denied'}>
          <p class="muted small" role="status">
            This browser blocks notifications from Tessera. Allow them in the browser's site settings, then reload.
          </p>
        </Match>
        <Match when={notificationPermission() === 'granted'}>
          <label class="checkbox">
            <input type="checkbox" checked={notificationsWanted()} onChange={(e) => setNotificationsWanted(e.currentTarget.checked)} />
            Show browser notifications while the console is in the background
          </label>
        </Match>
      </Switch>
      <Show when={myAvailability() && myAvailability()!.status !== 'available'}>
        <p class="muted small">You are not available now: alerts are held back (the account menu changes your status).</p>
      </Show>
    </section>
  );
}
