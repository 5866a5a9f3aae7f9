import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../native/index.ts';
import { DesktopFrame, frame } from '../protocol/desktop.ts';
import { startTestServer, type TestServer } from '../testing/startTestServer.ts';
import { desktopTeam, picture, TestAgent, TestViewer, until, withRect, type DesktopTeam } from './testing/desktopKit.ts';

// One server for all cases: every bad message must close only the connection that sent it, never the server.
let server: TestServer;
let team: DesktopTeam;
let token: string;
let watcher: TestViewer;
beforeAll(async () => {
  server = await startTestServer();
  team = await desktopTeam(server);
  token = await team.agentToken();
  watcher = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
});
afterAll(async () => {
  watcher.close();
  await server.stop();
});

const W = 64;
const H = 48;

/** Real codec messages: a key message and an update that follows it. */
function codecMessages() {
  const encoder = createEncoder();
  const key = encoder.encode(picture(W, H, 1), W, H, W * 4, 'rgba')!;
  const update = encoder.encode(withRect(picture(W, H, 1), W, { x: 3, y: 3, w: 20, h: 10 }, [1, 2, 3]), W, H, W * 4, 'rgba')!;
  encoder.refresh();
  const refresh = encoder.encode(withRect(picture(W, H, 1), W, { x: 3, y: 3, w: 20, h: 10 }, [1, 2, 3]), W, H, W * 4, 'rgba')!;
  return { key, update, refresh };
}

/** The header of a key message of a width x height picture (native/codec/FORMAT.md), then a little junk. */
function keyHeader(width: number, height: number): Uint8Array {
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
    return [...out, n];
  };
  return new Uint8Array([0x54, 1, 1, ...varint(width * height * 4), ...varint(width), ...varint(height), 0, 0, 0, 0]);
}

/** Connects the session's agent (the previous one has gone), waits for desktop-start (a viewer is watching). */
async function agent(): Promise<TestAgent> {
  const a = await TestAgent.connect(server, token);
  expect((await a.welcome()).type).toBe('welcome');
  await until(() => a.has('desktop-start'));
  return a;
}

/** The server still works: a well-behaved agent streams and the viewer shows its picture exactly. */
async function stillWorks() {
  const a = await agent();
  const p = picture(W, H, Math.floor(Math.random() * 1000));
  a.send(p, W, H);
  await until(() => watcher.shows(p), 3000, 'viewer shows the good agent’s picture');
  a.close();
  await a.closed;
  await until(() => watcher.messages.at(-1)?.type === 'agent' && watcher.messages.at(-1)?.online === false);
}

describe('bad input from an agent closes its connection with a reason', () => {
  const { key, update, refresh } = codecMessages();
  const cases: Array<[string, Uint8Array, string]> = [
    ['an update before the keyframe', frame(DesktopFrame.Update, update), 'an update before the first keyframe'],
    ['a refresh before the keyframe', frame(DesktopFrame.Refresh, refresh), 'a refresh before the first keyframe'],
    ['a truncated keyframe', frame(DesktopFrame.Keyframe, key.subarray(0, Math.floor(key.length / 2))), 'malformed update: '],
    ['a Keyframe frame without a key message', frame(DesktopFrame.Keyframe, update), 'a Keyframe frame must carry a codec key message'],
    ['a Refresh frame without a refresh message', frame(DesktopFrame.Refresh, update), 'a Refresh frame must carry a codec refresh message'],
    ['an unknown frame kind', frame(9 as DesktopFrame, key), 'unknown frame kind 9'],
    ['an empty frame', new Uint8Array(0), 'empty frame'],
    // A few bytes would make the server (and every viewer) hold an 8K picture: refused before any decoder sees it.
    ['a keyframe of an 8K screen', frame(DesktopFrame.Keyframe, keyHeader(7680, 4320)), 'screen 7680x4320 is larger than this server accepts (16777216 pixels at most)'],
    ['bytes that are not a codec message', frame(DesktopFrame.Keyframe, new Uint8Array([1, 2, 3, 4, 5])), 'not a codec message'],
    ['a short cursor position', frame(DesktopFrame.CursorPosition, new Uint8Array(5)), 'cursor position must be 13 bytes'],
    ['a cursor shape of the wrong length', frame(DesktopFrame.CursorShape, new Uint8Array([2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])), 'cursor shape length mismatch'],
  ];
  for (const [what, bytes, reason] of cases)
    it(what, async () => {
      const a = await agent();
      a.raw(bytes);
      const closed = await a.closed;
      expect(closed.code).toBe(1008);
      expect(closed.reason.startsWith(reason)).toBe(true);
      expect(a.lastOf('error')?.error.startsWith(reason)).toBe(true);
      await stillWorks();
    });

  it('a garbage update in the middle of a good stream', async () => {
    watcher.decodeErrors.length = 0;
    const a = await agent();
    a.send(picture(W, H, 5), W, H);
    const next = a.encoder.encode(withRect(picture(W, H, 5), W, { x: 0, y: 0, w: 30, h: 30 }, [9, 9, 9]), W, H, W * 4, 'rgba')!;
    a.raw(frame(DesktopFrame.Update, next.subarray(0, next.length - 3))); // torn: the codec's own lengths disagree
    const closed = await a.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/^malformed update: /);
    // The relay forwards before the server's decoder (in a worker) finds the fault, so the viewer got the frame too:
    // its decoder refuses it like the server's did, and the next connection's keyframe brings it back.
    expect(watcher.decodeErrors.length).toBe(1);
    await stillWorks();
  });

  it('desktop frames before desktop-start', async () => {
    watcher.close();
    await watcher.closed;
    const a = await TestAgent.connect(server, token);
    await a.welcome();
    a.raw(frame(DesktopFrame.Keyframe, key));
    expect(await a.closed).toEqual({ code: 1008, reason: 'desktop frames are only accepted after desktop-start' });
    watcher = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
    await stillWorks();
  });

  it('malformed and oversized JSON', async () => {
    for (const [text, reason] of [
      ['{"type":"consent","granted":["view"', 'message is not valid JSON'],
      ['{"type":"consent","granted":["fly"]}', 'consent needs granted'],
      ['{"type":"monitors","monitors":[],"current":3}', 'current must be'],
      [JSON.stringify({ type: 'clipboard', text: 'x'.repeat(1024 * 1024 + 1) }), 'clipboard text must be'],
      [JSON.stringify({ type: 'heartbeat', t: 1, pad: 'y'.repeat(4 * 1024 * 1024) }), 'message larger than'],
    ] as const) {
      const a = await agent();
      a.ws.send(text);
      const closed = await a.closed;
      expect(closed.code, text.slice(0, 40)).toBe(1008);
      expect(closed.reason.startsWith(reason), `${closed.reason} / ${reason}`).toBe(true);
    }
    await stillWorks();
  });

  it('a binary frame over the server-wide limit', async () => {
    const a = await agent();
    a.raw(new Uint8Array(17 * 1024 * 1024).fill(1));
    const closed = await a.closed;
    expect(closed.code).not.toBe(1000);
    await stillWorks();
  });
});

describe('bad input from a viewer closes its socket with a reason', () => {
  const cases: Array<[string, string | Uint8Array, number, string]> = [
    ['binary', new Uint8Array([1, 2, 3]), 1008, 'viewers send only JSON text messages'],
    ['truncated JSON', '{"type":"input","events":[{"type":"pointer"', 1008, 'message must be an object'],
    ['a bare number', '42', 1008, 'message must be an object'],
    ['an unknown type', '{"type":"shell","cmd":"rm -rf /"}', 1008, 'unknown message type'],
    ['a bad input event', '{"type":"input","events":[{"type":"button","button":7,"down":true,"x":1,"y":1}]}', 1008, 'button must be 1, 2, 3, 8 or 9'],
    ['too many input events', JSON.stringify({ type: 'input', events: Array.from({ length: 300 }, () => ({ type: 'pointer', x: 1, y: 1 })) }), 1008, 'input needs 1..256 events'],
    ['coordinates far outside any screen', '{"type":"input","events":[{"type":"pointer","x":99999999,"y":0}]}', 1008, 'pointer needs integer x and y'],
    ['an oversized message', JSON.stringify({ type: 'clipboard', text: 'z'.repeat(5 * 1024 * 1024) }), 1009, 'message larger than'],
  ];
  for (const [what, message, code, reason] of cases)
    it(what, async () => {
      const v = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
      v.ws.send(message);
      const closed = await v.closed;
      expect(closed.code).toBe(code);
      expect(closed.reason.startsWith(reason), closed.reason).toBe(true);
      await stillWorks();
    });
});
