// The agent against the real server: real listener on a random port, real SQLite file, real WebSockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { AgentInfo } from '../server/protocol/api.ts';
import type { ConsoleServerMessage } from '../server/protocol/console.ts';
import { ADMIN, setupAdmin, startTestServer, TestClient, type TestServer } from '../server/testing/startTestServer.ts';
import { AgentConnection, describeFailure, formatDuration, type AgentState } from './connection.ts';

const FAST = { baseMs: 50, capMs: 400, resetAfterMs: 30_000 };
const hello = { version: '9.9.9-test', os: 'linux x64 Test OS 1', hostname: 'pc-under-test' };

async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

const wsUrl = (server: { url: string }, path: string) => server.url.replace(/^http/, 'ws') + path;

async function listedAgents(admin: TestClient): Promise<AgentInfo[]> {
  const res = await admin.get('/api/agents');
  expect(res.status).toBe(200);
  return res.json as AgentInfo[];
}

/** A logged-in console's live socket, keeping every message it receives. */
async function openConsole(server: TestServer, admin: TestClient) {
  const messages: ConsoleServerMessage[] = [];
  const socket = new WebSocket(wsUrl(server, '/ws/console'), { headers: { cookie: admin.cookieHeader } } as never);
  socket.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data))));
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  // The full list comes once, then deltas: replay them into the list a console would show now.
  const lastAgents = () => {
    let list: AgentInfo[] | undefined;
    for (const m of messages) {
      if (m.type === 'agents') list = m.agents;
      else if (m.type === 'agents-changed' && list)
        list = [...list.filter((a) => !m.removed.includes(a.id) && !m.added.some((b) => b.id === a.id)), ...m.added];
    }
    return list ? { agents: list } : undefined;
  };
  return { socket, messages, lastAgents };
}

function startAgent(server: { url: string }, lines: string[] = []) {
  const agent = new AgentConnection({
    url: wsUrl(server, '/ws/agent'),
    hello,
    backoff: FAST,
    log: (line) => lines.push(line),
  });
  const states: AgentState[] = [];
  agent.onState((s) => states.push(s));
  agent.start();
  return { agent, lines, states };
}

describe('agent against a real server', () => {
  let server: TestServer;
  let admin: TestClient;
  const agents: AgentConnection[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    admin = await setupAdmin(server);
  });
  afterEach(() => {
    for (const a of agents.splice(0)) a.stop();
  });
  afterAll(async () => {
    await server.stop();
  });

  test('hello: the agent is listed in GET /api/agents and pushed live to a console; gone when it stops', async () => {
    const console_ = await openConsole(server, admin);
    await waitFor('the first agents push', () => console_.lastAgents());
    expect(console_.lastAgents()!.agents).toEqual([]);

    const { agent, lines, states } = startAgent(server);
    agents.push(agent);
    await waitFor('online', () => agent.state === 'online');
    expect(states).toEqual(['connecting', 'online']);
    expect(lines[0]).toBe(`connecting to ${wsUrl(server, '/ws/agent')}`);
    expect(lines[1]).toMatch(/^online as \S+ \(heartbeat every 15 s\)$/);

    const listed = await listedAgents(admin);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: agent.agentId, ...hello, address: expect.any(String) });

    const pushed = await waitFor('the agent in a console push', () => {
      const last = console_.lastAgents();
      return last?.agents.length === 1 ? last : undefined;
    });
    expect(pushed.agents[0]).toMatchObject({ id: agent.agentId, hostname: hello.hostname, os: hello.os, version: hello.version });

    agent.stop();
    expect(agent.state).toBe('stopped');
    await waitFor('the console push without the agent', () => console_.lastAgents()?.agents.length === 0);
    expect(await listedAgents(admin)).toEqual([]);
    console_.socket.close();
  });

  test('heartbeat: the server acknowledges it and the agent stays listed with a fresh lastSeenAt', async () => {
    const { agent } = startAgent(server);
    agents.push(agent);
    await waitFor('online', () => agent.state === 'online');
    const [before] = await listedAgents(admin);
    // the server's welcome asks for one heartbeat every 15 s
    await waitFor('a heartbeat ack', () => agent.acks >= 1, 20_000);
    const [after] = await listedAgents(admin);
    expect(after!.id).toBe(before!.id);
    expect(Date.parse(after!.lastSeenAt)).toBeGreaterThan(Date.parse(before!.lastSeenAt));
    expect(agent.state).toBe('online');
    expect(agent.sessions).toBe(1);
  }, 30_000);

  test('the agent program itself: connects, logs plainly, and exits cleanly on SIGTERM', async () => {
    const child = Bun.spawn([process.execPath, new URL('./main.ts', import.meta.url).pathname, '--server', server.url, '--no-window'], {
      stdout: 'pipe',
      stderr: 'pipe',
    });
    try {
      // The previous test's agent may still be listed for a moment after its stop; look for this process only.
      const listed = await waitFor('the agent process in the list', async () => {
        const list = (await listedAgents(admin)).filter((a) => a.hostname !== hello.hostname);
        return list.length === 1 ? list : undefined;
      });
      expect(listed[0]!.version).toBe((await import('../package.json')).version);
      expect(listed[0]!.os).toMatch(new RegExp(`^${process.platform} ${process.arch} `));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await child.exited).toBe(0);
    const out = await new Response(child.stdout).text();
    expect(out).toMatch(/connecting to ws:\/\/127\.0\.0\.1:\d+\/ws\/agent/);
    expect(out).toMatch(/online as \S+ \(heartbeat every 15 s\)/);
    expect(out).toMatch(/stopped/);
    await waitFor('the list to empty', async () => (await listedAgents(admin)).length === 0);
  });
});

describe('a server without an admin yet', () => {
  test('refuses the agent (503); the agent says why, keeps retrying, and gets in once setup is done', async () => {
    const server = await startTestServer();
    const { agent, lines } = startAgent(server);
    try {
      await waitFor('two refusals', () => lines.filter((l) => /HTTP 503, the server does not accept agents yet/.test(l)).length >= 2);
      expect(agent.state).not.toBe('online');
      const admin = await setupAdmin(server);
      await waitFor('online after setup', () => agent.state === 'online', 5_000);
      expect((await listedAgents(admin)).map((a) => a.id)).toEqual([agent.agentId]);
    } finally {
      agent.stop();
      await server.stop();
    }
  });
});

describe('server restarts', () => {
  test('stop + start on the same port: the agent reconnects by itself and is listed again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-agent-restart-'));
    let server = await startTestServer({ dataDir });
    const port = server.port;
    await setupAdmin(server);
    const { agent, lines, states } = startAgent(server);
    try {
      await waitFor('online', () => agent.state === 'online');
      const firstId = agent.agentId;

      await server.stop();
      await waitFor('the agent to notice', () => agent.state === 'waiting' || agent.state === 'connecting');
      // a few failed attempts while the server is down, each logged with its delay
      await waitFor('failed retries', () => lines.filter((l) => /retrying in/.test(l)).length >= 3);
      expect(lines.find((l) => /^disconnected after /.test(l))).toMatch(/retrying in \d+( ms| s)/);

      server = await startTestServer({ dataDir, port });
      expect(server.port).toBe(port);
      await waitFor('online again', () => agent.state === 'online', 15_000);
      expect(agent.sessions).toBe(2);
      expect(agent.agentId).not.toBe(firstId);

      const admin = new TestClient(server.url);
      expect((await admin.post('/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).status).toBe(200);
      const listed = await listedAgents(admin);
      expect(listed.map((a) => a.id)).toEqual([agent.agentId]);
      expect(states.filter((s) => s === 'online')).toHaveLength(2);
    } finally {
      agent.stop();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('malformed agent messages close the connection with a reason', () => {
  let server: TestServer;
  let admin: TestClient;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await setupAdmin(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  const goodHello = JSON.stringify({ type: 'hello', protocol: 1, ...hello });

  /** Opens a raw agent socket, sends `frames` in order and resolves with how the server closed it. */
  function exchange(frames: (string | Uint8Array)[]) {
    return new Promise<{ code: number; reason: string; received: { type: string; error?: string }[] }>((resolve, reject) => {
      const received: { type: string; error?: string }[] = [];
      const socket = new WebSocket(wsUrl(server, '/ws/agent'));
      const timer = setTimeout(() => reject(new Error(`server did not close; got ${JSON.stringify(received)}`)), 10_000);
      socket.addEventListener('open', () => frames.forEach((f) => socket.send(f)));
      socket.addEventListener('message', (e) => received.push(JSON.parse(String(e.data))));
      socket.addEventListener('close', (e) => {
        clearTimeout(timer);
        resolve({ code: e.code, reason: e.reason, received });
      });
    });
  }

  test.each([
    ['junk JSON', ['{"type": "hello", '], /not valid JSON/],
    ['plain text', ['hello there'], /not valid JSON/],
    ['a JSON array', ['[1, 2, 3]'], /must be an object/],
    ['a JSON number', ['42'], /must be an object/],
    ['an unknown type', ['{"type":"format-disk"}'], /unknown message type "format-disk"/],
    ['no type', ['{"hostname":"x"}'], /unknown message type/],
    ['heartbeat before hello', ['{"type":"heartbeat","t":1}'], /hello expected/],
    ['duplicate hello', [goodHello, goodHello], /duplicate hello/],
    ['a hello for another protocol', [JSON.stringify({ type: 'hello', protocol: 99, ...hello })], /unsupported protocol 99/],
    ['a hello without a hostname', [JSON.stringify({ type: 'hello', protocol: 1, version: '1', os: 'x' })], /hello needs/],
    ['an overlong host name', [JSON.stringify({ type: 'hello', protocol: 1, ...hello, hostname: 'h'.repeat(300) })], /hello needs/],
    ['a heartbeat with a string time', [goodHello, '{"type":"heartbeat","t":"now"}'], /numeric t/],
  ])('%s', async (_name, frames, reason) => {
    const result = await exchange(frames);
    expect(result.code).toBe(1008);
    expect(result.reason).toMatch(reason);
    expect(result.received.at(-1)).toMatchObject({ type: 'error' });
  });

  // NOTE: the route's maxPayloadLength does not reach Bun (Elysia applies only server-wide websocket options),
  // so today an oversized message is refused by field validation, not by size; reported to the server's owner.
  test('an oversized hello (2 MB) is refused', async () => {
    const big = JSON.stringify({ type: 'hello', protocol: 1, ...hello, os: 'x'.repeat(2 * 1024 * 1024) });
    const result = await exchange([big]);
    expect([1008, 1009]).toContain(result.code);
    expect(result.reason).not.toBe('');
    expect(result.received.some((m) => m.type === 'welcome')).toBe(false);
  });

  test('none of the rejected connections is left in the list', async () => {
    await waitFor('an empty list', async () => (await listedAgents(admin)).length === 0);
  });
});

// A bare WebSocket peer that misbehaves on purpose (the real server never does this), to prove the agent
// does not hang on a silent or half-open link.
describe('a peer that stops answering', () => {
  function peer(behaviour: 'never-welcome' | 'welcome-then-silence') {
    const connections: { closeCode?: number; closeReason?: string }[] = [];
    const server = Bun.serve<{ index: number }>({
      hostname: '127.0.0.1',
      port: 0,
      fetch(req, srv) {
        return srv.upgrade(req, { data: { index: -1 } }) ? undefined : new Response('no', { status: 400 });
      },
      websocket: {
        open(ws) {
          connections.push({});
          ws.data.index = connections.length - 1;
        },
        message(ws, raw) {
          const m = JSON.parse(String(raw)) as { type: string };
          if (m.type === 'hello' && behaviour === 'welcome-then-silence')
            ws.send(JSON.stringify({ type: 'welcome', id: `peer-${connections.length}`, heartbeatMs: 1 }));
        },
        close(ws, code, reason) {
          Object.assign(connections[ws.data.index]!, { closeCode: code, closeReason: reason });
        },
      },
    });
    return { url: `http://127.0.0.1:${server.port}`, connections, stop: () => server.stop(true) };
  }

  test('no welcome in time: the agent closes and tries again', async () => {
    const p = peer('never-welcome');
    const agent = new AgentConnection({ url: wsUrl(p, '/ws/agent'), hello, backoff: FAST, welcomeTimeoutMs: 300, log: () => {} });
    agent.start();
    try {
      await waitFor('a second connection', () => p.connections.length >= 2 && p.connections[0]!.closeCode !== undefined);
      expect(p.connections[0]).toMatchObject({ closeCode: 4000, closeReason: 'no welcome' });
    } finally {
      agent.stop();
      p.stop();
    }
  });

  test('silence after the welcome: dropped after three heartbeat intervals (clamped to >= 1 s), then a new connection', async () => {
    const p = peer('welcome-then-silence');
    const lines: string[] = [];
    const agent = new AgentConnection({ url: wsUrl(p, '/ws/agent'), hello, backoff: FAST, log: (l) => lines.push(l) });
    agent.start();
    try {
      await waitFor('online', () => agent.state === 'online');
      expect(lines.at(-1)).toMatch(/heartbeat every 1 s/); // the peer asked for 1 ms
      await waitFor('a second connection', () => p.connections.length >= 2, 8_000);
      expect(p.connections[0]).toMatchObject({ closeCode: 4001, closeReason: 'server silent' });
      expect(lines.some((l) => /^disconnected after \d+(\.\d)? s: 4001 server silent; retrying in/.test(l))).toBe(true);
    } finally {
      agent.stop();
      p.stop();
    }
  });
});

describe('log wording', () => {
  test('durations', () => {
    expect([formatDuration(40), formatDuration(1_000), formatDuration(2_449), formatDuration(60_000), formatDuration(185_000)]).toEqual([
      '40 ms',
      '1 s',
      '2.4 s',
      '1 min',
      '3 min 5 s',
    ]);
  });

  test('connection failures in plain words', () => {
    expect(describeFailure("WebSocket connection to 'ws://h/ws/agent' failed: Failed to connect")).toBe('Failed to connect');
    expect(describeFailure("WebSocket connection to 'ws://h/ws/agent' failed: Expected 101 status code: 503")).toMatch(/^HTTP 503, .*setup/);
    expect(describeFailure("WebSocket connection to 'ws://h/ws/agent' failed: Expected 101 status code: 404")).toBe(
      'HTTP 404, is this a Tessera server?',
    );
    expect(describeFailure('')).toBe('');
  });
});

// The server is not trusted: a peer that sends malformed, forged-shape and out-of-order messages. The connection
// logs and drops them; only valid messages after the welcome reach the session.
describe('what the server sends is checked', () => {
  test('malformed messages are logged and ignored; valid ones after the welcome reach the listeners; the hello carries the session token', async () => {
    const hellos: Record<string, unknown>[] = [];
    const binary: number[] = [];
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(req, srv) {
        return srv.upgrade(req) ? undefined : new Response('no', { status: 400 });
      },
      websocket: {
        message(ws, raw) {
          if (typeof raw !== 'string') {
            binary.push(raw.length);
            return;
          }
          const m = JSON.parse(raw) as { type: string };
          if (m.type !== 'hello') return;
          hellos.push(m);
          ws.send(JSON.stringify({ type: 'desktop-start' })); // before the welcome: out of order
          ws.send(JSON.stringify({ type: 'welcome', id: 'a1', heartbeatMs: 15_000, session: { id: 7, desk: 'Helpdesk', recording: 'ask' } }));
          ws.send('{"type":"input","events":[{"type":"key","keysym":"A","down":true}]}'); // bad shape
          ws.send('{"type":"desktop-ack","bytes":-1}');
          ws.send('not json');
          ws.send(new Uint8Array([1, 2, 3]));
          ws.send(JSON.stringify({ type: 'format-disk' }));
          ws.send(JSON.stringify({ type: 'input', events: [{ type: 'pointer', x: 5, y: 6 }] }));
          ws.send(JSON.stringify({ type: 'desktop-ack', bytes: 0 }));
        },
      },
    });
    const lines: string[] = [];
    const received: unknown[] = [];
    const agent = new AgentConnection({ url: `ws://127.0.0.1:${server.port}/ws/agent`, hello, session: 'join-token-1', backoff: FAST, log: (l) => lines.push(l) });
    agent.onMessage((m) => received.push(m));
    expect(agent.sendBinary(new Uint8Array([9]))).toBe(false); // nothing open yet
    agent.start();
    try {
      await waitFor('two valid messages', () => received.length >= 2);
      await Bun.sleep(50);
      expect(received).toEqual([
        { type: 'input', events: [{ type: 'pointer', x: 5, y: 6 }] },
        { type: 'desktop-ack', bytes: 0 },
      ]);
      expect(hellos[0]).toMatchObject({ type: 'hello', session: 'join-token-1', hostname: hello.hostname });
      expect(agent.welcome).toEqual({ type: 'welcome', id: 'a1', heartbeatMs: 15_000, session: { id: 7, desk: 'Helpdesk', recording: 'ask' } });
      expect(lines.some((l) => /online as a1 for session 7 \(Helpdesk\)/.test(l))).toBe(true);
      expect(lines.filter((l) => /^ignored a malformed message/.test(l))).toHaveLength(4);
      expect(lines.some((l) => /ignored a desktop-start message that came before the welcome/.test(l))).toBe(true);
      expect(lines.some((l) => /ignored a binary message/.test(l))).toBe(true);
      expect(agent.sendBinary(new Uint8Array([1, 2, 3, 4]))).toBe(true);
      await waitFor('the binary frame', () => binary.length === 1);
      expect(binary).toEqual([4]);
    } finally {
      agent.stop();
      server.stop(true);
    }
    expect(agent.welcome).toBeNull();
    expect(agent.send({ type: 'heartbeat', t: 1 })).toBe(false);
  });
});
