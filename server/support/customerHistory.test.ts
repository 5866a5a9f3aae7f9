// The customer history of a session lists only what the caller may see: the e-mail is typed by the customer, so a
// request to one desk that claims another desk's customer must not read that desk's sessions or notes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
const sockets: WebSocket[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const ws of sockets) ws.close();
  await server.stop();
});

async function online(client: TestClient) {
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: client.cookieHeader } } as unknown as string[]);
  await new Promise((r) => (ws.onopen = r));
  sockets.push(ws);
}

async function served(engineer: TestClient, deskId: number | null, email: string, notes: string) {
  const req = await new TestClient(server.url).post('/api/portal/requests', { deskId, channel: 'chat', fields: { '1': 'Vic', '2': email } });
  expect(req.status).toBe(200);
  const id = req.json.session.id as number;
  expect((await engineer.post(`/api/queue/${id}/take`)).status).toBe(200);
  if (notes) expect((await engineer.put(`/api/sessions/${id}/notes`, { notes })).status).toBe(200);
  return id;
}

type Item = { id: number; notes: string };
const history = async (c: TestClient, id: number) => {
  const r = await c.get(`/api/sessions/${id}/history`);
  expect(r.status).toBe(200);
  return (r.json as Item[]).map((h) => [h.id, h.notes]);
};

describe('customer history across desks', () => {
  it('lists, with their notes, only the sessions of the caller’s desks or that the caller may read', async () => {
    const admin = await setupAdmin(server);
    const billing = await admin.post('/api/desks', { name: 'Billing' });
    expect(billing.status).toBe(200);
    const desk2 = billing.json.id as number;
    const ann = await createEngineer(server, admin, 'ann', 'engineer', [1]);
    const ada = await createEngineer(server, admin, 'ada', 'engineer', [1]);
    const bea = await createEngineer(server, admin, 'bea', 'engineer', [desk2]);
    const sue = await createEngineer(server, admin, 'sue', 'supervisor', [desk2]);
    await online(ann.client);
    await online(bea.client);

    const annOld = await served(ann.client, 1, 'victim@example.com', 'VPN password reset to Winter2026');
    await ann.client.post(`/api/sessions/${annOld}/end`);
    const adaOld = await served(ada.client, 1, 'victim@example.com', 'Ada: payroll laptop, BitLocker key in vault');
    await ada.client.post(`/api/sessions/${adaOld}/end`);
    // A request from the generic portal button (every desk's queue), taken by desk 1.
    const generic = await served(ann.client, null, 'victim@example.com', 'generic: printer');
    await ann.client.post(`/api/sessions/${generic}/end`);

    // Someone asks desk 2 for help, typing desk 1's customer's address.
    const claimed = await served(bea.client, desk2, 'victim@example.com', 'bea notes');
    expect(await history(bea.client, claimed)).toEqual([]);
    // A supervisor of desk 2 reads desk 2's session and, like every supervisor, generic ones; never desk 1's.
    expect(await history(sue.client, claimed)).toEqual([[generic, 'generic: printer']]);

    // Desk 1: the engineer sees the desk's earlier sessions with their notes (a colleague's too), never desk 2's.
    const annNew = await served(ann.client, 1, 'victim@example.com', '');
    expect(await history(ann.client, annNew)).toEqual([
      [generic, 'generic: printer'],
      [adaOld, 'Ada: payroll laptop, BitLocker key in vault'],
      [annOld, 'VPN password reset to Winter2026'],
    ]);
    // The admin sees everything.
    expect(await history(admin, annNew)).toEqual([
      [claimed, 'bea notes'],
      [generic, 'generic: printer'],
      [adaOld, 'Ada: payroll laptop, BitLocker key in vault'],
      [annOld, 'VPN password reset to Winter2026'],
    ]);
    // And the history of a session the caller may not read is still refused.
    expect((await bea.client.get(`/api/sessions/${annNew}/history`)).status).toBe(404);
  });
});
