// window.__tesseraDesktop: lets a browser test (and anyone at the console's devtools) read the live viewer's exact
// decoded picture and its statistics, to compare the picture bit for bit with the remote screen; __tesseraPlayer
// does the same for the recording player. They expose only what the page already shows; the last mounted viewer
// (or player) owns its hook and removes it when it unmounts.
import type { Picture } from './decoderHost.ts';
import type { DesktopStats } from './statsMeter.ts';

export interface DesktopTestHook {
  /** The decoder's current picture (RGBA, A = 255), fetched from the worker after every frame received so far. */
  picture(): Promise<Picture>;
  stats(): DesktopStats;
}

/** The same for the recording player: the picture shown and where playback is. */
export interface PlayerTestHook {
  picture(): Promise<Picture>;
  /** ms since the recording's start. */
  position(): number;
  status(): string;
}

declare global {
  interface Window {
    __tesseraDesktop?: DesktopTestHook;
    __tesseraPlayer?: PlayerTestHook;
  }
}

/** Publishes the hook; the returned function removes it (only if it is still this one). */
export function exposeDesktopHook(hook: DesktopTestHook, target: Window = window): () => void {
  target.__tesseraDesktop = hook;
  return () => {
    if (target.__tesseraDesktop === hook) delete target.__tesseraDesktop;
  };
}

/** Publishes the player's hook (window.__tesseraPlayer); the returned function removes it. */
export function exposePlayerHook(hook: PlayerTestHook, target: Window = window): () => void {
  target.__tesseraPlayer = hook;
  return () => {
    if (target.__tesseraPlayer === hook) delete target.__tesseraPlayer;
  };
}
