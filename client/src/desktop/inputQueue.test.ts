import { describe, expect, it } from 'vitest';
import type { InputEvent } from '../../../server/protocol/desktop.ts';
import { InputQueue, WheelSteps } from './inputQueue.ts';

function setup() {
  const sent: InputEvent[][] = [];
  const frames: (() => void)[] = [];
  const queue = new InputQueue((events) => sent.push(events), (cb) => frames.push(cb));
  const frame = () => frames.splice(0).forEach((cb) => cb());
  return { sent, queue, frame, frames };
}

describe('InputQueue', () => {
  it('sends one pointer move per animation frame, the newest position', () => {
    const { sent, queue, frame, frames } = setup();
    queue.pointer(1, 1);
    queue.pointer(2, 2);
    queue.pointer(3, 4);
    expect(sent).toEqual([]);
    expect(frames).toHaveLength(1);
    frame();
    expect(sent).toEqual([[{ type: 'pointer', x: 3, y: 4 }]]);
    queue.pointer(5, 5);
    frame();
    expect(sent.at(-1)).toEqual([{ type: 'pointer', x: 5, y: 5 }]);
    frame();
    expect(sent).toHaveLength(2);
  });

  it('sends buttons at once; the button carries its position, so a pending move is dropped', () => {
    const { sent, queue, frame } = setup();
    queue.pointer(10, 10);
    queue.button(1, true, 12, 12);
    frame();
    expect(sent).toEqual([[{ type: 'button', button: 1, down: true, x: 12, y: 12 }]]);
  });

  it('sends a pending move before a key, in the same message', () => {
    const { sent, queue } = setup();
    queue.pointer(7, 8);
    queue.keyDown('KeyA', 0x61);
    expect(sent).toEqual([[{ type: 'pointer', x: 7, y: 8 }, { type: 'key', keysym: 0x61, down: true }]]);
  });

  it('releases a key with the keysym it was pressed with', () => {
    const { sent, queue } = setup();
    queue.keyDown('ShiftLeft', 0xffe1);
    queue.keyDown('Digit1', 0x21); // "!"
    queue.keyUp('ShiftLeft', 0xffe1);
    queue.keyUp('Digit1', 0x31); // the key now reads "1"
    expect(sent.flat()).toEqual([
      { type: 'key', keysym: 0xffe1, down: true },
      { type: 'key', keysym: 0x21, down: true },
      { type: 'key', keysym: 0xffe1, down: false },
      { type: 'key', keysym: 0x21, down: false },
    ]);
  });

  it('ignores releases of keys and buttons it never pressed', () => {
    const { sent, queue } = setup();
    queue.keyUp('KeyQ', 0x71);
    queue.button(3, false, 0, 0);
    expect(sent).toEqual([]);
  });

  it('releases everything held once, and only when something is held unless asked', () => {
    const { sent, queue } = setup();
    queue.releaseAll();
    expect(sent).toEqual([]);
    queue.keyDown('ControlLeft', 0xffe3);
    queue.button(1, true, 0, 0);
    expect(queue.holding).toEqual({ keys: 1, buttons: 1 });
    queue.releaseAll();
    expect(sent.at(-1)).toEqual([{ type: 'release-all' }]);
    expect(queue.holding).toEqual({ keys: 0, buttons: 0 });
    queue.keyUp('ControlLeft', 0xffe3); // released already: nothing more
    expect(sent.at(-1)).toEqual([{ type: 'release-all' }]);
    queue.releaseAll(true);
    expect(sent.filter((m) => m[0]!.type === 'release-all')).toHaveLength(2);
  });

  it('sends wheel clicks once the deltas add up', () => {
    const { sent, queue } = setup();
    expect(queue.wheelDelta(0, 100, 0, 5, 6)).toBe(true);
    expect(sent.at(-1)).toEqual([{ type: 'wheel', dx: 0, dy: 2, x: 5, y: 6 }]);
    expect(queue.wheelDelta(0, 20, 0, 5, 6)).toBe(false);
    expect(queue.wheelDelta(0, 30, 0, 5, 6)).toBe(true);
    expect(sent.at(-1)).toEqual([{ type: 'wheel', dx: 0, dy: 1, x: 5, y: 6 }]);
  });
});

describe('WheelSteps', () => {
  it('normalises pixel, line and page deltas on both axes', () => {
    const w = new WheelSteps();
    expect(w.add(0, 53, 0)).toEqual({ dx: 0, dy: 1 }); // one notch in older Chromium
    w.reset();
    expect(w.add(-100, 0, 0)).toEqual({ dx: -2, dy: 0 });
    expect(w.add(0, 3, 1)).toEqual({ dx: 0, dy: 1 }); // three lines = one notch
    expect(w.add(0, -1, 2)).toEqual({ dx: 0, dy: -10 });
  });

  it('adds small touchpad deltas up and forgets the rest when the direction flips', () => {
    const w = new WheelSteps();
    expect(w.add(0, 20, 0)).toEqual({ dx: 0, dy: 0 });
    expect(w.add(0, 20, 0)).toEqual({ dx: 0, dy: 0 });
    expect(w.add(0, 20, 0)).toEqual({ dx: 0, dy: 1 });
    expect(w.add(0, -20, 0)).toEqual({ dx: 0, dy: 0 }); // the 10 px left over downwards is dropped
    expect(w.add(0, -30, 0)).toEqual({ dx: 0, dy: -1 });
  });

  it('caps a single event at the protocol limit of 100 clicks', () => {
    expect(new WheelSteps().add(0, 1e6, 0)).toEqual({ dx: 0, dy: 100 });
    expect(new WheelSteps().add(0, Number.NaN, 0)).toEqual({ dx: 0, dy: 0 });
  });
});
