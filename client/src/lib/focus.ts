// Where keyboard focus goes when the control that had it disappears (a route change, a view that replaces
// another): without a move, focus falls to <body>, and the next Tab starts over from the top of the page.

/** True when nothing in particular has focus: the page itself, or the given fallback container. */
export function focusIsLost(container?: HTMLElement | null): boolean {
  const active = document.activeElement;
  return !active || active === document.body || active === document.documentElement || (!!container && active === container);
}

/** Focuses an element that is not a control (a heading, main) without making it a Tab stop. */
export function focusElement(el: HTMLElement): void {
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}

/**
 * Puts focus at the start of the page in `main` when it was lost: on its <h1>, so a screen reader says which page
 * this is, or on `main` itself until a page that is still loading shows its heading (within `waitMs`).
 */
export function focusPageStart(main: HTMLElement | null, waitMs = 3_000): void {
  if (!main || !focusIsLost(main)) return;
  const heading = main.querySelector<HTMLElement>('h1');
  if (heading) {
    focusElement(heading);
    return;
  }
  focusElement(main);
  const observer = new MutationObserver(() => {
    const h1 = main.querySelector<HTMLElement>('h1');
    if (!h1) return;
    observer.disconnect();
    // Unless the user went somewhere meanwhile.
    if (document.activeElement === main) focusElement(h1);
  });
  observer.observe(main, { childList: true, subtree: true });
  setTimeout(() => observer.disconnect(), waitMs);
}

/**
 * A skip link's click: focus its target. Following the #hash alone only scrolls (and the console's router takes
 * the click for itself), so the next Tab still went to the navigation.
 */
export function skipTo(event: MouseEvent, targetId: string): void {
  const target = document.getElementById(targetId);
  if (!target) return;
  event.preventDefault();
  focusElement(target);
  target.scrollIntoView?.({ block: 'start' });
}
