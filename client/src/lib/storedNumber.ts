// A number this browser remembers (a panel's width): read once, clamped to what the layout allows, written back
// on change. Storage may be missing (private mode) or hold garbage; both give the default.
import { createSignal, type Accessor } from 'solid-js';

export function createStoredNumber(key: string, fallback: number, min: number, max: number): [Accessor<number>, (next: number) => void] {
  const clamp = (n: number) => Math.min(max, Math.max(min, Math.round(n)));
  let initial = fallback;
  try {
    const stored = Number(localStorage.getItem(key));
    if (localStorage.getItem(key) !== null && Number.isFinite(stored)) initial = stored;
  } catch {
    // no storage: the default
  }
  const [value, setValue] = createSignal(clamp(initial));
  const set = (next: number) => {
    const v = clamp(next);
    setValue(v);
    try {
      localStorage.setItem(key, String(v));
    } catch {
      // no storage: the width holds until the page is closed
    }
  };
  return [value, set];
}
