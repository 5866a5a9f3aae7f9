// The customer's page follows the session's agent: the portal session says whether it is connected, and the
// customer's socket is told the moment it connects or goes away (so the page stops offering the download).
import { afterEach, describe, expect, it } from 'vitest';
import { desktopTeam, TestAgent, until, type Json } from '../relay/testing/desktopKit.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
afterEach(() => server?.stop());

describe('portal: the support app is connected', () => {
  it('is said in the portal session and pushed to the customer as it changes', async () => {
    server = await startTestServer();
    const team = await desktopTeam(server);
    const portal = new TestClient(server.url, { 'x-tessera-customer': team.customerToken });
    expect((await portal.get('/api/portal/session')).json).toMatchObject({ agentConnected: false });

    const pushed: Json[] = [];
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/portal/ws?token=${team.customerToken}`);
    ws.addEventListener('message', (e) => pushed.push(JSON.parse(String(e.data)) as Json));
    await new Promise((resolve) => ws.addEventListener('open', resolve));
    const lastSession = () => pushed.filter((m) => m.type === 'session').at(-1)?.session as { agentConnected: boolean } | undefined;

    const agent = await TestAgent.connect(server, await team.agentToken());
    await agent.welcome();
    await until(() => lastSession()?.agentConnected === true, 5000, 'the customer is told the agent connected');
    expect((await portal.get('/api/portal/session')).json).toMatchObject({ agentConnected: true });

    agent.close();
    await until(() => lastSession()?.agentConnected === false, 5000, 'the customer is told the agent left');
    expect((await portal.get('/api/portal/session')).json).toMatchObject({ agentConnected: false });
    ws.close();
  });
});
