import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fakeSocket.ts';
import { backoffDelay, ReconnectingSocket, sameOriginSocketUrl, type SocketStatus } from './reconnectingSocket.ts';


const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

function make(extra: Partial<ConstructorParameters<typeof ReconnectingSocket>[0]> = {}) {
  const messages: unknown[] = [];
  const statuses: SocketStatus[] = [];
  const socket = new ReconnectingSocket({
    url: 'ws://test/ws/console',
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    createSocket: (url) => new FakeSocket(url),
    backoff: { baseMs: 100, maxMs: 1_000, factor: 2, jitter: 0 },
    pingMs: 0,
    ...extra,
  });
  return { socket, messages, statuses };
}

describe('backoffDelay', () => {
  it('grows exponentially and is capped', () => {
    const opts = { baseMs: 500, maxMs: 30_000, factor: 2, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, opts))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('jitter only shortens the delay, within the configured fraction', () => {
    const opts = { baseMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.3 };
    expect(backoffDelay(0, opts, () => 0)).toBe(1000);
    expect(backoffDelay(0, opts, () => 1)).toBe(700);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(10, opts);
      expect(d).toBeGreaterThanOrEqual(21_000);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });
});

describe('ReconnectingSocket', () => {
  it('connects, delivers parsed messages and reports status', () => {
    const { socket, messages, statuses } = make();
    socket.start();
    expect(last().url).toBe('ws://test/ws/console');
    expect(statuses.at(-1)).toEqual({ state: 'connecting', attempt: 0 });
    last().open();
    expect(statuses.at(-1)?.state).toBe('open');
    last().message({ type: 'presence', desks: [] });
    expect(messages).toEqual([{ type: 'presence', desks: [] }]);
    socket.stop();
  });

  it('retries with capped exponential backoff while the server is away', () => {
    const { socket, statuses } = make();
    const drops: number[] = [];
    socket.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = FakeSocket.all.length;
      last().drop();
      const waiting = statuses.at(-1) as Extract<SocketStatus, { state: 'waiting' }>;
      expect(waiting.state).toBe('waiting');
      delays.push(waiting.retryAt - Date.now());
      drops.push(waiting.attempt);
      vi.advanceTimersByTime(waiting.retryAt - Date.now() - 1);
      expect(FakeSocket.all.length).toBe(before); // not yet
      vi.advanceTimersByTime(1);
      expect(FakeSocket.all.length).toBe(before + 1); // retried exactly on time
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(drops).toEqual([1, 2, 3, 4, 5, 6]);
    socket.stop();
  });

  it('resets the backoff once a connection has stayed open', () => {
    const { socket, statuses } = make({ stableMs: 5_000 });
    socket.start();
    last().drop();
    vi.advanceTimersByTime(100);
    last().drop();
    vi.advanceTimersByTime(200);
    last().open();
    vi.advanceTimersByTime(5_000);
    last().drop();
    const waiting = statuses.at(-1) as Extract<SocketStatus, { state: 'waiting' }>;
    expect(waiting.retryAt - Date.now()).toBe(100);
    socket.stop();
  });

  it('does not reset the backoff for a connection that drops right after opening', () => {
    const { socket, statuses } = make({ stableMs: 5_000 });
    socket.start();
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    last().drop(); // e.g. rejected right after the upgrade
    const waiting = statuses.at(-1) as Extract<SocketStatus, { state: 'waiting' }>;
    expect(waiting.retryAt - Date.now()).toBe(200);
    socket.stop();
  });

  it('stop() closes the socket and no retry follows', () => {
    const { socket, statuses } = make();
    socket.start();
    last().open();
    const s = last();
    socket.stop();
    expect(s.closedWith).toBe(1000);
    expect(statuses.at(-1)).toEqual({ state: 'closed' });
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all.length).toBe(1);
  });

  it('reconnectNow() skips the remaining wait', () => {
    const { socket } = make({ backoff: { baseMs: 10_000, maxMs: 10_000, factor: 2, jitter: 0 } });
    socket.start();
    last().drop();
    expect(FakeSocket.all.length).toBe(1);
    socket.reconnectNow();
    expect(FakeSocket.all.length).toBe(2);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all.length).toBe(2); // the old timer is gone
    socket.stop();
  });

  it('pings, reports latency from pongs, and drops a link that stops answering', () => {
    const latencies: number[] = [];
    const { socket, statuses } = make({ pingMs: 1_000, pongTimeoutMs: 500, onLatency: (ms) => latencies.push(ms) });
    socket.start();
    const first = last();
    first.open();
    vi.advanceTimersByTime(1_000);
    const ping = JSON.parse(first.sent[0]!) as { type: string; t: number };
    expect(ping).toEqual({ type: 'ping', t: 1_000 });
    vi.advanceTimersByTime(40);
    first.message({ type: 'pong', t: ping.t });
    expect(latencies).toEqual([40]);

    // Next ping goes unanswered: after the timeout the socket is closed and a retry is scheduled.
    vi.advanceTimersByTime(960);
    expect(first.sent.length).toBe(2);
    vi.advanceTimersByTime(500);
    expect(first.closedWith).toBe(4000);
    expect(statuses.at(-1)?.state).toBe('waiting');
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all.length).toBe(2);
    socket.stop();
  });

  it('ignores messages that are not JSON and events from a replaced socket', () => {
    const { socket, messages } = make();
    socket.start();
    const first = last();
    first.open();
    first.onmessage?.({ data: 'not json' } as MessageEvent);
    expect(messages).toEqual([]);
    first.drop();
    vi.advanceTimersByTime(100);
    first.message({ type: 'agents', agents: [] }); // stale socket: handlers were detached
    expect(messages).toEqual([]);
    socket.stop();
  });
});

describe('sameOriginSocketUrl', () => {
  it('follows the page scheme', () => {
    expect(sameOriginSocketUrl('/ws/console', { protocol: 'http:', host: 'h:8080' })).toBe('ws://h:8080/ws/console');
    expect(sameOriginSocketUrl('/ws/console', { protocol: 'https:', host: 'desk.example' })).toBe('wss://desk.example/ws/console');
  });
});
