import { afterEach, describe, expect, it } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
afterEach(() => server?.stop());

/** Keeps a console socket open so the engineer counts as online, and collects what it receives. */
async function goOnline(client: TestClient) {
  const messages: Array<{ type: string; [k: string]: unknown }> = [];
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: client.cookieHeader } } as unknown as string[]);
  ws.onmessage = (e) => messages.push(JSON.parse(String(e.data)));
  await new Promise((r) => (ws.onopen = r));
  return { ws, messages };
}

async function waitFor<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error('timed out');
    await Bun.sleep(10);
  }
}

const customer = (s: TestServer, token?: string) => new TestClient(s.url, token ? { 'x-tessera-customer': token } : {});

describe('portal requests and the queue', () => {
  it('refuses a request while nobody is online, validates identity fields, and queues it live', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const anon = customer(server);
    const denied = await anon.post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Pat' } });
    expect(denied.status).toBe(409);
    expect(denied.json.error).toMatch(/nobody is online/);

    const adminConsole = await goOnline(admin);
    expect((await anon.get('/api/portal/config')).json.desks[0].online).toBe(true);
    const missing = await anon.post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: {} });
    expect(missing.status).toBe(422);
    expect(missing.json.error).toMatch(/Name is required/);
    const badMail = await anon.post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Pat', '2': 'not-an-address' } });
    expect(badMail.json.error).toMatch(/E-mail must be an e-mail address/);
    const hidden = await anon.post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Pat', '3': '123' } });
    expect(hidden.json.error).toMatch(/unknown field/);

    const ok = await anon.post('/api/portal/requests', { deskId: 1, channel: 'remote', fields: { '1': 'Pat Doe', '2': 'pat@example.com' } });
    expect(ok.status).toBe(200);
    expect(ok.json.session.status).toBe('queued');
    const queued = await waitFor(() =>
      adminConsole.messages.findLast((m) => m.type === 'queue' && (m.requests as unknown[]).length === 1),
    );
    expect((queued.requests as Array<{ customer: unknown[] }>)[0]!.customer).toEqual([
      { slot: 1, label: 'Name', value: 'Pat Doe', crmLink: null },
      { slot: 2, label: 'E-mail', value: 'pat@example.com', crmLink: null },
    ]);
    adminConsole.ws.close();
  });

  it('lets exactly one of two engineers take a request when both click at once', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const a = await createEngineer(server, admin, 'anna');
    const b = await createEngineer(server, admin, 'ben');
    const online = await goOnline(a.client);
    for (let round = 0; round < 10; round++) {
      const req = await customer(server).post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': `C${round}` } });
      const id = req.json.session.id;
      const [ra, rb] = await Promise.all([a.client.post(`/api/queue/${id}/take`), b.client.post(`/api/queue/${id}/take`)]);
      expect([ra.status, rb.status].sort()).toEqual([200, 409]);
      const loser = ra.status === 409 ? ra : rb;
      expect(loser.json.error).toMatch(/already taken/);
    }
    expect((await a.client.get('/api/queue')).json).toEqual([]);
    online.ws.close();
  });

  it('lets the customer withdraw a waiting request, racing a take: exactly one of them wins', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const online = await goOnline(admin);
    const req = await customer(server).post('/api/portal/requests', { deskId: 1, channel: 'remote', fields: { '1': 'Pat' } });
    const pat = customer(server, req.json.customerToken);
    expect((await customer(server, 'forged').post('/api/portal/session/cancel')).status).toBe(401);
    expect((await pat.post('/api/portal/session/cancel')).json).toEqual({ ok: true });
    expect((await admin.get('/api/queue')).json).toEqual([]);
    expect((await pat.get('/api/portal/session')).json.status).toBe('ended');
    const again = await pat.post('/api/portal/session/cancel');
    expect([again.status, again.json.error]).toEqual([409, 'the session has ended']);
    expect((await admin.post(`/api/queue/${req.json.session.id}/take`)).status).toBe(409);

    for (let round = 0; round < 6; round++) {
      const r = await customer(server).post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': `R${round}` } });
      const [cancel, take] = await Promise.all([
        customer(server, r.json.customerToken).post('/api/portal/session/cancel'),
        admin.post(`/api/queue/${r.json.session.id}/take`),
      ]);
      expect([cancel.status, take.status].sort()).toEqual([200, 409]);
      if (cancel.status === 409) expect(cancel.json.error).toBe('an engineer has already taken your request');
    }
    online.ws.close();
  });

  it('shows a desk only its own requests plus generic ones; an outsider cannot take them', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const printers = (await admin.post('/api/desks', { name: 'Printers' })).json.id;
    const p = await createEngineer(server, admin, 'pia', 'engineer', [printers]);
    const g = await createEngineer(server, admin, 'gil', 'engineer', [1]);
    const o1 = await goOnline(p.client);
    const o2 = await goOnline(g.client);
    const toPrinters = (await customer(server).post('/api/portal/requests', { deskId: printers, channel: 'chat', fields: { '1': 'X' } })).json.session.id;
    const generic = (await customer(server).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Y' } })).json.session.id;
    const ids = async (c: TestClient) => ((await c.get('/api/queue')).json as Array<{ id: number }>).map((r) => r.id);
    expect(await ids(p.client)).toEqual([toPrinters, generic]);
    expect(await ids(g.client)).toEqual([generic]);
    expect((await g.client.post(`/api/queue/${toPrinters}/take`)).status).toBe(409);
    o1.ws.close();
    o2.ws.close();
  });
});

describe('chat', () => {
  it('sends the welcome message on take, and chat flows both ways live', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    await admin.put('/api/admin/portal-settings', { notice: '', contact: '', welcomeMessage: 'Hi, I am here to help.', surveyUrl: '' });
    const consoleSocket = await goOnline(admin);
    const req = await customer(server).post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Pat' } });
    const cust = customer(server, req.json.customerToken);
    const portalMessages: Array<{ type: string; [k: string]: unknown }> = [];
    const pws = new WebSocket(`${server.url.replace('http', 'ws')}/api/portal/ws?token=${req.json.customerToken}`);
    pws.onmessage = (e) => portalMessages.push(JSON.parse(String(e.data)));
    await new Promise((r) => (pws.onopen = r));

    expect((await admin.post(`/api/queue/${req.json.session.id}/take`)).status).toBe(200);
    const welcome = await waitFor(() => portalMessages.find((m) => m.type === 'log'));
    expect((welcome.entries as Array<{ text: string; name: string }>)[0]).toMatchObject({ text: 'Hi, I am here to help.', name: 'Alice Admin' });
    await waitFor(() => portalMessages.find((m) => m.type === 'session' && (m.session as { status: string }).status === 'active'));

    expect((await cust.post('/api/portal/session/chat', { text: 'My printer is on fire' })).status).toBe(200);
    const got = await waitFor(() =>
      consoleSocket.messages.find((m) => m.type === 'session-log' && (m.entries as Array<{ text: string }>)[0]!.text === 'My printer is on fire'),
    );
    expect((got.entries as Array<{ name: string; actor: string }>)[0]).toMatchObject({ name: 'Pat', actor: 'customer' });
    const log = (await admin.get(`/api/sessions/${req.json.session.id}/log`)).json as Array<{ kind: string; text: string }>;
    expect(log.filter((e) => e.kind === 'chat').map((e) => e.text)).toEqual(['Hi, I am here to help.', 'My printer is on fire']);

    expect((await cust.post('/api/portal/session/chat', { text: 'x'.repeat(5000) })).status).toBe(422);
    expect((await customer(server, 'forged').post('/api/portal/session/chat', { text: 'hi' })).status).toBe(401);
    expect((await admin.post(`/api/sessions/${req.json.session.id}/end`)).status).toBe(200);
    expect((await cust.post('/api/portal/session/chat', { text: 'hello?' })).status).toBe(409);
    pws.close();
    consoleSocket.ws.close();
  });
});

describe('access codes', () => {
  it('bring the customer straight into the engineer’s session; single use', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const issued = await admin.post('/api/sessions/code', {});
    expect(issued.json.code).toMatch(/^\d{6}$/);
    const minutes = (Date.parse(issued.json.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    expect(minutes).toBeLessThanOrEqual(10);
    const redeemed = await customer(server).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: issued.json.code });
    expect(redeemed.status).toBe(200);
    expect(redeemed.json.session).toMatchObject({ id: issued.json.sessionId, status: 'active', engineer: 'Alice Admin' });
    const sessions = (await admin.get('/api/sessions')).json as Array<{ id: number }>;
    expect(sessions.map((s) => s.id)).toContain(issued.json.sessionId);
    expect((await admin.get('/api/queue')).json).toEqual([]); // never in the queue
    const reused = await customer(server).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: issued.json.code });
    expect(reused.status).toBe(404);
  });

  it('ask the identity fields like a request: a missing name uses up nothing; the engineer can correct the details', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const issued = await admin.post('/api/sessions/code', {});
    for (const fields of [undefined, {}, { 1: '' }, { 2: 'not an address' }]) {
      const refused = await customer(server).post('/api/portal/access-codes', { code: issued.json.code, ...(fields ? { fields } : {}) });
      expect(refused.status, JSON.stringify(fields)).toBe(422);
    }
    // nothing was used up or counted: the code still works, and no guess limit was touched
    const joined = await customer(server).post('/api/portal/access-codes', { code: issued.json.code, fields: { 1: 'Cody Caller', 2: 'cody@example.com' } });
    expect(joined.status).toBe(200);
    const id = issued.json.sessionId as number;
    const detail = (await admin.get(`/api/sessions/${id}`)).json;
    expect(detail.customer.map((c: { label: string; value: string }) => `${c.label}=${c.value}`)).toEqual(['Name=Cody Caller', 'E-mail=cody@example.com']);

    // the engineer corrects it; the log says what changed; bad values and outsiders change nothing
    const fixed = await admin.put(`/api/sessions/${id}/customer`, { fields: { 1: 'Cody Callahan', 2: 'cody@example.com' } });
    expect(fixed.status).toBe(200);
    expect(fixed.json.customer[0]).toMatchObject({ label: 'Name', value: 'Cody Callahan' });
    const log = (await admin.get(`/api/sessions/${id}/log`)).json as Array<{ kind: string; text: string }>;
    expect(log.at(-1)).toMatchObject({ kind: 'operation', text: 'changed the customer details (Name: “Cody Caller” → “Cody Callahan”)' });
    expect((await admin.put(`/api/sessions/${id}/customer`, { fields: { 1: '' } })).status).toBe(422);
    expect((await admin.put(`/api/sessions/${id}/customer`, { fields: { 9: 'x', 1: 'a', 2: 'b@c.de', 3: '1', 4: '2' } })).status).toBe(422);
    const eve = await createEngineer(server, admin, 'eve');
    expect((await eve.client.put(`/api/sessions/${id}/customer`, { fields: { 1: 'Mallory' } })).status).toBe(404);
    expect((await admin.get(`/api/sessions/${id}`)).json.customer[0].value).toBe('Cody Callahan');
  });

  it('expire', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const issued = await admin.post('/api/sessions/code', {});
    const { Database } = await import('bun:sqlite');
    const db = new Database(`${server.dataDir}/tessera.db`);
    db.query("UPDATE access_codes SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    db.close();
    expect((await customer(server).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: issued.json.code })).status).toBe(404);
  });

  it('stops a brute force by rate limit, even for the right code afterwards', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const issued = await admin.post('/api/sessions/code', {});
    const anon = customer(server);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const guess = String((Number(issued.json.code) + 1 + i) % 1_000_000).padStart(6, '0');
      statuses.push((await anon.post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: guess })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const right = await anon.post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: issued.json.code });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await anon.post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: 'abcdef' })).status).toBe(429);
  });
});

describe('access codes under a spread-out attack', () => {
  it('junk from many addresses does not lock out a customer with the right code; those who guessed wrong stay limited', async () => {
    // Behind a trusted proxy (loopback here), each X-Forwarded-For address is a client of its own.
    server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
    const admin = await setupAdmin(server);
    const from = (ip: string) => new TestClient(server.url, { 'x-forwarded-for': ip });
    // 12 addresses in 12 networks send 5 wrong codes each: the old server-wide cap (60) was then used up for everyone.
    for (let a = 1; a <= 12; a++)
      for (let i = 0; i < 5; i++) expect((await from(`198.51.${a}.7`).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: '000000' })).status).toBe(404);
    const issued = await admin.post('/api/sessions/code', {});
    const joined = await from('203.0.113.50').post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: issued.json.code });
    expect(joined.status).toBe(200);
    // Past the server-wide count a fresh network gets one guess, then waits.
    expect((await from('192.0.2.1').post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: '000001' })).status).toBe(404);
    expect((await from('192.0.2.1').post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: '000002' })).status).toBe(429);
    expect((await from('192.0.2.99').post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: '000003' })).status).toBe(429); // same /24
    expect((await from('198.51.1.7').post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: '000004' })).status).toBe(429);
  });

  it('one network cannot spread its guesses over many addresses', async () => {
    server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
    await setupAdmin(server);
    const statuses: number[] = [];
    for (let host = 1; host <= 6; host++)
      for (let i = 0; i < 4; i++)
        statuses.push((await new TestClient(server.url, { 'x-forwarded-for': `198.51.100.${host}` }).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: '000000' })).status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429]);
  });

  it('live an hour at most', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const long = await admin.post('/api/sessions/code', { minutes: 61 });
    expect(long.status).toBe(422);
    expect((await admin.post('/api/sessions/code', { minutes: 24 * 60 })).status).toBe(422);
    const hour = await admin.post('/api/sessions/code', { minutes: 60 });
    expect(hour.status).toBe(200);
    expect(Date.parse(hour.json.expiresAt) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
  });
});

describe('identity field settings', () => {
  it('validates patterns and CRM links, and links customer values to the CRM', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const fields = (await admin.get('/api/admin/identity-fields')).json as Array<Record<string, unknown>>;
    const withCrm = fields.map((f) => (f.slot === 4 ? { ...f, shown: true, pattern: 'C-\\d{4}', example: 'C-1234', crmUrl: 'https://crm.example/find?q={value}' } : f));
    expect((await admin.put('/api/admin/identity-fields', withCrm.map((f) => (f.slot === 4 ? { ...f, pattern: '(' } : f)))).status).toBe(422);
    expect((await admin.put('/api/admin/identity-fields', withCrm.map((f) => (f.slot === 4 ? { ...f, crmUrl: 'https://crm.example/' } : f)))).json.error).toMatch(/\{value\}/);
    expect((await admin.put('/api/admin/identity-fields', withCrm.slice(0, 3))).status).toBe(422);
    // A pattern needs an example customers can read, and the example must match it; nothing is saved otherwise.
    const noExample = await admin.put('/api/admin/identity-fields', withCrm.map((f) => (f.slot === 4 ? { ...f, example: ' ' } : f)));
    expect([noExample.status, noExample.json.error]).toEqual([422, expect.stringMatching(/give an example/)]);
    const badExample = await admin.put('/api/admin/identity-fields', withCrm.map((f) => (f.slot === 4 ? { ...f, example: 'C-12' } : f)));
    expect([badExample.status, badExample.json.error]).toEqual([422, expect.stringMatching(/does not match the pattern/)]);
    expect((await admin.put('/api/admin/identity-fields', withCrm.map((f) => (f.slot === 4 ? { ...f, example: 'x'.repeat(61) } : f)))).status).toBe(422);
    expect(((await admin.get('/api/admin/identity-fields')).json as Array<{ slot: number; pattern: string }>)[3]!.pattern).toBe('');
    expect((await admin.put('/api/admin/identity-fields', withCrm)).status).toBe(200);

    const online = await goOnline(admin);
    const wrong = await customer(server).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Pat', '4': 'X-1' } });
    expect(wrong.json.error).toMatch(/Customer number must look like C-1234/);
    const ok = await customer(server).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Pat', '4': 'C-1234' } });
    expect(ok.status).toBe(200);
    const item = ((await admin.get('/api/queue')).json as Array<{ customer: Array<{ crmLink: string | null }> }>)[0]!;
    expect(item.customer[1]!.crmLink).toBe('https://crm.example/find?q=C-1234');
    online.ws.close();
  });
});
