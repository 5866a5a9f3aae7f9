import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PROTOCOL_VERSION, MAX_AGENT_MESSAGE_BYTES } from '../protocol/agent.ts';
import { setupAdmin, startTestServer, type TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
});
afterAll(() => server.stop());

function open(path: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(server.url.replace('http', 'ws') + path, { headers } as unknown as string[]);
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.addEventListener('close', (e) => r({ code: e.code, reason: e.reason })));
  const messages: unknown[] = [];
  ws.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data))));
  return { ws, closed, messages, opened: new Promise((r) => ws.addEventListener('open', r)) };
}

describe('agent socket limits', () => {
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
});
