// Wires the canvas's DOM events to the input queue: pointer (with capture, so a drag that leaves the canvas still
// ends on the remote machine), buttons including chords, wheel, keyboard by keysym, and a release of everything on
// blur. The viewer's own shortcuts are taken out before anything reaches the remote machine.
import type { InputQueue } from './inputQueue.ts';
import { keysymFor } from './keysyms.ts';
import { viewerShortcut, type ViewerAction } from './viewerShortcuts.ts';

export interface InputBinding {
  queue: InputQueue;
  /** The remote pixel under a client position, or null while there is no picture. */
  remote(clientX: number, clientY: number): { x: number; y: number } | null;
  /** True while this viewer is in control mode (otherwise nothing is sent). */
  controlling(): boolean;
  onShortcut(action: ViewerAction): void;
}

/** DOM MouseEvent.button -> X button (1 left, 2 middle, 3 right, 8 back, 9 forward). */
export function xButton(domButton: number): 1 | 2 | 3 | 8 | 9 | null {
  switch (domButton) {
    case 0:
      return 1;
    case 1:
      return 2;
    case 2:
      return 3;
    case 3:
      return 8;
    case 4:
      return 9;
    default:
      return null;
  }
}

/** The MouseEvent.buttons bit of a MouseEvent.button (they are not in the same order). */
const BUTTON_BIT = [1, 4, 2, 8, 16];

export function attachInput(el: HTMLElement, b: InputBinding): () => void {
  const button = (e: PointerEvent, down: boolean) => {
    const x = xButton(e.button);
    const at = b.remote(e.clientX, e.clientY);
    if (x === null || !at) return;
    b.queue.button(x, down, at.x, at.y);
  };

  const onPointerDown = (e: PointerEvent) => {
    el.focus({ preventScroll: true });
    if (!b.controlling()) return;
    e.preventDefault();
    try {
      el.setPointerCapture(e.pointerId);
    } catch {
      // not capturable (synthetic event): the drag simply ends at the edge
    }
    button(e, true);
  };
  const onPointerUp = (e: PointerEvent) => {
    if (!b.controlling()) return;
    e.preventDefault();
    button(e, false);
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!b.controlling()) return;
    // A second button pressed or released while another is held arrives as a move with `button` set (a chord).
    if (e.button >= 0 && e.button < BUTTON_BIT.length) {
      button(e, (e.buttons & BUTTON_BIT[e.button]!) !== 0);
      return;
    }
    const at = b.remote(e.clientX, e.clientY);
    if (at) b.queue.pointer(at.x, at.y);
  };
  const onWheel = (e: WheelEvent) => {
    if (!b.controlling()) return;
    e.preventDefault();
    const at = b.remote(e.clientX, e.clientY);
    if (at) b.queue.wheelDelta(e.deltaX, e.deltaY, e.deltaMode, at.x, at.y);
  };
  const onContextMenu = (e: Event) => {
    if (b.controlling()) e.preventDefault();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const action = viewerShortcut(e);
    if (action) {
      e.preventDefault();
      e.stopPropagation();
      // Ctrl, Alt and Shift already went down on the remote machine on the way to the shortcut: let them go.
      if (b.controlling()) b.queue.releaseAll(true);
      b.onShortcut(action);
      return;
    }
    if (!b.controlling()) return;
    // Every key belongs to the remote machine while in control (Tab, F5, Ctrl+W...), not to the browser page.
    e.preventDefault();
    e.stopPropagation();
    const keysym = keysymFor(e);
    if (keysym !== null) b.queue.keyDown(e.code, keysym);
  };
  const onKeyUp = (e: KeyboardEvent) => {
    if (!b.controlling()) return;
    e.preventDefault();
    e.stopPropagation();
    b.queue.keyUp(e.code, keysymFor(e));
  };
  const onBlur = () => b.queue.releaseAll();

  el.addEventListener('pointerdown', onPointerDown);
  el.addEventListener('pointerup', onPointerUp);
  el.addEventListener('pointermove', onPointerMove);
  el.addEventListener('wheel', onWheel, { passive: false });
  el.addEventListener('contextmenu', onContextMenu);
  el.addEventListener('keydown', onKeyDown);
  el.addEventListener('keyup', onKeyUp);
  el.addEventListener('blur', onBlur);
  return () => {
    el.removeEventListener('pointerdown', onPointerDown);
    el.removeEventListener('pointerup', onPointerUp);
    el.removeEventListener('pointermove', onPointerMove);
    el.removeEventListener('wheel', onWheel);
    el.removeEventListener('contextmenu', onContextMenu);
    el.removeEventListener('keydown', onKeyDown);
    el.removeEventListener('keyup', onKeyUp);
    el.removeEventListener('blur', onBlur);
  };
}
