import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
afterEach(() => server?.stop());

describe('first start', () => {
  it('is locked until the first admin is created with the one-time token', async () => {
    server = await startTestServer();
    const anon = new TestClient(server.url);
    expect((await anon.get('/api/health')).json).toMatchObject({ ok: true, setupRequired: true, native: true });
    expect((await anon.get('/api/setup')).json).toEqual({ required: true });
    for (const path of ['/api/desks', '/api/portal/desks', '/api/docs', '/api/openapi.json', '/api/auth/me']) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(503);
      expect(res.json.error).toMatch(/setup required/);
    }
    expect((await anon.post('/api/auth/login', { username: 'admin', password: 'admin' })).status).toBe(503);
    // no default password, and the wrong token does nothing
    const wrong = await anon.post('/api/setup', { ...ADMIN, token: 'guess' });
    expect(wrong.status).toBe(403);
    expect((await anon.get('/api/setup')).json).toEqual({ required: true });
    const weak = await anon.post('/api/setup', { ...ADMIN, password: 'short', token: server.setupToken });
    expect(weak.status).toBe(422);
    const ok = await anon.post('/api/setup', { ...ADMIN, token: server.setupToken });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ username: 'alice', role: 'admin' });
    // the cookie logs the new admin in; the token cannot be used twice
    expect((await anon.get('/api/auth/me')).json.username).toBe('alice');
    const again = await new TestClient(server.url).post('/api/setup', { ...ADMIN, username: 'mallory', token: server.setupToken });
    expect(again.status).toBe(409);
    expect((await anon.get('/api/health')).json.setupRequired).toBe(false);
  });
});

describe('login', () => {
  it('sets an HttpOnly SameSite=Strict cookie with an expiry, and logout ends the session', async () => {
    server = await startTestServer();
    await setupAdmin(server);
    const c = new TestClient(server.url);
    const res = await c.post('/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^tessera_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Expires=/i);
    expect(cookie).toMatch(/Path=\//);
    const stolen = c.cookieHeader;
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    // the old cookie value no longer works either
    expect((await new TestClient(server.url).request('GET', '/api/auth/me', undefined, { cookie: stolen })).status).toBe(401);
  });

  it('expires sessions after the configured lifetime', async () => {
    server = await startTestServer({ sessionHours: 1 });
    const admin = await setupAdmin(server);
    const { Database } = await import('bun:sqlite');
    const db = new Database(`${server.dataDir}/tessera.db`);
    db.query("UPDATE login_sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    db.close();
    expect((await admin.get('/api/auth/me')).status).toBe(401);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    server = await startTestServer();
    await setupAdmin(server);
    const c = new TestClient(server.url);
    const unknown = await c.post('/api/auth/login', { username: 'nobody', password: 'whatever-12345' });
    const wrong = await c.post('/api/auth/login', { username: ADMIN.username, password: 'whatever-12345' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.json).toEqual(wrong.json);
  });

  it('locks an account out after repeated failures, even with the right password, and tells when to retry', async () => {
    server = await startTestServer({ loginMaxFailures: 3, loginLockoutMinutes: 5 });
    await setupAdmin(server);
    const c = new TestClient(server.url);
    for (let i = 0; i < 3; i++)
      expect((await c.post('/api/auth/login', { username: ADMIN.username, password: 'wrong-password' })).status).toBe(401);
    const locked = await c.post('/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(200);
    expect(locked.json.error).toMatch(/try again/);
  });

  it('refuses disabled accounts and ends their sessions', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const bob = await createEngineer(server, admin, 'bob');
    expect((await bob.client.get('/api/auth/me')).status).toBe(200);
    expect((await admin.patch(`/api/engineers/${bob.id}`, { disabled: true })).status).toBe(200);
    expect((await bob.client.get('/api/auth/me')).status).toBe(401);
    const again = await new TestClient(server.url).post('/api/auth/login', { username: 'bob', password: bob.password });
    expect(again.status).toBe(401);
    expect(again.json.error).toMatch(/disabled/);
  });
});

describe('passwords', () => {
  it('changes the own password with the current one; other sessions end', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const bob = await createEngineer(server, admin, 'bob');
    const second = new TestClient(server.url);
    await second.post('/api/auth/login', { username: 'bob', password: bob.password });
    expect((await bob.client.post('/api/auth/password', { currentPassword: 'nope', newPassword: 'a-new-long-password' })).status).toBe(403);
    expect((await bob.client.post('/api/auth/password', { currentPassword: bob.password, newPassword: 'short' })).status).toBe(422);
    const ok = await bob.client.post('/api/auth/password', { currentPassword: bob.password, newPassword: 'a-new-long-password' });
    expect(ok.status).toBe(200);
    expect((await bob.client.get('/api/auth/me')).status).toBe(200);
    expect((await second.get('/api/auth/me')).status).toBe(401);
    expect((await new TestClient(server.url).post('/api/auth/login', { username: 'bob', password: 'a-new-long-password' })).status).toBe(200);
  });

  it('an admin reset forces a change at the next login', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const bob = await createEngineer(server, admin, 'bob');
    expect((await admin.post(`/api/engineers/${bob.id}/password`, { password: 'temporary-password-1' })).status).toBe(200);
    expect((await bob.client.get('/api/auth/me')).status).toBe(401); // reset ends sessions
    const c = new TestClient(server.url);
    const login = await c.post('/api/auth/login', { username: 'bob', password: 'temporary-password-1' });
    expect(login.json.mustChangePassword).toBe(true);
    expect((await c.get('/api/desks')).json.error).toMatch(/change your password/);
    expect((await c.post('/api/auth/password', { currentPassword: 'temporary-password-1', newPassword: 'my-own-password-22' })).status).toBe(200);
    expect((await c.get('/api/desks')).status).toBe(200);
  });

  it('an engineer created by an admin must replace the initial password at the first sign-in', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const created = await admin.post('/api/engineers', {
      username: 'dora', displayName: 'Dora', password: 'initial-password-1', role: 'engineer', deskIds: [1], stationIds: [],
    });
    expect(created.status).toBe(200);
    const c = new TestClient(server.url);
    const login = await c.post('/api/auth/login', { username: 'dora', password: 'initial-password-1' });
    expect(login.status).toBe(200);
    expect(login.json.mustChangePassword).toBe(true);
    expect((await c.get('/api/desks')).json.error).toMatch(/change your password/);
    expect((await c.post('/api/tokens', { name: 'x', scopes: ['org:read'] })).status).toBe(403);
    expect((await c.post('/api/auth/password', { currentPassword: 'initial-password-1', newPassword: 'initial-password-1' })).status).toBe(422);
    expect((await c.post('/api/auth/password', { currentPassword: 'initial-password-1', newPassword: 'my-own-password-22' })).status).toBe(200);
    expect((await c.get('/api/desks')).status).toBe(200);
    expect((await c.get('/api/auth/me')).json.mustChangePassword).toBe(false);
    // the admin's password no longer works
    expect((await new TestClient(server.url).post('/api/auth/login', { username: 'dora', password: 'initial-password-1' })).status).toBe(401);
  });

  it('stores argon2id hashes, never the password', async () => {
    server = await startTestServer();
    await setupAdmin(server);
    const { Database } = await import('bun:sqlite');
    const db = new Database(`${server.dataDir}/tessera.db`, { readonly: true });
    const row = db.query<{ password_hash: string }, []>('SELECT password_hash FROM engineers').get()!;
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(ADMIN.password);
    db.close();
  });
});
