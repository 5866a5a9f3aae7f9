import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleServerMessage } from '../protocol/console.ts';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
});
afterAll(() => server.stop());

/** A console socket that collects what the server pushes. */
async function openConsole(client: TestClient) {
  const messages: ConsoleServerMessage[] = [];
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', {
    headers: { cookie: client.cookieHeader },
  } as unknown as string[]);
  ws.onmessage = (e) => messages.push(JSON.parse(String(e.data)));
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error('console socket failed'));
  });
  return {
    ws,
    messages,
    async until(predicate: (m: ConsoleServerMessage) => boolean, timeoutMs = 3000) {
      const start = Date.now();
      while (Date.now() - start < timeoutMs) {
        const found = messages.find(predicate);
        if (found) return found;
        await Bun.sleep(10);
      }
      throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
    },
  };
}

const onlineIn = (m: ConsoleServerMessage, deskId: number) =>
  m.type === 'presence' ? (m.desks.find((d) => d.deskId === deskId)?.engineers.map((e) => e.displayName) ?? []) : [];

describe('presence', () => {
  it('pushes engineers going online and offline per desk to every console, and the portal sees it', async () => {
    const desk = (await admin.post('/api/desks', { name: 'Helpdesk North' })).json.id as number;
    const gus = await createEngineer(server, admin, 'gus', 'engineer', [desk]);
    const portal = new TestClient(server.url);
    const deskStatus = async () => (await portal.get('/api/portal/desks')).json.find((d: { id: number }) => d.id === desk);
    expect(await deskStatus()).toEqual({ id: desk, name: 'Helpdesk North', online: false });
    expect((await admin.get('/api/presence')).json).toContainEqual({ deskId: desk, deskName: 'Helpdesk North', engineers: [] });

    const adminConsole = await openConsole(admin);
    await adminConsole.until((m) => m.type === 'presence');
    const gusConsole = await openConsole(gus.client);
    await adminConsole.until((m) => onlineIn(m, desk).includes('GUS'));
    expect(await deskStatus()).toMatchObject({ online: true });
    // a second console of the same engineer: still online after the first closes
    const gusSecond = await openConsole(gus.client);
    gusConsole.ws.close();
    await Bun.sleep(100);
    expect(await deskStatus()).toMatchObject({ online: true });
    adminConsole.messages.length = 0;
    gusSecond.ws.close();
    await adminConsole.until((m) => m.type === 'presence' && !onlineIn(m, desk).includes('GUS'));
    expect(await deskStatus()).toMatchObject({ online: false });
    adminConsole.ws.close();
  });

  it('closes the consoles of an engineer an admin disables, and they go offline at once', async () => {
    const hal = await createEngineer(server, admin, 'hal');
    const watcher = await openConsole(admin);
    const hals = await openConsole(hal.client);
    await watcher.until((m) => onlineIn(m, 1).includes('HAL'));
    const closed = new Promise<CloseEvent>((r) => hals.ws.addEventListener('close', r));
    expect((await admin.patch(`/api/engineers/${hal.id}`, { disabled: true })).status).toBe(200);
    const event = await closed;
    expect(event.code).toBe(4001);
    expect(event.reason).toMatch(/ended by an administrator/);
    const last = watcher.messages.findLast((m) => m.type === 'presence')!;
    expect(onlineIn(last, 1)).not.toContain('HAL');
    expect((await admin.get('/api/presence')).json[0].engineers.map((e: { displayName: string }) => e.displayName)).not.toContain('HAL');
    watcher.ws.close();
  });

  it('answers pings and refuses anonymous or cross-origin sockets', async () => {
    const c = await openConsole(admin);
    c.ws.send(JSON.stringify({ type: 'ping', t: 42 }));
    expect(await c.until((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 42 });
    c.ws.send('{"type":"nonsense"}');
    expect(await c.until((m) => m.type === 'error')).toMatchObject({ error: 'unknown message' });
    c.ws.close();

    const status = async (headers: Record<string, string>) => {
      const res = await fetch(server.url + '/ws/console', {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
      });
      return res.status;
    };
    expect(await status({})).toBe(401);
    expect(await status({ cookie: admin.cookieHeader, origin: 'https://evil.example' })).toBe(403);
  });
});
