import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_PAGE, MAX_LOG_PAGE } from '../protocol/sessionLog.ts';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
let online: WebSocket;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
  online = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: admin.cookieHeader } } as unknown as string[]);
  await new Promise((r) => (online.onopen = r));
});
afterAll(async () => {
  online.close();
  await server.stop();
});

async function session(fields: Record<string, string>) {
  const req = await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields });
  expect(req.status).toBe(200);
  await admin.post(`/api/queue/${req.json.session.id}/take`);
  return { id: req.json.session.id as number, customer: new TestClient(server.url, { 'x-tessera-customer': req.json.customerToken }) };
}

describe('after the session', () => {
  it('the customer answers the built-in survey once, only after the end', async () => {
    const s = await session({ '1': 'Sam' });
    expect((await s.customer.post('/api/portal/session/survey', { rating: 5 })).status).toBe(409);
    await admin.post(`/api/sessions/${s.id}/end`);
    expect((await s.customer.get('/api/portal/session')).json).toMatchObject({ status: 'ended', surveyUrl: null, surveyDone: false });
    expect((await s.customer.post('/api/portal/session/survey', { rating: 9 })).status).toBe(422);
    expect((await s.customer.post('/api/portal/session/survey', { rating: 4, solved: true, comment: 'quick' })).status).toBe(200);
    expect((await s.customer.post('/api/portal/session/survey', { rating: 1 })).status).toBe(409);
    expect((await s.customer.get('/api/portal/session')).json.surveyDone).toBe(true);
    const log = (await admin.get(`/api/sessions/${s.id}/log`)).json as Array<{ kind: string; text: string }>;
    expect(log.find((e) => e.kind === 'survey')?.text).toBe('rated 4/5');
  });

  it('sends the customer to the provider’s own survey when one is set', async () => {
    await admin.put('/api/admin/portal-settings', { notice: '', contact: '', welcomeMessage: 'Hi', surveyUrl: 'https://survey.example/t' });
    const s = await session({ '1': 'Sue' });
    await admin.post(`/api/sessions/${s.id}/end`);
    expect((await s.customer.get('/api/portal/session')).json.surveyUrl).toBe('https://survey.example/t');
    expect((await admin.put('/api/admin/portal-settings', { notice: '', contact: '', welcomeMessage: 'Hi', surveyUrl: 'ftp://x' })).status).toBe(422);
  });

  it('shows a returning customer’s earlier sessions with the engineers’ notes', async () => {
    const first = await session({ '1': 'Ann', '2': 'ann@example.com' });
    expect((await admin.put(`/api/sessions/${first.id}/notes`, { notes: 'Replaced toner; printer is old' })).status).toBe(200);
    await admin.post(`/api/sessions/${first.id}/end`);
    await session({ '1': 'Bob', '2': 'bob@example.com' });
    const again = await session({ '1': 'Ann B.', '2': 'ann@example.com' });
    const history = (await admin.get(`/api/sessions/${again.id}/history`)).json as Array<{ id: number; notes: string }>;
    expect(history.map((h) => h.id)).toEqual([first.id]);
    expect(history[0]!.notes).toBe('Replaced toner; printer is old');
  });

  it('searches the session log by customer, engineer and date, and downloads a session as text', async () => {
    const s = await session({ '1': 'Zoë 100%_match' });
    await admin.post(`/api/sessions/${s.id}/chat`, { text: 'Restarting the spooler now' });
    const hits = (await admin.get(`/api/session-log?q=${encodeURIComponent('100%_')}`)).json as Array<{ id: number }>;
    expect(hits.map((h) => h.id)).toEqual([s.id]);
    expect((await admin.get('/api/session-log?q=nobody-like-this')).json).toEqual([]);
    const me = (await admin.get('/api/auth/me')).json.id;
    expect(((await admin.get(`/api/session-log?engineerId=${me}`)).json as unknown[]).length).toBeGreaterThan(3);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await admin.get(`/api/session-log?from=${future}`)).json).toEqual([]);
    expect((await admin.get('/api/session-log?from=yesterday')).status).toBe(422);
    const file = await admin.get(`/api/sessions/${s.id}/log.txt`);
    expect(file.headers.get('content-disposition')).toMatch(/attachment; filename="tessera-session-\d+\.txt"/);
    expect(file.text).toContain('Name: Zoë 100%_match');
    expect(file.text).toMatch(/\[chat\] Alice Admin: Restarting the spooler now/);
    // another engineer sees neither the session nor its log
    const eve = await createEngineer(server, admin, 'eve');
    expect((await eve.client.get(`/api/sessions/${s.id}/log.txt`)).status).toBe(404);
    expect((await eve.client.get(`/api/session-log?q=Zo`)).json).toEqual([]);
  });

  it('admins keep up to 30 canned replies and common URLs that engineers read', async () => {
    const replies = Array.from({ length: 30 }, (_, i) => ({ title: `R${i}`, text: `Reply ${i}` }));
    expect((await admin.put('/api/admin/canned-replies', replies)).status).toBe(200);
    expect((await admin.put('/api/admin/canned-replies', [...replies, { title: 'x', text: 'y' }])).status).toBe(422);
    expect((await admin.put('/api/admin/common-urls', [{ title: 'Bad', url: 'javascript:alert(1)' }])).status).toBe(422);
    expect((await admin.put('/api/admin/common-urls', [{ title: 'Status', url: 'https://status.example' }])).status).toBe(200);
    const eve = await createEngineer(server, admin, 'eva');
    expect(((await eve.client.get('/api/admin/canned-replies')).json as unknown[]).length).toBe(30);
    expect((await eve.client.get('/api/admin/common-urls')).json).toEqual([{ title: 'Status', url: 'https://status.example' }]);
    expect((await eve.client.put('/api/admin/common-urls', [])).status).toBe(403);
  });

  it('pages a session’s log: a default page, a bounded limit, and the after cursor', async () => {
    const s = await session({ '1': 'Paige' });
    // bounded: just over one default page
    for (let batch = 0; batch < Math.ceil((LOG_PAGE + 10) / 50); batch++)
      await Promise.all(Array.from({ length: 50 }, (_, i) => admin.post(`/api/sessions/${s.id}/chat`, { text: `line ${batch * 50 + i}` })));
    const first = (await admin.get(`/api/sessions/${s.id}/log`)).json as Array<{ id: number }>;
    expect(first).toHaveLength(LOG_PAGE);
    const rest = (await admin.get(`/api/sessions/${s.id}/log?after=${first.at(-1)!.id}`)).json as Array<{ id: number }>;
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.length).toBeLessThan(LOG_PAGE);
    expect(rest[0]!.id).toBeGreaterThan(first.at(-1)!.id);
    const three = (await admin.get(`/api/sessions/${s.id}/log?after=${first[1]!.id}&limit=3`)).json as Array<{ id: number }>;
    expect(three.map((e) => e.id)).toEqual(first.slice(2, 5).map((e) => e.id));
    for (const bad of ['limit=0', `limit=${MAX_LOG_PAGE + 1}`, 'limit=x', 'after=-1', 'limit=1e9'])
      expect((await admin.get(`/api/sessions/${s.id}/log?${bad}`)).status, bad).toBe(422);
  });

  it('pages the session search with a before cursor', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await session({ '1': `Pager ${i}` })).id);
    const page = async (q: string) => ((await admin.get(`/api/session-log?q=Pager&${q}`)).json as Array<{ id: number }>).map((h) => h.id);
    const one = await page('limit=2');
    expect(one).toEqual([ids[2], ids[1]]);
    expect(await page(`limit=2&before=${one.at(-1)}`)).toEqual([ids[0]]);
    expect((await admin.get('/api/session-log?before=0')).status).toBe(422);
    expect((await admin.get('/api/session-log?before=abc')).status).toBe(422);
  });
});
