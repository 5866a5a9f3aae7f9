import { createSignal, Show } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http.ts';
import { flush, key, mount } from '../test/dom.ts';
import { ConfirmDialog, Dialog } from './Dialog.tsx';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe('Dialog', () => {
  it('is a labelled modal, focuses its first field and closes on Escape', async () => {
    const [open, setOpen] = createSignal(true);
    const view = mount(() => (
      <Show when={open()}>
        <Dialog title="Edit desk" onClose={() => setOpen(false)}>
          <label for="f">Name</label>
          <input id="f" />
        </Dialog>
      </Show>
    ));
    cleanup = view.unmount;
    const dialog = document.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const titleId = dialog.getAttribute('aria-labelledby')!;
    expect(document.getElementById(titleId)?.textContent).toBe('Edit desk');
    expect(document.activeElement).toBe(document.getElementById('f'));
    key(document.activeElement!, 'Escape');
    await flush();
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('only the top dialog answers Escape', async () => {
    const [outer, setOuter] = createSignal(true);
    const [inner, setInner] = createSignal(true);
    const view = mount(() => (
      <Show when={outer()}>
        <Dialog title="Outer" onClose={() => setOuter(false)}>
          <Show when={inner()}>
            <Dialog title="Inner" onClose={() => setInner(false)}>
              <button type="button">ok</button>
            </Dialog>
          </Show>
        </Dialog>
      </Show>
    ));
    cleanup = view.unmount;
    key(document.body, 'Escape');
    await flush();
    expect(inner()).toBe(false);
    expect(outer()).toBe(true);
    key(document.body, 'Escape');
    await flush();
    expect(outer()).toBe(false);
  });
});

describe('ConfirmDialog', () => {
  it('starts on Cancel when the action is dangerous, on the action when it is not', () => {
    const first = mount(() => <ConfirmDialog title="Delete desk" message="Sure?" confirmLabel="Delete desk" danger onConfirm={() => {}} onClose={() => {}} />);
    expect(document.activeElement?.textContent).toBe('Cancel');
    first.unmount();
    const second = mount(() => <ConfirmDialog title="Leave" message="Sure?" confirmLabel="Leave the session" onConfirm={() => {}} onClose={() => {}} />);
    cleanup = second.unmount;
    expect(document.activeElement?.textContent).toBe('Leave the session');
  });

  it("keeps the dialog open and shows the server's reason when the action fails", async () => {
    const onClose = vi.fn();
    const onConfirm = vi.fn(async () => {
      throw new ApiError(409, 'the default desk cannot be deleted');
    });
    const view = mount(() => (
      <ConfirmDialog title="Delete desk" message="Sure?" confirmLabel="Delete desk" danger onConfirm={onConfirm} onClose={onClose} />
    ));
    cleanup = view.unmount;
    const confirm = Array.from(document.querySelectorAll('button')).find((b) => b.textContent === 'Delete desk')!;
    confirm.click();
    await flush();
    expect(onConfirm).toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('The default desk cannot be deleted.');
  });
});
