import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CONFIG_TRAILER_BYTES, configLength, parseAgentConfig } from '../protocol/agentConfig.ts';
import { AGENT_PROTOCOL_VERSION } from '../protocol/agent.ts';
import { TICKETS_PER_SESSION } from './downloadRoutes.ts';
import { setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

// The customer's download: the agent executable with this server, a join token and attended mode appended, handed
// out once per ticket. The "executable" here is any bytes: what matters is that they come back unchanged with a
// configuration a real agent accepts and a token the server binds (the compiled agent reading its own trailer is
// tested in agent/attended.test.ts).
const EXE = new Uint8Array(300_000).map((_, i) => (i * 131 + 7) & 255);
let server: TestServer;
let admin: TestClient;
let customer: TestClient;
let customerToken: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-agents-'));
  writeFileSync(join(dir, 'tessera-agent-linux-x64'), EXE);
  writeFileSync(join(dir, 'README.txt'), 'not an agent');
  server = await startTestServer({ agentDir: dir });
  admin = await setupAdmin(server);
  const created = await admin.post('/api/sessions/code', {});
  customer = new TestClient(server.url);
  const joined = await customer.post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: created.json.code });
  expect(joined.status, joined.text).toBe(200);
  customerToken = joined.json.customerToken;
});

afterAll(async () => {
  await server.stop();
});

const ticket = (platform?: string, token = customerToken) =>
  fetch(`${server.url}/api/portal/session/agent-download`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tessera-customer': token, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' },
    body: JSON.stringify(platform ? { platform } : {}),
  });

describe('agent download with embedded configuration', () => {
  it('lists what the server can hand out, with a suggestion from the browser', async () => {
    const res = await fetch(`${server.url}/api/portal/agent/platforms`, { headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' } });
    expect(await res.json()).toEqual({ suggested: 'windows-x64', system: 'Windows', platforms: [] });
    const linux = await fetch(`${server.url}/api/portal/agent/platforms`, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' } });
    expect(await linux.json()).toEqual({ suggested: 'linux-x64', system: 'Linux', platforms: [{ platform: 'linux-x64', bytes: EXE.length }] });
  });

  it('never hands a Windows, macOS or phone customer the Linux app: it says plainly there is none for their system', async () => {
    const systems = [
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36', 'Windows', 'windows-x64'],
      ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15', 'macOS', 'darwin-x64'],
      ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36', 'Android', 'android-arm64'],
      ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148', 'iOS', 'ios-arm64'],
    ] as const;
    for (const [ua, system, platform] of systems) {
      const listed = await fetch(`${server.url}/api/portal/agent/platforms`, { headers: { 'user-agent': ua } });
      expect(await listed.json()).toEqual({ suggested: platform, system, platforms: [] });
      const ask = (body: object) =>
        fetch(`${server.url}/api/portal/session/agent-download`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tessera-customer': customerToken, 'user-agent': ua },
          body: JSON.stringify(body),
        });
      // Their own system: none yet, said in words, with the advice to stay in the chat.
      const own = await ask({});
      expect(own.status).toBe(404);
      expect(((await own.json()) as { error: string }).error).toBe(
        `there is no support app for ${system} on this server yet (${platform}); stay in the chat, the engineer will help you there`,
      );
      // Asking for the Linux app by name (an old portal page, a crafted request) gets no ticket either.
      const linux = await ask({ platform: 'linux-x64' });
      expect(linux.status).toBe(409);
      expect(((await linux.json()) as { error: string }).error).toMatch(new RegExp(`^the support app for Linux cannot run on ${system}; there is no support app for ${system}`));
    }
  });

  it('hands out the executable unchanged plus a configuration whose token binds an agent to the session', async () => {
    const t = await ticket();
    expect(t.status).toBe(200);
    const { url, platform } = (await t.json()) as { url: string; platform: string };
    expect(platform).toBe('linux-x64');
    const file = await fetch(`${server.url}${url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('tessera-support');
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes.length, new TextDecoder().decode(bytes.subarray(0, 200))).toBeGreaterThan(EXE.length);
    expect(Buffer.from(bytes.subarray(0, EXE.length)).equals(Buffer.from(EXE))).toBe(true);
    const length = configLength(bytes.subarray(bytes.length - AGENT_CONFIG_TRAILER_BYTES))!;
    expect(length).toBeGreaterThan(0);
    const config = parseAgentConfig(bytes.subarray(EXE.length, EXE.length + length));
    if (typeof config === 'string') throw new Error(config);
    expect(config.attended).toBe(true);
    expect(config.agentUrl).toBe(`ws://127.0.0.1:${server.port}/ws/agent`);

    // The embedded token really joins this session.
    const ws = new WebSocket(config.agentUrl);
    const welcome = await new Promise<{ type: string; session?: { id: number } }>((resolve, reject) => {
      ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, version: '1', os: 'linux', hostname: 'pc', session: config.session })));
      ws.addEventListener('message', (e) => resolve(JSON.parse(String(e.data))));
      ws.addEventListener('close', (e) => reject(new Error(`closed ${e.code} ${e.reason}`)));
    });
    ws.close();
    expect(welcome.type).toBe('welcome');
    expect(welcome.session?.id).toBeGreaterThan(0);

    // A ticket works once.
    const again = await fetch(`${server.url}${url}`);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: string }).error).toMatch(/used or expired/);
  });

  it('points the agent at wss:// when the browser came through a TLS proxy', async () => {
    const t = await fetch(`${server.url}/api/portal/session/agent-download`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tessera-customer': customerToken, 'x-forwarded-proto': 'https' },
      body: '{}',
    });
    const bytes = new Uint8Array(await (await fetch(`${server.url}${((await t.json()) as { url: string }).url}`)).arrayBuffer());
    const length = configLength(bytes.subarray(bytes.length - AGENT_CONFIG_TRAILER_BYTES))!;
    const config = parseAgentConfig(bytes.subarray(bytes.length - AGENT_CONFIG_TRAILER_BYTES - length, bytes.length - AGENT_CONFIG_TRAILER_BYTES));
    expect(typeof config !== 'string' && config.agentUrl).toBe(`wss://127.0.0.1:${server.port}/ws/agent`);
  });

  it('keeps a few tickets per customer: one customer asking again and again never fills the table for others', async () => {
    const created = await admin.post('/api/sessions/code', {});
    const other = await new TestClient(server.url).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: created.json.code });
    expect(other.status).toBe(200);
    const theirs = ((await (await ticket(undefined, other.json.customerToken)).json()) as { url: string }).url;
    // One customer asks for more tickets than the whole table used to hold (bounded, on loopback).
    const mine: string[] = [];
    for (let batch = 0; batch < 21; batch++) {
      const replies = await Promise.all(Array.from({ length: 50 }, () => ticket()));
      expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
      for (const r of replies) mine.push(((await r.json()) as { url: string }).url);
    }
    // The other customer still gets a ticket, and the one issued before the flood still works.
    expect((await ticket(undefined, other.json.customerToken)).status).toBe(200);
    const download = await fetch(`${server.url}${theirs}`);
    expect(download.status).toBe(200);
    await download.arrayBuffer();
    // Only the newest few of the flood's tickets are still good.
    expect((await fetch(`${server.url}${mine[0]}`)).status).toBe(404);
    expect((await fetch(`${server.url}${mine.at(-1 - TICKETS_PER_SESSION)}`)).status).toBe(404);
    const last = await fetch(`${server.url}${mine.at(-1)}`);
    expect(last.status).toBe(200);
    await last.arrayBuffer();
  });

  it('refuses strangers, unknown platforms and forged tickets with clear errors', async () => {
    expect((await ticket(undefined, 'not-a-customer')).status).toBe(401);
    const mac = await ticket('darwin-arm64');
    expect(mac.status).toBe(404);
    expect(((await mac.json()) as { error: string }).error).toMatch(/no support app for macOS on this server yet \(darwin-arm64\)/);
    expect((await ticket('../../etc')).status).toBe(422);
    expect((await fetch(`${server.url}/api/portal/agent/forged-ticket-123456`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/portal/agent/x`)).status).toBe(422);
  });
});
