import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/startTestServer.ts';
import { desktopTeam, noise, picture, sameBytes, TestAgent, TestViewer, until, withRect, type DesktopTeam } from './testing/desktopKit.ts';
import { RawViewer } from './testing/rawViewer.ts';

let server: TestServer;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await server?.stop();
});

const W = 320;
const H = 200;

async function setup(config: Parameters<typeof startTestServer>[0] = {}) {
  server = await startTestServer(config);
  const team = await desktopTeam(server);
  const agent = await TestAgent.connect(server, await team.agentToken());
  closers.push(agent);
  await agent.welcome();
  return { team, agent };
}

async function viewer(team: DesktopTeam, who: 'owner' | 'admin' | 'supervisor' = 'owner') {
  const client = who === 'owner' ? team.owner.client : who === 'admin' ? team.admin : team.supervisor.client;
  const v = await TestViewer.open(server, team.sessionId, client.cookieHeader);
  closers.push(v);
  return v;
}

/** Sends a picture and waits until the server acknowledged every byte so far. */
async function sendAcked(agent: TestAgent, rgba: Uint8Array, width = W, height = H) {
  agent.send(rgba, width, height);
  await until(() => agent.lastOf('desktop-ack')?.bytes === agent.sentBytes, 5000, 'ack');
}

describe('live desktop relay', () => {
  it('starts the agent when the first viewer comes, relays bit-exact pictures with acks, stops when the last goes', async () => {
    const { team, agent } = await setup();
    await Bun.sleep(150);
    expect(agent.has('desktop-start')).toBe(false); // nobody watches yet

    const v1 = await viewer(team);
    expect(v1.hello).toEqual({ type: 'hello', mode: 'control', agent: true, consent: [], monitors: [], monitor: 'all' });
    await until(() => agent.has('desktop-start'));

    const frames = [picture(W, H, 1), withRect(picture(W, H, 1), W, { x: 10, y: 10, w: 50, h: 30 }, [255, 0, 0])];
    frames.push(withRect(frames[1]!, W, { x: 100, y: 60, w: 120, h: 90 }, [0, 80, 200]));
    const sizes: number[] = [];
    for (const f of frames) {
      const before = agent.sentBytes;
      await sendAcked(agent, f);
      sizes.push(agent.sentBytes - before);
      await until(() => v1.shows(f), 3000, 'viewer shows the picture');
    }
    // each ack carries the running total of binary bytes received on this connection
    const acks = agent.messages.filter((m) => m.type === 'desktop-ack').map((m) => m.bytes);
    expect(acks).toEqual([sizes[0], sizes[0]! + sizes[1]!, sizes[0]! + sizes[1]! + sizes[2]!]);
    expect(v1.decodeErrors).toEqual([]);

    v1.close();
    await until(() => agent.has('desktop-stop'));
    expect(agent.count('desktop-start')).toBe(1);
  });

  it('shows a late joiner the full screen at once, then keeps everyone exact through the agent refresh', async () => {
    const { team, agent } = await setup();
    const v1 = await viewer(team);
    await until(() => agent.has('desktop-start'));
    let current = picture(W, H, 7);
    await sendAcked(agent, current);
    for (let i = 0; i < 5; i++) {
      current = withRect(current, W, { x: i * 30, y: i * 20, w: 40, h: 40 }, [i * 40, 255 - i * 40, 90]);
      await sendAcked(agent, current);
    }
    await until(() => v1.shows(current));

    const joinedAt = performance.now();
    const v2 = await viewer(team, 'admin'); // reads the session: view only
    expect(v2.hello.mode).toBe('view');
    await until(() => v2.shows(current), 1000, 'late joiner sees the screen');
    expect(performance.now() - joinedAt).toBeLessThan(1000);
    expect(v2.frames[0]!.kind).toBe(2); // a server keyframe first

    // the server asked the agent for a refresh point to bring the newcomer into the live stream
    await until(() => agent.has('desktop-refresh'));
    for (let i = 0; i < 4; i++) {
      current = withRect(current, W, { x: 200 - i * 30, y: 150 - i * 30, w: 25, h: 25 }, [10, 20 * i, 200]);
      await sendAcked(agent, current);
      await until(() => v1.shows(current) && v2.shows(current), 3000, `both viewers exact after update ${i}`);
    }
    expect(v1.decodeErrors).toEqual([]);
    expect(v2.decodeErrors).toEqual([]);
    // the first viewer never needed a keyframe besides the agent's own
    expect(v1.frames.filter((f) => f.kind === 2).length).toBe(1);
  });

  it('a stalled viewer never holds up the agent or the other viewer, and is exact again after it drains', async () => {
    const { team, agent } = await setup();
    const fast = await viewer(team);
    const slow = await RawViewer.open(server.port, `/ws/desktop/${team.sessionId}`, team.owner.client.cookieHeader);
    closers.push(slow);
    await until(() => agent.has('desktop-start'));
    slow.pause();

    // ~60 incompressible 256x256 frames (~200 kB each): far more than the kernel buffers hold for the stalled one
    const size = 256;
    let last = noise(size, size, 0);
    let slowestAckMs = 0;
    for (let i = 0; i < 60; i++) {
      last = noise(size, size, i + 1);
      const started = performance.now();
      await sendAcked(agent, last, size, size);
      slowestAckMs = Math.max(slowestAckMs, performance.now() - started);
      await until(() => fast.shows(last), 3000, `fast viewer exact at frame ${i}`);
    }
    expect(slowestAckMs).toBeLessThan(1000);
    expect(fast.decodeErrors).toEqual([]);
    const stalledAt = slow.bytesRead;

    slow.resume();
    // after it drained, the relay asks for a refresh point and brings it back into sync with a keyframe
    await until(() => sameBytes(slow.picture(), last), 8000, 'stalled viewer exact after draining');
    expect(slow.decodeErrors).toEqual([]);
    // it was sent far less than everything (dropped frames, then one resync), yet ends exact
    expect(slow.bytesRead).toBeLessThan(agent.sentBytes);
    expect(slow.bytesRead).toBeGreaterThan(stalledAt);

    // and from then on it follows the live stream
    last = noise(size, size, 999);
    await sendAcked(agent, last, size, size);
    await until(() => sameBytes(slow.picture(), last) && fast.shows(last), 3000, 'both exact afterwards');
  });

  it('drops input from view-only viewers (logged once), forwards control, clipboard and monitor choice', async () => {
    const { team, agent } = await setup();
    expect((await team.supervisor.client.post(`/api/sessions/${team.sessionId}/watch`)).status).toBe(200);
    const owner = await viewer(team);
    const watcher = await viewer(team, 'supervisor');
    expect(watcher.hello.mode).toBe('view');
    await sendAcked(agent, picture(W, H, 3));

    const click = { type: 'input', events: [{ type: 'button', button: 1, down: true, x: 5000, y: -20 }] };
    watcher.json(click);
    watcher.json({ type: 'input', events: [{ type: 'key', keysym: 0x61, down: true }] });
    watcher.json({ type: 'clipboard', text: 'secret' });
    await until(() => watcher.messages.filter((m) => m.type === 'refused').length === 3);
    expect(watcher.messages.find((m) => m.type === 'refused')).toEqual({ type: 'refused', what: 'input', reason: 'you are watching in view-only mode' });

    owner.json(click);
    owner.json({ type: 'clipboard', text: 'hello there' });
    owner.json({ type: 'clipboard-request' });
    owner.json({ type: 'monitor', index: 'all' });
    owner.json({ type: 'ping', t: 42 });
    await until(() => owner.has('pong'));
    expect(owner.messages.find((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 42 });
    await until(() => agent.has('monitor'));
    const inputs = agent.messages.filter((m) => m.type === 'input');
    // only the owner's click arrived, clamped into the 320x200 picture
    expect(inputs).toEqual([{ type: 'input', events: [{ type: 'button', button: 1, down: true, x: W - 1, y: 0 }] }]);
    expect(agent.messages.filter((m) => m.type === 'clipboard')).toEqual([{ type: 'clipboard', text: 'hello there' }]);
    expect(agent.has('clipboard-request')).toBe(true);

    // a console that reconnects is not logged again
    const again = await viewer(team, 'supervisor');
    again.close();
    await again.closed;
    const log = ((await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as Array<{ text: string }>).map((e) => e.text);
    expect(log.filter((t) => t.includes('in view-only mode; dropped'))).toHaveLength(1);
    expect(log.filter((t) => t === 'is watching the remote screen (view only)')).toHaveLength(1);
    expect(log).toContain('is watching the remote screen (view only)');
    expect(log).toContain('opened the remote screen');
    expect(log.some((t) => t.startsWith('sent clipboard text'))).toBe(true);
  });

  it('passes the agent’s consent, monitors, clipboard and refusals to viewers, and logs consent and refusals', async () => {
    const { team, agent } = await setup();
    const owner = await viewer(team);
    const admin = await viewer(team, 'admin');
    agent.json({ type: 'consent', granted: ['view', 'control'] });
    const monitors = [{ x: 0, y: 0, width: 1920, height: 1080, name: 'DP-1', primary: true }];
    agent.json({ type: 'monitors', monitors, current: 0 });
    agent.json({ type: 'clipboard', text: 'from the remote side' });
    agent.json({ type: 'refused', what: 'input', reason: 'control is not allowed' });
    for (const v of [owner, admin]) {
      await until(() => v.has('refused'));
      expect(v.messages.find((m) => m.type === 'consent')).toEqual({ type: 'consent', granted: ['view', 'control'] });
      expect(v.messages.find((m) => m.type === 'monitors')).toEqual({ type: 'monitors', monitors, monitor: 0 });
      expect(v.messages.find((m) => m.type === 'refused')).toEqual({ type: 'refused', what: 'input', reason: 'control is not allowed' });
    }
    expect(owner.messages.find((m) => m.type === 'clipboard')).toEqual({ type: 'clipboard', text: 'from the remote side' });
    expect(admin.has('clipboard')).toBe(false); // the clipboard is for those who control
    // a viewer arriving now gets the state in its hello
    const late = await viewer(team);
    expect(late.hello).toMatchObject({ agent: true, consent: ['view', 'control'], monitors, monitor: 0 });
    const log = ((await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as Array<{ text: string }>).map((e) => e.text);
    expect(log).toContain('the customer allows: view, control');
    expect(log).toContain('refused input: control is not allowed');

    agent.close();
    await until(() => owner.messages.some((m) => m.type === 'agent' && m.online === false));
    expect(owner.messages.findLast((m) => m.type === 'consent')).toEqual({ type: 'consent', granted: [] });
  });

  it('lets the outside expert control, refuses strangers, and closes viewers when the session ends', async () => {
    const { team, agent } = await setup();
    const invite = await team.owner.client.post(`/api/sessions/${team.sessionId}/experts`, { name: 'Exa', method: 'password', password: 'expert-password-1234' });
    expect(invite.status).toBe(200);
    const link = (invite.json.link as string).split('/').pop();
    const login = await fetch(`${server.url}/api/expert/invitations/${link}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'expert-password-1234' }),
    });
    expect(login.status).toBe(200);
    const expertCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const expert = await TestViewer.open(server, team.sessionId, expertCookie);
    closers.push(expert);
    expect(expert.hello.mode).toBe('control');
    expert.json({ type: 'input', events: [{ type: 'text', text: 'é€' }] });
    await until(() => agent.has('input'));

    const refusedStatus = async (cookie: string, id: number | string = team.sessionId) => {
      const res = await fetch(`${server.url}/ws/desktop/${id}`, { headers: { cookie, upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } });
      return res.status;
    };
    expect(await refusedStatus('')).toBe(401);
    expect(await refusedStatus(team.other.client.cookieHeader)).toBe(404); // not in the session, not a supervisor
    expect(await refusedStatus(team.owner.client.cookieHeader, 'abc')).toBe(404);
    expect(await refusedStatus(team.owner.client.cookieHeader, 9999)).toBe(404);

    const owner = await viewer(team);
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/end`)).status).toBe(200);
    expect(await owner.closed).toEqual({ code: 1000, reason: 'the session has ended' });
    expect((await expert.closed).code).toBe(1000);
    expect(await agent.closed).toEqual({ code: 1000, reason: 'the session has ended' });
    expect(await refusedStatus(team.owner.client.cookieHeader)).toBe(404);
  });

  it('follows the session: an owner who leaves only watches from then on; the expert goes with the last engineer', async () => {
    const { team } = await setup();
    const invite = await team.owner.client.post(`/api/sessions/${team.sessionId}/experts`, { name: 'Exa', method: 'password', password: 'expert-password-1234' });
    const link = (invite.json.link as string).split('/').pop();
    const login = await fetch(`${server.url}/api/expert/invitations/${link}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'expert-password-1234' }),
    });
    const expert = await TestViewer.open(server, team.sessionId, login.headers.getSetCookie()[0]!.split(';')[0]!);
    closers.push(expert);
    const owner = await viewer(team);
    expect(owner.hello.mode).toBe('control');

    // the owner leaves: nobody works in the session any more, it goes back to the queue
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/leave`)).status).toBe(200);
    await until(() => owner.has('mode'));
    expect(owner.messages.find((m) => m.type === 'mode')).toEqual({ type: 'mode', mode: 'view' }); // took part: may still read
    expect(await expert.closed).toEqual({ code: 1008, reason: 'no longer allowed to see this session' });
    owner.json({ type: 'input', events: [{ type: 'release-all' }] });
    await until(() => owner.has('refused'));
  });
});
