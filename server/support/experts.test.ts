import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSmtp, type TestSmtp } from '../testing/smtpServer.ts';
import { setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let smtp: TestSmtp;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.stop());
afterEach(() => server?.stop());

async function liveSession() {
  server = await startTestServer({ smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpFrom: 'desk@acme.example' });
  const admin = await setupAdmin(server);
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: admin.cookieHeader } } as unknown as string[]);
  await new Promise((r) => (ws.onopen = r));
  const req = await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Cy' } });
  const id = req.json.session.id as number;
  await admin.post(`/api/queue/${id}/take`);
  return { admin, id, ws };
}

describe('outside experts', () => {
  it('join with a code e-mailed through a real SMTP server, once, scoped to one session', async () => {
    const { admin, id, ws } = await liveSession();
    const invite = await admin.post(`/api/sessions/${id}/experts`, { name: 'Vendor Vic', email: 'vic@vendor.example', method: 'email-code' });
    expect(invite.status).toBe(200);
    const link = (invite.json.link as string).replace('/expert/', '');
    const expert = new TestClient(server.url);
    expect((await expert.get(`/api/expert/invitations/${link}`)).json).toMatchObject({ name: 'Vendor Vic', method: 'email-code', inviter: 'Alice Admin' });
    const sent = await expert.post(`/api/expert/invitations/${link}/code`);
    expect(sent.json.sentTo).toBe('v…@vendor.example');
    let code = '';
    for (let i = 0; i < 100 && !code; i++) {
      code = /your code to join the support session is (\d{6})/.exec(smtp.received())?.[1] ?? '';
      await Bun.sleep(50);
    }
    expect(smtp.received()).toMatch(/To: vic@vendor\.example/);
    expect(code).toMatch(/^\d{6}$/);
    expect((await expert.post(`/api/expert/invitations/${link}/login`, { code: '000000' === code ? '111111' : '000000' })).json.error).toMatch(/4 attempts left/);
    const login = await expert.post(`/api/expert/invitations/${link}/login`, { code });
    expect(login.status).toBe(200);
    expect(login.json.sessionId).toBe(id);
    // the link is single use
    expect((await new TestClient(server.url).get(`/api/expert/invitations/${link}`)).status).toBe(404);
    // the expert chats in this session, and cannot reach anything an engineer can
    expect((await expert.post('/api/expert/session/chat', { text: 'Try firmware 2.1' })).status).toBe(200);
    const log = (await admin.get(`/api/sessions/${id}/log`)).json as Array<{ name: string; text: string }>;
    expect(log).toContainEqual(expect.objectContaining({ name: 'Vendor Vic (expert)', text: 'Try firmware 2.1' }));
    for (const path of ['/api/queue', '/api/sessions', `/api/sessions/${id}`, '/api/desks'])
      expect((await expert.get(path)).status, path).toBe(401);
    expect((await expert.post(`/api/sessions/${id}/transfer`, { engineerId: 1 })).status).toBe(401);
    // no engineer left: the expert is removed
    await admin.post(`/api/sessions/${id}/leave`);
    expect((await expert.get('/api/expert/session')).status).toBe(401);
    expect((await admin.get(`/api/sessions/${id}/log`)).json.map((e: { text: string }) => e.text)).toContain(
      'expert Vendor Vic was removed: no engineer is left in the session',
    );
    ws.close();
  });

  it('join with a password the inviter set; wrong passwords burn the invitation', async () => {
    const { admin, id, ws } = await liveSession();
    expect((await admin.post(`/api/sessions/${id}/experts`, { name: 'Pat', method: 'password', password: 'short' })).status).toBe(422);
    const invite = await admin.post(`/api/sessions/${id}/experts`, { name: 'Pat', method: 'password', password: 'shared-secret-42' });
    const link = (invite.json.link as string).replace('/expert/', '');
    const expert = new TestClient(server.url);
    for (let i = 0; i < 5; i++) expect((await expert.post(`/api/expert/invitations/${link}/login`, { password: 'guess-' + i })).status).toBe(403);
    expect((await expert.post(`/api/expert/invitations/${link}/login`, { password: 'shared-secret-42' })).status).toBe(404);

    const second = await admin.post(`/api/sessions/${id}/experts`, { name: 'Pat', method: 'password', password: 'shared-secret-42' });
    const link2 = (second.json.link as string).replace('/expert/', '');
    expect((await expert.post(`/api/expert/invitations/${link2}/login`, { password: 'shared-secret-42' })).status).toBe(200);
    expect((await expert.get('/api/expert/session')).json.you).toBe('Pat');
    // The log comes in pages after a cursor, as the engineers' does.
    expect((await expert.post('/api/expert/session/chat', { text: 'Pat here' })).status).toBe(200);
    const all = (await admin.get(`/api/sessions/${id}/log`)).json as Array<{ id: number; text: string }>;
    const theirs = (await expert.get('/api/expert/session/log')).json as Array<{ id: number; text: string }>;
    expect(theirs.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(theirs.at(-1)!.text).toBe('Pat here');
    const page = (await expert.get(`/api/expert/session/log?after=${all[0]!.id}&limit=2`)).json as Array<{ id: number }>;
    expect(page.map((e) => e.id)).toEqual(all.slice(1, 3).map((e) => e.id));
    expect((await expert.get('/api/expert/session/log?limit=100000')).status).toBe(422);
    expect((await expert.post('/api/expert/session/leave')).status).toBe(200);
    expect((await expert.get('/api/expert/session/log')).status).toBe(401);
    expect((await expert.get('/api/expert/session')).status).toBe(401);
    ws.close();
  });

  it('parallel password guesses cannot outrun the attempt limit; the right password inside the burst is refused', async () => {
    const { admin, id, ws } = await liveSession();
    const invite = await admin.post(`/api/sessions/${id}/experts`, { name: 'Pat', method: 'password', password: 'shared-secret-42' });
    const link = (invite.json.link as string).replace('/expert/', '');
    // Hold every hash check until released, so the whole burst is in flight at once, and count the checks.
    const real = Bun.password.verify.bind(Bun.password);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const verify = vi.spyOn(Bun.password, 'verify').mockImplementation(async (...args: Parameters<typeof real>) => {
      await gate;
      return real(...args);
    });
    try {
      const login = (password: string) => new TestClient(server.url).post(`/api/expert/invitations/${link}/login`, { password });
      const burst = Array.from({ length: 50 }, (_, i) => login(`guess-${i}`));
      for (let i = 0; i < 200 && verify.mock.calls.length === 0; i++) await Bun.sleep(10);
      // before the fix: all 51 reached the hash check and the right one joined
      let answered = false;
      const insideAnswer = login('shared-secret-42').finally(() => (answered = true));
      for (let i = 0; i < 200 && !answered && verify.mock.calls.length < 2; i++) await Bun.sleep(10);
      release();
      const inside = await insideAnswer;
      expect(inside.status).toBe(429);
      const answers = await Promise.all(burst);
      expect(verify.mock.calls.length).toBe(1);
      expect(answers.filter((a) => a.status === 403).map((a) => a.json.error)).toEqual(['wrong password; 4 attempts left']);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(49);
      for (let i = 0; i < 4; i++) expect((await login(`late-${i}`)).status).toBe(403);
      expect((await login('shared-secret-42')).status).toBe(404);
      expect(verify.mock.calls.length).toBe(5);
    } finally {
      verify.mockRestore();
    }
    ws.close();
  });

  it('a right password does not use up an attempt', async () => {
    const { admin, id, ws } = await liveSession();
    const invite = await admin.post(`/api/sessions/${id}/experts`, { name: 'Pat', method: 'password', password: 'shared-secret-42' });
    const link = (invite.json.link as string).replace('/expert/', '');
    const expert = new TestClient(server.url);
    expect((await expert.post(`/api/expert/invitations/${link}/login`, { password: 'guess' })).json.error).toMatch(/4 attempts left/);
    expect((await expert.post(`/api/expert/invitations/${link}/login`, { password: 'shared-secret-42' })).status).toBe(200);
    const { Database } = await import('bun:sqlite');
    const db = new Database(`${server.dataDir}/tessera.db`, { readonly: true });
    expect(db.query<{ n: number }, []>('SELECT failed_attempts AS n FROM expert_invitations').get()!.n).toBe(1);
    db.close();
    ws.close();
  });

  it('expired links and unknown links are refused; e-mail codes need SMTP', async () => {
    const { admin, id, ws } = await liveSession();
    const invite = await admin.post(`/api/sessions/${id}/experts`, { name: 'Old', method: 'password', password: 'shared-secret-42' });
    const { Database } = await import('bun:sqlite');
    const db = new Database(`${server.dataDir}/tessera.db`);
    db.query("UPDATE expert_invitations SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    db.close();
    const link = (invite.json.link as string).replace('/expert/', '');
    expect((await new TestClient(server.url).post(`/api/expert/invitations/${link}/login`, { password: 'shared-secret-42' })).status).toBe(404);
    expect((await new TestClient(server.url).get('/api/expert/invitations/nope')).status).toBe(404);
    expect((await admin.post(`/api/sessions/${id}/experts`, { name: 'X', method: 'email-code' })).json.error).toMatch(/e-mail address/);
    ws.close();
    await server.stop();
    server = await startTestServer();
    const admin2 = await setupAdmin(server);
    const code = await admin2.post('/api/sessions/code', {});
    await new TestClient(server.url).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: code.json.code });
    const refused = await admin2.post(`/api/sessions/${code.json.sessionId}/experts`, { name: 'X', email: 'x@y.example', method: 'email-code' });
    expect(refused.json.error).toMatch(/e-mail is not configured/);
  });
});
