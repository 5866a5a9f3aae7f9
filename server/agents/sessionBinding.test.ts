import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../assets.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { CUSTOMER_HEADER } from '../portal/routes.ts';
import { desktopTeam, TestAgent, until } from '../relay/testing/desktopKit.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { startTestServer, type TestServer } from '../testing/startTestServer.ts';
import { JOIN_TOKEN_HOURS, JoinTokens } from './joinTokens.ts';

let server: TestServer;
const agents: TestAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) a.close();
  await server?.stop();
});

async function connect(token?: string) {
  const agent = await TestAgent.connect(server, token);
  agents.push(agent);
  return agent;
}

const logTexts = async (team: Awaited<ReturnType<typeof desktopTeam>>) =>
  ((await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as Array<{ text: string; name: string }>).map((e) => e.text);

describe('agent join tokens', () => {
  it('are handed to the engineers working in the session and to its customer, nobody else', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const url = `/api/support/sessions/${team.sessionId}/agent-token`;
    const mine = await team.owner.client.post(url);
    expect(mine.status).toBe(200);
    expect(mine.json.token).toMatch(/^[\w-]{40,}$/);
    expect(Date.parse(mine.json.expiresAt) - Date.now()).toBeGreaterThan((JOIN_TOKEN_HOURS - 1) * 3600_000);
    expect((await team.other.client.post(url)).status).toBe(404); // not in the session
    expect((await team.supervisor.client.post(`/api/sessions/${team.sessionId}/watch`)).status).toBe(200);
    expect((await team.supervisor.client.post(url)).status).toBe(404); // watching is not working in it
    expect((await team.owner.client.post('/api/support/sessions/999/agent-token')).status).toBe(404);

    const portal = await team.customer.request('POST', '/api/portal/session/agent-token', undefined, { [CUSTOMER_HEADER]: team.customerToken });
    expect(portal.status).toBe(200);
    expect(portal.json.token).not.toBe(mine.json.token);
    expect((await team.customer.request('POST', '/api/portal/session/agent-token', undefined, { [CUSTOMER_HEADER]: 'nope' })).status).toBe(401);

    // both tokens bind (one at a time)
    const a = await connect(mine.json.token);
    expect((await a.welcome()).session).toEqual({ id: team.sessionId, desk: expect.any(String) });
    a.close();
    await a.closed;
    const b = await connect(portal.json.token);
    expect((await b.welcome()).type).toBe('welcome');

    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/end`)).status).toBe(200);
    expect((await team.owner.client.post(url)).status).toBe(404); // nobody works in an ended session
    expect((await team.customer.request('POST', '/api/portal/session/agent-token', undefined, { [CUSTOMER_HEADER]: team.customerToken })).status).toBe(409);
  });

  it('are stored hashed and stop working when they expire or the session ends', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'tessera-tokens-')));
    migrate(db, migrations());
    const sessions = new SessionStore(db);
    const { session } = sessions.createRequest({ deskId: null, channel: 'remote', fields: {}, address: '127.0.0.1' });
    const tokens = new JoinTokens(db);
    const issuedAt = new Date('2030-01-01T00:00:00Z');
    const { token, expiresAt } = tokens.issue(session.id, 'customer', issuedAt);
    expect(db.query('SELECT token_hash FROM agent_join_tokens').get()).not.toEqual({ token_hash: token });
    expect(JSON.stringify(db.query('SELECT * FROM agent_join_tokens').all())).not.toContain(token);
    expect(tokens.sessionOf(token, issuedAt)).toBe(session.id);
    expect(tokens.sessionOf(token, new Date(Date.parse(expiresAt) - 1))).toBe(session.id);
    expect(tokens.sessionOf(token, new Date(expiresAt))).toBeNull();
    expect(tokens.sessionOf(`${token}x`, issuedAt)).toBeNull();
    expect(tokens.sessionOf('', issuedAt)).toBeNull();
    expect(tokens.sessionOf('x'.repeat(300), issuedAt)).toBeNull();
    sessions.end(session.id, 'system');
    expect(tokens.sessionOf(token, issuedAt)).toBeNull();
    db.close();
  });
});

describe('an agent bound to a session', () => {
  it('is welcomed with its session, listed, and logged when it comes and goes', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const agent = await connect(await team.agentToken());
    const welcome = await agent.welcome();
    expect(welcome).toMatchObject({ type: 'welcome', session: { id: team.sessionId, desk: 'General' } });
    const listed = (await team.admin.get('/api/agents')).json as Array<{ hostname: string }>;
    expect(listed.map((a) => a.hostname)).toEqual(['pc-test']);
    await until(async () => (await logTexts(team)).some((t) => t.startsWith('agent connected (pc-test, linux')));
    agent.close();
    await until(async () => (await logTexts(team)).includes('agent left'));
    await until(async () => ((await team.admin.get('/api/agents')).json as unknown[]).length === 0);
  });

  it('refuses a bad token, or a token of an ended session, with a reason and close 1008', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const bad = await connect('not-a-real-token');
    expect(await bad.welcome()).toEqual({ type: 'error', error: 'unknown or expired session token' });
    expect(await bad.closed).toEqual({ code: 1008, reason: 'unknown or expired session token' });

    const token = await team.agentToken();
    await team.owner.client.post(`/api/sessions/${team.sessionId}/end`);
    const late = await connect(token);
    expect((await late.closed).code).toBe(1008);
    expect(late.lastOf('error')?.error).toBe('unknown or expired session token');
    expect(((await team.admin.get('/api/agents')).json as unknown[]).length).toBe(0);
  });

  it('binds one live agent socket at a time; the same token reconnects once the first is gone', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const token = await team.agentToken();
    const first = await connect(token);
    expect((await first.welcome()).type).toBe('welcome');
    const second = await connect(token);
    expect(await second.closed).toEqual({ code: 1008, reason: 'another agent is already connected to this session' });
    expect(second.lastOf('error')?.error).toBe('another agent is already connected to this session');
    // even with another token of the same session
    const third = await connect(await team.agentToken());
    expect((await third.closed).code).toBe(1008);
    expect(first.ws.readyState).toBe(WebSocket.OPEN);

    first.close();
    await first.closed;
    await Bun.sleep(50);
    const again = await connect(token); // the agent reconnects after a network loss with the token it has
    expect((await again.welcome()).session.id).toBe(team.sessionId);
  });

  it('is told when the session ends, and let go', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const agent = await connect(await team.agentToken());
    await agent.welcome();
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/end`)).status).toBe(200);
    expect(await agent.closed).toEqual({ code: 1000, reason: 'the session has ended' });
    expect(agent.has('session-ended')).toBe(true);
  });

  it('an agent without a session token works as before, but may not send desktop frames', async () => {
    server = await startTestServer();
    await desktopTeam(server);
    const agent = await connect();
    const welcome = await agent.welcome();
    expect(welcome.type).toBe('welcome');
    expect(welcome.session).toBeUndefined();
    agent.json({ type: 'heartbeat', t: 5 });
    await until(() => agent.has('heartbeat-ack'));
    agent.json({ type: 'consent', granted: ['view'] }); // ignored: there is no session to tell
    agent.raw(new Uint8Array([1, 0x54, 1, 1, 0]));
    expect(await agent.closed).toEqual({ code: 1008, reason: 'binary frames need an agent bound to a session' });
  });

  it('closes a socket that sends binary before its hello', async () => {
    server = await startTestServer();
    await desktopTeam(server);
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/agent');
    await new Promise((r) => ws.addEventListener('open', r));
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.addEventListener('close', (e) => r({ code: e.code, reason: e.reason })));
    ws.send(new Uint8Array([2, 0x54, 1, 1]));
    expect(await closed).toEqual({ code: 1008, reason: 'hello expected' });
  });
});
