// Opens an address an engineer pushed (`open-url`) in the user's default browser with xdg-open. The address was
// checked by parseServerMessage and again by the session controller; it is checked once more here, because this is
// the last step before another program runs. xdg-open gets it as its single argument, never through a shell, and
// the address is normalised by URL (it starts with http: or https:, so it can never be read as an option).
import { spawn } from 'node:child_process';
import { checkPushUrl } from '../../server/protocol/agent.ts';

/** Resolves once the browser is on its way; rejects with why it could not be opened. */
export type UrlOpener = (url: string) => Promise<void>;

export interface XdgOpenOptions {
  /** The X display the agent serves (default: the agent's own $DISPLAY). */
  display?: string;
  /** Environment of xdg-open (default process.env; tests put a stand-in xdg-open first on PATH). */
  env?: NodeJS.ProcessEnv;
  /**
   * xdg-open normally exits at once, but with some browsers it waits for the browser to close: still running after
   * this long means the browser is up.
   */
  settleMs?: number;
}

export function xdgOpen(options: XdgOpenOptions = {}): UrlOpener {
  return (url) =>
    new Promise<void>((resolve, reject) => {
      const checked = checkPushUrl(url);
      if ('error' in checked) return reject(new Error(checked.error));
      const env = { ...(options.env ?? process.env) };
      if (options.display) env.DISPLAY = options.display;
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => settle(), options.settleMs ?? 3000);
      timer.unref?.();
      try {
        // Detached, so the browser it starts outlives an attended agent that finishes right after the session.
        const child = spawn('xdg-open', [checked.url], { detached: true, stdio: 'ignore', env, shell: false });
        child.once('error', (error) => settle(new Error(`cannot run xdg-open (${error.message})`)));
        child.once('exit', (code, signal) => settle(code === 0 ? undefined : new Error(`xdg-open failed (${signal ?? `exit code ${code}`})`)));
        child.unref();
      } catch (error) {
        settle(new Error(`cannot run xdg-open (${(error as Error).message})`));
      }
    });
}
