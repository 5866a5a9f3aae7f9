import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/startTestServer.ts';
import { desktopTeam, TestAgent, TestViewer, until } from './testing/desktopKit.ts';

// An engineer whose access ends (disabled, password reset, signed out) must lose the customer's screen at once: the
// viewer socket is closed, nothing more it sends reaches the agent, and a disabled engineer leaves the session.
let server: TestServer;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await server?.stop();
});

async function setup(config: Parameters<typeof startTestServer>[0] = {}) {
  server = await startTestServer(config);
  const team = await desktopTeam(server);
  const agent = await TestAgent.connect(server, await team.agentToken());
  closers.push(agent);
  await agent.welcome();
  const viewer = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
  closers.push(viewer);
  expect(viewer.hello.mode).toBe('control');
  return { team, agent, viewer };
}

const click = { type: 'input', events: [{ type: 'button', button: 1, down: true, x: 1, y: 1 }] };

describe('viewers lose the screen with their login', () => {
  it('disabling an engineer closes their viewer at once and takes them out of the live session', async () => {
    const { team, agent, viewer } = await setup();
    viewer.json(click);
    await until(() => agent.has('input'), 3000, 'input before');
    expect((await team.admin.patch(`/api/engineers/${team.owner.id}`, { disabled: true })).status).toBe(200);
    const closed = await viewer.closed;
    expect(closed).toEqual({ code: 4001, reason: 'your sign-in was ended by an administrator' });
    // anything still in flight changes nothing on the agent
    viewer.json({ type: 'clipboard', text: 'too late' });
    await Bun.sleep(100);
    expect(agent.messages.filter((m) => m.type === 'clipboard')).toEqual([]);
    const s = (await team.admin.get(`/api/sessions/${team.sessionId}`)).json;
    expect(s.ownerId).toBeNull();
    expect(s.status).toBe('queued');
    expect(s.participants).toEqual([]);
    const log = ((await team.admin.get(`/api/sessions/${team.sessionId}/log`)).json as Array<{ text: string }>).map((e) => e.text);
    expect(log).toContain('OLGA was disabled by an administrator; the request is back in the queue');
    // and the old cookie opens no new viewer
    await expect(TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader)).rejects.toThrow(/refused/);
  });

  it('a password reset closes the viewer; the engineer keeps their place for the next login', async () => {
    const { team, viewer } = await setup();
    expect((await team.admin.post(`/api/engineers/${team.owner.id}/password`, { password: 'A-new-temporary-pass-123' })).status).toBe(200);
    expect((await viewer.closed).code).toBe(4001);
    expect((await team.admin.get(`/api/sessions/${team.sessionId}`)).json.ownerId).toBe(team.owner.id);
  });

  it('a viewer whose login ended without an event (sign-out) is closed by the periodic check', async () => {
    const { team, agent, viewer } = await setup({ viewerLoginCheckSeconds: 1 });
    const cookie = team.owner.client.cookieHeader;
    expect((await team.owner.client.post('/api/auth/logout')).status).toBe(200);
    expect(await viewer.closed).toEqual({ code: 4001, reason: 'your sign-in has ended' });
    await expect(TestViewer.open(server, team.sessionId, cookie)).rejects.toThrow(/refused/);
    expect(agent.has('input')).toBe(false);
  });
});
