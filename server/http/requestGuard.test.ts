import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';
import { jsonDeeperThan } from './jsonDepth.ts';

let server: TestServer;
let admin: TestClient;
let eve: { client: TestClient; id: number; password: string };
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
  eve = await createEngineer(server, admin, 'eve');
});
afterAll(() => server.stop());

/** Whether eve's password still works: the forged reset below must not have changed it. */
async function eveSignsIn(): Promise<boolean> {
  return (await new TestClient(server.url).post('/api/auth/login', { username: 'eve', password: eve.password })).status === 200;
}

describe('JSON depth scan', () => {
  it('counts only brackets outside strings', () => {
    expect(jsonDeeperThan('[[[1]]]', 3)).toBe(false);
    expect(jsonDeeperThan('[[[[1]]]]', 3)).toBe(true);
    expect(jsonDeeperThan(JSON.stringify({ a: '[[[[[[[[[[{{{{{{' }), 2)).toBe(false);
    expect(jsonDeeperThan(JSON.stringify({ a: 'quote \\" then [[[[[[' }), 2)).toBe(false);
    expect(jsonDeeperThan('{"a":[{"b":[{"c":[]}]}]}', 5)).toBe(true);
  });
});

describe('one request cannot freeze the server', () => {
  it('a deeply nested body on a public route is refused as such, not parsed, not 413', async () => {
    const deep = `{"deskId":1,"channel":"chat","fields":{"1":${'['.repeat(25_000)}${']'.repeat(25_000)}}}`;
    const res = await new TestClient(server.url).request('POST', '/api/portal/requests', deep);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/nests deeper than 32/);
    // The same on a route that needs a login: the body is read before the login is checked.
    const closed = await new TestClient(server.url).request('POST', '/api/desks', `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(closed.status).toBe(400);
  });

  it('public routes take small bodies only; routes behind a login take larger ones', async () => {
    const big = JSON.stringify({ deskId: 1, channel: 'chat', fields: { '1': 'x'.repeat(70 * 1024) } });
    const res = await new TestClient(server.url).request('POST', '/api/portal/requests', big);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatch(/at most 65536 bytes/);
    // 70 KB to a logged-in route passes the reader and reaches validation (the name is too long: 422, not 413).
    const desk = await admin.post('/api/desks', { name: 'x'.repeat(70 * 1024) });
    expect(desk.status).toBe(422);
  });
});

describe('same-site request forgery', () => {
  const reset = (headers: Record<string, string>, body: string | FormData | undefined, contentType?: string) =>
    fetch(`${server.url}/api/engineers/${eve.id}/password`, {
      method: 'POST',
      headers: { cookie: admin.cookieHeader, ...(contentType ? { 'content-type': contentType } : {}), ...headers },
      body,
    });

  it('a form, text or multipart body where JSON is meant is refused and changes nothing', async () => {
    const form = await reset({}, 'password=Owned-by-the-attacker-1', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect((await form.json()).error).toMatch(/application\/json/);
    const text = await reset({}, JSON.stringify({ password: 'Owned-by-the-attacker-1' }), 'text/plain');
    expect(text.status).toBe(415);
    const multi = new FormData();
    multi.append('password', 'Owned-by-the-attacker-1');
    expect((await reset({}, multi)).status).toBe(415);
    expect(await eveSignsIn()).toBe(true);
  });

  it('a request from a sibling sub-domain, another scheme or a cross-site page is refused', async () => {
    const json = JSON.stringify({ password: 'Owned-by-the-attacker-1' });
    const own = new URL(server.url);
    const forged: Array<Record<string, string>> = [
      { origin: 'http://evil.example.com' },
      { origin: `https://${own.host}` }, // same host, other scheme
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of forged) {
      const res = await reset(headers, json, 'application/json');
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await res.json()).error).toMatch(/cross-origin/);
    }
    expect(await eveSignsIn()).toBe(true);
  });

  it('the console’s own requests, and clients without a browser, pass', async () => {
    const own = await reset({ origin: server.url, 'sec-fetch-site': 'same-origin' }, JSON.stringify({ password: 'Reset-by-the-admin-1' }), 'application/json');
    expect(own.status).toBe(200);
    const plain = await reset({}, JSON.stringify({ password: 'Reset-by-the-admin-2' }), 'application/json');
    expect(plain.status).toBe(200);
  });

  it('the help button still reads desk status from any site', async () => {
    const res = await fetch(`${server.url}/api/portal/desks`, { headers: { origin: 'https://customer.example.org', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('file chunks and image uploads keep their own body kinds', async () => {
    const png = new FormData();
    png.append('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'logo.png');
    const logo = await fetch(`${server.url}/api/provider/logo`, { method: 'POST', headers: { cookie: admin.cookieHeader }, body: png });
    expect(logo.status).not.toBe(415); // reaches the image check (these bytes are no PNG)
    const chunkAsJson = await admin.request('PUT', '/api/portal/session/files/1?offset=0', '{}');
    expect(chunkAsJson.status).toBe(415);
  });
});
