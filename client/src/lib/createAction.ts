// The busy / error / finally around every button that calls the server: `run` does the work once at a time,
// `busy` says it is running (the button shows "Saving…"), `error` holds the server's reason in words.
import { createSignal } from 'solid-js';
import { errorMessage } from '../api/http.ts';

export interface Action<A extends unknown[]> {
  /** Runs the work unless it is already running; resolves true when it succeeded. */
  run: (...args: A) => Promise<boolean>;
  busy: () => boolean;
  error: () => string | null;
  setError: (message: string | null) => void;
}

export function createAction<A extends unknown[]>(work: (...args: A) => Promise<unknown>): Action<A> {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  return {
    async run(...args) {
      if (busy()) return false;
      setBusy(true);
      setError(null);
      try {
        await work(...args);
        return true;
      } catch (e) {
        setError(errorMessage(e));
        return false;
      } finally {
        setBusy(false);
      }
    },
    busy,
    error,
    setError,
  };
}
