// The viewer component in happy-dom with a fake socket and a fake decoder: states, control, keyboard and
// shortcuts, release on blur, monitor, special keys, clipboard, and the test hook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputEvent } from '../../../server/protocol/desktop.ts';
import { FakeSocket } from '../test/fakeSocket.ts';
import { flush, mount } from '../test/dom.ts';
import type { DecoderHost, DecoderHostEvents, Picture } from './decoderHost.ts';
import { DesktopView } from './DesktopView.tsx';


class FakeDecoder implements DecoderHost {
  events!: DecoderHostEvents;
  received: ArrayBuffer[] = [];
  resets = 0;
  disposed = false;
  frames(frames: ArrayBuffer[]) {
    this.received.push(...frames);
  }
  reset() {
    this.resets++;
  }
  async picture(): Promise<Picture> {
    return { width: 2, height: 1, rgba: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]) };
  }
  dispose() {
    this.disposed = true;
  }
}

const hello = { type: 'hello', mode: 'control', agent: true, consent: ['view', 'control', 'clipboard'], monitors: [], monitor: 'all' };
const monitor = (name: string, x: number) => ({ x, y: 0, width: 1920, height: 1080, name, primary: x === 0 });

let decoder: FakeDecoder;
let view: ReturnType<typeof mount>;
const socket = () => FakeSocket.all.at(-1)!;
/** The input events the viewer sent, in order. */
const inputs = (): InputEvent[] => socket().sentJson.filter((m) => m.type === 'input').flatMap((m) => m.events);
const q = <T extends HTMLElement = HTMLElement>(id: string) => view.container.querySelector<T>(`[data-testid="${id}"]`)!;
const state = () => q('desktop-state').getAttribute('data-state');
const canvas = () => q<HTMLCanvasElement>('desktop-canvas');
const key = (type: 'keydown' | 'keyup', init: KeyboardEventInit) => {
  const e = new KeyboardEvent(type, { bubbles: true, cancelable: true, ...init });
  canvas().dispatchEvent(e);
  return e;
};

beforeEach(() => {
  FakeSocket.all = [];
  decoder = new FakeDecoder();
  view = mount(() => (
    <DesktopView
      sessionId={7}
      createSocket={(url) => new FakeSocket(url)}
      createDecoder={(_canvas, events) => {
        decoder.events = events;
        return decoder;
      }}
      schedule={(cb) => queueMicrotask(cb)}
    />
  ));
});
afterEach(() => view.unmount());

async function live(over: Record<string, unknown> = {}) {
  socket().open();
  socket().message({ ...hello, ...over });
  decoder.events.onPaint({ width: 1920, height: 1080, messages: 1, decodeMs: 1, bytes: 100, paintMs: 1 });
  await flush();
}

describe('DesktopView', () => {
  it('connects to the session desktop and says why there is no picture', async () => {
    expect(socket().url).toMatch(/\/ws\/desktop\/7$/);
    expect(state()).toBe('connecting');
    socket().open();
    socket().message({ ...hello, agent: false });
    await flush();
    expect(state()).toBe('waiting-agent');
    expect(q('desktop-state').textContent).toContain('Waiting for the customer’s agent');
    socket().message({ type: 'agent', online: true });
    socket().message({ type: 'consent', granted: [] });
    await flush();
    expect(state()).toBe('waiting-consent');
    expect(view.container.textContent).toContain('The customer has not allowed viewing yet.');
    socket().message({ type: 'consent', granted: ['view'] });
    await flush();
    expect(state()).toBe('waiting-picture');
    decoder.events.onPaint({ width: 1920, height: 1080, messages: 1, decodeMs: 1, bytes: 100, paintMs: 1 });
    await flush();
    expect(state()).toBe('live');
    expect(decoder.resets).toBe(1); // a fresh decoder for the connection's first picture
  });

  it('offers control only in control mode with the consent; a watcher stays view only', async () => {
    await live({ mode: 'view' });
    const toggle = q<HTMLButtonElement>('desktop-mode-toggle');
    expect(toggle.disabled).toBe(true);
    expect(toggle.textContent).toBe('View only');
    key('keydown', { key: 'a', code: 'KeyA' });
    expect(inputs()).toEqual([]);
    socket().message({ type: 'mode', mode: 'control' });
    await flush();
    expect(toggle.disabled).toBe(false);
  });

  it('sends keys by keysym in control mode, releases them on blur and when control ends', async () => {
    await live();
    const toggle = q<HTMLButtonElement>('desktop-mode-toggle');
    toggle.click();
    await flush();
    expect(toggle.getAttribute('data-mode')).toBe('control');
    const down = key('keydown', { key: 'Shift', code: 'ShiftLeft', shiftKey: true });
    expect(down.defaultPrevented).toBe(true);
    key('keydown', { key: 'Ä', code: 'Quote', shiftKey: true });
    key('keyup', { key: 'Ä', code: 'Quote', shiftKey: true });
    key('keydown', { key: 'F5', code: 'F5' });
    canvas().dispatchEvent(new FocusEvent('blur'));
    expect(inputs()).toEqual([
      { type: 'key', keysym: 0xffe1, down: true },
      { type: 'key', keysym: 0xc4, down: true },
      { type: 'key', keysym: 0xc4, down: false },
      { type: 'key', keysym: 0xffc2, down: true },
      { type: 'release-all' },
    ]);
    toggle.click();
    await flush();
    expect(toggle.getAttribute('data-mode')).toBe('view');
    expect(inputs().at(-1)).toEqual({ type: 'release-all' });
    key('keydown', { key: 'b', code: 'KeyB' });
    expect(inputs().filter((e) => e.type === 'key')).toHaveLength(4); // nothing new in view mode
  });

  it('keeps its own shortcuts from the remote machine (Ctrl+Alt+Shift+V toggles control)', async () => {
    await live();
    key('keydown', { key: 'V', code: 'KeyV', ctrlKey: true, altKey: true, shiftKey: true });
    await flush();
    expect(q('desktop-mode-toggle').getAttribute('data-mode')).toBe('control');
    key('keydown', { key: 'V', code: 'KeyV', ctrlKey: true, altKey: true, shiftKey: true });
    await flush();
    expect(q('desktop-mode-toggle').getAttribute('data-mode')).toBe('view');
    expect(inputs().some((e) => e.type === 'key' && e.keysym === 0x56)).toBe(false);
    key('keydown', { key: 'I', code: 'KeyI', ctrlKey: true, altKey: true, shiftKey: true });
    await flush();
    expect(q('desktop-stats').hidden).toBe(true);
  });

  it('goes back to watching when the customer withdraws control', async () => {
    await live();
    q('desktop-mode-toggle').click();
    await flush();
    socket().message({ type: 'consent', granted: ['view'] });
    await flush();
    expect(q('desktop-mode-toggle').getAttribute('data-mode')).toBe('view');
  });

  it('sends pointer, buttons and wheel in remote pixels', async () => {
    await live();
    q('desktop-mode-toggle').click();
    await flush();
    canvas().getBoundingClientRect = () => ({ left: 10, top: 20, width: 960, height: 540, right: 970, bottom: 560, x: 10, y: 20, toJSON() {} }) as DOMRect;
    const pointer = (type: string, init: PointerEventInit) => canvas().dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, ...init }));
    pointer('pointermove', { clientX: 110, clientY: 70, button: -1 });
    pointer('pointermove', { clientX: 210, clientY: 120, button: -1 });
    await flush();
    pointer('pointerdown', { clientX: 210, clientY: 120, button: 0, buttons: 1 });
    pointer('pointerup', { clientX: 212, clientY: 120, button: 0, buttons: 0 });
    const wheel = new WheelEvent('wheel', { deltaY: -100, bubbles: true, cancelable: true });
    // happy-dom's WheelEvent drops the MouseEvent fields; a browser's carries them.
    Object.defineProperties(wheel, { clientX: { value: 212 }, clientY: { value: 120 } });
    canvas().dispatchEvent(wheel);
    expect(inputs()).toEqual([
      { type: 'pointer', x: 400, y: 200 },
      { type: 'button', button: 1, down: true, x: 400, y: 200 },
      { type: 'button', button: 1, down: false, x: 404, y: 200 },
      { type: 'wheel', dx: 0, dy: -2, x: 404, y: 200 },
    ]);
  });

  it('picks a monitor and sends special key combinations', async () => {
    await live({ monitors: [monitor('LEFT', 0), monitor('RIGHT', 1920)], monitor: 0 });
    const picker = q<HTMLSelectElement>('monitor-picker');
    expect(Array.from(picker.options).map((o) => o.textContent)).toEqual(['All monitors', '1: LEFT (1920×1080, primary)', '2: RIGHT (1920×1080)']);
    picker.value = '1';
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    expect(socket().sentJson.at(-1)).toEqual({ type: 'monitor', index: 1 });
    const keys = q<HTMLSelectElement>('special-keys');
    expect(keys.disabled).toBe(true);
    q('desktop-mode-toggle').click();
    await flush();
    expect(keys.disabled).toBe(false);
    keys.value = 'ctrl-alt-del';
    keys.dispatchEvent(new Event('change', { bubbles: true }));
    expect(inputs().at(-1)).toEqual({ type: 'combo', combo: 'ctrl-alt-del' });
    expect(keys.value).toBe('');
  });

  it('sends clipboard text, asks for the remote one and shows what arrives', async () => {
    await live();
    const open = Array.from(view.container.querySelectorAll('button')).find((b) => b.textContent === 'Clipboard')!;
    open.click();
    await flush();
    const box = q<HTMLTextAreaElement>('clipboard-in');
    box.value = 'ping 10.0.0.1';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await flush();
    q('clipboard-send').click();
    q('clipboard-request').click();
    expect(socket().sentJson.slice(-2)).toEqual([{ type: 'clipboard', text: 'ping 10.0.0.1' }, { type: 'clipboard-request' }]);
    socket().message({ type: 'clipboard', text: 'C:\\Users\\pat' });
    await flush();
    expect(q<HTMLTextAreaElement>('clipboard-received').value).toBe('C:\\Users\\pat');
  });

  it('exposes the exact picture and the stats for browser tests, and cleans up on unmount', async () => {
    await live();
    const hook = window.__tesseraDesktop!;
    expect(await hook.picture()).toEqual({ width: 2, height: 1, rgba: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]) });
    expect(hook.stats()).toMatchObject({ width: 1920, height: 1080, paints: 1 });
    view.unmount();
    expect(window.__tesseraDesktop).toBeUndefined();
    expect(decoder.disposed).toBe(true);
    view = mount(() => <p />); // for afterEach
  });
});
