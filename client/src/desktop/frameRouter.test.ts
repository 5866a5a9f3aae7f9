import { describe, expect, it } from 'vitest';
import { DesktopFrame, frame } from '../../../server/protocol/desktop.ts';
import { routeFrame, type CursorPosition, type CursorShape } from './frameRouter.ts';

function collect() {
  const got = { codec: [] as ArrayBuffer[], shapes: [] as CursorShape[], positions: [] as CursorPosition[], malformed: [] as string[] };
  return {
    got,
    target: {
      codec: (f: ArrayBuffer) => got.codec.push(f),
      cursorShape: (s: CursorShape) => got.shapes.push(s),
      cursorPosition: (p: CursorPosition) => got.positions.push(p),
      malformed: (r: string) => got.malformed.push(r),
    },
  };
}

const buf = (u8: Uint8Array) => u8.slice().buffer;

describe('routeFrame', () => {
  it('hands codec frames (update, keyframe, refresh) to the decoder unchanged, in order', () => {
    const { got, target } = collect();
    const frames = [
      buf(frame(DesktopFrame.Keyframe, new Uint8Array([1, 2, 3]))),
      buf(frame(DesktopFrame.Update, new Uint8Array([4]))),
      buf(frame(DesktopFrame.Refresh, new Uint8Array([5, 6]))),
    ];
    for (const f of frames) routeFrame(f, target);
    expect(got.codec).toEqual(frames);
    expect(got.codec[0]).toBe(frames[0]); // the same buffer, so it can be transferred without a copy
    expect(got.shapes.length + got.positions.length + got.malformed.length).toBe(0);
  });

  it('parses cursor shapes and positions for the overlay', () => {
    const { got, target } = collect();
    const shape = new Uint8Array(12 + 2 * 3 * 4);
    const v = new DataView(shape.buffer);
    v.setUint16(0, 2, true);
    v.setUint16(2, 3, true);
    v.setUint16(4, 1, true);
    v.setUint16(6, 2, true);
    v.setUint32(8, 77, true);
    shape.fill(200, 12);
    routeFrame(buf(frame(DesktopFrame.CursorShape, shape)), target);
    const pos = new Uint8Array(13);
    const pv = new DataView(pos.buffer);
    pv.setInt32(0, -3, true);
    pv.setInt32(4, 400, true);
    pv.setUint8(8, 1);
    pv.setUint32(9, 77, true);
    routeFrame(buf(frame(DesktopFrame.CursorPosition, pos)), target);
    expect(got.shapes).toHaveLength(1);
    expect(got.shapes[0]).toMatchObject({ width: 2, height: 3, hotX: 1, hotY: 2, serial: 77 });
    expect(got.shapes[0]!.rgba).toHaveLength(24);
    expect(got.shapes[0]!.rgba.every((b) => b === 200)).toBe(true);
    expect(got.positions).toEqual([{ x: -3, y: 400, visible: true, serial: 77 }]);
  });

  it('drops malformed frames with the reason, never passing them to the decoder', () => {
    const { got, target } = collect();
    routeFrame(new ArrayBuffer(0), target);
    routeFrame(buf(new Uint8Array([DesktopFrame.Update])), target);
    routeFrame(buf(new Uint8Array([42, 1, 2])), target);
    routeFrame(buf(frame(DesktopFrame.CursorPosition, new Uint8Array(5))), target);
    expect(got.codec).toEqual([]);
    expect(got.malformed).toEqual(['empty frame', 'empty update', 'unknown frame kind 42', 'cursor position must be 13 bytes']);
  });
});
