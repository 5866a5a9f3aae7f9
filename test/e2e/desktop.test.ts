// The live desktop end to end with real programs: Xvfb with an xterm, the real agent joined to a support session,
// the real server, and the engineer's console in real Chromium. What the engineer types lands in the terminal; the
// console's canvas equals the X screen bit for bit once activity stops; drag selects, the wheel scrolls; the
// clipboard goes both ways; a supervisor watching in a second browser sees the same screen and cannot type.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { copyWithXclip, runX } from '../../native/captureTesting.ts';
import { addEngineer, TestClient } from '../../server/testing/startTestServer.ts';
import { launchChromium, PageTracker } from '../helpers/browser.ts';
import { at as atOn, sha256, signIn, untilExact as untilExactOn } from '../helpers/consoleDesktop.ts';
import { startDesktopRig, type DesktopRig } from '../helpers/desktopHarness.ts';

const SUPERVISOR = { username: 'sam', displayName: 'Sam Supervisor', password: 'watch-only-7731' };
let rig: DesktopRig;
let browser: Browser;
const pages = new PageTracker(() => browser, () => rig.server);

beforeAll(async () => {
  rig = await startDesktopRig({ width: 1280, height: 800 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await rig?.stop();
});

/** A console page signed in as `client`, on the session's workspace with the screen live. */
async function consolePage(client: TestClient): Promise<Page> {
  const { context, page } = await pages.newPage();
  await signIn(context, client, rig.server.url);
  await page.goto(`/sessions/${rig.sessionId}`);
  await page.locator('[data-testid=desktop-state][data-state=live]').waitFor({ timeout: 20_000 });
  return page;
}

const untilExact = (page: Page, what: string) => untilExactOn(page, rig, what);
const at = (page: Page, x: number, y: number) => atOn(page, rig, x, y);

const xclipOut = async (selection: 'primary' | 'clipboard') => (await runX(rig.x, 'xclip', ['-o', '-selection', selection])).toString();

let engineerPage: Page;

test('the engineer sees the screen bit-exact, types into the terminal, and it lands', () => pages.withDiagnostics(async () => {
  engineerPage = await consolePage(rig.admin);
  const page = engineerPage;
  await untilExact(page, 'first picture');

  const toggle = page.getByTestId('desktop-mode-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: 10_000 }).toBe(true);
  await toggle.click();
  await expect.poll(() => toggle.getAttribute('data-mode')).toBe('control');
  const inside = await at(page, 300, 200);
  await page.mouse.click(inside.x, inside.y);

  const out = join(rig.workDir, 'typed.txt');
  await page.keyboard.type(`echo "Typed from the console: 42!" > ${out}`);
  await page.keyboard.press('Enter');
  await expect.poll(() => existsSync(out) && readFileSync(out, 'utf8'), { timeout: 10_000 }).toBe('Typed from the console: 42!\n');
  await untilExact(page, 'after typing');
}));

test('drag selects text and the wheel scrolls the terminal', () => pages.withDiagnostics(async () => {
  const page = engineerPage;
  await page.keyboard.type('seq 1 120');
  await page.keyboard.press('Enter');
  await untilExact(page, 'after seq');

  // Drag across the first visible line of the terminal: xterm puts the selection into PRIMARY.
  const from = await at(page, 2, 8);
  const to = await at(page, 300, 8);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => xclipOut('primary').catch(() => ''), { timeout: 10_000 }).toMatch(/\d/);

  // Scroll the terminal's history up with the wheel: the screen changes, and the console follows exactly.
  const before = sha256(rig.screen());
  const mid = await at(page, 300, 300);
  await page.mouse.move(mid.x, mid.y);
  await page.mouse.wheel(0, -300);
  await expect.poll(() => sha256(rig.screen()) !== before, { timeout: 10_000 }).toBe(true);
  await untilExact(page, 'after the wheel');
}));

test('the clipboard goes both ways', () => pages.withDiagnostics(async () => {
  const page = engineerPage;
  const panel = page.getByTestId('clipboard-in');
  if (!(await panel.isVisible())) await page.keyboard.press('Control+Alt+Shift+C');
  await panel.fill('from the console: ünïcödé ✓');
  await page.getByTestId('clipboard-send').click();
  await expect.poll(() => xclipOut('clipboard').catch(() => ''), { timeout: 10_000 }).toBe('from the console: ünïcödé ✓');

  await copyWithXclip(rig.x, 'from the remote machine');
  await page.getByTestId('clipboard-request').click();
  await expect.poll(() => page.getByTestId('clipboard-received').inputValue(), { timeout: 10_000 }).toBe('from the remote machine');
}));

test('a supervisor watching sees the same screen and cannot type', () => pages.withDiagnostics(async () => {
  const created = await addEngineer(rig.admin, { ...SUPERVISOR, role: 'supervisor', deskIds: [1], stationIds: [] });
  expect(created.status, created.text).toBe(200);
  const supervisor = new TestClient(rig.server.url);
  expect((await supervisor.post('/api/auth/login', { username: SUPERVISOR.username, password: SUPERVISOR.password })).status).toBe(200);
  const watch = await supervisor.post(`/api/sessions/${rig.sessionId}/watch`, {});
  expect(watch.status, watch.text).toBe(200);

  const page = await consolePage(supervisor);
  await untilExact(page, 'the supervisor sees the screen');
  const toggle = page.getByTestId('desktop-mode-toggle');
  expect(await toggle.isEnabled()).toBe(false);
  expect(await toggle.getAttribute('data-mode')).toBe('view');

  // Keys and clicks from the view-only console never reach the machine.
  const before = sha256(rig.screen());
  const inside = await page.getByTestId('desktop-canvas').boundingBox();
  await page.mouse.click(inside!.x + 50, inside!.y + 50);
  await page.keyboard.type('rm -rf nothing');
  await page.keyboard.press('Enter');
  await Bun.sleep(1500);
  expect(sha256(rig.screen())).toBe(before);
  // The engineer's console still shows the same, exact picture.
  await untilExact(engineerPage, 'the engineer after the supervisor tried');
}));

test('the session ends: the attended agent leaves, and the recording plays back to the exact last screen', () => pages.withDiagnostics(async () => {
  const lastScreen = sha256(rig.screen());
  const ended = await rig.admin.post(`/api/sessions/${rig.sessionId}/end`, {});
  expect(ended.status, ended.text).toBe(200);
  await expect.poll(() => rig.agent.child.exitCode, { timeout: 15_000 }).toBe(0);

  const page = engineerPage;
  await page.reload();
  await page.getByTestId('recording-player').waitFor({ timeout: 20_000 });
  await page.getByTestId('player-speed').selectOption('8');
  await page.getByTestId('player-play').click();
  await expect.poll(() => page.getByTestId('player-time').getAttribute('data-status'), { timeout: 60_000 }).toBe('ended');
  const shown = await page.evaluate(async () => {
    const p = await window.__tesseraPlayer!.picture();
    const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(p.rgba));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
  expect(shown).toBe(lastScreen);

  // Seeking back to the start shows the first recorded picture again (decoded from the seek point, not replayed).
  await page.getByTestId('player-timeline').focus();
  await page.keyboard.press('Home');
  await expect.poll(() => page.getByTestId('player-time').getAttribute('data-position')).toBe('0');
}));
