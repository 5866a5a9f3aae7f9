import { afterEach, describe, expect, it } from 'vitest';
import type { SessionLogEntry } from '../../../server/protocol/support.ts';
import { mount } from '../test/dom.ts';
import { ChatList } from './ChatList.tsx';

const entry = (id: number, actor: string): SessionLogEntry => ({ id, at: new Date(2026, 0, 1, 9, id).toISOString(), actor, name: actor, kind: 'chat', text: `line ${id}` });

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe('ChatList', () => {
  it('is a log around a list, so the lines stay list items to a screen reader', () => {
    const view = mount(() => <ChatList entries={[entry(1, 'engineer:1'), entry(2, 'customer')]} />);
    cleanup = view.unmount;
    const log = view.container.querySelector<HTMLElement>('[role="log"]')!;
    expect(log.getAttribute('aria-label')).toBe('Conversation');
    // role="log" on the <ol> itself replaced the list role, and its <li>s were in no list.
    expect(log.tagName).not.toBe('OL');
    const list = log.querySelector('ol')!;
    expect(list.getAttribute('role')).toBeNull();
    expect(Array.from(list.children).map((li) => li.tagName)).toEqual(['LI', 'LI']);
  });
});
