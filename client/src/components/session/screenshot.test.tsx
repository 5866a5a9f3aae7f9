// The console's screenshot: the button (and Ctrl+Alt+Shift+P) asks the server and hands the chat line on, a refusal
// is shown with the server's reason, and the chat shows screenshot lines with a thumbnail that links to the file.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionLogEntry } from '../../../../server/protocol/support.ts';
import { mount } from '../../test/dom.ts';
import { ChatLog } from './ChatLog.tsx';
import { isScreenshotShortcut, ScreenshotButton } from './ScreenshotButton.tsx';

const shot = { sessionId: 7, fileId: 3, name: 'screenshot-7-2026-11-22-081503.png', width: 1920, height: 1080, size: 123_456, sha256: 'ab'.repeat(32) };
const line: SessionLogEntry = { id: 9, at: '2026-11-22T08:15:03Z', actor: 'engineer:1', name: 'Olga', kind: 'chat', text: `Screenshot: ${shot.name}`, screenshot: shot };

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});
const answer = (status: number, body: unknown) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('screenshot in the console', () => {
  it('the chat shows a screenshot line with a thumbnail linking to its file, and plain lines without', () => {
    const plain: SessionLogEntry = { ...line, id: 8, text: 'hello', screenshot: undefined };
    const view = mount(() => <ChatLog entries={[plain, line]} />);
    const figures = view.container.querySelectorAll('[data-testid="chat-screenshot"]');
    expect(figures).toHaveLength(1);
    const link = figures[0]!.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('/api/sessions/7/files/3/content');
    expect(link.getAttribute('download')).toBe(shot.name);
    expect(figures[0]!.querySelector('img')!.getAttribute('src')).toBe('/api/sessions/7/files/3/content');
    expect(figures[0]!.textContent).toContain('1920×1080');
    // An image that cannot be fetched (an expert has no access to the file route) leaves the name and size.
    figures[0]!.querySelector('img')!.dispatchEvent(new Event('error'));
    expect(view.container.querySelector('[data-testid="chat-screenshot"] img')).toBeNull();
    expect(view.container.querySelector('[data-testid="chat-screenshot"]')!.textContent).toContain(shot.name);
    view.unmount();
  });

  it('the button takes it, shows progress, and hands the chat line on', async () => {
    globalThis.fetch = answer(200, { file: { id: 3 }, entry: line }) as unknown as typeof fetch;
    const taken: SessionLogEntry[] = [];
    const view = mount(() => <ScreenshotButton sessionId={7} onTaken={(e) => taken.push(e)} />);
    const button = view.container.querySelector<HTMLButtonElement>('[data-testid="screenshot"]')!;
    button.click();
    expect(button.textContent).toBe('Taking screenshot…');
    expect(button.disabled).toBe(true);
    await vi.waitFor(() => expect(taken).toEqual([line]));
    expect(globalThis.fetch).toHaveBeenCalledWith('/api/sessions/7/screenshot', expect.objectContaining({ method: 'POST' }));
    await settle();
    expect(button.textContent).toBe('Screenshot');
    view.unmount();
  });

  it('a refusal is shown with the reason; Ctrl+Alt+Shift+P asks again', async () => {
    globalThis.fetch = answer(409, { error: 'no screen yet: open the remote screen (the customer must allow viewing) and try again' }) as unknown as typeof fetch;
    const view = mount(() => <ScreenshotButton sessionId={7} />);
    view.container.querySelector<HTMLButtonElement>('[data-testid="screenshot"]')!.click();
    await vi.waitFor(() => expect(view.container.querySelector('[role="alert"]')?.textContent).toMatch(/^Screenshot failed: No screen yet/));
    const key = new KeyboardEvent('keydown', { code: 'KeyP', key: 'P', ctrlKey: true, altKey: true, shiftKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(key);
    expect(key.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(globalThis.fetch).toHaveBeenCalledTimes(2));
    view.unmount();
    // Gone with the workspace: the key does nothing any more.
    document.body.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyP', ctrlKey: true, altKey: true, shiftKey: true, bubbles: true }));
    await settle();
    expect(globalThis.fetch).toHaveBeenCalledTimes(2);
  });

  it('the shortcut is Ctrl+Alt+Shift+P by physical key, nothing less', () => {
    const k = (code: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>>) => ({ code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });
    expect(isScreenshotShortcut(k('KeyP', { ctrlKey: true, altKey: true, shiftKey: true }))).toBe(true);
    expect(isScreenshotShortcut(k('KeyP', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isScreenshotShortcut(k('KeyP', { ctrlKey: true, altKey: true, shiftKey: true, metaKey: true }))).toBe(false);
    expect(isScreenshotShortcut(k('KeyS', { ctrlKey: true, altKey: true, shiftKey: true }))).toBe(false);
  });
});
