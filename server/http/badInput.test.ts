import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAdmin, startTestServer, type TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer({ bodyLimitBytes: 64 * 1024 });
  admin = await setupAdmin(server);
});
afterAll(() => server.stop());

async function deskNames(): Promise<string[]> {
  return ((await admin.get('/api/desks')).json as Array<{ name: string }>).map((d) => d.name).sort();
}

describe('bad input gets a clear 4xx and changes nothing', () => {
  it('malformed JSON', async () => {
    const before = await deskNames();
    for (const body of ['{', '{"name": }', 'null', '[]', '"x"', '\u0000\u0001']) {
      const res = await admin.request('POST', '/api/desks', body);
      expect([400, 422], body).toContain(res.status);
      expect(typeof res.json?.error, body).toBe('string');
    }
    expect(await deskNames()).toEqual(before);
  });

  it('wrong types, missing fields and unknown enum values name the field', async () => {
    const wrongType = await admin.post('/api/desks', { name: 42 });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json.error).toMatch(/\/name/);
    const missing = await admin.post('/api/engineers', { username: 'x' });
    expect(missing.status).toBe(422);
    expect(missing.json.error).toMatch(/invalid body/);
    const badRole = await admin.post('/api/engineers', {
      username: 'zed', displayName: 'Z', password: 'long-enough-pass', role: 'root', deskIds: [1], stationIds: [],
    });
    expect(badRole.status).toBe(422);
    expect(badRole.json.error).toMatch(/\/role/);
    const badId = await admin.delete('/api/desks/abc');
    expect(badId.status).toBe(422);
    const negative = await admin.patch('/api/desks/-1', { name: 'x' });
    expect(negative.status).toBe(422);
    const badScope = await admin.post('/api/tokens', { name: 't', scopes: ['everything'] });
    expect(badScope.status).toBe(422);
  });

  it('very long strings are refused', async () => {
    const before = await deskNames();
    const res = await admin.post('/api/desks', { name: 'x'.repeat(10_000) });
    expect(res.status).toBe(422);
    const login = await admin.post('/api/auth/login', { username: 'u'.repeat(5000), password: 'p' });
    expect(login.status).toBe(422);
    expect(await deskNames()).toEqual(before);
  });

  it('bodies over the configured limit get 413', async () => {
    const before = await deskNames();
    const res = await fetch(`${server.url}/api/desks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookieHeader },
      body: JSON.stringify({ name: 'big', description: 'x'.repeat(200 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await deskNames()).toEqual(before);
  });

  it('SQL-looking strings are stored verbatim and have no effect', async () => {
    const evil = "Robert'); DROP TABLE desks;--";
    const res = await admin.post('/api/desks', { name: evil, description: "' OR 1=1 --" });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe(evil);
    expect(await deskNames()).toContain(evil);
    const login = await admin.post('/api/auth/login', { username: "alice' --", password: "' OR '1'='1" });
    expect(login.status).toBe(401);
  });

  it('unknown API paths answer 404 with an error body, not the console page', async () => {
    const res = await admin.get('/api/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.json.error).toBeDefined();
  });
});
