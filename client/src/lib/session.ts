// Who is signed in, and whether the server still needs its first-start setup.
import { createSignal } from 'solid-js';
import type { Me } from '../../../server/protocol/api.ts';
import { api } from '../api/endpoints.ts';
import { ApiError, errorMessage } from '../api/http.ts';

export type BootState =
  | { state: 'loading' }
  | { state: 'setup' }
  | { state: 'ready'; version: string }
  | { state: 'unreachable'; message: string };

const [boot, setBoot] = createSignal<BootState>({ state: 'loading' });
const [me, setMe] = createSignal<Me | null>(null);
/** A note for the login page, e.g. "Your session has ended". */
const [signInNotice, setSignInNotice] = createSignal<string | null>(null);
/** Bumped when the avatar changes so <img> URLs refresh. */
const [avatarVersion, setAvatarVersion] = createSignal(Date.now());

export { boot, me, setMe, signInNotice, setSignInNotice, avatarVersion };

export function bumpAvatar(): void {
  setAvatarVersion(Date.now());
}

export function markSetupRequired(): void {
  setMe(null);
  setBoot({ state: 'setup' });
}

export function markSetupDone(version?: string): void {
  setBoot({ state: 'ready', version: version ?? '' });
}

/** Health first (is setup needed? is the server there?), then the current session if any. */
export async function bootstrap(): Promise<void> {
  setBoot({ state: 'loading' });
  try {
    const health = await api.health();
    if (health.setupRequired) {
      setMe(null);
      setBoot({ state: 'setup' });
      return;
    }
    try {
      setMe(await api.me());
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setMe(null);
    }
    setBoot({ state: 'ready', version: health.version });
  } catch (error) {
    setBoot({ state: 'unreachable', message: errorMessage(error) });
  }
}

/** Re-checks the session after the live socket keeps failing; a 401 means the session is over. */
export async function verifySession(): Promise<boolean> {
  try {
    setMe(await api.me());
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      endSession('Your session has ended. Please sign in again.');
      return false;
    }
    return true; // unreachable server: keep the session, the socket keeps retrying
  }
}

export function endSession(notice: string | null = null): void {
  if (me()) setSignInNotice(notice);
  setMe(null);
}
