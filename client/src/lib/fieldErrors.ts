// A form's problems shown at the fields they belong to. Nothing is said before the first submit; from then on the
// problems are worked out again from the current values, so one goes away the moment its field is right (a banner
// that still says "Enter a username." after the user typed one is worse than none).
import { createSignal } from 'solid-js';

export type Problems<K extends string> = Partial<Record<K, string | null | undefined>>;

export interface FieldErrors<K extends string> {
  /** The problem to show at a field now, or null. */
  at(field: K): string | null;
  /**
   * Call on submit: true when the values can be sent. Otherwise the problems show and focus moves to the first
   * field marked invalid inside `form`, so a keyboard or screen-reader user lands where the fix is needed.
   */
  check(form?: HTMLFormElement | null): boolean;
  /** Forget the submit (after a successful save the form starts quiet again). */
  reset(): void;
}

export function createFieldErrors<K extends string>(problems: () => Problems<K>): FieldErrors<K> {
  const [shown, setShown] = createSignal(false);
  return {
    at: (field) => (shown() ? (problems()[field] ?? null) || null : null),
    check(form) {
      setShown(true);
      const ok = !Object.values(problems()).some(Boolean);
      if (!ok && form) queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return ok;
    },
    reset: () => setShown(false),
  };
}
