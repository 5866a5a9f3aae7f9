// A customer's portal token is a bearer secret kept in the browser: it stops working a while after the session ended,
// and at the latest customerTokenHours after the request, on every customer route.
import { Database } from 'bun:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
let online: WebSocket;
beforeAll(async () => {
  server = await startTestServer({ customerTokenHours: 24, customerGraceMinutes: 60 });
  admin = await setupAdmin(server);
  online = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: admin.cookieHeader } } as unknown as string[]);
  await new Promise((r) => (online.onopen = r));
});
afterAll(async () => {
  online.close();
  await server.stop();
});

async function customerSession() {
  const req = await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Pat' } });
  expect(req.status).toBe(200);
  await admin.post(`/api/queue/${req.json.session.id}/take`);
  return { id: req.json.session.id as number, token: req.json.customerToken as string, client: new TestClient(server.url, { 'x-tessera-customer': req.json.customerToken }) };
}

/** Moves a session's times into the past, as if that much time had gone by. */
function age(id: number, column: 'created_at' | 'ended_at', minutes: number) {
  const db = new Database(`${server.dataDir}/tessera.db`);
  db.query(`UPDATE support_sessions SET ${column} = ? WHERE id = ?`).run(new Date(Date.now() - minutes * 60_000).toISOString(), id);
  db.close();
}

const routes = (c: TestClient) => [
  () => c.get('/api/portal/session'),
  () => c.get('/api/portal/session/log'),
  () => c.post('/api/portal/session/chat', { text: 'hello?' }),
  () => c.get('/api/portal/session/files'),
  () => c.post('/api/portal/session/agent-download', {}),
];

describe('customer tokens expire', () => {
  it('work in the session and for the grace period after its end, then stop', async () => {
    const s = await customerSession();
    expect((await s.client.get('/api/portal/session')).status).toBe(200);
    await admin.post(`/api/sessions/${s.id}/end`);
    age(s.id, 'ended_at', 59);
    expect((await s.client.post('/api/portal/session/survey', { rating: 5 })).status).toBe(200);
    age(s.id, 'ended_at', 61);
    for (const call of routes(s.client)) expect((await call()).status).toBe(401);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/portal/ws?token=${s.token}`);
    const opened = await new Promise<boolean>((r) => {
      ws.onopen = () => r(true);
      ws.onerror = () => r(false);
      ws.onclose = () => r(false);
    });
    expect(opened).toBe(false);
  });

  it('close a portal socket that outlives its token, at its next message or ping', async () => {
    const s = await customerSession();
    await admin.post(`/api/sessions/${s.id}/end`);
    const socket = async () => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/portal/ws?token=${s.token}`);
      const closed = new Promise<{ code: number; reason: string }>((r) => ws.addEventListener('close', (e) => r({ code: e.code, reason: e.reason })));
      const messages: Array<{ type: string }> = [];
      ws.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data))));
      await new Promise((r) => ws.addEventListener('open', r));
      return { ws, closed, messages };
    };
    const a = await socket();
    const b = await socket();
    age(s.id, 'ended_at', 61);
    // Something changes in support (another customer asks for help): the expired socket gets nothing, it is closed.
    expect((await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Other' } })).status).toBe(200);
    expect(await a.closed).toEqual({ code: 1008, reason: 'the customer session has expired' });
    expect(a.messages.map((m) => m.type)).toEqual(['session']);
    await b.closed;
    // A quiet socket finds out at its next keep-alive ping.
    const quiet = await customerSession();
    await admin.post(`/api/sessions/${quiet.id}/end`);
    const q = new WebSocket(`${server.url.replace('http', 'ws')}/api/portal/ws?token=${quiet.token}`);
    const qClosed = new Promise<{ code: number; reason: string }>((r) => q.addEventListener('close', (e) => r({ code: e.code, reason: e.reason })));
    await new Promise((r) => q.addEventListener('open', r));
    age(quiet.id, 'ended_at', 61);
    q.send(JSON.stringify({ type: 'ping', t: 1 }));
    expect(await qClosed).toEqual({ code: 1008, reason: 'the customer session has expired' });
    // and a new one is refused at the door
    const c = new WebSocket(`${server.url.replace('http', 'ws')}/api/portal/ws?token=${s.token}`);
    expect(await new Promise((r) => ((c.onopen = () => r('open')), (c.onclose = () => r('refused'))))).toBe('refused');
  });

  it('stop after customerTokenHours even while the session lasts', async () => {
    const s = await customerSession();
    age(s.id, 'created_at', 23 * 60);
    expect((await s.client.get('/api/portal/session')).status).toBe(200);
    age(s.id, 'created_at', 24 * 60 + 1);
    for (const call of routes(s.client)) expect((await call()).status).toBe(401);
  });
});
