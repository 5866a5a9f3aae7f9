// Asking the customer for a capability and pushing an address to their browser, over the real server (real SQLite
// file, real sockets) with a test agent: what the agent receives, what the session log and the portal chat show, and
// that bad input, outsiders and a missing agent get a clear error and change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER_HEADER } from '../portal/routes.ts';
import { MAX_PUSH_URL_CHARS } from '../protocol/agent.ts';
import { startTestServer, type TestClient, type TestServer } from '../testing/startTestServer.ts';
import { desktopTeam, TestAgent, TestViewer, until, type DesktopTeam } from './testing/desktopKit.ts';

let server: TestServer;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await server?.stop();
});

async function setup(withAgent = true) {
  server = await startTestServer();
  const team = await desktopTeam(server);
  let agent: TestAgent | null = null;
  if (withAgent) {
    agent = await TestAgent.connect(server, await team.agentToken());
    closers.push(agent);
    expect((await agent.welcome()).type).toBe('welcome');
  }
  return { team, agent };
}

const log = async (team: DesktopTeam) => (await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as { actor: string; kind: string; text: string }[];
const consent = async (client: TestClient, id: number) => (await client.get(`/api/sessions/${id}/consent`)).json;
/** Messages the agent got that an engineer's action caused (not the desktop traffic). */
const actions = (agent: TestAgent) => agent.messages.filter((m) => m.type === 'consent-request' || m.type === 'open-url');

describe('asking the customer for a capability', () => {
  it('sends consent-request with the engineer’s name, logs it, shows it as asked, then the customer’s answer live', async () => {
    const { team, agent } = await setup();
    const viewer = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
    closers.push(viewer);
    expect(await consent(team.owner.client, team.sessionId)).toEqual({ agent: true, granted: [], asked: [], recording: 'always', recordingNow: false });

    const asked = await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'control' });
    expect(asked.status).toBe(200);
    expect(asked.json).toEqual({ agent: true, granted: [], asked: ['control'], recording: 'always', recordingNow: false });
    await until(() => agent!.has('consent-request'));
    expect(agent!.lastOf('consent-request')).toEqual({ type: 'consent-request', capability: 'control', by: 'OLGA' });
    expect((await log(team)).some((e) => e.actor === `engineer:${team.owner.id}` && e.kind === 'operation' && e.text === 'asked for control')).toBe(true);
    // Lines are shown after their actor's name: each reads once, in log.txt as in the console ("OLGA OLGA asked for..." before).
    const text = (await team.owner.client.get(`/api/sessions/${team.sessionId}/log.txt`)).text;
    expect(text).toContain('OLGA: asked for control');
    expect(text).toMatch(/Agent: connected \(/);
    expect(text).not.toMatch(/OLGA: OLGA|Agent: agent/);
    // The supervisor reads the state too (the panel shows it to anyone who may read the session).
    expect(await consent(team.supervisor.client, team.sessionId)).toEqual({ agent: true, granted: [], asked: ['control'], recording: 'always', recordingNow: false });

    // The customer allows: viewers hear it at once, the question is settled.
    agent!.json({ type: 'consent', granted: ['control'] });
    await until(() => viewer.messages.some((m) => m.type === 'consent' && m.granted.includes('control')));
    expect(await consent(team.owner.client, team.sessionId)).toEqual({ agent: true, granted: ['control'], asked: [], recording: 'always', recordingNow: false });

    // Asking for what is already allowed is refused and sends nothing.
    const again = await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'control' });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('the customer already allows control');
    expect(agent!.count('consent-request')).toBe(1);
  });

  it('a refusal (the agent restates an unchanged list) settles the question as not allowed, in the log', async () => {
    const { team, agent } = await setup();
    agent!.json({ type: 'consent', granted: ['view'] });
    await until(async () => (await consent(team.owner.client, team.sessionId)).granted.length === 1);
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'files' })).status).toBe(200);
    expect((await consent(team.owner.client, team.sessionId)).asked).toEqual(['files']);
    agent!.json({ type: 'consent', granted: ['view'] });
    await until(async () => (await consent(team.owner.client, team.sessionId)).asked.length === 0);
    expect(await consent(team.owner.client, team.sessionId)).toEqual({ agent: true, granted: ['view'], asked: [], recording: 'always', recordingNow: false });
    expect((await log(team)).some((e) => e.actor === 'agent' && e.text === 'the customer did not allow files')).toBe(true);
  });

  it('a second engineer working in the session may ask; with two questions open, each grant settles its own', async () => {
    const { team, agent } = await setup();
    // Invitations go to engineers online (a console socket open).
    const console = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: team.other.client.cookieHeader } } as unknown as string[]);
    closers.push(console);
    await new Promise((r) => (console.onopen = r));
    const invited = await team.owner.client.post(`/api/sessions/${team.sessionId}/invite`, { engineerId: team.other.id });
    expect(invited.status, invited.text).toBe(200);
    expect((await team.other.client.post(`/api/sessions/${team.sessionId}/accept`)).status).toBe(200);
    expect((await team.other.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'view' })).status).toBe(200);
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'clipboard' })).status).toBe(200);
    await until(() => agent!.count('consent-request') === 2);
    expect(agent!.messages.filter((m) => m.type === 'consent-request').map((m) => m.by)).toEqual(['OTTO', 'OLGA']);
    agent!.json({ type: 'consent', granted: ['view'] });
    await until(async () => (await consent(team.owner.client, team.sessionId)).granted.includes('view'));
    expect((await consent(team.owner.client, team.sessionId)).asked).toEqual(['clipboard']);
  });

  it('refuses bad input, outsiders, a missing agent and an ended session, and changes nothing', async () => {
    const { team, agent } = await setup();
    const url = `/api/sessions/${team.sessionId}/consent-request`;
    const before = (await log(team)).length;

    const unknown = await team.owner.client.post(url, { capability: 'root' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatch(/capability/);
    expect((await team.owner.client.post(url, {})).status).toBe(422);
    expect((await team.owner.client.post(url, 'not json')).status).toBe(400);
    // Not working in the session: another engineer, the supervisor who may only watch, the customer, nobody.
    expect((await team.other.client.post(url, { capability: 'view' })).status).toBe(404);
    expect((await team.supervisor.client.post(url, { capability: 'view' })).status).toBe(404);
    expect((await team.customer.post(url, { capability: 'view' })).status).toBe(401);
    expect((await team.owner.client.post('/api/sessions/999999/consent-request', { capability: 'view' })).status).toBe(404);
    expect((await team.other.client.get(`/api/sessions/${team.sessionId}/consent`)).status).toBe(404);

    await Bun.sleep(100);
    expect(actions(agent!)).toEqual([]);
    expect((await log(team)).length).toBe(before);
    expect(await consent(team.owner.client, team.sessionId)).toEqual({ agent: true, granted: [], asked: [], recording: 'always', recordingNow: false });

    // Without the agent: 409 with the reason, nothing logged, nothing asked.
    agent!.close();
    await until(async () => (await consent(team.owner.client, team.sessionId)).agent === false);
    const afterLeave = (await log(team)).length;
    const noAgent = await team.owner.client.post(url, { capability: 'view' });
    expect(noAgent.status).toBe(409);
    expect(noAgent.json.error).toBe('the customer’s agent is not connected to this session');
    expect((await log(team)).length).toBe(afterLeave);

    // Ended: nobody works in it any more.
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/end`)).status).toBe(200);
    const ended = await team.owner.client.post(url, { capability: 'view' });
    expect(ended.status).toBe(404);
    expect(ended.json.error).toBe('no session you work in with that id');
  });
});

describe('pushing an address to the customer’s browser', () => {
  it('sends open-url to the agent, logs it, and puts the link in the chat the customer sees in the portal', async () => {
    const { team, agent } = await setup();
    const res = await team.owner.client.post(`/api/sessions/${team.sessionId}/push-url`, { url: 'https://status.EXAMPLE.com/incident?id=7' });
    expect(res.status, res.text).toBe(200);
    expect(res.json.url).toBe('https://status.example.com/incident?id=7');
    await until(() => agent!.has('open-url'));
    expect(agent!.lastOf('open-url')).toEqual({ type: 'open-url', url: 'https://status.example.com/incident?id=7' });

    const entries = await log(team);
    expect(entries.some((e) => e.kind === 'operation' && e.text === 'OLGA opened https://status.example.com/incident?id=7 in the customer’s browser')).toBe(true);
    expect(entries.some((e) => e.kind === 'chat' && e.actor === `engineer:${team.owner.id}` && e.text.endsWith('https://status.example.com/incident?id=7'))).toBe(true);
    const portal = await team.customer.request('GET', '/api/portal/session/log', undefined, { [CUSTOMER_HEADER]: team.customerToken });
    expect(portal.status).toBe(200);
    const seen = (portal.json as { kind: string; text: string }[]).filter((e) => e.text.includes('status.example.com'));
    expect(seen.map((e) => e.kind)).toEqual(['chat']); // the chat line, not the operation
  });

  it('refuses anything but an http(s) address, outsiders and a missing agent, and changes nothing', async () => {
    const { team, agent } = await setup();
    const url = `/api/sessions/${team.sessionId}/push-url`;
    const before = (await log(team)).length;
    const refused = async (client: TestClient, body: unknown, status: number, error?: RegExp) => {
      const res = await client.post(url, body);
      expect(res.status, `${JSON.stringify(body).slice(0, 60)}: ${res.text}`).toBe(status);
      if (error) expect(res.json.error).toMatch(error);
    };
    await refused(team.owner.client, { url: 'file:///etc/passwd' }, 422, /only http and https/);
    await refused(team.owner.client, { url: 'javascript:alert(1)' }, 422, /only http and https/);
    await refused(team.owner.client, { url: 'JavaScript:alert(document.cookie)//https://x' }, 422, /only http and https/);
    await refused(team.owner.client, { url: 'data:text/html,<script>alert(1)</script>' }, 422, /only http and https/);
    await refused(team.owner.client, { url: 'ftp://files.example.com/x' }, 422, /only http and https/);
    await refused(team.owner.client, { url: '/relative/path' }, 422, /not a valid absolute URL/);
    await refused(team.owner.client, { url: 'https://bank.example@evil.example/' }, 422, /user name or password/);
    await refused(team.owner.client, { url: 'https://example.com/a b' }, 422, /spaces or control characters/);
    await refused(team.owner.client, { url: 'https://example.com/\n--help' }, 422, /spaces or control characters/);
    await refused(team.owner.client, { url: '' }, 422, /empty/);
    await refused(team.owner.client, { url: `https://example.com/${'a'.repeat(MAX_PUSH_URL_CHARS)}` }, 422, /longer than 2048/);
    await refused(team.owner.client, { url: 42 }, 422);
    await refused(team.owner.client, {}, 422);
    await refused(team.other.client, { url: 'https://example.com/' }, 404);
    await refused(team.supervisor.client, { url: 'https://example.com/' }, 404);
    await refused(team.customer, { url: 'https://example.com/' }, 401);

    // The longest allowed address goes through whole.
    const longest = `https://example.com/${'b'.repeat(MAX_PUSH_URL_CHARS - 'https://example.com/'.length)}`;
    expect(longest.length).toBe(MAX_PUSH_URL_CHARS);
    await Bun.sleep(100);
    expect(actions(agent!)).toEqual([]);
    expect((await log(team)).length).toBe(before);
    expect((await team.owner.client.post(url, { url: longest })).status).toBe(200);
    await until(() => agent!.has('open-url'));
    expect(agent!.lastOf('open-url')!.url).toBe(longest);

    agent!.close();
    await until(async () => (await consent(team.owner.client, team.sessionId)).agent === false);
    const afterLeave = (await log(team)).length;
    await refused(team.owner.client, { url: 'https://example.com/' }, 409, /agent is not connected/);
    expect((await log(team)).length).toBe(afterLeave);
  });
});
