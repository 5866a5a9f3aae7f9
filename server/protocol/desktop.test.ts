import { describe, expect, it } from 'vitest';
import { DesktopFrame, frame, MAX_TEXT_INPUT, parseViewerMessage, splitFrame } from './desktop.ts';

describe('viewer messages', () => {
  it('accept well-formed input batches', () => {
    const m = parseViewerMessage({
      type: 'input',
      events: [
        { type: 'pointer', x: 10, y: 20 },
        { type: 'button', button: 1, down: true, x: 10, y: 20 },
        { type: 'wheel', dx: 0, dy: -3, x: 10, y: 20 },
        { type: 'key', keysym: 0xffe3, down: true },
        { type: 'text', text: 'Grüße 日本' },
        { type: 'combo', combo: 'ctrl-alt-del' },
        { type: 'release-all' },
      ],
    });
    expect(typeof m).toBe('object');
    expect((m as { events: unknown[] }).events).toHaveLength(7);
  });

  it('refuse malformed, hostile and oversized messages with a reason', () => {
    const bad: unknown[] = [
      null,
      [],
      'input',
      { type: 'nope' },
      { type: 'input', events: [] },
      { type: 'input', events: Array.from({ length: 300 }, () => ({ type: 'release-all' })) },
      { type: 'input', events: [{ type: 'pointer', x: 1.5, y: 2 }] },
      { type: 'input', events: [{ type: 'pointer', x: 'a', y: 2 }] },
      { type: 'input', events: [{ type: 'pointer', x: 1e12, y: 2 }] },
      { type: 'input', events: [{ type: 'button', button: 4, down: true, x: 0, y: 0 }] },
      { type: 'input', events: [{ type: 'wheel', dx: 1000, dy: 0, x: 0, y: 0 }] },
      { type: 'input', events: [{ type: 'key', keysym: -1, down: true }] },
      { type: 'input', events: [{ type: 'text', text: 'x'.repeat(MAX_TEXT_INPUT + 1) }] },
      { type: 'input', events: [{ type: 'combo', combo: 'rm -rf' }] },
      { type: 'input', events: [{ type: 'pointer', x: 1, y: 1 }, 'junk'] },
      { type: 'clipboard', text: 5 },
      { type: 'monitor', index: 99 },
      { type: 'ping', t: Number.NaN },
    ];
    for (const b of bad) expect(typeof parseViewerMessage(b), JSON.stringify(b)?.slice(0, 60)).toBe('string');
  });
});

describe('binary frames', () => {
  it('round-trip kinds and check their lengths', () => {
    expect(splitFrame(frame(DesktopFrame.Update, new Uint8Array([1, 2, 3])))).toEqual({ kind: DesktopFrame.Update, payload: new Uint8Array([1, 2, 3]) });
    const shape = new Uint8Array(12 + 2 * 2 * 4);
    new DataView(shape.buffer).setUint16(0, 2, true);
    new DataView(shape.buffer).setUint16(2, 2, true);
    expect(typeof splitFrame(frame(DesktopFrame.CursorShape, shape))).toBe('object');
    expect(splitFrame(frame(DesktopFrame.CursorShape, shape.subarray(0, 20)))).toBe('cursor shape length mismatch');
    new DataView(shape.buffer).setUint16(4, 5, true);
    expect(splitFrame(frame(DesktopFrame.CursorShape, shape))).toBe('cursor hot spot outside the image');
    expect(splitFrame(new Uint8Array(0))).toBe('empty frame');
    expect(splitFrame(new Uint8Array([DesktopFrame.Update]))).toBe('empty update');
    expect(splitFrame(new Uint8Array([99, 1]))).toBe('unknown frame kind 99');
    expect(splitFrame(frame(DesktopFrame.CursorPosition, new Uint8Array(12)))).toBe('cursor position must be 13 bytes');
  });
});
