// The desk's recording policy, end to end over real sockets: 'never' writes nothing, 'ask' records only while the
// customer allows 'record' (and stops at once when they take it back), 'always' records and says so; the agent and
// the portal are told before (the welcome, the portal session) and while (recording messages, pushed session).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopTeam, picture, TestAgent, TestViewer, until, withRect, type DesktopTeam } from '../relay/testing/desktopKit.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
afterEach(() => server?.stop());

const file = (team: DesktopTeam) => join(server.dataDir, 'recordings', `${team.sessionId}.tsr`);

/** A live screen: agent, a viewer, a few pictures; returns what is needed to go on. */
async function watched(team: DesktopTeam) {
  const agent = await TestAgent.connect(server, await team.agentToken());
  const welcome = await agent.welcome();
  agent.json({ type: 'consent', granted: ['view'] });
  const viewer = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
  await until(() => agent.has('desktop-start'));
  let current = picture(64, 48, 1);
  const show = async (n: number) => {
    for (let i = 0; i < n; i++) {
      current = withRect(current, 64, { x: (i * 5) % 50, y: 3, w: 8, h: 8 }, [i * 30, 20, 200]);
      agent.send(current, 64, 48);
      await Bun.sleep(20);
    }
    await until(() => viewer.shows(current));
  };
  await show(3);
  return { agent, viewer, welcome, show };
}

const portalSession = async (team: DesktopTeam) =>
  (await new TestClient(server.url, { 'x-tessera-customer': team.customerToken }).get('/api/portal/session')).json;

describe('recording policy per desk', () => {
  it('only admins set it, to one of always, ask, never, for a desk that exists', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    expect((await team.owner.client.get('/api/recording-policies')).json).toEqual([{ deskId: 1, policy: 'always' }]);
    expect((await team.owner.client.put('/api/recording-policies/1', { policy: 'never' })).status).toBe(403);
    for (const bad of [{ policy: 'sometimes' }, {}, { policy: 1 }])
      expect((await team.admin.put('/api/recording-policies/1', bad)).status, JSON.stringify(bad)).toBe(422);
    expect((await team.admin.put('/api/recording-policies/999', { policy: 'never' })).status).toBe(404);
    expect((await team.admin.put('/api/recording-policies/x', { policy: 'never' })).status).toBe(422);
    expect((await team.owner.client.get('/api/recording-policies')).json).toEqual([{ deskId: 1, policy: 'always' }]);
    expect((await team.admin.put('/api/recording-policies/1', { policy: 'ask' })).json).toEqual({ deskId: 1, policy: 'ask' });
    expect((await team.owner.client.get('/api/recording-policies')).json).toEqual([{ deskId: 1, policy: 'ask' }]);
  });

  it("'always': recorded as soon as the screen is seen; agent and portal are told before and while", async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    expect(await portalSession(team)).toMatchObject({ recording: 'always', recordingNow: false });
    const { agent, welcome } = await watched(team);
    expect(welcome.session.recording).toBe('always');
    await until(() => agent.lastOf('recording')?.on === true);
    expect(existsSync(file(team))).toBe(true);
    expect(await portalSession(team)).toMatchObject({ recording: 'always', recordingNow: true });
    const consent = (await team.owner.client.get(`/api/sessions/${team.sessionId}/consent`)).json;
    expect(consent).toMatchObject({ recording: 'always', recordingNow: true });
    // nothing to ask for under 'always'
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'record' })).status).toBe(409);
  });

  it("'never': nothing is written, however long the screen is watched", async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    await team.admin.put('/api/recording-policies/1', { policy: 'never' });
    const { agent, welcome, show } = await watched(team);
    expect(welcome.session.recording).toBe('never');
    await show(5);
    expect(existsSync(file(team))).toBe(false);
    expect(agent.has('recording')).toBe(false);
    expect((await team.owner.client.get(`/api/support/sessions/${team.sessionId}/recording`)).status).toBe(404);
    expect(await portalSession(team)).toMatchObject({ recording: 'never', recordingNow: false });
    // the customer allowing 'record' does not override the desk
    agent.json({ type: 'consent', granted: ['view', 'record'] });
    await show(3);
    expect(existsSync(file(team))).toBe(false);
  });

  it("'ask': recorded only while the customer allows it; taking it back stops the recording at once", async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    await team.admin.put('/api/recording-policies/1', { policy: 'ask' });
    const { agent, welcome, show } = await watched(team);
    expect(welcome.session.recording).toBe('ask');
    await show(3);
    expect(existsSync(file(team))).toBe(false);

    // the engineer asks; the agent gets the question; the customer allows
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'record' })).status).toBe(200);
    await until(() => agent.lastOf('consent-request')?.capability === 'record');
    agent.json({ type: 'consent', granted: ['view', 'record'] });
    await until(() => agent.lastOf('recording')?.on === true);
    await show(3);
    expect(existsSync(file(team))).toBe(true);
    expect(await portalSession(team)).toMatchObject({ recording: 'ask', recordingNow: true });

    // taken back: stopped, and nothing more is written
    agent.json({ type: 'consent', granted: ['view'] });
    await until(() => agent.lastOf('recording')?.on === false);
    const size = statSync(file(team)).size;
    await show(4);
    expect(statSync(file(team)).size).toBe(size);
    expect(await portalSession(team)).toMatchObject({ recordingNow: false });
    const log = (await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as Array<{ text: string }>;
    expect(log.map((e) => e.text)).toContain('the screen recording stopped: the customer does not allow recording');
  });
});
