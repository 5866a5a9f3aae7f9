import { afterEach, describe, expect, it } from 'vitest';
import { flush } from '../test/dom.ts';
import { focusPageStart, skipTo } from './focus.ts';

afterEach(() => {
  document.body.innerHTML = '';
});

function page(html: string): HTMLElement {
  document.body.innerHTML = `<nav><a href="/x">Queue</a></nav><main id="main">${html}</main>`;
  return document.getElementById('main')!;
}

describe('focusPageStart', () => {
  it('puts lost focus on the page heading, without making it a Tab stop', () => {
    const main = page('<h1>Session #4</h1><button>Take</button>');
    focusPageStart(main);
    const heading = main.querySelector('h1')!;
    expect(document.activeElement).toBe(heading);
    expect(heading.getAttribute('tabindex')).toBe('-1');
  });

  it('leaves focus alone where the user has it', () => {
    const main = page('<h1>Queue</h1>');
    const link = document.querySelector('a')!;
    link.focus();
    focusPageStart(main);
    expect(document.activeElement).toBe(link);
  });

  it('waits on main for a page that is still loading, then moves to its heading', async () => {
    const main = page('<p>Loading…</p>');
    focusPageStart(main);
    expect(document.activeElement).toBe(main);
    main.innerHTML = '<h1>Session #5</h1>';
    await flush();
    expect(document.activeElement).toBe(main.querySelector('h1'));
  });
});

describe('skipTo', () => {
  it('focuses the target, so the next Tab starts in the content', () => {
    const main = page('<h1>Queue</h1>');
    const event = new MouseEvent('click', { cancelable: true });
    skipTo(event, 'main');
    expect(event.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(main);
  });
});
