// Attended remote support end to end, with a real agent under Xvfb: the customer asks for remote assistance on the
// portal (real Chromium), the engineer takes it from the queue, they chat, the customer downloads the support app
// (its configuration embedded; the downloaded file's join token is what the agent runs with), the engineer asks for
// view and control and the customer allows each in the agent's local window, the engineer types into the customer's
// terminal, the customer presses Stop all and the agent refuses from then on, the session ends (the attended agent
// leaves), the survey is stored and the session log tells the whole story. Transfer, invitations and experts are
// covered by workspace.test.ts, files both ways by portal.test.ts.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AGENT_CONFIG_TRAILER_BYTES, configLength, parseAgentConfig } from '../../server/protocol/agentConfig.ts';
import { launchChromium, PageTracker } from '../helpers/browser.ts';
import { at, sha256, signIn, untilExact } from '../helpers/consoleDesktop.ts';
import { ADMIN, startAgent, startDesktopRig, type DesktopRig } from '../helpers/desktopHarness.ts';

const STAND_IN = new TextEncoder().encode('a stand-in for the compiled agent executable\n');
let rig: DesktopRig;
let browser: Browser;
const pages = new PageTracker(() => browser, () => rig.server);

beforeAll(async () => {
  const agentDir = mkdtempSync(join(tmpdir(), 'tessera-agents-'));
  writeFileSync(join(agentDir, 'tessera-agent-linux-x64'), STAND_IN);
  rig = await startDesktopRig({ width: 1280, height: 800, session: false, serverEnv: { TESSERA_AGENT_DIR: agentDir } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await rig?.stop();
});

test('portal request -> take -> chat -> download -> consent in the local window -> control -> Stop all -> end -> survey -> log', () =>
  pages.withDiagnostics(async () => {
    // The engineer is online on the Queue page.
    const { context: ec, page: e } = await pages.newPage();
    await signIn(ec, rig.admin, rig.server.url);
    await e.goto('/queue');
    await e.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();

    // The customer asks for remote assistance.
    const { page: c } = await pages.newPage();
    await c.goto('/portal');
    const general = c.getByRole('group', { name: 'General' });
    await expect.poll(() => general.getByRole('button', { name: 'Remote assistance' }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await general.getByRole('button', { name: 'Remote assistance' }).click();
    await c.getByLabel('Name').fill('Pat Doe');
    await c.getByRole('button', { name: 'Request remote assistance' }).click();
    await c.getByRole('heading', { name: 'Waiting for an engineer' }).waitFor();

    // The engineer takes it.
    await e.getByRole('button', { name: 'Take request from Pat Doe' }).click();
    await e.waitForURL('**/sessions/*');
    const sessionId = Number(/sessions\/(\d+)/.exec(e.url())![1]);
    await c.getByRole('heading', { name: `You are chatting with ${ADMIN.displayName}` }).waitFor();
    await c.getByLabel('Message').fill('A program on my computer shows an error.');
    await c.getByLabel('Message').press('Enter');
    await e.getByRole('log', { name: 'Conversation' }).getByText('A program on my computer shows an error.').waitFor();

    // The customer downloads the support app: the file carries this server and a join token for this session.
    const [download] = await Promise.all([c.waitForEvent('download'), c.getByTestId('agent-download-button').click()]);
    const file = new Uint8Array(readFileSync((await download.path())!));
    expect(Buffer.from(file.subarray(0, STAND_IN.length)).equals(Buffer.from(STAND_IN))).toBe(true);
    const length = configLength(file.subarray(file.length - AGENT_CONFIG_TRAILER_BYTES))!;
    const config = parseAgentConfig(file.subarray(file.length - AGENT_CONFIG_TRAILER_BYTES - length, file.length - AGENT_CONFIG_TRAILER_BYTES));
    if (typeof config === 'string') throw new Error(config);
    expect(config).toMatchObject({ agentUrl: `${rig.server.url.replace('http', 'ws')}/ws/agent`, attended: true });

    // It runs with that configuration and allows nothing by itself: the customer decides in its local window.
    rig.agent = await startAgent({ ...rig, sessionId }, { token: config.session!, allow: '' });
    await expect.poll(() => /local window: (\S+)/.test(rig.agent.output()), { timeout: 15_000 }).toBe(true);
    const windowUrl = /local window: (\S+)/.exec(rig.agent.output())![1]!;
    const local = await c.context().newPage();
    pages.watch(local);
    await local.goto(windowUrl);

    const permissions = e.getByTestId('consent-panel');
    const ask = async (label: string) => {
      await expect.poll(() => permissions.getByRole('button', { name: `Ask for ${label}` }).isEnabled(), { timeout: 15_000 }).toBe(true);
      await permissions.getByRole('button', { name: `Ask for ${label}` }).click();
      await local.getByRole('button', { name: 'Allow' }).first().click();
    };
    await ask('view the screen');
    await e.locator('[data-testid=desktop-state][data-state=live]').waitFor({ timeout: 20_000 });
    await untilExact(e, rig, 'the engineer sees the customer screen');

    await ask('control');
    const toggle = e.getByTestId('desktop-mode-toggle');
    await expect.poll(() => toggle.isEnabled(), { timeout: 10_000 }).toBe(true);
    await toggle.click();
    const inside = await at(e, rig, 300, 200);
    await e.mouse.click(inside.x, inside.y);
    const out = join(rig.workDir, 'fixed.txt');
    await e.keyboard.type(`echo fixed > ${out}`);
    await e.keyboard.press('Enter');
    await expect.poll(() => existsSync(out) && readFileSync(out, 'utf8'), { timeout: 10_000 }).toBe('fixed\n');

    // Stop all: every permission goes at once; the console says so and nothing typed reaches the machine any more.
    await local.getByRole('button', { name: 'Stop all', exact: true }).click();
    await e.locator('[data-testid=desktop-state][data-state=waiting-consent]').waitFor({ timeout: 10_000 });
    const before = sha256(rig.screen());
    await e.keyboard.type('echo too late');
    await e.waitForTimeout(1000);
    expect(sha256(rig.screen())).toBe(before);

    // The engineer ends the session: the attended agent leaves on its own; the customer answers the survey.
    await e.getByRole('button', { name: 'End session' }).click();
    await e.getByRole('dialog', { name: 'End the session' }).getByRole('button', { name: 'End session' }).click();
    await expect.poll(() => rig.agent.child.exitCode, { timeout: 15_000 }).toBe(0);
    await c.getByRole('heading', { name: 'The session has ended' }).waitFor();
    await c.getByLabel('5 stars').check();
    await c.getByRole('button', { name: 'Send feedback' }).click();
    await c.getByText('Thank you for your feedback.').waitFor();

    // The session log has it all, in order.
    const log = (await rig.admin.get(`/api/sessions/${sessionId}/log`)).json as Array<{ kind: string; text: string }>;
    const texts = log.map((entry) => entry.text);
    const find = (pattern: RegExp) => texts.findIndex((t) => pattern.test(t));
    const order = [
      find(/A program on my computer shows an error/),
      find(/downloaded the support app/),
      find(/^connected \(/),
      find(/asked for view/),
      find(/allows: view/),
      find(/asked for control/),
      find(/allows: .*control/),
      find(/allows nothing/),
      find(/rated 5\/5/),
    ];
    expect(order.every((i) => i >= 0), JSON.stringify(texts, null, 1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  }));
