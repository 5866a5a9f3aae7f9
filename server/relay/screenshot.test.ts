// Screenshot of the remote screen pasted into the chat, over the real server: a test agent streams a known picture
// through the relay, the engineer asks for a screenshot, and the stored PNG decodes (sharp) to exactly that picture;
// it is a session file with its SHA-256 (engineers and the customer can download it), the log has the operation and
// a chat line that names the file. Refused requests answer with the reason and leave no file and no log line.
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER_HEADER } from '../portal/routes.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';
import { desktopTeam, picture, TestAgent, TestViewer, until, withRect, type DesktopTeam } from './testing/desktopKit.ts';

let server: TestServer;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await server?.stop();
});

const W = 320;
const H = 200;

async function setup(overrides: Parameters<typeof startTestServer>[0] = {}) {
  server = await startTestServer(overrides);
  const team = await desktopTeam(server);
  return team;
}

async function connectAgent(team: DesktopTeam) {
  const agent = await TestAgent.connect(server, await team.agentToken());
  closers.push(agent);
  expect((await agent.welcome()).type).toBe('welcome');
  return agent;
}

/** The agent allows viewing, the owner opens the screen, the agent sends `rgba` and the viewer shows it. */
async function streaming(team: DesktopTeam, agent: TestAgent, rgba: Uint8Array) {
  agent.json({ type: 'consent', granted: ['view'] });
  const viewer = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
  closers.push(viewer);
  await until(() => agent.has('desktop-start'), 5000, 'desktop-start');
  agent.send(rgba, W, H);
  await until(() => viewer.shows(rgba), 5000, 'the viewer shows the picture');
  return viewer;
}

const shoot = (client: TestClient, id: number) => client.post(`/api/sessions/${id}/screenshot`);

async function snapshot(team: DesktopTeam) {
  const log = await team.owner.client.get(`/api/sessions/${team.sessionId}/log`);
  const files = await team.owner.client.get(`/api/sessions/${team.sessionId}/files`);
  expect(log.status).toBe(200);
  expect(files.status).toBe(200);
  return { log: log.json as { id: number; actor: string; kind: string; text: string }[], files: files.json as unknown[] };
}

/** RGBA of a PNG, as sharp decodes it. */
async function decodePng(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

describe('screenshot of the remote screen', () => {
  it('stores a PNG of exactly the current screen as a session file and pastes it into the chat', async () => {
    const team = await setup();
    const agent = await connectAgent(team);
    const first = picture(W, H, 3);
    await streaming(team, agent, first);
    // The picture changes: the screenshot is of the screen as it is now, not of the first keyframe.
    const now = withRect(first, W, { x: 20, y: 30, w: 100, h: 40 }, [250, 10, 120]);
    agent.send(now, W, H);
    await until(() => agent.lastOf('desktop-ack')?.bytes === agent.sentBytes, 5000, 'ack');

    const res = await shoot(team.owner.client, team.sessionId);
    expect(res.status).toBe(200);
    const { file, entry } = res.json;
    expect(file).toMatchObject({ sessionId: team.sessionId, direction: 'to-customer', uploader: `engineer:${team.owner.id}`, status: 'complete' });
    expect(file.name).toMatch(new RegExp(`^screenshot-${team.sessionId}-\\d{4}-\\d{2}-\\d{2}-\\d{6}\\.png$`));
    expect(entry).toMatchObject({ kind: 'chat', actor: `engineer:${team.owner.id}`, text: `Screenshot: ${file.name}` });
    expect(entry.screenshot).toEqual({ sessionId: team.sessionId, fileId: file.id, name: file.name, width: W, height: H, size: file.size, sha256: file.sha256 });

    // The engineer downloads it: a PNG that decodes to exactly the screen, and whose SHA-256 is the one stored.
    const download = await fetch(`${server.url}/api/sessions/${team.sessionId}/files/${file.id}/content`, { headers: { cookie: team.owner.client.cookieHeader } });
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.byteLength).toBe(file.size);
    expect(new Bun.CryptoHasher('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    expect(download.headers.get('x-content-sha256')).toBe(file.sha256);
    const decoded = await decodePng(bytes);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: W, height: H });
    expect(Buffer.compare(Buffer.from(decoded.rgba), Buffer.from(now))).toBe(0);

    // The session's files and log have it: the operation with the checksum, and the chat line naming the file.
    const { log, files } = await snapshot(team);
    expect(files).toEqual([file]);
    const operation = log.find((e) => e.kind === 'file' && e.text.includes(file.name))!;
    expect(operation.text).toContain(`SHA-256 ${file.sha256}`);
    expect(operation.text).toContain(`${W}x${H}`);
    expect(log.at(-1)).toEqual(entry);

    // The customer sees the chat line with its reference and may download the file: it is their own screen.
    const customer = { [CUSTOMER_HEADER]: team.customerToken };
    const portalLog = await team.customer.request('GET', '/api/portal/session/log', undefined, customer);
    expect(portalLog.json.find((e: { id: number }) => e.id === entry.id)).toEqual(entry);
    expect(portalLog.json.some((e: { kind: string }) => e.kind === 'file')).toBe(false); // operations stay with the engineers
    const portalFile = await fetch(`${server.url}/api/portal/session/files/${file.id}/content`, { headers: customer });
    expect(portalFile.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await portalFile.arrayBuffer()), Buffer.from(bytes))).toBe(0);

    // A supervisor watching the session sees the chat line and opens its picture (it was a 404: a broken image).
    expect((await team.supervisor.client.post(`/api/sessions/${team.sessionId}/watch`)).status).toBe(200);
    const watched = await team.supervisor.client.get(`/api/sessions/${team.sessionId}/log`);
    expect(watched.json.find((e: { id: number }) => e.id === entry.id)).toEqual(entry);
    const supervised = await fetch(`${server.url}/api/sessions/${team.sessionId}/files/${file.id}/content`, { headers: { cookie: team.supervisor.client.cookieHeader } });
    expect(supervised.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await supervised.arrayBuffer()), Buffer.from(bytes))).toBe(0);
    expect((await team.supervisor.client.get(`/api/sessions/${team.sessionId}/files`)).json).toEqual([file]);
    // An engineer who is not in the session and reads nothing of it still gets nothing.
    const stranger = await fetch(`${server.url}/api/sessions/${team.sessionId}/files/${file.id}/content`, { headers: { cookie: team.other.client.cookieHeader } });
    expect(stranger.status).toBe(404);
    expect((await team.other.client.get(`/api/sessions/${team.sessionId}/log`)).status).toBe(404);

    // A second one is a second file (names are unique per second; ids always are).
    await Bun.sleep(1100);
    const again = await shoot(team.owner.client, team.sessionId);
    expect(again.status).toBe(200);
    expect(again.json.file.id).not.toBe(file.id);
    expect(again.json.file.name).not.toBe(file.name);
  });

  it('refuses clearly and changes nothing: not in the session, no agent, no picture, no consent, ended session', async () => {
    const team = await setup();
    /** The request is refused with this status and reason, and the session's files and log are as they were. */
    const refused = async (client: TestClient, status: number, error: RegExp) => {
      const before = await snapshot(team);
      const res = await shoot(client, team.sessionId);
      expect(res.status).toBe(status);
      expect(res.json.error).toMatch(error);
      expect(await snapshot(team)).toEqual(before);
    };

    // Nobody signed in; an engineer not in the session; the supervisor (reads and watches, never acts); no such session.
    expect((await shoot(new TestClient(server.url), team.sessionId)).status).toBe(401);
    await refused(team.other.client, 404, /no session you work in/);
    await refused(team.supervisor.client, 404, /no session you work in/);
    expect((await shoot(team.owner.client, 99_999)).status).toBe(404);
    expect((await team.owner.client.post('/api/sessions/abc/screenshot')).status).toBe(422);

    // No agent yet.
    await refused(team.owner.client, 409, /agent is not connected/);

    // An agent, but nobody opened the screen: the server has no picture.
    const agent = await connectAgent(team);
    await refused(team.owner.client, 409, /no screen yet/);

    // Streaming, then the customer takes 'view' back: the picture the server kept is not handed out.
    const viewer = await streaming(team, agent, picture(W, H, 5));
    agent.json({ type: 'consent', granted: [] });
    await until(() => viewer.messages.some((m) => m.type === 'consent' && m.granted.length === 0), 5000, 'consent withdrawn');
    await refused(team.owner.client, 409, /no screen yet/);

    // The agent leaves (the viewer keeps its frozen picture; the server hands out none).
    agent.json({ type: 'consent', granted: ['view'] });
    agent.close();
    await until(async () => (await snapshot(team)).log.some((e) => e.actor === 'agent' && e.text === 'left'), 5000, 'agent left');
    await refused(team.owner.client, 409, /agent is not connected/);

    // The session ends.
    expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/end`)).status).toBe(200);
    await refused(team.owner.client, 409, /^the session has ended$/);
    expect((await snapshot(team)).files).toEqual([]);
  });

  it('counts against the session file quota: over it, a clear 413 and nothing stored', async () => {
    const team = await setup({ sessionFileQuotaBytes: 100 });
    const agent = await connectAgent(team);
    await streaming(team, agent, picture(W, H, 3));
    const res = await shoot(team.owner.client, team.sessionId);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatch(/quota of 100 bytes/);
    expect((await snapshot(team)).files).toEqual([]);
  });
});
