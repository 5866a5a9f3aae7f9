import { createHash } from 'node:crypto';
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

describe('reading a session after it changed hands and ended', () => {
  it('the earlier owner still reads its summary with notes, log and files; strangers do not', async () => {
    const admin = await setupAdmin(server);
    const ann = await createEngineer(server, admin, 'ann');
    const bo = await createEngineer(server, admin, 'bo');
    await online(ann.client);
    await online(bo.client);
    const req = await new TestClient(server.url).post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Cy' } });
    const id = req.json.session.id as number;
    expect((await ann.client.post(`/api/queue/${id}/take`)).status).toBe(200);
    expect((await ann.client.put(`/api/sessions/${id}/notes`, { notes: 'Checked the cable' })).status).toBe(200);
    expect((await ann.client.get(`/api/sessions/${id}`)).json.notes).toBe('Checked the cable');
    const data = new TextEncoder().encode('hello file');
    const file = await ann.client.post(`/api/sessions/${id}/files`, { name: 'a.txt', size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    await ann.client.request('PUT', `/api/sessions/${id}/files/${file.json.id}?offset=0`, data, { 'content-type': 'application/octet-stream' });
    await ann.client.post(`/api/sessions/${id}/transfer`, { engineerId: bo.id });
    expect((await bo.client.post(`/api/sessions/${id}/accept`)).status).toBe(200);
    expect((await ann.client.post(`/api/sessions/${id}/leave`)).status).toBe(200);
    expect((await bo.client.post(`/api/sessions/${id}/end`)).status).toBe(200);

    // Ann left before the end and no longer owns it: she still reads what happened.
    const summary = await ann.client.get(`/api/sessions/${id}`);
    expect(summary.status).toBe(200);
    expect(summary.json).toMatchObject({ status: 'ended', ownerId: bo.id, notes: 'Checked the cable' });
    expect((await ann.client.get(`/api/sessions/${id}/log.txt`)).text).toContain('took over the session from ANN');
    for (const c of [ann.client, bo.client, admin]) {
      const files = await c.get(`/api/sessions/${id}/files`);
      expect(files.status).toBe(200);
      expect(files.json[0]).toMatchObject({ name: 'a.txt', status: 'complete' });
      const content = await fetch(`${server.url}/api/sessions/${id}/files/${file.json.id}/content`, { headers: { cookie: c.cookieHeader } });
      expect(await content.text()).toBe('hello file');
    }
    // Nobody writes into an ended session, and an engineer who never took part reads nothing.
    expect((await bo.client.post(`/api/sessions/${id}/files`, { name: 'b', size: 1, sha256: 'a'.repeat(64) })).status).toBe(404);
    const cleo = await createEngineer(server, admin, 'cleo');
    expect((await cleo.client.get(`/api/sessions/${id}`)).status).toBe(404);
    expect((await cleo.client.get(`/api/sessions/${id}/files`)).status).toBe(404);
    expect((await cleo.client.get(`/api/sessions/${id}/log`)).status).toBe(404);
  });
});
