import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../assets.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
afterEach(() => server?.stop());

type Pushed = { type: string; [k: string]: unknown };

async function online(client: TestClient) {
  const messages: Pushed[] = [];
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

const portal = () => new TestClient(server.url);
const ask = async (name: string) =>
  (await portal().post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': name } })).json.session.id as number;

async function team() {
  server = await startTestServer();
  const admin = await setupAdmin(server);
  const ann = await createEngineer(server, admin, 'ann');
  const bo = await createEngineer(server, admin, 'bo');
  const sup = await createEngineer(server, admin, 'sup', 'supervisor');
  const sockets = { ann: await online(ann.client), bo: await online(bo.client), sup: await online(sup.client) };
  return { admin, ann, bo, sup, sockets };
}

const presenceOf = (messages: Pushed[], engineerId: number) => {
  const last = messages.findLast((m) => m.type === 'presence') as { desks: Array<{ engineers: Array<Record<string, unknown>> }> } | undefined;
  return last?.desks.flatMap((d) => d.engineers).find((e) => e.id === engineerId);
};

describe('engineer status', () => {
  it('starts available, is chosen by the engineer, remembered, pushed to their consoles and shown in presence', async () => {
    const { ann, sockets } = await team();
    expect((await ann.client.get('/api/availability')).json).toEqual({ engineerId: ann.id, status: 'available', sessionLimit: null, sessions: 0 });
    await until(() => sockets.ann.messages.some((m) => m.type === 'availability' && m.status === 'available'));

    const set = await ann.client.put('/api/availability', { status: 'busy' });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ status: 'busy' });
    await until(() => sockets.ann.messages.some((m) => m.type === 'availability' && m.status === 'busy'));
    // Colleagues and supervisors see it beside the name.
    await until(() => presenceOf(sockets.sup.messages, ann.id)?.status === 'busy');
    expect(presenceOf(sockets.sup.messages, ann.id)).toMatchObject({ displayName: 'ANN', status: 'busy', sessions: 0, sessionLimit: null });

    // Kept on the server: a new console (another browser, after a restart of the page) starts from it.
    const again = await online(ann.client);
    await until(() => again.messages.some((m) => m.type === 'availability' && m.status === 'busy'));
    expect((await ann.client.get('/api/availability')).json.status).toBe('busy');
  });

  it('refuses a bad status and changes nothing', async () => {
    const { ann } = await team();
    await ann.client.put('/api/availability', { status: 'away' });
    for (const body of [{ status: 'asleep' }, { status: '' }, { status: 3 }, {}, { status: null }, { status: ['away'] }]) {
      const res = await ann.client.put('/api/availability', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.error).toMatch(/status/);
    }
    expect((await ann.client.put('/api/availability', '{"status":')).status).toBe(400);
    expect((await ann.client.get('/api/availability')).json.status).toBe('away');
  });
});

describe('session limit', () => {
  it('is set by an admin only, validated, and read by supervisors', async () => {
    const { admin, ann, sup } = await team();
    expect((await ann.client.put(`/api/engineers/${ann.id}/session-limit`, { sessionLimit: 9 })).status).toBe(403);
    expect((await sup.client.put(`/api/engineers/${ann.id}/session-limit`, { sessionLimit: 9 })).status).toBe(403);
    expect((await admin.put(`/api/engineers/${ann.id}/session-limit`, { sessionLimit: 2 })).json).toMatchObject({ sessionLimit: 2 });
    // (A numeric string such as "2" reads as its number, as in every integer field of the API.)
    for (const sessionLimit of [0, -1, 51, 1e9, 1.5, 'two', true, [2], { n: 2 }]) {
      const res = await admin.put(`/api/engineers/${ann.id}/session-limit`, { sessionLimit });
      expect(res.status, String(sessionLimit)).toBe(422);
      expect(res.json.error).toMatch(/sessionLimit/);
    }
    expect((await admin.put(`/api/engineers/${ann.id}/session-limit`, {})).status).toBe(422);
    expect((await admin.put('/api/engineers/999/session-limit', { sessionLimit: 3 })).status).toBe(404);
    const list = (await sup.client.get('/api/engineers/availability')).json as Array<{ engineerId: number; sessionLimit: number | null }>;
    expect(list.find((a) => a.engineerId === ann.id)?.sessionLimit).toBe(2);
    expect((await ann.client.get('/api/engineers/availability')).status).toBe(403);
    // null lifts it
    expect((await admin.put(`/api/engineers/${ann.id}/session-limit`, { sessionLimit: null })).json.sessionLimit).toBeNull();
  });

  it('the queue respects it: Take is refused at the limit (409, nothing taken) and allowed again once a seat frees', async () => {
    const { admin, ann, bo, sockets } = await team();
    await admin.put(`/api/engineers/${ann.id}/session-limit`, { sessionLimit: 1 });
    const first = await ask('Cy');
    const second = await ask('Di');
    expect((await ann.client.post(`/api/queue/${first}/take`)).status).toBe(200);
    await until(() => sockets.ann.messages.some((m) => m.type === 'availability' && m.sessions === 1 && m.sessionLimit === 1));

    const refused = await ann.client.post(`/api/queue/${second}/take`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('you already hold 1 of your 1 sessions at once: end or hand one over first');
    expect((await ann.client.get('/api/queue')).json.map((q: { id: number }) => q.id)).toEqual([second]);
    // Someone else may still take it.
    expect((await bo.client.get('/api/queue')).json.map((q: { id: number }) => q.id)).toEqual([second]);

    expect((await ann.client.post(`/api/sessions/${first}/end`)).status).toBe(200);
    expect((await ann.client.post(`/api/queue/${second}/take`)).status).toBe(200);
  });

  it('an away or busy engineer does not take from the queue until available again', async () => {
    const { ann } = await team();
    const id = await ask('Cy');
    for (const status of ['away', 'busy'] as const) {
      await ann.client.put('/api/availability', { status });
      const res = await ann.client.post(`/api/queue/${id}/take`);
      expect(res.status).toBe(409);
      expect(res.json.error).toMatch(new RegExp(`you are set to ${status}: set yourself Available`, 'i'));
    }
    expect((await ann.client.get('/api/queue')).json).toHaveLength(1);
    await ann.client.put('/api/availability', { status: 'available' });
    expect((await ann.client.post(`/api/queue/${id}/take`)).status).toBe(200);
  });

  it('transfers and invitations respect status and limit, on offering and on accepting', async () => {
    const { admin, ann, bo, sockets } = await team();
    const id = await ask('Cy');
    expect((await ann.client.post(`/api/queue/${id}/take`)).status).toBe(200);

    // Bo is away: he is not asked at all.
    await bo.client.put('/api/availability', { status: 'away' });
    const toAway = await ann.client.post(`/api/sessions/${id}/transfer`, { engineerId: bo.id });
    expect(toAway.status).toBe(409);
    expect(toAway.json.error).toBe('BO is away');
    expect(sockets.bo.messages.some((m) => m.type === 'session-offer')).toBe(false);

    // Bo is available and offered the session, then goes busy before accepting: refused, still his to accept later.
    await bo.client.put('/api/availability', { status: 'available' });
    expect((await ann.client.post(`/api/sessions/${id}/invite`, { engineerId: bo.id })).status).toBe(200);
    await bo.client.put('/api/availability', { status: 'busy' });
    const busyAccept = await bo.client.post(`/api/sessions/${id}/accept`);
    expect(busyAccept.status).toBe(409);
    expect(busyAccept.json.error).toMatch(/you are set to busy/i);
    expect((await ann.client.get(`/api/sessions/${id}`)).json.participants.map((p: { name: string }) => p.name)).toEqual(['ANN']);
    await bo.client.put('/api/availability', { status: 'available' });
    expect((await bo.client.post(`/api/sessions/${id}/accept`)).status).toBe(200);

    // Bo now holds one session (invited); with a limit of 1 another one cannot be handed to him...
    await admin.put(`/api/engineers/${bo.id}/session-limit`, { sessionLimit: 1 });
    const other = await ask('Di');
    expect((await ann.client.post(`/api/queue/${other}/take`)).status).toBe(200);
    const full = await ann.client.post(`/api/sessions/${other}/transfer`, { engineerId: bo.id });
    expect(full.status).toBe(409);
    expect(full.json.error).toBe('BO already holds 1 of their 1 sessions at once');
    // ...but taking over the session he already works in adds nothing to his load.
    expect((await ann.client.post(`/api/sessions/${id}/transfer`, { engineerId: bo.id })).status).toBe(200);
    expect((await bo.client.post(`/api/sessions/${id}/accept`)).status).toBe(200);
    expect((await bo.client.get(`/api/sessions/${id}`)).json.ownerId).toBe(bo.id);
  });

  it('counts only live sessions worked in: watching as a supervisor does not fill the limit', async () => {
    const { admin, ann, sup } = await team();
    await admin.put(`/api/engineers/${sup.id}/session-limit`, { sessionLimit: 1 });
    const id = await ask('Cy');
    expect((await ann.client.post(`/api/queue/${id}/take`)).status).toBe(200);
    expect((await sup.client.post(`/api/sessions/${id}/watch`)).status).toBe(200);
    expect((await sup.client.get('/api/availability')).json.sessions).toBe(0);
    const next = await ask('Di');
    expect((await sup.client.post(`/api/queue/${next}/take`)).status).toBe(200);
    expect((await sup.client.get('/api/availability')).json.sessions).toBe(1);
  });
});

describe('migration 0007', () => {
  it('keeps every engineer available with no limit, and refuses bad rows in the table itself', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'tessera-availability-')));
    migrate(db, migrations().filter((m) => m.name < '0007'));
    db.query(`INSERT INTO engineers (id, username, display_name, role, password_hash) VALUES (1, 'eve', 'Eve', 'engineer', 'x')`).run();
    migrate(db, migrations());
    expect(db.query('SELECT count(*) AS n FROM engineer_availability').get()).toEqual({ n: 0 });
    expect(() => db.query(`INSERT INTO engineer_availability (engineer_id, status) VALUES (1, 'asleep')`).run()).toThrow(/CHECK/);
    expect(() => db.query(`INSERT INTO engineer_availability (engineer_id, session_limit) VALUES (1, 0)`).run()).toThrow(/CHECK/);
    db.close();
  });
});
