import { afterEach, describe, expect, it, vi } from 'vitest';
import { createShortcutHandler, focusSearch, isTypingTarget, SEQUENCE_TIMEOUT_MS, setShortcutsEnabled, SHORTCUTS_SETTING_KEY, shortcutsEnabled } from './shortcuts.ts';

function press(handler: (e: KeyboardEvent) => void, key: string, target: EventTarget = document.body, init: KeyboardEventInit = {}) {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  Object.defineProperty(event, 'target', { value: target });
  handler(event);
  return event;
}

afterEach(() => {
  document.body.innerHTML = '';
  setShortcutsEnabled(true);
  localStorage.clear();
});

describe('keyboard shortcuts', () => {
  it('runs "g" sequences and single keys', () => {
    const queue = vi.fn();
    const help = vi.fn();
    const handler = createShortcutHandler({ sequences: { q: queue }, keys: { '?': help } });
    press(handler, 'g');
    const e = press(handler, 'q');
    expect(queue).toHaveBeenCalledTimes(1);
    expect(e.defaultPrevented).toBe(true);
    press(handler, '?');
    expect(help).toHaveBeenCalledTimes(1);
    press(handler, 'q'); // no leader
    expect(queue).toHaveBeenCalledTimes(1);
  });

  it('forgets the leader key after a pause', () => {
    let now = 0;
    const queue = vi.fn();
    const handler = createShortcutHandler({ sequences: { q: queue }, keys: {} }, () => now);
    press(handler, 'g');
    now += SEQUENCE_TIMEOUT_MS + 1;
    press(handler, 'q');
    expect(queue).not.toHaveBeenCalled();
  });

  it('stays quiet while typing, with modifiers, and while a dialog is open', () => {
    const queue = vi.fn();
    const slash = vi.fn();
    const handler = createShortcutHandler({ sequences: { q: queue }, keys: { '/': slash } });
    const input = document.createElement('input');
    press(handler, 'g', input);
    press(handler, 'q', input);
    press(handler, '/', input);
    press(handler, '/', document.body, { ctrlKey: true });
    expect(queue).not.toHaveBeenCalled();
    expect(slash).not.toHaveBeenCalled();

    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    document.body.appendChild(dialog);
    press(handler, '/');
    expect(slash).not.toHaveBeenCalled();
    dialog.remove();
    press(handler, '/');
    expect(slash).toHaveBeenCalledTimes(1);
  });

  it('can be turned off (WCAG 2.1.4), and the choice stays in this browser', () => {
    const queue = vi.fn();
    const help = vi.fn();
    const handler = createShortcutHandler({ sequences: { q: queue }, keys: { '?': help } });
    setShortcutsEnabled(false);
    expect(shortcutsEnabled()).toBe(false);
    expect(localStorage.getItem(SHORTCUTS_SETTING_KEY)).toBe('off');
    press(handler, 'g');
    const e = press(handler, 'q');
    press(handler, '?');
    expect(queue).not.toHaveBeenCalled();
    expect(help).not.toHaveBeenCalled();
    expect(e.defaultPrevented).toBe(false); // the key goes on to the page as typed
    setShortcutsEnabled(true);
    expect(localStorage.getItem(SHORTCUTS_SETTING_KEY)).toBe('on');
    press(handler, '?');
    expect(help).toHaveBeenCalledTimes(1);
  });

  it('knows which targets take text', () => {
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    expect(isTypingTarget(checkbox)).toBe(false);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    expect(isTypingTarget(document.createElement('input'))).toBe(true);
    expect(isTypingTarget(document.createElement('button'))).toBe(false);
  });

  it('"/" focuses the page search box when there is one', () => {
    expect(focusSearch()).toBe(false);
    const search = document.createElement('input');
    search.setAttribute('data-search', '');
    document.body.appendChild(search);
    expect(focusSearch()).toBe(true);
    expect(document.activeElement).toBe(search);
  });
});
