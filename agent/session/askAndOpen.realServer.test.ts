// End to end with the real server (in-process, real SQLite file, real sockets) and the real agent with its local
// window: an engineer asks for a capability through the API, the question appears in the local window, the user's
// Allow or Deny there comes back to the console's state and the session log; a pushed address reaches xdg-open (a
// stand-in first on PATH that records its argv) on the agent's display and the local window lists it.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../native/captureTesting.ts';
import { desktopTeam } from '../../server/relay/testing/desktopKit.ts';
import { startTestServer, type TestServer } from '../../server/testing/startTestServer.ts';
import { startAgent } from '../runAgent.ts';
import type { WindowState } from '../localWindow/localWindow.ts';

let server: TestServer;
let dir: string;
let argvFile: string;
const savedPath = process.env.PATH;

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'tessera-ask-open-'));
  argvFile = join(dir, 'argv.txt');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'xdg-open'), `#!/bin/sh\nprintf '%s|%s|%s\\n' "$DISPLAY" "$#" "$1" >> "${argvFile}"\n`);
  chmodSync(join(dir, 'bin', 'xdg-open'), 0o755);
  // This file runs in its own process (vitest forks): the agent's default opener finds the stand-in on PATH.
  process.env.PATH = `${join(dir, 'bin')}:${savedPath}`;
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('asking and opening, real server and real agent', () => {
  it('the customer answers in the local window; the answer reaches the console; a pushed address opens in the browser', async () => {
    const team = await desktopTeam(server);
    const agent = startAgent({
      agentUrl: `${server.url.replace(/^http/, 'ws')}/ws/agent`,
      session: await team.agentToken(),
      display: ':42',
      openBrowser: false,
      attended: false, // nothing of this test process to clean up
      logDir: null,
      log: () => {},
    });
    const consent = async () => (await team.owner.client.get(`/api/sessions/${team.sessionId}/consent`)).json;
    const windowState = async () => (await (await fetch(`${agent.windowUrl}state`)).json()) as WindowState;
    const answer = async (id: number, allow: boolean) => {
      const res = await fetch(`${agent.windowUrl}answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, allow }) });
      expect(res.status).toBe(200);
    };
    try {
      await waitUntil(async () => (await consent()).agent === true, 'the agent connected');

      // Allow.
      expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'files' })).status).toBe(200);
      await waitUntil(async () => (await windowState()).questions.length === 1, 'the question in the local window');
      const q = (await windowState()).questions[0]!;
      expect(q).toMatchObject({ capability: 'files', by: 'OLGA' });
      expect((await consent()).asked).toEqual(['files']);
      await answer(q.id, true);
      await waitUntil(async () => (await consent()).granted.includes('files'), 'files granted in the console');
      expect(await consent()).toEqual({ agent: true, granted: ['files'], asked: [], recording: 'always', recordingNow: false });

      // Deny.
      expect((await team.owner.client.post(`/api/sessions/${team.sessionId}/consent-request`, { capability: 'clipboard' })).status).toBe(200);
      await waitUntil(async () => (await windowState()).questions.length === 1, 'the second question');
      await answer((await windowState()).questions[0]!.id, false);
      await waitUntil(async () => (await consent()).asked.length === 0, 'the refusal settles the question');
      expect(await consent()).toEqual({ agent: true, granted: ['files'], asked: [], recording: 'always', recordingNow: false });
      const log = (await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as { text: string }[];
      expect(log.map((e) => e.text)).toEqual(
        expect.arrayContaining(['asked for files', 'the customer allows: files', 'asked for clipboard', 'the customer did not allow clipboard']),
      );

      // Push an address: xdg-open gets it, on the agent's display, as its one argument.
      const pushed = await team.owner.client.post(`/api/sessions/${team.sessionId}/push-url`, { url: 'https://help.example.com/vpn?step=2' });
      expect(pushed.status).toBe(200);
      await waitUntil(() => existsSync(argvFile) && readFileSync(argvFile, 'utf8').includes('help.example.com'), 'xdg-open called');
      expect(readFileSync(argvFile, 'utf8').trim().split('\n')).toEqual([':42|1|https://help.example.com/vpn?step=2']);
      expect((await windowState()).opened.map((o) => o.url)).toEqual(['https://help.example.com/vpn?step=2']);
    } finally {
      await agent.stop();
    }
  });
});
