// The viewer's input on its way to the server: pointer moves coalesced to one per animation frame (the newest
// position wins), everything else sent at once and in order, keys tracked so a key is released with the keysym it
// was pressed with (Shift+1 pressed as "!" is released as "!" even if Shift went up first), and one release-all
// when the viewer loses focus or leaves control mode, so no key stays stuck on the customer's machine.
import type { InputEvent } from '../../../server/protocol/desktop.ts';

export type Schedule = (callback: () => void) => void;

/** Wheel deltas in CSS pixels that make one wheel click (Chromium sends 100 per notch, older ones 53). */
export const WHEEL_PIXELS_PER_STEP = 50;
const LINE_PIXELS = WHEEL_PIXELS_PER_STEP / 3; // three lines per notch is the usual setting
const PAGE_PIXELS = WHEEL_PIXELS_PER_STEP * 10;
const MAX_WHEEL_STEPS = 100; // the protocol's limit per event

/** Turns wheel deltas (any deltaMode) into whole clicks per axis, keeping the remainder for touchpads' small deltas. */
export class WheelSteps {
  private x = 0;
  private y = 0;

  /** deltaMode as in WheelEvent: 0 pixels, 1 lines, 2 pages. Returns the clicks to send now (may be 0, 0). */
  add(deltaX: number, deltaY: number, deltaMode: number): { dx: number; dy: number } {
    const unit = deltaMode === 1 ? LINE_PIXELS : deltaMode === 2 ? PAGE_PIXELS : 1;
    this.x = accumulate(this.x, deltaX * unit);
    this.y = accumulate(this.y, deltaY * unit);
    const dx = clampSteps(Math.trunc(this.x / WHEEL_PIXELS_PER_STEP));
    const dy = clampSteps(Math.trunc(this.y / WHEEL_PIXELS_PER_STEP));
    this.x -= dx * WHEEL_PIXELS_PER_STEP;
    this.y -= dy * WHEEL_PIXELS_PER_STEP;
    return { dx: dx || 0, dy: dy || 0 };
  }

  reset(): void {
    this.x = 0;
    this.y = 0;
  }
}

/** A direction change drops what was left over from the other direction. */
function accumulate(total: number, delta: number): number {
  if (!Number.isFinite(delta) || delta === 0) return total;
  return Math.sign(total) === -Math.sign(delta) ? delta : total + delta;
}

function clampSteps(n: number): number {
  return Math.max(-MAX_WHEEL_STEPS, Math.min(MAX_WHEEL_STEPS, n));
}

export class InputQueue {
  private pendingPointer: { x: number; y: number } | null = null;
  private scheduled = false;
  /** KeyboardEvent.code (or the keysym for keys without one) -> keysym pressed. */
  private pressed = new Map<string, number>();
  private buttons = new Set<number>();
  readonly wheel = new WheelSteps();

  constructor(
    private readonly send: (events: InputEvent[]) => void,
    private readonly schedule: Schedule,
  ) {}

  /** A pointer move: only the newest position of an animation frame goes out. */
  pointer(x: number, y: number): void {
    this.pendingPointer = { x, y };
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flushPointer();
    });
  }

  button(button: 1 | 2 | 3 | 8 | 9, down: boolean, x: number, y: number): void {
    // The button event carries its own position, so a pending move is superseded.
    this.pendingPointer = null;
    if (down) this.buttons.add(button);
    else if (!this.buttons.delete(button)) return; // a release we never pressed (pressed outside the canvas)
    this.send([{ type: 'button', button, down, x, y }]);
  }

  /** Wheel deltas as a WheelEvent gives them; sends whole clicks once they add up. Returns whether it sent. */
  wheelDelta(deltaX: number, deltaY: number, deltaMode: number, x: number, y: number): boolean {
    const { dx, dy } = this.wheel.add(deltaX, deltaY, deltaMode);
    if (dx === 0 && dy === 0) return false;
    this.pendingPointer = null;
    this.send([{ type: 'wheel', dx, dy, x, y }]);
    return true;
  }

  /** A key went down; `id` names the physical key (KeyboardEvent.code) so its release sends the same keysym. */
  keyDown(id: string, keysym: number): void {
    this.pressed.set(id || `keysym:${keysym}`, keysym);
    this.send(this.withPointer({ type: 'key', keysym, down: true }));
  }

  /** A key went up: released with the keysym it was pressed with; a key never pressed here sends nothing. */
  keyUp(id: string, keysym: number | null): void {
    const key = id || `keysym:${keysym}`;
    const sent = this.pressed.get(key);
    if (sent === undefined) return;
    this.pressed.delete(key);
    this.send(this.withPointer({ type: 'key', keysym: sent, down: false }));
  }

  /** Text typed as a whole (paste into the remote, the clipboard "type" action). */
  text(text: string): void {
    if (text) this.send(this.withPointer({ type: 'text', text }));
  }

  combo(combo: Extract<InputEvent, { type: 'combo' }>['combo']): void {
    this.send(this.withPointer({ type: 'combo', combo }));
  }

  /** Lets go of everything this viewer holds down (focus lost, control mode left); `always` sends it regardless. */
  releaseAll(always = false): void {
    const holding = always || this.pressed.size > 0 || this.buttons.size > 0;
    this.pressed.clear();
    this.buttons.clear();
    this.wheel.reset();
    this.pendingPointer = null;
    if (holding) this.send([{ type: 'release-all' }]);
  }

  /** Forgets what is held without telling the remote (the connection is gone; the agent released on its side). */
  forget(): void {
    this.pressed.clear();
    this.buttons.clear();
    this.pendingPointer = null;
    this.wheel.reset();
  }

  get holding(): { keys: number; buttons: number } {
    return { keys: this.pressed.size, buttons: this.buttons.size };
  }

  private flushPointer(): void {
    const p = this.pendingPointer;
    if (!p) return;
    this.pendingPointer = null;
    this.send([{ type: 'pointer', x: p.x, y: p.y }]);
  }

  /** A pending move goes first, in the same message, so the event lands where the pointer was. */
  private withPointer(event: InputEvent): InputEvent[] {
    const p = this.pendingPointer;
    this.pendingPointer = null;
    return p ? [{ type: 'pointer', x: p.x, y: p.y }, event] : [event];
  }
}
