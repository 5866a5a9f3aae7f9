import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createDecoder, createEncoder } from '../../native/index.ts';
import { DesktopFrame, frame } from '../protocol/desktop.ts';
import { DesktopRelay, type ViewerSink } from './desktopRelay.ts';
import { PICTURE_BYTES_PER_PIXEL, PicturePool } from './picturePool.ts';
import { picture, sameBytes, until, withRect } from './testing/desktopKit.ts';

const W = 200;
const H = 120;

/** A viewer that decodes what it gets, like the console does. */
class MemorySink implements ViewerSink {
  frames: { kind: number; keyframe: boolean }[] = [];
  decoder = createDecoder();
  errors: string[] = [];
  backlog = 0;
  buffered() {
    return this.backlog;
  }
  send(data: Uint8Array, keyframe: boolean) {
    this.frames.push({ kind: data[0]!, keyframe });
    if (data[0] !== DesktopFrame.Update && data[0] !== DesktopFrame.Keyframe && data[0] !== DesktopFrame.Refresh) return;
    try {
      this.decoder.apply(data.subarray(1));
    } catch (e) {
      this.errors.push((e as Error).message);
    }
  }
  kinds() {
    return this.frames.map((f) => f.kind);
  }
}

const inline = new PicturePool(0);
const threaded = new PicturePool(1);
afterAll(async () => {
  await inline.stop();
  await threaded.stop();
});

/** Lets promised keyframes arrive: microtasks for the inline pool, a round trip for a worker. */
const keyframesIn = () => new Promise((resolve) => setTimeout(resolve, 0));

function stream(pool = inline, maxPixels?: number) {
  const encoder = createEncoder();
  let refreshes = 0;
  const failures: string[] = [];
  let keys = 0;
  const pictureOf = pool.picture({
    failed: (reason) => {
      failures.push(reason);
      relay.pictureFailed();
    },
    paused: () => relay.picturePaused(),
    resumable: () => relay.pictureResumable(),
  });
  const relay = new DesktopRelay(
    pictureOf,
    { maxBufferedBytes: 1000, requestRefresh: () => refreshes++, requestKey: () => keys++, maxPixels },
  );
  let current = picture(W, H, 9);
  const next = (kind?: DesktopFrame) => {
    current = withRect(current, W, { x: Math.floor(Math.random() * 150), y: Math.floor(Math.random() * 80), w: 30, h: 30 }, [Math.floor(Math.random() * 255), 0, 0]);
    const message = encoder.encode(current, W, H, W * 4, 'rgba')!;
    const stats = encoder.stats();
    return relay.fromAgent(frame(kind ?? (stats.key ? DesktopFrame.Keyframe : stats.refresh ? DesktopFrame.Refresh : DesktopFrame.Update), message));
  };
  const cursor = () => relay.fromAgent(frame(DesktopFrame.CursorPosition, new Uint8Array(13)));
  return { encoder, relay, picture: pictureOf, next, cursor, failures, current: () => current, refreshes: () => refreshes, keys: () => keys };
}

describe('DesktopRelay', () => {
  it('gives a seek point without ever taking the recorder out of the stream: what comes meanwhile follows the keyframe', async () => {
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
    // the keyframe is being made: the refresh and what follows wait for it, in order
    expect(s.cursor()).toBeNull();
    expect(s.next()).toBeNull();
    expect(recorder.kinds()).toEqual([2, 1, 1, 1, 1]);
    expect(s.relay.isSynced(recorder)).toBe(false);
    await keyframesIn();
    expect(recorder.kinds()).toEqual([2, 1, 1, 1, 1, 2, 5, 4, 1]);
    expect(recorder.frames.filter((f) => f.keyframe).length).toBe(2);
    expect(s.relay.isSynced(recorder)).toBe(true);
    expect(s.next()).toBeNull();
    expect(recorder.kinds().at(-1)).toBe(1);
    expect(recorder.errors).toEqual([]);
    expect(sameBytes(recorder.decoder.rgba(), s.current())).toBe(true);
  });

  it('treats an Update frame carrying a key message as the keyframe it is', async () => {
    const s = stream();
    const late = new MemorySink();
    expect(s.next(DesktopFrame.Update)).toBeNull(); // the codec says key: accepted as the first picture
    s.relay.addViewer(late);
    await keyframesIn();
    expect(late.frames).toEqual([{ kind: 2, keyframe: true }]);
    s.encoder.reset();
    expect(s.next(DesktopFrame.Update)).toBeNull();
    expect(late.frames.at(-1)).toEqual({ kind: 1, keyframe: true }); // in sync again at once: a new epoch
    expect(sameBytes(late.decoder.rgba(), s.current())).toBe(true);
  });

  it('drops frames for a viewer that is behind and resynchronises it when it has room', async () => {
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
    await keyframesIn();
    expect(slow.frames.length).toBe(got);
    slow.backlog = 0;
    const asked = s.refreshes();
    s.relay.drained(slow);
    expect(s.refreshes()).toBe(asked + 1);
    s.encoder.refresh();
    expect(s.next()).toBeNull();
    await keyframesIn();
    expect(slow.kinds().slice(got)).toEqual([2, 5]);
    expect(s.relay.isSynced(slow)).toBe(true);
    expect(sameBytes(slow.decoder.rgba(), s.current())).toBe(true);
    expect(sameBytes(fast.decoder.rgba(), s.current())).toBe(true);
  });

  it('a late joiner sees the picture at once and, from the refresh point, every frame (keyframes made in a worker)', async () => {
    const s = stream(threaded);
    const first = new MemorySink();
    s.relay.addViewer(first);
    for (let i = 0; i < 5; i++) expect(s.next()).toBeNull();
    const late = new MemorySink();
    s.relay.addViewer(late);
    const shown = s.current();
    await until(() => late.frames.length > 0, 3000, 'the late joiner’s first picture');
    expect(late.frames).toEqual([{ kind: 2, keyframe: true }]);
    expect(sameBytes(late.decoder.rgba(), shown)).toBe(true);
    expect(s.refreshes()).toBe(1);
    expect(s.next()).toBeNull(); // before the refresh point: not for the late joiner
    s.encoder.refresh();
    for (let i = 0; i < 4; i++) expect(s.next()).toBeNull(); // the refresh and more, while the keyframe is made
    await until(() => s.relay.isSynced(late), 3000, 'the late joiner in sync');
    expect(late.kinds()).toEqual([2, 2, 5, 1, 1, 1]);
    for (let i = 0; i < 3; i++) expect(s.next()).toBeNull();
    expect(late.errors).toEqual([]);
    expect(sameBytes(late.decoder.rgba(), s.current())).toBe(true);
    expect(sameBytes(first.decoder.rgba(), s.current())).toBe(true);
  });

  it('a late joiner whose held frames outgrow its buffer waits for a later refresh point instead', async () => {
    const s = stream(threaded);
    expect(s.next()).toBeNull();
    const late = new MemorySink();
    s.relay.addViewer(late);
    s.encoder.refresh();
    expect(s.next()).toBeNull();
    // a burst right behind the refresh: more than the viewer's 1000 bytes held for it
    for (let i = 0; i < 100; i++) s.cursor();
    for (let i = 0; i < 3; i++) expect(s.next()).toBeNull();
    await until(() => late.frames.length > 0, 3000, 'the late joiner’s first picture');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.relay.isSynced(late)).toBe(false);
    expect(late.kinds().filter((k) => k === DesktopFrame.Update || k === DesktopFrame.Refresh)).toEqual([]); // no stream it cannot decode
    s.encoder.refresh();
    expect(s.next()).toBeNull();
    await until(() => s.relay.isSynced(late), 3000, 'in sync at the next refresh point');
    expect(s.next()).toBeNull();
    expect(late.errors).toEqual([]);
    expect(sameBytes(late.decoder.rgba(), s.current())).toBe(true);
  });

  it('an agent keyframe while a seek point is made: the held frames go first, then the new epoch', async () => {
    const s = stream();
    const recorder = new MemorySink();
    s.relay.addViewer(recorder);
    expect(s.next()).toBeNull();
    s.relay.seekPoint(recorder);
    s.encoder.refresh();
    expect(s.next()).toBeNull();
    expect(s.next()).toBeNull();
    s.encoder.reset();
    expect(s.next()).toBeNull();
    expect(recorder.kinds()).toEqual([2, 5, 1, 2]);
    await keyframesIn(); // the seek point's keyframe arrives late: an older epoch, not sent
    expect(recorder.kinds()).toEqual([2, 5, 1, 2]);
    expect(recorder.errors).toEqual([]);
    expect(sameBytes(recorder.decoder.rgba(), s.current())).toBe(true);
  });

  it('a message the decoder refuses: the owner hears why, and nobody waits for a keyframe of a damaged picture', async () => {
    const s = stream(threaded);
    expect(s.next()).toBeNull();
    const good = s.encoder.encode(withRect(s.current(), W, { x: 0, y: 0, w: 40, h: 40 }, [1, 2, 3]), W, H, W * 4, 'rgba')!;
    expect(s.relay.fromAgent(frame(DesktopFrame.Update, good.subarray(0, good.length - 3)))).toBeNull(); // found later
    await until(() => s.failures.length > 0, 3000, 'the failure report');
    expect(s.failures[0]).toMatch(/malformed/);
    const late = new MemorySink();
    s.relay.addViewer(late);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(late.frames).toEqual([]);
    expect(s.relay.fromAgent(frame(DesktopFrame.Update, good))).toBe('an update before the first keyframe');
    // the agent's next connection starts over with a key message: all is well again
    s.relay.agentGone();
    s.encoder.reset();
    expect(s.next()).toBeNull();
    expect(late.frames).toEqual([{ kind: 2, keyframe: true }]);
    expect(sameBytes(late.decoder.rgba(), s.current())).toBe(true);
  });
});

describe('PicturePool', () => {
  it.runIf(process.platform === 'linux')('runs its workers at a lower priority than the relay thread', async () => {
    const pool = new PicturePool(1);
    try {
      await pool.picture({ failed() {}, paused() {}, resumable() {} }).keyframe(); // the worker has started and answered
      const niceOf = (tid: string) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      };
      const nice = readdirSync('/proc/self/task').map(niceOf);
      expect(nice).toContain(10);
      expect(niceOf(String(process.pid))).toBe(0);
    } finally {
      await pool.stop();
    }
  });

  it('screens and keyframes see exactly the messages handed over before them, in a worker as on this thread', async () => {
    for (const pool of [inline, threaded]) {
      const p = pool.picture({
        failed() {
          throw new Error('no message here is malformed');
        },
        paused() {
          throw new Error('nothing here overloads a worker');
        },
        resumable() {},
      });
      expect(await p.keyframe()).toBeNull();
      expect(await p.rgba()).toBeNull();
      const encoder = createEncoder();
      let current = picture(W, H, 4);
      p.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
      expect(p.dimensions).toEqual({ width: W, height: H });
      const asked: Array<Promise<Uint8Array | null>> = [];
      const expected: Uint8Array[] = [];
      for (let i = 0; i < 4; i++) {
        current = withRect(current, W, { x: i * 30, y: i * 20, w: 25, h: 25 }, [i * 50, 9, 9]);
        p.apply(encoder.encode(current, W, H, W * 4, 'rgba')!);
        asked.push(p.keyframe());
        expected.push(current);
      }
      const screen = p.rgba();
      const keys = await Promise.all(asked);
      keys.forEach((key, i) => expect(sameBytes(createDecoder().decode(key!).rgba, expected[i]!)).toBe(true));
      expect((await screen)!).toMatchObject({ width: W, height: H });
      expect(sameBytes((await screen)!.rgba, current)).toBe(true);
      await until(() => p.decodeMs > 0 || pool.workers === 0, 3000, 'decode work reported');
      p.close();
      expect(await p.rgba()).toBeNull();
    }
  });
});

describe('overload', () => {
  it('a worker too far behind stops decoding the session; its viewers come in with the agent’s key messages', async () => {
    const tiny = new PicturePool(1, { maxBacklogBytes: 1, log: () => {} });
    try {
      const s = stream(tiny);
      const watching = new MemorySink();
      s.relay.addViewer(watching);
      expect(s.next()).toBeNull(); // handed to the worker: over the tiny limit until it is done
      expect(s.next()).toBeNull(); // this one finds the worker behind: the picture pauses
      expect(s.keys()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(s.keys()).toBe(1); // the worker caught up: a key message from the agent would bring the picture back
      const late = new MemorySink();
      s.relay.addViewer(late);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(late.frames).toEqual([]); // no server keyframe while paused
      expect(s.keys()).toBe(2); // for the late joiner too: a key message instead of a refresh
      expect(s.refreshes()).toBe(0);
      s.encoder.reset();
      expect(s.next()).toBeNull(); // the key message: everyone in sync, and the worker has caught up: decoding resumes
      expect(late.kinds()).toEqual([2]);
      expect(sameBytes(late.decoder.rgba(), s.current())).toBe(true);
      expect(sameBytes(watching.decoder.rgba(), s.current())).toBe(true);
      // resumed: a third viewer gets a server keyframe again
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(s.next()).toBeNull(); // one at a time: the tiny limit is not passed
      await new Promise((resolve) => setTimeout(resolve, 100));
      const third = new MemorySink();
      s.relay.addViewer(third);
      await until(() => third.frames.length > 0, 3000, 'a server keyframe');
      expect(sameBytes(third.decoder.rgba(), s.current())).toBe(true);
    } finally {
      await tiny.stop();
    }
  });
});

/** A key message header for a picture of this size (native/codec/FORMAT.md), with a few bytes of junk after it. */
function keyHeader(width: number, height: number): Uint8Array {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };
  return new Uint8Array([0x54, 1, 1, ...varint(width * height * 4), ...varint(width), ...varint(height), 0, 0, 0, 0]);
}

describe('screen size and picture memory', () => {
  it('refuses a key message of a screen over the pixel limit before anything decodes or forwards it', () => {
    const held = inline.decodedBytes;
    const s = stream(inline, 7680 * 2160);
    const watching = new MemorySink();
    s.relay.addViewer(watching);
    expect(s.relay.fromAgent(frame(DesktopFrame.Keyframe, keyHeader(7680, 4320)))).toBe(
      'screen 7680x4320 is larger than this server accepts (16588800 pixels at most)',
    );
    // also as an Update frame carrying the key message
    expect(s.relay.fromAgent(frame(DesktopFrame.Update, keyHeader(7680, 4320)))).toMatch(/is larger than this server accepts/);
    expect(watching.frames).toEqual([]);
    expect(inline.decodedBytes).toBe(held);
    expect(s.next()).toBeNull(); // a screen within the limit goes on as before
    expect(watching.kinds()).toEqual([DesktopFrame.Keyframe]);
  });

  it('a screen that does not fit the memory budget is not decoded; it comes back when another picture makes room', async () => {
    const one = W * H * PICTURE_BYTES_PER_PIXEL;
    const pool = new PicturePool(0, { budgetBytes: one + one / 2, log: () => {} });
    try {
      const a = stream(pool);
      expect(a.next()).toBeNull();
      expect(pool.decodedBytes).toBe(one);
      const b = stream(pool);
      const viewer = new MemorySink();
      b.relay.addViewer(viewer);
      expect(b.next()).toBeNull(); // its key message goes to the viewer, but the server does not decode it
      expect(pool.decodedBytes).toBe(one);
      expect(pool.pausedCount).toBe(1);
      expect(sameBytes(viewer.decoder.rgba(), b.current())).toBe(true);
      await keyframesIn();
      const late = new MemorySink();
      b.relay.addViewer(late);
      await keyframesIn();
      expect(late.frames).toEqual([]); // no server keyframe: the late joiner waits for the agent's key message
      expect(b.keys()).toBe(1);
      b.encoder.reset();
      expect(b.next()).toBeNull(); // still no room: that key message is not decoded either
      expect(pool.decodedBytes).toBe(one);
      expect(sameBytes(late.decoder.rgba(), b.current())).toBe(true);
      const keysBefore = b.keys();
      a.picture.close(); // the other session ends: its room goes to the waiting picture
      expect(b.keys()).toBe(keysBefore + 1);
      b.encoder.reset();
      expect(b.next()).toBeNull();
      expect(pool.decodedBytes).toBe(one);
      expect(pool.pausedCount).toBe(0);
      const third = new MemorySink();
      b.relay.addViewer(third);
      await until(() => third.frames.length > 0, 3000, 'a server keyframe');
      expect(sameBytes(third.decoder.rgba(), b.current())).toBe(true);
    } finally {
      await pool.stop();
    }
  });
});
