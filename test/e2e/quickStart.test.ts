// The README's quick start as a new team meets it: a fresh clone, `npm install`, `npm start`, and nothing else. The
// customer asks for remote assistance in real Chromium, downloads the support app from the portal (the agent that
// `npm start` built), runs it under Xvfb, allows viewing in its local window, and the engineer sees the screen
// bit-exact. Slow by nature (an install and two builds): one test, bounded by its timeouts.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { TestViewer, until } from '../../server/relay/testing/desktopKit.ts';
import { launchChromium, PageTracker } from '../helpers/browser.ts';
import { startDesktopRig, type AgentProcess, type DesktopRig } from '../helpers/desktopHarness.ts';
import { REPO_DIR } from '../helpers/server.ts';

const work = mkdtempSync(join(tmpdir(), 'tessera-quickstart-'));
const fresh = join(work, 'fresh');
let rig: DesktopRig;
let browser: Browser;
let agent: AgentProcess | null = null;
let consoleSocket: WebSocket | null = null;
const pages = new PageTracker(() => browser, () => rig.server);

/** Runs a command to its end; rejects with its output on failure or after `ms`. */
function run(command: string, args: string[], cwd: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${out.slice(-4000)}`));
    });
  });
}

beforeAll(async () => {
  // What is committed, as a new user gets it (the work tree of this checkout may hold more).
  await run('git', ['clone', '--quiet', REPO_DIR, fresh], work, 60_000);
  await run('npm', ['install', '--no-audit', '--no-fund'], fresh, 600_000);
  rig = await startDesktopRig({
    width: 1024,
    height: 640,
    session: false,
    serverCommand: { command: ['npm', 'start'], cwd: fresh, startTimeoutMs: 600_000 },
  });
  browser = await launchChromium();
}, 1_300_000);

afterAll(async () => {
  consoleSocket?.close();
  await agent?.stop();
  await browser?.close();
  await rig?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('fresh clone -> npm install -> npm start -> portal download -> the engineer sees the screen', () =>
  pages.withDiagnostics(async () => {
    // The engineer is online (a console socket), so the desk takes requests.
    consoleSocket = new WebSocket(rig.server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: rig.admin.cookieHeader } } as unknown as string[]);
    await new Promise((r) => (consoleSocket!.onopen = r));

    const { page: c } = await pages.newPage();
    await c.goto('/portal');
    const general = c.getByRole('group', { name: 'General' });
    await expect.poll(() => general.getByRole('button', { name: 'Remote assistance' }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await general.getByRole('button', { name: 'Remote assistance' }).click();
    await c.getByLabel('Name').fill('Quinn Starter');
    await c.getByRole('button', { name: 'Request remote assistance' }).click();
    await c.getByRole('heading', { name: 'Waiting for an engineer' }).waitFor();
    const queue = (await rig.admin.get('/api/queue')).json as Array<{ id: number }>;
    expect(queue).toHaveLength(1);
    const sessionId = queue[0]!.id;
    expect((await rig.admin.post(`/api/queue/${sessionId}/take`)).status).toBe(200);

    // The portal offers the app npm start built; it runs as downloaded, with nothing else to type.
    const [download] = await Promise.all([c.waitForEvent('download', { timeout: 30_000 }), c.getByTestId('agent-download-button').click()]);
    const file = join(work, 'tessera-agent');
    await download.saveAs(file);
    chmodSync(file, 0o755);
    const home = mkdtempSync(join(work, 'home-'));
    let output = '';
    const child = spawn(file, [], { env: { ...process.env, DISPLAY: rig.x.display, HOME: home, XDG_DATA_HOME: join(home, 'data') }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    agent = {
      child,
      output: () => output,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      },
    };
    await until(() => /local window: (\S+)/.test(output), 30_000, `the agent's local window:\n${output}`);
    const windowUrl = /local window: (\S+)/.exec(output)![1]!;

    // The engineer asks to see the screen; the customer allows it in the agent's window.
    await until(async () => (await rig.admin.get(`/api/sessions/${sessionId}/consent`)).json.agent === true, 15_000, 'the agent connected');
    expect((await rig.admin.post(`/api/sessions/${sessionId}/consent-request`, { capability: 'view' })).status).toBe(200);
    let question: { id: number } | undefined;
    await until(async () => {
      question = ((await (await fetch(`${windowUrl}state`)).json()) as { questions: { id: number }[] }).questions[0];
      return question !== undefined;
    }, 15_000, 'the question in the local window');
    const answered = await fetch(`${windowUrl}answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: question!.id, allow: true }) });
    expect(answered.status).toBe(200);

    const viewer = await TestViewer.open(rig.server, sessionId, rig.admin.cookieHeader);
    try {
      await until(() => viewer.shows(rig.screen()), 20_000, 'the customer screen, bit-exact');
    } finally {
      viewer.close();
    }
    writeFileSync(join(work, 'agent.log'), output);
  }), 120_000);
