import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopFrame, frame } from '../../../server/protocol/desktop.ts';
import { FakeSocket } from '../test/fakeSocket.ts';
import { DesktopConnection, PING_MS, RESYNC_MIN_MS } from './desktopConnection.ts';
import type { ConnectionState, DesktopState } from './desktopState.ts';
import type { CursorPosition } from './frameRouter.ts';
import { StatsMeter } from './statsMeter.ts';

const last = () => FakeSocket.all.at(-1)!;

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

function make() {
  const log = { frames: [] as ArrayBuffer[], resets: 0, states: [] as DesktopState[], connection: [] as ConnectionState[], positions: [] as CursorPosition[] };
  const meter = new StatsMeter();
  const conn = new DesktopConnection({
    sessionId: 12,
    url: 'ws://test/ws/desktop/12',
    meter,
    decoder: { frames: (f) => log.frames.push(...f), reset: () => log.resets++ },
    onState: (s) => log.states.push(s),
    onConnection: (c) => log.connection.push(c),
    onCursorShape: () => {},
    onCursorPosition: (p) => log.positions.push(p),
    createSocket: (url) => new FakeSocket(url),
    now: () => Date.now(),
  });
  return { conn, log, meter };
}

const hello = { type: 'hello', mode: 'control', agent: true, consent: ['view', 'control'], monitors: [], monitor: 'all' };

describe('DesktopConnection', () => {
  it('connects to the session path, resets the decoder on open and routes frames and messages', () => {
    const { conn, log, meter } = make();
    conn.start();
    expect(last().url).toBe('ws://test/ws/desktop/12');
    last().open();
    expect(log.resets).toBe(1);
    expect(log.connection).toEqual(['connecting', 'open']);
    last().message(hello);
    expect(conn.state.mode).toBe('control');
    last().binary(frame(DesktopFrame.Keyframe, new Uint8Array([1, 2, 3])));
    last().binary(frame(DesktopFrame.CursorPosition, new Uint8Array(13)));
    expect(log.frames.map((f) => new Uint8Array(f)[0])).toEqual([DesktopFrame.Keyframe]);
    expect(log.positions).toHaveLength(1);
    expect(meter.snapshot(Date.now()).bytes).toBe(4 + 14);
  });

  it('sends input only in control mode', () => {
    const { conn } = make();
    conn.start();
    last().open();
    expect(conn.input([{ type: 'pointer', x: 1, y: 2 }])).toBe(false); // no hello yet: view
    last().message(hello);
    expect(conn.input([{ type: 'pointer', x: 1, y: 2 }])).toBe(true);
    expect(conn.input([])).toBe(false);
    last().message({ type: 'mode', mode: 'view' });
    expect(conn.input([{ type: 'pointer', x: 1, y: 2 }])).toBe(false);
    expect(last().sentJson).toEqual([{ type: 'input', events: [{ type: 'pointer', x: 1, y: 2 }] }]);
  });

  it('pings every 2 s and reports the round trip', () => {
    const { conn, meter } = make();
    conn.start();
    last().open();
    vi.advanceTimersByTime(PING_MS);
    expect(last().sentJson).toEqual([{ type: 'ping', t: PING_MS }]);
    vi.advanceTimersByTime(35);
    last().message({ type: 'pong', t: PING_MS });
    expect(meter.snapshot(Date.now()).rttMs).toBe(35);
  });

  it('reconnects after a drop, forgetting the hello until the next one', () => {
    const { conn, log } = make();
    conn.start();
    last().open();
    last().message(hello);
    last().drop();
    expect(conn.state.hello).toBe(false);
    expect(log.connection.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    last().open();
    expect(log.resets).toBe(2);
    expect(log.connection.at(-1)).toBe('open');
  });

  it('resynchronises by reconnecting, at most every few seconds', () => {
    const { conn } = make();
    conn.start();
    last().open();
    conn.resync();
    expect(FakeSocket.all).toHaveLength(2);
    conn.resync();
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(RESYNC_MIN_MS);
    conn.resync();
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('stops for good', () => {
    const { conn, log } = make();
    conn.start();
    last().open();
    conn.stop();
    expect(log.connection.at(-1)).toBe('closed');
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});
