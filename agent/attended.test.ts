// The agent program as a customer runs it: a real process against a real socket (a Bun.serve peer playing the
// server) and a real X server. Started with a join token it streams what it is allowed to, and when the session
// ends it stops, exits 0 and leaves nothing behind: the single executable, with its configuration appended the way
// the server's download does it, needs no options and removes the native addon it unpacked.
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, type ScreenCapture } from '../native/capture.ts';
import { startXvfb, waitUntil, type XServer } from '../native/captureTesting.ts';
import { configTrailer } from '../server/protocol/agentConfig.ts';
import { setupAdmin, startTestServer } from '../server/testing/startTestServer.ts';
import { startAgent } from './runAgent.ts';
import { matchesScreen, ServerPeer } from './testing/serverPeer.ts';

let x: XServer;
let capture: ScreenCapture;
let dir: string;

beforeAll(async () => {
  x = await startXvfb(320, 240);
  capture = openCapture(x.display);
  dir = mkdtempSync(join(tmpdir(), 'tessera-attended-'));
});

afterAll(async () => {
  capture?.close();
  await x?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(command: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command[0]!, command.slice(1), { env: { ...x.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('attended agent program', () => {
  it('bun agent/main.ts --session --allow --no-window: joins, streams, and exits 0 when the session ends', async () => {
    const peer = new ServerPeer();
    const agent = run(
      [process.execPath, new URL('./main.ts', import.meta.url).pathname, '--server', peer.agentUrl.replace('/ws/agent', ''), '--session', 'tok-1', '--allow', 'view', '--no-window'],
      {},
    );
    try {
      await waitUntil(() => peer.last('consent'), 'the agent online', 15_000);
      expect(peer.hellos[0]).toMatchObject({ session: 'tok-1' });
      expect(peer.last('consent')).toEqual({ type: 'consent', granted: ['view'] });
      expect(agent.output()).toMatch(/local window: http:\/\/127\.0\.0\.1:\d+\/[\w-]{32,}\//);
      expect(agent.output()).toMatch(/allowed on this device without asking: view/);
      peer.send({ type: 'desktop-start' });
      await waitUntil(() => matchesScreen(peer, capture), 'the screen', 10_000);
      peer.send({ type: 'session-ended' });
      expect(await agent.exited).toBe(0);
      expect(agent.output()).toMatch(/the session has ended/);
      expect(agent.output()).toMatch(/agent finished/);
      expect(peer.violations).toEqual([]);
    } finally {
      agent.child.kill('SIGKILL');
      peer.stop();
    }
  });

  it('opens the local window in the default browser (xdg-open) on the display it serves', async () => {
    // A stand-in xdg-open first on PATH records what it was asked to open, and on which display.
    const bin = mkdtempSync(join(dir, 'bin-'));
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$DISPLAY $1" > "${opened}"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const peer = new ServerPeer();
    const agent = run(
      [process.execPath, new URL('./main.ts', import.meta.url).pathname, '--server', peer.agentUrl.replace('/ws/agent', ''), '--session', 'tok-3'],
      { PATH: `${bin}:${process.env.PATH}` },
    );
    try {
      await waitUntil(() => existsSync(opened) && readFileSync(opened, 'utf8').includes('http'), 'xdg-open called', 15_000);
      const url = /local window: (\S+)/.exec(agent.output())![1]!;
      expect(readFileSync(opened, 'utf8').trim()).toBe(`${x.display} ${url}`);
      expect((await fetch(url)).status).toBe(200);
      peer.send({ type: 'session-ended' });
      expect(await agent.exited).toBe(0);
    } finally {
      agent.child.kill('SIGKILL');
      peer.stop();
    }
  });

  it('a join token the real server refuses: the agent says why, gives up and finishes with 1', async () => {
    const server = await startTestServer();
    await setupAdmin(server);
    const lines: string[] = [];
    const agent = startAgent({
      agentUrl: `${server.url.replace(/^http/, 'ws')}/ws/agent`,
      session: 'no-such-token',
      display: x.display,
      window: false,
      attended: false, // nothing of this test process to clean up
      backoff: { baseMs: 50, capMs: 100, resetAfterMs: 30_000 },
      log: (l) => lines.push(l),
    });
    try {
      expect(await agent.done).toBe(1);
      expect(lines.some((l) => /^server says: /.test(l))).toBe(true);
      expect(lines.some((l) => /the server refused to join the session \(.+\); giving up/.test(l))).toBe(true);
      expect(agent.connection.state).toBe('stopped');
    } finally {
      await agent.stop();
      await server.stop();
    }
  });

  it('after it has been in, a passing refusal (the server still holds its old connection) does not end the agent', async () => {
    const peer = new ServerPeer();
    const lines: string[] = [];
    const agent = startAgent({
      agentUrl: peer.agentUrl,
      session: 'tok-2',
      display: x.display,
      window: false,
      attended: false,
      backoff: { baseMs: 50, capMs: 100, resetAfterMs: 30_000 },
      log: (l) => lines.push(l),
    });
    let finished: number | null = null;
    void agent.done.then((code) => (finished = code));
    try {
      await waitUntil(() => peer.last('consent'), 'online');
      peer.refuseHellos = 2;
      peer.disconnect();
      await waitUntil(() => peer.hellos.length === 4 && peer.connected && agent.connection.state === 'online', 'back in after two refusals');
      expect(lines.filter((l) => /^server says: another agent is already connected/.test(l))).toHaveLength(2);
      expect(finished).toBeNull();
    } finally {
      await agent.stop();
      peer.stop();
    }
  });

  it('the single executable with an appended configuration needs no options, and removes its unpacked addon when the session ends', async () => {
    const binary = join(dir, 'tessera-agent');
    const build = Bun.spawnSync([process.execPath, 'build', '--compile', '--no-compile-autoload-bunfig', new URL('./main.ts', import.meta.url).pathname, '--outfile', binary], {
      stdout: 'pipe',
      stderr: 'pipe',
    });
    expect(build.exitCode, build.stderr.toString()).toBe(0);
    const peer = new ServerPeer();
    appendFileSync(binary, configTrailer({ agentUrl: peer.agentUrl, session: 'download-token', attended: true, provider: 'Acme IT' }));
    // The agent's own temporary folder, so what it unpacks can be seen (and nothing else is in it).
    const temp = mkdtempSync(join(dir, 'tmp-'));
    const agent = run([binary, '--allow', 'view', '--no-window'], { TMPDIR: temp });
    try {
      await waitUntil(() => peer.last('consent'), 'the agent online', 20_000);
      expect(peer.hellos[0]).toMatchObject({ session: 'download-token' });
      peer.send({ type: 'desktop-start' });
      await waitUntil(() => matchesScreen(peer, capture), 'the screen', 10_000);
      const unpacked = readdirSync(temp).filter((f) => f.endsWith('.node'));
      expect(unpacked).toHaveLength(1); // the addon, unpacked by Bun while it runs
      peer.send({ type: 'session-ended' });
      expect(await agent.exited).toBe(0);
      expect(agent.output()).toContain(`removed ${join(temp, unpacked[0]!)}`);
      expect(existsSync(join(temp, unpacked[0]!))).toBe(false);
      expect(readdirSync(temp)).toEqual([]); // nothing left behind
    } finally {
      agent.child.kill('SIGKILL');
      peer.stop();
    }
  }, 60_000);
});
