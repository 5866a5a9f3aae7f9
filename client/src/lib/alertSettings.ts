// How this browser tells the engineer about new work: a sound (off until they turn it on: consoles often run in
// shared offices) and browser notifications (on once the browser allows them). Kept in localStorage, per browser.
import { createSignal } from 'solid-js';

export const SOUND_SETTING_KEY = 'tessera.alerts.sound';
export const NOTIFY_SETTING_KEY = 'tessera.alerts.notifications';

function stored(key: string, fallback: boolean): boolean {
  try {
    const v = localStorage.getItem(key);
    return v === null ? fallback : v === 'on';
  } catch {
    return fallback;
  }
}

function remember(key: string, on: boolean): void {
  try {
    localStorage.setItem(key, on ? 'on' : 'off');
  } catch {
    // No storage (private mode): the choice holds until the page is closed.
  }
}

const [sound, setSound] = createSignal(stored(SOUND_SETTING_KEY, false));
const [notify, setNotify] = createSignal(stored(NOTIFY_SETTING_KEY, true));

export const soundEnabled = sound;
export const notificationsWanted = notify;

export function setSoundEnabled(on: boolean): void {
  setSound(on);
  remember(SOUND_SETTING_KEY, on);
}

export function setNotificationsWanted(on: boolean): void {
  setNotify(on);
  remember(NOTIFY_SETTING_KEY, on);
}

export type NotificationPermissionState = NotificationPermission | 'unsupported';

const supported = () => typeof window !== 'undefined' && 'Notification' in window;
const [permission, setPermission] = createSignal<NotificationPermissionState>(supported() ? Notification.permission : 'unsupported');

/** What the browser allows: 'default' (not asked yet), 'granted', 'denied' (only the browser's settings undo it). */
export const notificationPermission = permission;

/** Asks the browser once, from a click (browsers ignore or block a request without one). */
export async function askNotificationPermission(): Promise<NotificationPermissionState> {
  if (!supported()) return 'unsupported';
  const answer = await Notification.requestPermission();
  setPermission(answer);
  if (answer === 'granted') setNotificationsWanted(true);
  return answer;
}

// Another tab of the console changed a setting.
if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => {
    if (e.key === SOUND_SETTING_KEY) setSound(stored(SOUND_SETTING_KEY, false));
    if (e.key === NOTIFY_SETTING_KEY) setNotify(stored(NOTIFY_SETTING_KEY, true));
  });
