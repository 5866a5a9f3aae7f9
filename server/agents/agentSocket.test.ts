import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PROTOCOL_VERSION, MAX_AGENT_MESSAGE_BYTES } from '../protocol/agent.ts';
import { AGENT_BATCH_MS } from '../protocol/console.ts';
import { setupAdmin, startTestServer, type TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
});
afterAll(() => server.stop());

function open(path: string, headers: Record<string, string> = {}, on = server) {
  const ws = new WebSocket(on.url.replace('http', 'ws') + path, { headers } as unknown as string[]);
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.addEventListener('close', (e) => r({ code: e.code, reason: e.reason })));
  const messages: unknown[] = [];
  let bytes = 0;
  ws.addEventListener('message', (e) => {
    bytes += String(e.data).length;
    messages.push(JSON.parse(String(e.data)));
  });
  return { ws, closed, messages, bytes: () => bytes, opened: new Promise((r) => ws.addEventListener('open', r)) };
}

const hello = (hostname: string) => JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, version: '1', os: 'linux', hostname });

async function until(check: () => boolean, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await Bun.sleep(10);
  }
}

describe('agent socket limits', () => {
  it('answers a heartbeat with its ack and nothing else (a handler’s return value is not a message)', async () => {
    const a = open('/ws/agent');
    await a.opened;
    a.ws.send(hello('pc-heartbeat'));
    for (let t = 1; t <= 3; t++) a.ws.send(JSON.stringify({ type: 'heartbeat', t }));
    await until(() => a.messages.filter((m) => (m as { type?: string }).type === 'heartbeat-ack').length === 3);
    await Bun.sleep(100);
    expect(a.messages.filter((m) => typeof m !== 'object' || m === null)).toEqual([]);
    a.ws.close();
    await a.closed;
  });

  it('closes an agent that sends a message over the size limit, even as valid JSON', async () => {
    const a = open('/ws/agent');
    await a.opened;
    a.ws.send(JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, version: '1', os: 'linux', hostname: 'pc1' }));
    await Bun.sleep(100);
    const agents = (await admin.get('/api/agents')).json as Array<{ hostname: string; address: string }>;
    expect(agents).toEqual([expect.objectContaining({ hostname: 'pc1', address: '127.0.0.1' })]);
    a.ws.send(JSON.stringify({ type: 'heartbeat', t: 1, padding: 'x'.repeat(MAX_AGENT_MESSAGE_BYTES) }));
    const { code, reason } = await a.closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/larger than/);
    await Bun.sleep(100);
    expect((await admin.get('/api/agents')).json).toEqual([]);
  });

  it('closes a console socket that sends an oversized message', async () => {
    const c = open('/ws/console', { cookie: admin.cookieHeader });
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'ping', t: 1, padding: 'y'.repeat(100_000) }));
    expect((await c.closed).code).toBe(1009);
  });

  it('tells consoles about agents in batched deltas, not the whole list per hello and close', async () => {
    const c = open('/ws/console', { cookie: admin.cookieHeader });
    await c.opened;
    await until(() => c.messages.some((m) => (m as { type: string }).type === 'agents'));
    const start = c.messages.length;
    const N = 60;
    const agents = Array.from({ length: N }, () => open('/ws/agent'));
    await Promise.all(agents.map((a) => a.opened));
    agents.forEach((a, i) => a.ws.send(hello(`flood-${i}`)));
    await until(() => agents.every((a) => a.messages.length > 0));
    const listed = (await admin.get('/api/agents')).json as Array<{ hostname: string; enrolled: boolean }>;
    expect(listed).toHaveLength(N);
    expect(listed.every((a) => a.enrolled === false)).toBe(true);
    await Bun.sleep(AGENT_BATCH_MS * 2);
    agents.forEach((a) => a.ws.close());
    await Promise.all(agents.map((a) => a.closed));
    await Bun.sleep(AGENT_BATCH_MS * 2);
    const pushed = c.messages.slice(start) as Array<{ type: string; added?: unknown[]; removed?: string[] }>;
    // no full list after the first one, and a burst costs one or two messages each way, not one per agent
    expect(pushed.filter((m) => m.type === 'agents')).toEqual([]);
    const deltas = pushed.filter((m) => m.type === 'agents-changed');
    expect(deltas.length).toBeLessThanOrEqual(4);
    expect(deltas.flatMap((m) => m.added ?? [])).toHaveLength(N);
    expect(deltas.flatMap((m) => m.removed ?? [])).toHaveLength(N);
    expect(deltas.flatMap((m) => m.added as Array<{ enrolled: boolean }>).every((a) => a.enrolled === false)).toBe(true);
    c.ws.close();
  });

  it('an agent that comes and goes within one batch costs consoles nothing', async () => {
    const c = open('/ws/console', { cookie: admin.cookieHeader });
    await c.opened;
    await until(() => c.messages.some((m) => (m as { type: string }).type === 'agents'));
    const start = c.messages.length;
    const a = open('/ws/agent');
    await a.opened;
    a.ws.send(hello('blink'));
    await until(() => a.messages.length > 0);
    a.ws.close();
    await a.closed;
    await Bun.sleep(AGENT_BATCH_MS * 2);
    expect(c.messages.slice(start).filter((m) => (m as { type: string }).type.startsWith('agents'))).toEqual([]);
    c.ws.close();
  });

  it('refuses browsers on /ws/agent', async () => {
    const res = await fetch(server.url + '/ws/agent', {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        origin: server.url,
      },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/browsers may not connect/);
  });

  it('limits the agent connections one address may hold, and frees a place when one closes', async () => {
    const small = await startTestServer({ agentConnectionsPerAddress: 3 });
    try {
      await setupAdmin(small);
      const held = [open('/ws/agent', {}, small), open('/ws/agent', {}, small), open('/ws/agent', {}, small)];
      await Promise.all(held.map((a) => a.opened));
      const fourth = open('/ws/agent', {}, small);
      expect(await fourth.closed).toEqual({ code: 1008, reason: 'too many agent connections from 127.0.0.1' });
      held[0]!.ws.close();
      await held[0]!.closed;
      const again = open('/ws/agent', {}, small);
      await again.opened;
      again.ws.send(hello('pc-again'));
      await until(() => again.messages.length > 0);
      expect(again.messages[0]).toMatchObject({ type: 'welcome' });
      for (const a of [...held, again]) a.ws.close();
    } finally {
      await small.stop();
    }
  });

  it('counts agents behind a trusted proxy by the address the proxy names', async () => {
    const proxied = await startTestServer({ agentConnectionsPerAddress: 1, trustedProxies: ['127.0.0.1'] });
    try {
      await setupAdmin(proxied);
      const a = open('/ws/agent', { 'x-forwarded-for': '198.51.100.1' }, proxied);
      const b = open('/ws/agent', { 'x-forwarded-for': '198.51.100.2' }, proxied);
      await Promise.all([a.opened, b.opened]);
      const again = open('/ws/agent', { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' }, proxied);
      expect(await again.closed).toEqual({ code: 1008, reason: 'too many agent connections from 198.51.100.1' });
      a.ws.close();
      b.ws.close();
    } finally {
      await proxied.stop();
    }
  });
});
