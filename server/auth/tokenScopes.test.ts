import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../assets.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';
import { ApiTokens } from './apiTokens.ts';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(): Promise<TestServer> {
  server = await startTestServer();
  return server;
}

async function tokenClient(owner: TestClient, scopes: string[]): Promise<TestClient> {
  const created = await owner.post('/api/tokens', { name: scopes.join(' '), scopes });
  expect(created.status).toBe(200);
  return new TestClient(owner.base, { authorization: `Bearer ${created.json.token}` });
}

/** A console socket, so the engineer counts as online and the portal accepts a request for their desk. */
async function goOnline(client: TestClient): Promise<WebSocket> {
  const ws = new WebSocket(client.base.replace('http', 'ws') + '/ws/console', { headers: { cookie: client.cookieHeader } } as unknown as string[]);
  await new Promise((r) => (ws.onopen = r));
  return ws;
}

describe('API token scopes for the queue, sessions and the session log', () => {
  it('queue:read and sessions:read read the queue, a session and its log; writing needs sessions:write', async () => {
    const s = await start();
    const admin = await setupAdmin(s);
    const eve = (await createEngineer(s, admin, 'eve')).client;
    const online = await goOnline(eve);
    const asked = await new TestClient(s.url).post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Pat Doe' } });
    expect(asked.status).toBe(200);
    const id = asked.json.session.id as number;

    const reader = await tokenClient(eve, ['queue:read', 'sessions:read']);
    const queue = await reader.get('/api/queue');
    expect(queue.status).toBe(200);
    expect(queue.json.map((q: { id: number }) => q.id)).toEqual([id]);

    expect((await eve.post(`/api/queue/${id}/take`)).status).toBe(200);
    expect((await eve.post(`/api/sessions/${id}/chat`, { text: 'hello from the console' })).status).toBe(200);

    const session = await reader.get(`/api/sessions/${id}`);
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({ id, status: 'active' });
    const log = await reader.get(`/api/sessions/${id}/log`);
    expect(log.status).toBe(200);
    expect(log.json.map((e: { text: string }) => e.text)).toContain('hello from the console');
    expect((await reader.get(`/api/sessions/${id}/log.txt`)).text).toContain('hello from the console');
    expect((await reader.get('/api/sessions')).json.map((s: { id: number }) => s.id)).toEqual([id]);
    expect((await reader.get('/api/session-log')).json.map((s: { id: number }) => s.id)).toEqual([id]);

    // Reading is all it may do.
    const writes: Array<[string, string, unknown?]> = [
      ['POST', `/api/sessions/${id}/chat`, { text: 'from a read token' }],
      ['PUT', `/api/sessions/${id}/notes`, { notes: 'x' }],
      ['POST', `/api/sessions/${id}/end`],
      ['POST', `/api/queue/${id}/take`],
      ['POST', '/api/sessions/code', {}],
    ];
    for (const [method, path, body] of writes) {
      const res = await reader.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error).toBe('API token lacks scope sessions:write');
    }

    const writer = await tokenClient(eve, ['sessions:write']);
    expect((await writer.post(`/api/sessions/${id}/chat`, { text: 'from a script' })).status).toBe(200);
    expect((await writer.put(`/api/sessions/${id}/notes`, { notes: 'noted by a script' })).status).toBe(200);
    const after = (await eve.get(`/api/sessions/${id}/log`)).json as Array<{ text: string; name: string }>;
    expect(after.find((e) => e.text === 'from a script')?.name).toBe('EVE');
    expect((await reader.get(`/api/sessions/${id}`)).json.notes).toBe('noted by a script');
    expect((await writer.get(`/api/sessions/${id}`)).status).toBe(403);
    online.close();
  });

  it('refuses a token without the scope (org:read no longer reads sessions), and stops at what its engineer may see', async () => {
    const s = await start();
    const admin = await setupAdmin(s);
    const eve = (await createEngineer(s, admin, 'eve')).client;
    const bob = (await createEngineer(s, admin, 'bob')).client;
    const id = (await eve.post('/api/sessions/code', {})).json.sessionId as number;

    const orgOnly = await tokenClient(eve, ['org:read']);
    for (const [path, scope] of [
      ['/api/queue', 'queue:read'],
      ['/api/sessions', 'sessions:read'],
      [`/api/sessions/${id}`, 'sessions:read'],
      [`/api/sessions/${id}/log`, 'sessions:read'],
      [`/api/sessions/${id}/log.txt`, 'sessions:read'],
      ['/api/session-log', 'sessions:read'],
    ] as const) {
      const res = await orgOnly.get(path);
      expect(res.status, path).toBe(403);
      expect(res.json.error).toBe(`API token lacks scope ${scope}`);
    }
    expect((await (await tokenClient(eve, ['queue:read'])).get(`/api/sessions/${id}`)).status).toBe(403);
    expect((await (await tokenClient(eve, ['sessions:read'])).get('/api/queue')).status).toBe(403);

    // A token acts as its engineer: Bob took no part in Eve's session, so his token does not find it.
    const bobs = await tokenClient(bob, ['sessions:read']);
    expect((await bobs.get(`/api/sessions/${id}`)).status).toBe(404);
    expect((await bobs.get(`/api/sessions/${id}/log`)).status).toBe(404);
    expect((await (await tokenClient(eve, ['sessions:read'])).get(`/api/sessions/${id}`)).status).toBe(200);
  });

  it('keeps older org:read tokens able to read what they could (session log search, log.txt, recordings)', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'tessera-scopes-')));
    const before = migrations().filter((m) => m.name < '0006');
    migrate(db, before);
    db.query(`INSERT INTO engineers (id, username, display_name, role, password_hash) VALUES (1, 'eve', 'Eve', 'engineer', 'x')`).run();
    const insert = db.query('INSERT INTO api_tokens (engineer_id, name, token_hash, scopes) VALUES (1, ?, ?, ?)');
    insert.run('org', 'h1', JSON.stringify(['org:read', 'agents:read']));
    insert.run('engineers', 'h2', JSON.stringify(['engineers:read']));
    migrate(db, migrations());
    const scopes = new ApiTokens(db).listFor(1).map((t) => [t.name, t.scopes]);
    expect(scopes).toEqual([
      ['org', ['org:read', 'agents:read', 'sessions:read']],
      ['engineers', ['engineers:read']],
    ]);
    db.close();
  });
});
