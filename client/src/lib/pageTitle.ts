// The page title carries what waits for the engineer, "(3) Queue · Tessera", so a background tab says it too.
import { createSignal } from 'solid-js';

const COUNT_PREFIX = /^\(\d+\) /;
const [count, setCount] = createSignal(0);

/** The title with the current count in front (none at 0). Reactive: read in an effect, it follows the count. */
export function titleWithCount(title: string, n = count()): string {
  const bare = title.replace(COUNT_PREFIX, '');
  return n > 0 ? `(${n}) ${bare}` : bare;
}

/** Sets the count and rewrites the title in place, whichever page set it. */
export function setTitleCount(n: number): void {
  setCount(n);
  if (typeof document !== 'undefined') document.title = titleWithCount(document.title, n);
}
