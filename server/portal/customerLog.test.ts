// The customer's log endpoint pages like the engineers' (issue 15: a long session's log was read whole on every
// catch-up), with full pages of what the customer may see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.ts';
import { customerSees, LOG_PAGE, MAX_LOG_PAGE } from '../protocol/sessionLog.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let online: WebSocket;
beforeAll(async () => {
  server = await startTestServer();
  const admin = await setupAdmin(server);
  // An engineer online, so the desk takes requests.
  online = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: admin.cookieHeader } } as unknown as string[]);
  await new Promise((r) => (online.onopen = r));
});
afterAll(async () => {
  online.close();
  await server.stop();
});

async function session(fields: Record<string, string>) {
  const req = await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields });
  expect(req.status).toBe(200);
  return { id: req.json.session.id as number, customer: new TestClient(server.url, { 'x-tessera-customer': req.json.customerToken }) };
}

describe('the customer’s session log', () => {
  it('the customer reads their log in full pages of what they may see, after a cursor', async () => {
    const s = await session({ '1': 'Cora' });
    // Written beside the running server (WAL allows it): lines the customer sees between lines they must not.
    const db = openDatabase(server.dataDir);
    const store = new SessionStore(db);
    db.transaction(() => {
      for (let i = 0; i < LOG_PAGE + 20; i++) {
        store.log(s.id, 'engineer:1', i % 2 ? 'note' : 'operation', `hidden ${i}`);
        store.log(s.id, i % 3 ? 'customer' : 'engineer:1', 'chat', `said ${i}`);
        if (i % 100 === 0) store.log(s.id, 'engineer:1', 'join', 'an engineer joined'); // only the system's joins are shown
      }
    })();
    const visible = store.logOf(s.id).filter(customerSees).map((e) => e.id);
    db.close();
    expect(visible.length).toBeGreaterThan(LOG_PAGE);

    const first = (await s.customer.get('/api/portal/session/log')).json as Array<{ id: number; text: string }>;
    expect(first).toHaveLength(LOG_PAGE); // a full page although half of the lines are hidden
    const rest = (await s.customer.get(`/api/portal/session/log?after=${first.at(-1)!.id}`)).json as Array<{ id: number; text: string }>;
    expect([...first, ...rest].map((e) => e.id)).toEqual(visible);
    expect([...first, ...rest].some((e) => e.text.startsWith('hidden') || e.text === 'an engineer joined')).toBe(false);
    const two = (await s.customer.get(`/api/portal/session/log?after=${visible[3]}&limit=2`)).json as Array<{ id: number }>;
    expect(two.map((e) => e.id)).toEqual(visible.slice(4, 6));
    for (const bad of ['limit=0', `limit=${MAX_LOG_PAGE + 1}`, 'limit=x', 'after=-1'])
      expect((await s.customer.get(`/api/portal/session/log?${bad}`)).status, bad).toBe(422);
    expect((await new TestClient(server.url, { 'x-tessera-customer': 'nope' }).get('/api/portal/session/log')).status).toBe(401);
  });

});
