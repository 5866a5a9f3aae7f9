import { describe, expect, it } from 'vitest';
import { createDecoder, createEncoder } from '../../native/index.ts';
import { DesktopFrame, frame } from '../protocol/desktop.ts';
import { CodecPicture, encodeKeyframe } from './codecPicture.ts';
import { DesktopRelay, type ViewerSink } from './desktopRelay.ts';
import { picture, sameBytes, withRect } from './testing/desktopKit.ts';

const W = 200;
const H = 120;

describe('CodecPicture', () => {
  it('follows the stream and makes keyframes a fresh decoder shows exactly, once per version', () => {
    const pic = new CodecPicture();
    expect(pic.keyframe()).toBeNull();
    const encoder = createEncoder();
    let current = picture(W, H, 1);
    pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
    for (let i = 0; i < 4; i++) {
      current = withRect(current, W, { x: i * 20, y: i * 10, w: 30, h: 30 }, [i * 60, 20, 200]);
      pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
    }
    // a refresh message: the decoder resets its context itself (FORMAT.md flag bit 1)
    encoder.refresh();
    current = withRect(current, W, { x: 150, y: 90, w: 20, h: 20 }, [1, 2, 3]);
    pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);

    const key = pic.keyframe()!;
    expect(pic.keyframe()).toBe(key); // cached: many viewers joining at once cost one encode
    expect(pic.dimensions).toEqual({ width: W, height: H });
    expect(sameBytes(createDecoder().decode(key).rgba, current)).toBe(true);

    current = withRect(current, W, { x: 0, y: 0, w: 5, h: 5 }, [9, 9, 9]);
    pic.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
    const next = pic.keyframe()!;
    expect(next).not.toBe(key);
    expect(sameBytes(createDecoder().decode(next).rgba, current)).toBe(true);
  });

  it('makes the same bytes as a brand-new encoder (the shared keyframe encoder is reset each time)', () => {
    for (const seed of [1, 1, 2, 3, 3]) {
      const rgba = picture(W, H, seed);
      const fresh = createEncoder({ zstdLevel: 3 }).encode(rgba, W, H, W * 4, 'rgba')!;
      expect(sameBytes(encodeKeyframe(rgba, W, H)!, fresh)).toBe(true);
    }
  });

  it('makes no keyframe from a picture a malformed message may have damaged', () => {
    const pic = new CodecPicture();
    const encoder = createEncoder();
    pic.apply(encoder.encode(picture(W, H, 4), W, H, W * 4, 'rgba')!);
    const update = encoder.encode(picture(W, H, 5), W, H, W * 4, 'rgba')!;
    expect(() => pic.apply(update.subarray(0, update.length - 4))).toThrow();
    expect(pic.keyframe()).toBeNull();
    expect(pic.dimensions).toBeNull();
  });
});

class MemorySink implements ViewerSink {
  frames: { kind: number; keyframe: boolean }[] = [];
  decoder = createDecoder();
  backlog = 0;
  buffered() {
    return this.backlog;
  }
  send(data: Uint8Array, keyframe: boolean) {
    this.frames.push({ kind: data[0]!, keyframe });
    if (data[0] === DesktopFrame.Update || data[0] === DesktopFrame.Keyframe || data[0] === DesktopFrame.Refresh) this.decoder.apply(data.subarray(1));
  }
}

describe('DesktopRelay', () => {
  function stream() {
    const encoder = createEncoder();
    let refreshes = 0;
    const relay = new DesktopRelay(new CodecPicture(), { maxBufferedBytes: 1000, requestRefresh: () => refreshes++ });
    let current = picture(W, H, 9);
    const next = (kind?: DesktopFrame) => {
      current = withRect(current, W, { x: Math.floor(Math.random() * 150), y: Math.floor(Math.random() * 80), w: 30, h: 30 }, [Math.floor(Math.random() * 255), 0, 0]);
      const message = encoder.encode(current, W, H, W * 4, 'rgba')!;
      const stats = encoder.stats();
      return relay.fromAgent(frame(kind ?? (stats.key ? DesktopFrame.Keyframe : stats.refresh ? DesktopFrame.Refresh : DesktopFrame.Update), message));
    };
    return { encoder, relay, next, current: () => current, refreshes: () => refreshes };
  }

  it('gives a seek point without ever taking the recorder out of the stream', () => {
    const s = stream();
    const recorder = new MemorySink();
    s.relay.addViewer(recorder);
    expect(s.next()).toBeNull();
    for (let i = 0; i < 3; i++) expect(s.next()).toBeNull();
    s.relay.seekPoint(recorder);
    expect(s.refreshes()).toBe(1);
    expect(s.next()).toBeNull(); // an update before the agent's refresh still reaches it
    s.encoder.refresh();
    expect(s.next()).toBeNull();
    expect(s.next()).toBeNull();
    expect(recorder.frames.map((f) => f.kind)).toEqual([2, 1, 1, 1, 1, 2, 5, 1]);
    expect(recorder.frames.filter((f) => f.keyframe).length).toBe(2);
    expect(sameBytes(recorder.decoder.rgba(), s.current())).toBe(true);
  });

  it('treats an Update frame carrying a key message as the keyframe it is', () => {
    const s = stream();
    const late = new MemorySink();
    expect(s.next(DesktopFrame.Update)).toBeNull(); // the codec says key: accepted as the first picture
    s.relay.addViewer(late);
    expect(late.frames).toEqual([{ kind: 2, keyframe: true }]);
    s.encoder.reset();
    expect(s.next(DesktopFrame.Update)).toBeNull();
    expect(late.frames.at(-1)).toEqual({ kind: 1, keyframe: true }); // in sync again at once: a new epoch
    expect(sameBytes(late.decoder.rgba(), s.current())).toBe(true);
  });

  it('drops frames for a viewer that is behind and resynchronises it when it has room', () => {
    const s = stream();
    const slow = new MemorySink();
    const fast = new MemorySink();
    s.relay.addViewer(slow);
    s.relay.addViewer(fast);
    expect(s.next()).toBeNull();
    slow.backlog = 5000;
    for (let i = 0; i < 3; i++) expect(s.next()).toBeNull();
    expect(s.relay.isSynced(slow)).toBe(false);
    const got = slow.frames.length;
    s.encoder.refresh();
    expect(s.next()).toBeNull(); // still full: it waits
    expect(slow.frames.length).toBe(got);
    slow.backlog = 0;
    const asked = s.refreshes();
    s.relay.drained(slow);
    expect(s.refreshes()).toBe(asked + 1);
    s.encoder.refresh();
    expect(s.next()).toBeNull();
    expect(slow.frames.slice(got).map((f) => f.kind)).toEqual([2, 5]);
    expect(sameBytes(slow.decoder.rgba(), s.current())).toBe(true);
    expect(sameBytes(fast.decoder.rgba(), s.current())).toBe(true);
  });
});
