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
import { startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';
import { AGENT_LOGGED_MESSAGES, AGENT_MESSAGES } from './messageBudget.ts';
import { AGENT_BINDS } from '../relay/desktopHub.ts';
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
    expect((await a.welcome()).session).toEqual({ id: team.sessionId, desk: expect.any(String), recording: 'always' });
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
    await until(async () => (await logTexts(team)).some((t) => t.startsWith('connected (pc-test, linux')));
    agent.close();
    await until(async () => (await logTexts(team)).includes('left'));
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

describe('an agent cannot flood the session', () => {
  it('closes an agent that sends logged messages faster than its budget; the log keeps only the burst', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const agent = await connect(await team.agentToken());
    await agent.welcome();
    const before = (await logTexts(team)).length;
    // bounded: a few times the burst, as fast as the socket takes it
    for (let i = 0; i < AGENT_LOGGED_MESSAGES.burst * 10 && agent.ws.readyState === WebSocket.OPEN; i++)
      agent.json({ type: 'refused', what: 'input', reason: `flood ${i}` });
    const closed = await agent.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/too many refused messages/);
    await Bun.sleep(100);
    const logged = (await logTexts(team)).slice(before).filter((t) => t.startsWith('refused input'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.length).toBeLessThanOrEqual(AGENT_LOGGED_MESSAGES.burst + 2);
  });

  it('closes an agent that sends any text messages faster than its budget', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const agent = await connect(await team.agentToken());
    await agent.welcome();
    for (let i = 0; i < AGENT_MESSAGES.burst * 5 && agent.ws.readyState === WebSocket.OPEN; i++) agent.json({ type: 'heartbeat', t: i });
    expect(await agent.closed).toEqual({ code: 1008, reason: `too many messages (at most ${AGENT_MESSAGES.perSecond} a second); slow down` });
    expect(agent.count('heartbeat-ack')).toBeLessThanOrEqual(AGENT_MESSAGES.burst + 2);
  });

  it('a token that reconnects in a loop is refused after a while instead of logging each connection', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const token = await team.agentToken();
    let refused: string | undefined;
    for (let i = 0; i < AGENT_BINDS.burst + 20 && !refused; i++) {
      const a = await connect(token);
      const w = await a.welcome();
      if (w.type === 'error') refused = w.error;
      a.close();
      await a.closed;
    }
    expect(refused).toBe('too many agent connections to this session; wait a minute');
    expect((await logTexts(team)).filter((t) => t.startsWith('connected (')).length).toBeLessThanOrEqual(AGENT_BINDS.burst + 2);
  });

  it('no join token (nor agent download) for a request nobody has taken yet', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    // someone must be online for the portal to take a request
    const online = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: team.owner.client.cookieHeader } } as unknown as string[]);
    agents.push({ close: () => online.close() } as TestAgent);
    await new Promise((r) => online.addEventListener('open', r));
    const req = await new TestClient(server.url).post('/api/portal/requests', { channel: 'remote', fields: { '1': 'Quinn' } });
    expect(req.status, req.text).toBe(200);
    const customer = { [CUSTOMER_HEADER]: req.json.customerToken as string };
    const asked = await team.customer.request('POST', '/api/portal/session/agent-token', undefined, customer);
    expect(asked.status).toBe(409);
    expect(asked.json.error).toMatch(/no engineer has taken the request yet/);
    const download = await team.customer.request('POST', '/api/portal/session/agent-download', {}, customer);
    expect(download.status).toBe(409);
    expect(download.json.error).toMatch(/no engineer has taken the request yet/);
    expect((await team.owner.client.post(`/api/queue/${req.json.session.id}/take`)).status).toBe(200);
    expect((await team.customer.request('POST', '/api/portal/session/agent-token', undefined, customer)).status).toBe(200);
  });
});
