import { afterEach, describe, expect, it } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
afterEach(() => server?.stop());

async function online(client: TestClient) {
  const messages: Array<{ type: string; [k: string]: unknown }> = [];
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: client.cookieHeader } } as unknown as string[]);
  ws.onmessage = (e) => messages.push(JSON.parse(String(e.data)));
  await new Promise((r) => (ws.onopen = r));
  return { ws, messages };
}

async function until(check: () => Promise<boolean> | boolean, ms = 4000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await Bun.sleep(20);
  }
}

async function team() {
  server = await startTestServer({ ownerGraceSeconds: 1 });
  const admin = await setupAdmin(server);
  const ann = await createEngineer(server, admin, 'ann');
  const bo = await createEngineer(server, admin, 'bo');
  const sup = await createEngineer(server, admin, 'sup', 'supervisor');
  const sockets = { ann: await online(ann.client), bo: await online(bo.client), sup: await online(sup.client) };
  const req = await new TestClient(server.url).post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Cy' } });
  const id = req.json.session.id as number;
  expect((await ann.client.post(`/api/queue/${id}/take`)).status).toBe(200);
  return { admin, ann, bo, sup, sockets, id };
}

const ownerOf = async (c: TestClient, id: number) => (await c.get(`/api/sessions/${id}`)).json.ownerId as number | null;

describe('working together on a session', () => {
  it('transfers only when the target accepts', async () => {
    const { ann, bo, sockets, id } = await team();
    expect((await bo.client.post(`/api/sessions/${id}/transfer`, { engineerId: ann.id })).status).toBe(404); // not the owner
    expect((await ann.client.post(`/api/sessions/${id}/transfer`, { engineerId: bo.id })).status).toBe(200);
    await until(() => sockets.bo.messages.some((m) => m.type === 'session-offer' && m.kind === 'transfer' && m.from === 'ANN'));
    expect(await ownerOf(ann.client, id)).toBe(ann.id);
    expect((await bo.client.post(`/api/sessions/${id}/accept`)).status).toBe(200);
    expect(await ownerOf(bo.client, id)).toBe(bo.id);
    expect((await bo.client.post(`/api/sessions/${id}/accept`)).status).toBe(404); // offers are single-use
    const log = (await bo.client.get(`/api/sessions/${id}/log`)).json as Array<{ text: string }>;
    expect(log.map((e) => e.text)).toContain('took over the session from ANN');
    // every operation is pushed live to the session's engineers, not only written
    await until(() =>
      sockets.bo.messages.some((m) => m.type === 'session-log' && (m.entries as Array<{ text: string }>)[0]!.text === 'took over the session from ANN'),
    );
    expect((await bo.client.get(`/api/sessions/${id}`)).json.ownerName).toBe('BO');
  });

  it('invites another engineer, who can decline or join', async () => {
    const { ann, bo, sockets, id } = await team();
    await ann.client.post(`/api/sessions/${id}/invite`, { engineerId: bo.id });
    expect((await bo.client.post(`/api/sessions/${id}/decline`)).status).toBe(200);
    await until(() => sockets.ann.messages.some((m) => m.type === 'offer-declined'));
    await ann.client.post(`/api/sessions/${id}/invite`, { engineerId: bo.id });
    expect((await bo.client.post(`/api/sessions/${id}/accept`)).status).toBe(200);
    const s = (await ann.client.get(`/api/sessions/${id}`)).json;
    expect(s.participants.map((p: { name: string; role: string }) => `${p.name}:${p.role}`)).toEqual(['ANN:owner', 'BO:engineer']);
    expect((await bo.client.post(`/api/sessions/${id}/chat`, { text: 'second pair of eyes' })).status).toBe(200);
  });

  it('lets a supervisor watch (logged, visible to the engineer) but never own it', async () => {
    const { ann, sup, id } = await team();
    expect((await ann.client.post(`/api/sessions/${id}/watch`)).status).toBe(403); // engineers cannot watch
    expect((await ann.client.get('/api/sessions/live')).status).toBe(403);
    expect(((await sup.client.get('/api/sessions/live')).json as Array<{ id: number }>).map((s) => s.id)).toEqual([id]);
    expect((await sup.client.post(`/api/sessions/${id}/watch`)).status).toBe(200);
    const s = (await ann.client.get(`/api/sessions/${id}`)).json;
    expect(s.participants).toContainEqual({ id: sup.id, name: 'SUP', role: 'supervisor' });
    // watching is silent and passive: no chat to the customer, no notes, no ending the session
    expect((await sup.client.post(`/api/sessions/${id}/chat`, { text: 'hello from the supervisor' })).status).toBe(404);
    expect((await sup.client.put(`/api/sessions/${id}/notes`, { notes: 'x' })).status).toBe(404);
    expect((await sup.client.post(`/api/sessions/${id}/end`)).status).toBe(404);
    const log = (await ann.client.get(`/api/sessions/${id}/log`)).json as Array<{ text: string; name: string }>;
    expect(log).toContainEqual(expect.objectContaining({ name: 'SUP', text: 'started watching the session (supervisor, view only)' }));
    // the owner leaves: the supervisor is not a fallback; the request goes back to the queue
    expect((await ann.client.post(`/api/sessions/${id}/leave`)).status).toBe(200);
    const after = (await sup.client.get(`/api/sessions/${id}`)).json;
    expect(after.status).toBe('queued');
    expect(after.ownerId).toBeNull();
  });

  it('falls back to the longest-present engineer when the owner leaves', async () => {
    const { ann, bo, admin, id } = await team();
    await ann.client.post(`/api/sessions/${id}/invite`, { engineerId: bo.id });
    await bo.client.post(`/api/sessions/${id}/accept`);
    expect((await ann.client.post(`/api/sessions/${id}/leave`)).status).toBe(200);
    expect(await ownerOf(admin, id)).toBe(bo.id);
  });

  it('falls back when the owner’s console disconnects for longer than the grace period, not before', async () => {
    const { ann, bo, sockets, admin, id } = await team();
    await ann.client.post(`/api/sessions/${id}/invite`, { engineerId: bo.id });
    await bo.client.post(`/api/sessions/${id}/accept`);
    sockets.ann.ws.close();
    await Bun.sleep(300);
    expect(await ownerOf(admin, id)).toBe(ann.id); // a reload does not lose the session
    await until(async () => (await ownerOf(admin, id)) === bo.id);
    // and with nobody left it goes back to the queue, never silently dies
    sockets.bo.ws.close();
    await until(async () => (await admin.get(`/api/sessions/${id}`)).json.status === 'queued');
    expect((await admin.get('/api/queue')).json.map((q: { id: number }) => q.id)).toContain(id);
  });
});
