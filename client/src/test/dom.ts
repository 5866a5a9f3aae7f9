// Tiny helpers for component tests in happy-dom: mount a Solid tree, find by label, type, click.
import type { JSX } from 'solid-js';
import { render } from 'solid-js/web';

export function mount(ui: () => JSX.Element): { container: HTMLElement; unmount: () => void } {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const dispose = render(ui, container);
  return {
    container,
    unmount: () => {
      dispose();
      container.remove();
    },
  };
}

/** The form control whose <label> text is exactly `text` (label[for] or a wrapping label). */
export function byLabel<T extends HTMLElement = HTMLInputElement>(root: ParentNode, text: string): T {
  for (const label of Array.from(root.querySelectorAll('label'))) {
    if (label.textContent?.trim() !== text) continue;
    const id = label.getAttribute('for');
    const control = id ? document.getElementById(id) : label.querySelector('input, select, textarea');
    if (control) return control as T;
  }
  throw new Error(`no control labelled "${text}"`);
}

export function byRole(root: ParentNode, role: string, name?: string): HTMLElement {
  const implicit: Record<string, string> = { button: 'button', group: 'fieldset', alert: '[role="alert"]', dialog: '[role="dialog"]' };
  const candidates = Array.from(root.querySelectorAll<HTMLElement>(`${implicit[role] ?? ''}, [role="${role}"]`.replace(/^, /, '')));
  const found = candidates.find((el) => {
    if (name === undefined) return true;
    const label = el.getAttribute('aria-label') ?? (el.tagName === 'FIELDSET' ? el.querySelector('legend')?.textContent : el.textContent);
    return label?.trim() === name;
  });
  if (!found) throw new Error(`no ${role}${name ? ` named "${name}"` : ''}`);
  return found;
}

export function queryText(root: ParentNode, text: string | RegExp): boolean {
  const content = (root as HTMLElement).textContent ?? '';
  return typeof text === 'string' ? content.includes(text) : text.test(content);
}

export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export function check(box: HTMLInputElement, on = true): void {
  if (box.checked !== on) box.click();
}

export function submit(form: HTMLFormElement): void {
  form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}

/** Lets pending promises and Solid updates settle. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}

export function key(target: EventTarget, k: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}
