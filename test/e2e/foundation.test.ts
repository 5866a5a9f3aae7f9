// End to end in real Chromium against the real server: setup -> login -> create desk -> create engineer ->
// a second browser logs in as that engineer -> the first browser sees them online in that desk.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { ensureClientBuilt, startServer, type SpawnedServer } from '../helpers/server.ts';

const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };
const ENGINEER = { username: 'erin', displayName: 'Erin Engineer', password: 'blue-lagoon-4821' };
const DESK = 'Tier 1 Support';

let server: SpawnedServer;
let browser: Browser;
const pageErrors: string[] = [];
const openPages: Page[] = [];

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: server.url });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  openPages.push(page);
  return { context, page };
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
}

/** On failure, adds what each open page shows and the server's last output to the error. */
async function withDiagnostics(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const pages = await Promise.all(
      openPages
        .filter((p) => !p.isClosed())
        .map(async (p) => `--- ${p.url()} ---\n${await p.locator('body').innerText({ timeout: 2_000 }).catch(() => '(unreadable)')}`),
    );
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n${pages.join('\n')}\n--- server output ---\n${server.output().slice(-3_000)}`);
  }
}

test('setup, desk, engineer, and live presence across two browsers', () => withDiagnostics(async () => {
  expect(server.setupToken, server.output()).toBeTruthy();
  const admin = await newPage();
  const a = admin.page;

  // First start: any page leads to setup.
  await a.goto('/');
  await a.waitForURL('**/setup');
  await a.getByLabel('Setup token').fill('wrong-token');
  await a.getByLabel('Administrator username').fill(ADMIN.username);
  await a.getByLabel('Display name').fill(ADMIN.displayName);
  await a.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await a.getByLabel('Confirm password').fill(ADMIN.password);
  await a.getByRole('button', { name: 'Create administrator' }).click();
  await a.getByRole('alert').waitFor(); // the server refuses a wrong token and says why
  await a.getByLabel('Setup token').fill(server.setupToken!);
  await a.getByRole('button', { name: 'Create administrator' }).click();
  await a.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();

  // Sign out and back in through the login page.
  await a.getByRole('button', { name: `Account menu for ${ADMIN.displayName}` }).click();
  await a.getByRole('menuitem', { name: 'Sign out' }).click();
  await a.waitForURL('**/login');
  await a.getByLabel('Username').fill(ADMIN.username);
  await a.getByLabel('Password').fill('not the password');
  await a.getByRole('button', { name: 'Sign in' }).click();
  await a.getByRole('alert').getByText('Wrong username or password').waitFor();
  await signIn(a, ADMIN.username, ADMIN.password);
  await a.getByRole('button', { name: 'Connection: Live' }).waitFor();

  // Create a desk.
  await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await a.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Desks' }).click();
  const newDesk = a.getByRole('form', { name: 'New desk' });
  await newDesk.getByLabel('Desk name').fill(DESK);
  await newDesk.getByLabel('Description').fill('First line');
  await newDesk.getByRole('button', { name: 'Create desk' }).click();
  await a.getByRole('table', { name: 'Service desks' }).getByRole('cell', { name: DESK, exact: true }).waitFor();

  // Create an engineer in that desk; the form insists on at least one desk or station.
  await a.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Engineers' }).click();
  await a.getByRole('button', { name: 'New engineer' }).click();
  const dialog = a.getByRole('dialog', { name: 'New engineer' });
  await dialog.getByLabel('Username').fill(ENGINEER.username);
  await dialog.getByLabel('Display name').fill(ENGINEER.displayName);
  await dialog.getByLabel('Initial password').fill(ENGINEER.password);
  await dialog.getByRole('button', { name: 'Create engineer' }).click();
  await dialog.getByRole('alert').getByText('at least one desk or station').waitFor();
  await dialog.getByRole('group', { name: 'Desks' }).getByLabel(DESK).check();
  await dialog.getByRole('button', { name: 'Create engineer' }).click();
  await dialog.waitFor({ state: 'detached' });
  const row = a.getByRole('table', { name: 'Engineers' }).getByRole('row').filter({ hasText: ENGINEER.displayName });
  await row.getByText(DESK).waitFor();

  // Nobody but the admin is online yet in the new desk.
  const deskPresence = a.getByRole('region', { name: `${DESK} desk` });
  await deskPresence.getByText('Nobody online').waitFor();

  // A second browser signs in as the engineer. The admin chose that password, so the engineer must first pick their
  // own; then: no Admin for them, and the admin sees them come online.
  const engineer = await newPage();
  await engineer.page.goto('/login');
  await engineer.page.getByLabel('Username').fill(ENGINEER.username);
  await engineer.page.getByLabel('Password').fill(ENGINEER.password);
  await engineer.page.getByRole('button', { name: 'Sign in' }).click();
  await engineer.page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await engineer.page.getByLabel('Current password').fill(ENGINEER.password);
  await engineer.page.getByLabel('New password', { exact: true }).fill('my-own-password-5190');
  await engineer.page.getByLabel('Confirm new password').fill('my-own-password-5190');
  await engineer.page.getByRole('button', { name: 'Set new password' }).click();
  await engineer.page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  await engineer.page.getByRole('button', { name: 'Connection: Live' }).waitFor();
  expect(await engineer.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
  await deskPresence.getByText(ENGINEER.displayName).waitFor();
  await engineer.page.getByRole('region', { name: `${DESK} desk` }).getByText(ENGINEER.displayName).waitFor();

  // When the engineer's browser goes away, the admin sees them go offline.
  await engineer.context.close();
  await deskPresence.getByText(ENGINEER.displayName).waitFor({ state: 'detached' });

  await admin.context.close();
  expect(pageErrors).toEqual([]);
}));
