// Who is connected and the chat, for a bound agent, over the real server (real SQLite file, real sockets) with a test
// agent: participants on bind and as engineers join, watch and leave; the chat history after the welcome and live
// lines after it, never what the customer may not see; the agent's chat lines in the session log as the customer's;
// bad input refused with a clear error, changing nothing.
// The customer joined by access code as Cody Caller (desktopKit): that is the name the agent shows.
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER_HEADER } from '../portal/routes.ts';
import { MAX_AGENT_CHAT_CHARS } from '../protocol/agent.ts';
import { desktopTeam, TestAgent, until, type DesktopTeam } from '../relay/testing/desktopKit.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await server?.stop();
});

async function setup() {
  server = await startTestServer();
  const team = await desktopTeam(server);
  return team;
}

async function bind(team: DesktopTeam) {
  const agent = await TestAgent.connect(server, await team.agentToken());
  closers.push(agent);
  expect((await agent.welcome()).type).toBe('welcome');
  await until(() => agent.has('participants'), 5000, 'participants after the welcome');
  return agent;
}

type Entry = { actor: string; name: string; kind: string; text: string };
const log = async (team: DesktopTeam) => (await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as Entry[];
const chatTexts = (agent: TestAgent) => agent.messages.filter((m) => m.type === 'chat').flatMap((m) => m.entries.map((e: { text: string }) => e.text));

async function consoleOnline(team: DesktopTeam, who: 'other' | 'supervisor') {
  // Invitations go to engineers online (a console socket open).
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: team[who].client.cookieHeader } } as unknown as string[]);
  closers.push(ws);
  await new Promise((r) => (ws.onopen = r));
}

describe('who is connected, for the agent', () => {
  it('is sent on bind and again when an engineer joins, a supervisor watches, and they leave', async () => {
    const team = await setup();
    const agent = await bind(team);
    expect(agent.lastOf('participants')).toEqual({
      type: 'participants',
      people: [
        { name: 'Cody Caller', role: 'customer' },
        { name: 'OLGA', role: 'owner' },
      ],
    });
    // The welcome comes first: the agent names its log file after it before anything else arrives.
    expect(agent.messages.findIndex((m) => m.type === 'welcome')).toBeLessThan(agent.messages.findIndex((m) => m.type === 'participants'));

    await consoleOnline(team, 'other');
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/invite`, { engineerId: team.other.id })).status).toBe(200);
    expect((await team.other.client.post(`/api/sessions/${team.sessionId}/accept`)).status).toBe(200);
    await until(() => agent.lastOf('participants')!.people.length === 3, 5000, 'OTTO listed');
    expect(agent.lastOf('participants')!.people[2]).toEqual({ name: 'OTTO', role: 'engineer' });

    const watch = await team.supervisor.client.post(`/api/sessions/${team.sessionId}/watch`);
    expect(watch.status, watch.text).toBe(200);
    await until(() => agent.lastOf('participants')!.people.some((p: { role: string }) => p.role === 'supervisor'), 5000, 'supervisor listed');
    expect(agent.lastOf('participants')!.people.at(-1)).toEqual({ name: 'SUE', role: 'supervisor' });

    expect((await team.other.client.post(`/api/sessions/${team.sessionId}/leave`)).status).toBe(200);
    expect((await team.supervisor.client.post(`/api/sessions/${team.sessionId}/leave`)).status).toBe(200);
    await until(() => agent.lastOf('participants')!.people.length === 2, 5000, 'OTTO and SUE gone');
    expect(agent.lastOf('participants')!.people.map((p: { name: string }) => p.name)).toEqual(['Cody Caller', 'OLGA']);

    // An unchanged list is not sent again (a chat line is no change of people).
    const sent = agent.count('participants');
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/chat`, { text: 'still here' })).status).toBe(200);
    await until(() => chatTexts(agent).includes('still here'));
    expect(agent.count('participants')).toBe(sent);
  });
});

describe('a transfer, for the agent and the customer', () => {
  it('names the new engineer in charge, and tells the customer that what they allowed now serves them', async () => {
    const team = await setup();
    const agent = await bind(team);
    await consoleOnline(team, 'other');
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/transfer`, { engineerId: team.other.id })).status).toBe(200);
    expect((await team.other.client.post(`/api/sessions/${team.sessionId}/accept`)).status).toBe(200);
    await until(() => agent.lastOf('participants')!.people.some((p: { name: string; role: string }) => p.name === 'OTTO' && p.role === 'owner'), 5000, 'OTTO in charge');
    expect(agent.lastOf('participants')!.people.filter((p: { role: string }) => p.role === 'owner')).toHaveLength(1);
    const notice = 'OTTO is now in charge of your session. Anything you allowed on your computer now serves OTTO; you can take it back at any time (Stop all in the support app).';
    await until(() => chatTexts(agent).includes(notice), 5000, 'the notice in the agent’s chat');
    const portal = (await new TestClient(server.url, { [CUSTOMER_HEADER]: team.customerToken }).get('/api/portal/session/log')).json as Array<{ text: string }>;
    expect(portal.map((e) => e.text)).toContain(notice);
  });
});

describe('an outside expert, for the agent', () => {
  it('is listed when they log in, with the join notice the customer sees, and gone when no engineer is left', async () => {
    const team = await setup();
    const agent = await bind(team);
    const invited = await team.owner.client.post(`/api/sessions/${team.sessionId}/experts`, {
      name: 'Xavier <b>Expert</b>',
      method: 'password',
      password: 'a long expert password 42',
    });
    expect(invited.status, invited.text).toBe(200);
    const expert = new TestClient(server.url);
    const login = await expert.post(`/api/expert/invitations/${String(invited.json.link).replace('/expert/', '')}/login`, { password: 'a long expert password 42' });
    expect(login.status, login.text).toBe(200);
    await until(() => agent.lastOf('participants')!.people.some((p: { role: string }) => p.role === 'expert'), 5000, 'the expert listed');
    expect(agent.lastOf('participants')!.people.at(-1)).toEqual({ name: 'Xavier <b>Expert</b>', role: 'expert' });
    await until(() => chatTexts(agent).includes('outside expert Xavier <b>Expert</b> joined'), 5000, 'the join notice');
    expect(agent.messages.filter((m) => m.type === 'chat').at(-1)!.entries[0].from).toBe('System');

    // The owner leaves: nobody is left, the request goes back to the queue and the expert is removed.
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/leave`)).status).toBe(200);
    await until(() => agent.lastOf('participants')!.people.length === 1, 5000, 'only the customer left');
    expect(agent.lastOf('participants')!.people).toEqual([{ name: 'Cody Caller', role: 'customer' }]);
  });
});

describe('chat, for the agent', () => {
  it('gets the history after the welcome and live lines, never notes or operations', async () => {
    const team = await setup();
    const url = `/api/sessions/${team.sessionId}`;
    expect((await team.owner.client.post(`${url}/chat`, { text: 'Hello, I am Olga' })).status).toBe(200);
    expect((await team.customer.request('POST', '/api/portal/session/chat', { text: 'My printer is broken' }, { [CUSTOMER_HEADER]: team.customerToken })).status).toBe(200);
    const noted = await team.owner.client.request('PUT', `${url}/notes`, { notes: 'SECRET internal note' });
    expect(noted.status, noted.text).toBe(200);

    const agent = await bind(team);
    await until(() => agent.has('chat'), 5000, 'chat history');
    const history = agent.messages.find((m) => m.type === 'chat')!;
    // The automatic welcome message first (the session was taken), then the lines written before the agent came.
    expect(history.entries.map((e: { from: string; text: string }) => [e.from, e.text])).toEqual([
      ['OLGA', 'Hello, thanks for waiting. How can I help?'],
      ['OLGA', 'Hello, I am Olga'],
      ['Cody Caller', 'My printer is broken'],
    ]);
    expect(Number.isNaN(Date.parse(history.entries[0].at))).toBe(false);

    // Live: the engineer's line comes at once; an operation (asking for a capability) is not chat.
    const asked = await team.owner.client.post(`${url}/consent-request`, { capability: 'view' });
    expect(asked.status, asked.text).toBe(200);
    expect((await team.owner.client.post(`${url}/chat`, { text: '<script>alert(1)</script>' })).status).toBe(200);
    await until(() => chatTexts(agent).includes('<script>alert(1)</script>'));
    const all = JSON.stringify(agent.messages.filter((m) => m.type === 'chat'));
    expect(all).not.toContain('SECRET');
    expect(all).not.toContain('asked for');
    expect(all).not.toContain('connected (');
    // Exactly what the customer's portal sees, in the same order.
    const portal = (await team.customer.request('GET', '/api/portal/session/log', undefined, { [CUSTOMER_HEADER]: team.customerToken })).json as Entry[];
    expect(chatTexts(agent)).toEqual(portal.map((e) => e.text));
  });

  it('writes the agent user’s line as the customer’s chat: in the log, for engineers and the portal, echoed to the agent', async () => {
    const team = await setup();
    const agent = await bind(team);
    agent.json({ type: 'chat', text: '  It works now, thanks <b>!</b>  ' });
    await until(() => chatTexts(agent).includes('It works now, thanks <b>!</b>'), 5000, 'echo');
    const entry = (await log(team)).findLast((e) => e.kind === 'chat')!;
    expect(entry).toMatchObject({ actor: 'customer', name: 'Cody Caller', kind: 'chat', text: 'It works now, thanks <b>!</b>' });
    const portal = (await team.customer.request('GET', '/api/portal/session/log', undefined, { [CUSTOMER_HEADER]: team.customerToken })).json as Entry[];
    expect(portal.at(-1)!.text).toBe('It works now, thanks <b>!</b>');
    expect(agent.has('error')).toBe(false);
  });

  it('refuses empty, oversized, unbound and too many lines with a clear error, changing nothing', async () => {
    const team = await setup();
    const agent = await bind(team);
    const chatLines = async () => (await log(team)).filter((e) => e.kind === 'chat').length;
    const before = await chatLines();

    // Blank after trimming: refused, the connection stays.
    agent.json({ type: 'chat', text: '   \n ' });
    await until(() => agent.has('error'));
    expect(agent.lastOf('error')!.error).toBe('the chat message is empty');

    // An agent without a session has no chat.
    const loose = await TestAgent.connect(server);
    closers.push(loose);
    expect((await loose.welcome()).type).toBe('welcome');
    loose.json({ type: 'chat', text: 'hello?' });
    await until(() => loose.has('error'));
    expect(loose.lastOf('error')!.error).toBe('chat needs an agent bound to a session');
    expect(loose.has('participants') || loose.has('chat')).toBe(false);

    // Malformed: empty and oversized texts break the protocol (the agent checks before sending): error and close.
    agent.close();
    await agent.closed;
    const empty = await bind(team);
    empty.json({ type: 'chat', text: '' });
    expect((await empty.closed).code).toBe(1008);
    expect(empty.lastOf('error')!.error).toBe(`chat text must be 1-${MAX_AGENT_CHAT_CHARS} characters`);
    const big = await bind(team);
    big.json({ type: 'chat', text: 'x'.repeat(MAX_AGENT_CHAT_CHARS + 1) });
    expect((await big.closed).code).toBe(1008);

    await Bun.sleep(100);
    expect(await chatLines()).toBe(before);

    // The portal's limit: 60 lines a minute per session, then a clear refusal.
    const agent2 = await bind(team);
    for (let i = 0; i < 60; i++) agent2.json({ type: 'chat', text: `line ${i}` });
    agent2.json({ type: 'chat', text: 'one too many' });
    await until(() => agent2.has('error'), 5000, 'rate limit');
    expect(agent2.lastOf('error')!.error).toMatch(/^too many chat messages; try again in \d+ s$/);
    await until(async () => (await chatLines()) === before + 60, 5000, '60 lines logged');
    expect((await log(team)).some((e) => e.text === 'one too many')).toBe(false);
  });
});
