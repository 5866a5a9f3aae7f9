// The agent with the real server (in-process, real SQLite file, real sockets) and a real X server: joined to a live
// support session with a join token, its screen reaches an engineer's viewer bit-exact through the relay, the
// viewer's input lands on the X screen, Stop all in the local window reaches the viewer as "nothing allowed" and the
// agent then refuses the viewer's input itself; ending the session ends the agent with 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, type ScreenCapture } from '../native/capture.ts';
import { runX, startXvfb, waitUntil, type XServer } from '../native/captureTesting.ts';
import { desktopTeam, TestViewer } from '../server/relay/testing/desktopKit.ts';
import { startTestServer, type TestServer } from '../server/testing/startTestServer.ts';
import { startAgent } from './runAgent.ts';

let x: XServer;
let capture: ScreenCapture;
let server: TestServer;

beforeAll(async () => {
  x = await startXvfb(400, 300);
  capture = openCapture(x.display);
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
  capture?.close();
  await x?.stop();
});

/** The X screen as RGBA with A = 255 (the decoder's layout). */
function screen(): Uint8Array {
  const f = capture.grab();
  const out = new Uint8Array(f.width * f.height * 4);
  for (let y = 0; y < f.height; y++) {
    for (let px = 0; px < f.width; px++) {
      const s = y * f.stride + px * 4, d = (y * f.width + px) * 4;
      out[d] = f.data[s + 2]!;
      out[d + 1] = f.data[s + 1]!;
      out[d + 2] = f.data[s]!;
      out[d + 3] = 255;
    }
  }
  return out;
}

describe('agent and the real server', () => {
  it('streams to a viewer bit-exact, takes its input, and Stop all and the end of the session work end to end', async () => {
    const team = await desktopTeam(server);
    await runX(x, 'xsetroot', ['-mod', '4', '6', '-fg', '#204080', '-bg', '#e0e0e0']);
    const lines: string[] = [];
    const agent = startAgent({
      agentUrl: `${server.url.replace(/^http/, 'ws')}/ws/agent`,
      session: await team.agentToken(),
      allow: ['view', 'control'],
      display: x.display,
      openBrowser: false,
      attended: false, // nothing of this test process to clean up
      log: (l) => lines.push(l),
    });
    const viewer = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
    try {
      await waitUntil(() => agent.connection.state === 'online', 'the agent online');
      expect(agent.connection.welcome?.session).toEqual({ id: team.sessionId, desk: expect.any(String), recording: 'always' });
      await waitUntil(() => viewer.messages.some((m) => m.type === 'consent' && m.granted.join() === 'view,control') || viewer.hello.consent?.join() === 'view,control', 'the consent at the viewer');
      await waitUntil(() => viewer.shows(screen()), 'the screen at the viewer, bit-exact', 15_000);
      expect(viewer.decodeErrors).toEqual([]);
      await waitUntil(() => viewer.messages.some((m) => m.type === 'monitors'), 'the monitors at the viewer');

      viewer.json({ type: 'input', events: [{ type: 'pointer', x: 123, y: 45 }] });
      await waitUntil(() => capture.cursor().x === 123 && capture.cursor().y === 45, 'the pointer moved by the viewer');
      await runX(x, 'xsetroot', ['-solid', '#336699']);
      await waitUntil(() => viewer.shows(screen()), 'the change at the viewer');

      const res = await fetch(`${agent.windowUrl}stop-all`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      await waitUntil(() => viewer.messages.some((m) => m.type === 'consent' && m.granted.length === 0), 'nothing allowed, at the viewer');
      const frames = viewer.frames.length;
      await runX(x, 'xsetroot', ['-solid', '#ff8800']);
      viewer.json({ type: 'input', events: [{ type: 'pointer', x: 5, y: 5 }] });
      await waitUntil(() => viewer.messages.some((m) => m.type === 'refused' && m.what === 'input'), "the agent's refusal at the viewer");
      expect(capture.cursor()).toMatchObject({ x: 123, y: 45 });
      await new Promise((r) => setTimeout(r, 300));
      expect(viewer.frames.length).toBe(frames);

      expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/end`)).status).toBe(200);
      expect(await agent.done).toBe(0);
      expect(lines).toContain('the session has ended');
    } finally {
      viewer.close();
      await agent.stop();
    }
  });
});
