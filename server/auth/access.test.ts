import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { migrations } from '../assets.ts';
import { DEFAULTS } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { Events } from '../events.ts';
import { RouteBodies } from '../http/bodyPolicy.ts';
import { SCOPES } from '../protocol/roles.ts';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Routes the OpenAPI plugin itself adds (documentation, public by nature).
const PLUGIN_ROUTES = new Set(['/api/docs', '/api/openapi.json']);

type Access = 'public' | { role: string; scope?: string };

function routeTable() {
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'tessera-routes-')));
  migrate(db, migrations());
  const { app } = createApp({ db, config: { ...DEFAULTS, dataDir: '' }, events: new Events(), version: 'test' });
  const bodies = new RouteBodies(app.routes);
  return app.routes
    .filter((r) => r.method !== 'WS' && !PLUGIN_ROUTES.has(r.path))
    .map((r) => ({
      method: r.method,
      path: r.path,
      access: (r.hooks as { detail?: { 'x-tessera-access'?: Access } }).detail?.['x-tessera-access'],
      kind: bodies.find(r.method, r.path)?.kind,
    }));
}

/** An empty body of the kind the route takes, so the call reaches the access check. */
function emptyBody(r: { method: string; kind?: string }): unknown {
  if (r.method === 'GET') return undefined;
  if (r.kind === 'multipart') return new FormData();
  if (r.kind === 'raw') return new Uint8Array(0);
  return {};
}

const concrete = (path: string) => path.replace(/:[a-z]+/g, '1').replace('/*', '/anything');

describe('route access', () => {
  const routes = routeTable();
  let server: TestServer;
  let admin: TestClient;
  let engineer: TestClient;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await setupAdmin(server);
    engineer = (await createEngineer(server, admin, 'eve')).client;
  });
  afterAll(() => server.stop());

  it('every route states who may call it', () => {
    expect(routes.length).toBeGreaterThan(20);
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  it('an anonymous client cannot call any non-public route', async () => {
    const anonymous = new TestClient(server.url);
    const closed = routes.filter((r) => r.access !== 'public');
    expect(closed.length).toBeGreaterThan(15);
    for (const r of closed) {
      const res = await anonymous.request(r.method, concrete(r.path), emptyBody(r));
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('an engineer cannot call any admin route', async () => {
    const adminOnly = routes.filter((r) => typeof r.access === 'object' && r.access.role === 'admin');
    expect(adminOnly.length).toBeGreaterThan(8);
    for (const r of adminOnly) {
      const res = await engineer.request(r.method, concrete(r.path), emptyBody(r));
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
  });

  it('API tokens work only within their scopes and never on console-only routes', async () => {
    const created = await admin.post('/api/tokens', { name: 'ci', scopes: ['org:read'] });
    expect(created.status).toBe(200);
    const token = created.json.token as string;
    const bearer = new TestClient(server.url, { authorization: `Bearer ${token}` });
    expect((await bearer.get('/api/desks')).status).toBe(200);
    const noScope = await bearer.post('/api/desks', { name: 'X' });
    expect(noScope.status).toBe(403);
    expect(noScope.json.error).toMatch(/scope org:write/);
    expect((await bearer.get('/api/tokens')).status).toBe(403); // console-only
    expect((await bearer.get('/api/auth/me')).status).toBe(403);
    // revoked -> refused
    expect((await admin.delete(`/api/tokens/${created.json.id}`)).status).toBe(200);
    expect((await bearer.get('/api/desks')).status).toBe(401);
    expect((await new TestClient(server.url, { authorization: 'Bearer tsk_forged' }).get('/api/desks')).status).toBe(401);
  });

  it('every scope opens some route, and on each scoped route a token passes with that scope and only with it', async () => {
    const scoped = routes.flatMap((r) => (typeof r.access === 'object' && r.access.scope ? [{ ...r, scope: r.access.scope }] : []));
    expect([...new Set(scoped.map((r) => r.scope))].sort()).toEqual([...SCOPES].sort());
    // Admin tokens, so the role never stands in the way: what refuses or lets in below is the scope alone.
    const tokenWith = async (scopes: string[]) => {
      const created = await admin.post('/api/tokens', { name: 'matrix', scopes });
      expect(created.status).toBe(200);
      return new TestClient(server.url, { authorization: `Bearer ${created.json.token}` });
    };
    const wrong: string[] = [];
    for (const scope of SCOPES) {
      const only = await tokenWith([scope]);
      const allOthers = await tokenWith(SCOPES.filter((s) => s !== scope));
      for (const r of scoped.filter((x) => x.scope === scope)) {
        const name = `${r.method} ${r.path}`;
        const refused = await allOthers.request(r.method, concrete(r.path), emptyBody(r));
        if (refused.status !== 403 || refused.json?.error !== `API token lacks scope ${scope}`)
          wrong.push(`${name} without ${scope}: ${refused.status} ${refused.text}`);
        const allowed = await only.request(r.method, concrete(r.path), emptyBody(r));
        if (allowed.status === 401 || (allowed.status === 403 && /scope|API token|console login|needs the/.test(allowed.text)))
          wrong.push(`${name} with ${scope}: ${allowed.status} ${allowed.text}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a token shows once, is stored only as a hash, and lists without its secret', async () => {
    const created = await admin.post('/api/tokens', { name: 'report export', scopes: ['org:read', 'agents:read'], expiresInDays: 30 });
    const list = await admin.get('/api/tokens');
    const listed = (list.json as Array<Record<string, unknown>>).find((t) => t.id === created.json.id)!;
    expect(listed).toMatchObject({ name: 'report export', scopes: ['org:read', 'agents:read'] });
    expect(listed.token).toBeUndefined();
    const { Database } = await import('bun:sqlite');
    const db = new Database(join(server.dataDir, 'tessera.db'), { readonly: true });
    const rows = db.query<{ token_hash: string }, []>('SELECT token_hash FROM api_tokens').all();
    expect(rows.some((r) => r.token_hash.includes(created.json.token))).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    db.close();
    // a token of another engineer cannot be revoked by this one
    expect((await engineer.delete(`/api/tokens/${created.json.id}`)).status).toBe(404);
  });
});
