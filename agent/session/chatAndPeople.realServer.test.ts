// End to end with the real server (in-process, real SQLite file, real sockets) and the real agent with its local
// window: the window lists who is connected as engineers join and leave, shows the chat written before and after the
// agent came, and a line the user sends there lands in the session log as the customer's, for the engineers and the
// customer's portal alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../native/captureTesting.ts';
import { CUSTOMER_HEADER } from '../../server/portal/routes.ts';
import { desktopTeam } from '../../server/relay/testing/desktopKit.ts';
import { startTestServer, type TestServer } from '../../server/testing/startTestServer.ts';
import { startAgent } from '../runAgent.ts';
import type { WindowState } from '../localWindow/localWindow.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

describe('who is connected and the chat, real server and real agent', () => {
  it('the local window follows the people and the chat, and its lines reach the engineers and the portal', async () => {
    const team = await desktopTeam(server);
    const url = `/api/sessions/${team.sessionId}`;
    expect((await team.owner.client.post(`${url}/chat`, { text: 'Before the agent came' })).status).toBe(200);
    const agent = startAgent({
      agentUrl: `${server.url.replace(/^http/, 'ws')}/ws/agent`,
      session: await team.agentToken(),
      display: ':42',
      openBrowser: false,
      attended: false, // nothing of this test process to clean up
      logDir: null,
      log: () => {},
    });
    const windowState = async () => (await (await fetch(`${agent.windowUrl}state`)).json()) as WindowState;
    try {
      await waitUntil(async () => (await windowState()).connected.length === 2, 'the people in the local window');
      expect((await windowState()).connected).toEqual([
        { name: 'Cody Caller', role: 'customer' },
        { name: 'OLGA', role: 'owner' },
      ]);
      expect((await windowState()).chat.map((c) => c.text)).toContain('Before the agent came');

      // A supervisor watches, then stops.
      expect((await team.supervisor.client.post(`${url}/watch`)).status).toBe(200);
      await waitUntil(async () => (await windowState()).connected.some((p) => p.role === 'supervisor'), 'the supervisor listed');
      expect((await team.supervisor.client.post(`${url}/leave`)).status).toBe(200);
      await waitUntil(async () => (await windowState()).connected.length === 2, 'the supervisor gone');

      // Live from the engineer; from the window to everyone.
      expect((await team.owner.client.post(`${url}/chat`, { text: 'Can you restart the printer?' })).status).toBe(200);
      await waitUntil(async () => (await windowState()).chat.some((c) => c.text === 'Can you restart the printer?'), 'the live line');
      const sent = await fetch(`${agent.windowUrl}chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Done, it prints' }) });
      expect(sent.status).toBe(200);
      await waitUntil(async () => (await windowState()).chat.some((c) => c.text === 'Done, it prints' && c.from === 'Cody Caller'), 'the echo');
      const log = (await team.owner.client.get(`${url}/log`)).json as { actor: string; kind: string; text: string }[];
      expect(log.filter((e) => e.kind === 'chat').at(-1)).toMatchObject({ actor: 'customer', text: 'Done, it prints' });
      const portal = (await team.customer.request('GET', '/api/portal/session/log', undefined, { [CUSTOMER_HEADER]: team.customerToken })).json as { text: string }[];
      expect(portal.at(-1)!.text).toBe('Done, it prints');
      // The window shows exactly the portal's chat.
      expect((await windowState()).chat.map((c) => c.text)).toEqual(portal.map((e) => e.text));
    } finally {
      await agent.stop();
    }
  });
});
