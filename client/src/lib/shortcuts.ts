// Keyboard shortcuts: two-key sequences ("g" then "q") and single keys ("/", "?"), ignored while typing, and off
// altogether when the user says so. Keys that print a character can be hit by speech input or a slip of the hand,
// so WCAG 2.1.4 (level A) asks that they can be turned off; the setting stays in this browser.
import { createSignal } from 'solid-js';

export const SHORTCUTS_SETTING_KEY = 'tessera.shortcuts';

function storedSetting(): boolean {
  try {
    return localStorage.getItem(SHORTCUTS_SETTING_KEY) !== 'off';
  } catch {
    return true;
  }
}

const [enabled, setEnabled] = createSignal(storedSetting());

/** Whether character-key shortcuts (g q, /, ?, j/k in the queue) answer in this browser. */
export const shortcutsEnabled = enabled;

export function setShortcutsEnabled(on: boolean): void {
  setEnabled(on);
  try {
    localStorage.setItem(SHORTCUTS_SETTING_KEY, on ? 'on' : 'off');
  } catch {
    // Private mode without storage: the choice holds until the page is closed.
  }
}

// Another tab of the console changed it.
if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => {
    if (e.key === SHORTCUTS_SETTING_KEY) setEnabled(storedSetting());
  });

export interface ShortcutMap {
  /** Second key after "g" -> action. */
  sequences: Record<string, () => void>;
  /** Single keys -> action. */
  keys: Record<string, () => void>;
}

export const SEQUENCE_TIMEOUT_MS = 1500;

/** True when the key event comes from a place where the user types text. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(type);
  }
  return el.isContentEditable === true;
}

/** Returns a keydown handler; `now` is injectable for tests. */
export function createShortcutHandler(map: ShortcutMap, now: () => number = Date.now): (event: KeyboardEvent) => void {
  let leaderAt = -Infinity;
  return (event) => {
    if (!shortcutsEnabled()) return;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(event.target)) return;
    // Shortcuts stay quiet while a dialog is open; Escape is the dialog's own.
    if (typeof document !== 'undefined' && document.querySelector('[role="dialog"][aria-modal="true"]')) return;
    const key = event.key;
    if (now() - leaderAt <= SEQUENCE_TIMEOUT_MS) {
      leaderAt = -Infinity;
      const action = map.sequences[key.toLowerCase()];
      if (action) {
        event.preventDefault();
        action();
      }
      return;
    }
    if (key === 'g') {
      leaderAt = now();
      return;
    }
    const action = map.keys[key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
}

/** Focuses the page's search box (any element marked data-search), if there is one. */
export function focusSearch(): boolean {
  const el = document.querySelector<HTMLElement>('[data-search]');
  if (!el) return false;
  el.focus();
  if (el instanceof HTMLInputElement) el.select();
  return true;
}
