import { afterEach, describe, expect, it } from 'vitest';
import type { SessionLogEntry } from '../../../../server/protocol/support.ts';
import { mount } from '../../test/dom.ts';
import { ChatLog } from './ChatLog.tsx';

const entry = (id: number, actor: string, kind = 'chat'): SessionLogEntry => ({ id, at: new Date(2026, 0, 1, 9, id).toISOString(), actor, name: actor, kind, text: `line ${id}` });

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe('ChatLog', () => {
  it('is a log around a list, so the lines stay list items to a screen reader', () => {
    const view = mount(() => <ChatLog entries={[entry(1, 'customer', 'status'), entry(2, 'customer'), entry(3, 'engineer:1')]} selfActor="engineer:1" />);
    cleanup = view.unmount;
    const log = view.container.querySelector<HTMLElement>('[role="log"]')!;
    expect(log.getAttribute('aria-label')).toBe('Conversation');
    // role="log" on the <ol> itself replaced the list role, and its <li>s were in no list.
    expect(log.tagName).not.toBe('OL');
    const list = log.querySelector('ol')!;
    expect(list.getAttribute('role')).toBeNull();
    expect(Array.from(list.children).map((li) => li.tagName)).toEqual(['LI', 'LI', 'LI']);
    // It scrolls, so it takes focus for keyboard scrolling.
    expect(log.tabIndex).toBe(0);
  });
});
