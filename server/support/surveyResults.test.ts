// The customer's survey answer (rating, solved, comment) is shown to the engineers who may read the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('survey answers in the console', () => {
  it('shows the engineers the survey answer: rating, solved and the comment, on the session and in the session log', async () => {
    const s = await session({ '1': 'Survey Sally' });
    const quiet = await session({ '1': 'Survey Quiet' });
    expect((await admin.get(`/api/sessions/${s.id}`)).json.survey).toBeNull();
    await admin.post(`/api/sessions/${s.id}/end`);
    await admin.post(`/api/sessions/${quiet.id}/end`);
    const comment = 'Fixed fast, but <b>the printer</b> still jams';
    expect((await s.customer.post('/api/portal/session/survey', { rating: 2, solved: false, comment: `  ${comment}  ` })).status).toBe(200);
    const detail = (await admin.get(`/api/sessions/${s.id}`)).json;
    expect(detail.survey).toMatchObject({ rating: 2, solved: false, comment });
    expect(Date.parse(detail.survey.at)).toBeGreaterThan(0);
    const found = (await admin.get('/api/session-log?q=Survey')).json as Array<{ id: number; survey: unknown }>;
    expect(found.find((f) => f.id === s.id)?.survey).toEqual(detail.survey);
    expect(found.find((f) => f.id === quiet.id)?.survey).toBeNull();
    // "Solved" left unanswered stays unanswered, not "no".
    expect((await quiet.customer.post('/api/portal/session/survey', { rating: 5 })).status).toBe(200);
    expect((await admin.get(`/api/sessions/${quiet.id}`)).json.survey).toMatchObject({ rating: 5, solved: null, comment: '' });
  });

  it('shows it only to those who may read the session', async () => {
    const s = await session({ '1': 'Private Pat' });
    await admin.post(`/api/sessions/${s.id}/end`);
    expect((await s.customer.post('/api/portal/session/survey', { rating: 3, comment: 'meh' })).status).toBe(200);
    const eve = await createEngineer(server, admin, 'eve');
    expect((await eve.client.get(`/api/sessions/${s.id}`)).status).toBe(404);
    expect(JSON.stringify((await eve.client.get('/api/session-log?q=Private')).json)).not.toContain('meh');
  });
});
