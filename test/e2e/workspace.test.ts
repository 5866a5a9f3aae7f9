// End to end in real Chromium against the real server, from the engineers' side: a customer's request (sent
// through the API; the portal has its own test) is taken from the Queue page, the two chat, a file goes to the
// customer through the browser and arrives intact, the session is handed to a second engineer who accepts in
// their own browser, a supervisor watches (and the owner sees it), an outside expert joins with a password in a
// third context and chats, the owner ends it, and the session log finds it with the chat in its log.txt.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { addEngineer, TestClient } from '../../server/testing/startTestServer.ts';
import { ensureClientBuilt, startServer, type SpawnedServer } from '../helpers/server.ts';

const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };
const ANN = { username: 'ann', displayName: 'Ann Able', password: 'blue-lagoon-4821' };
const BO = { username: 'bo', displayName: 'Bo Baker', password: 'green-meadow-7313' };
const SUE = { username: 'sue', displayName: 'Sue Super', password: 'red-canyon-5150' };
const WELCOME = 'Hello, this is your engineer. How can I help?';
const EXPERT_PASSWORD = 'vendor-secret-2024';

let server: SpawnedServer;
let browser: Browser;
let admin: TestClient;
const pageErrors: string[] = [];
const openPages: Page[] = [];

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  browser = await launchChromium();
  admin = new TestClient(server.url);
  const setup = await admin.post('/api/setup', { token: server.setupToken, ...ADMIN });
  expect(setup.status, setup.text).toBe(200);
  const settings = await admin.put('/api/admin/portal-settings', { notice: '', contact: '', welcomeMessage: WELCOME, surveyUrl: '' });
  expect(settings.status, settings.text).toBe(200);
  const replies = await admin.put('/api/admin/canned-replies', [{ title: 'Restart', text: 'Please restart the printer.' }]);
  expect(replies.status, replies.text).toBe(200);
  for (const [who, role] of [[ANN, 'engineer'], [BO, 'engineer'], [SUE, 'supervisor']] as const) {
    const created = await addEngineer(admin, { ...who, role, deskIds: [1], stationIds: [] });
    expect(created.status, created.text).toBe(200);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: server.url, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  openPages.push(page);
  return { context, page };
}

async function signIn(page: Page, who: { username: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Connection: Live' }).waitFor();
}

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
    throw new Error(`${message}\n${pages.join('\n')}\n--- page errors ---\n${pageErrors.join('\n')}\n--- server output ---\n${server.output().slice(-3_000)}`);
  }
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('queue -> take -> chat -> file -> transfer -> watched -> expert -> end -> session log', () => withDiagnostics(async () => {
  const { page: a } = await newPage();
  const { page: b } = await newPage();
  const { page: s } = await newPage();
  await signIn(a, ANN);
  await signIn(b, BO);
  await signIn(s, SUE);
  await a.getByRole('heading', { name: 'No requests waiting' }).waitFor();

  // The customer asks for a chat (the portal's own test drives its UI).
  const anon = new TestClient(server.url);
  const request = await anon.post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': 'Pat Doe', '2': 'pat@example.com' } });
  expect(request.status, request.text).toBe(200);
  const sessionId = request.json.session.id as number;
  const customer = new TestClient(server.url, { 'x-tessera-customer': request.json.customerToken });

  // Ann sees it live in the queue, with the values and a ticking wait, and takes it.
  const item = a.getByRole('listitem', { name: 'Request from Pat Doe' });
  await item.getByText('pat@example.com').waitFor();
  await item.getByText(/waiting \d+s/).waitFor();
  await b.getByRole('listitem', { name: 'Request from Pat Doe' }).waitFor();
  await a.getByRole('button', { name: 'Take request from Pat Doe' }).click();
  await a.waitForURL(`**/sessions/${sessionId}`);
  await a.getByRole('heading', { name: `Session #${sessionId} · Pat Doe` }).waitFor();
  // Bo's queue empties as soon as it is taken.
  await b.getByRole('heading', { name: 'No requests waiting' }).waitFor();

  // Chat both ways: the welcome message went out; the customer answers and Ann sees it live.
  const chat = a.getByRole('log', { name: 'Conversation' });
  await chat.getByText(WELCOME).waitFor();
  expect((await customer.post('/api/portal/session/chat', { text: 'The printer prints blank pages.' })).status).toBe(200);
  await chat.getByText('The printer prints blank pages.').waitFor();
  await a.getByRole('button', { name: /Canned replies/ }).click();
  await a.getByRole('button', { name: /^Restart/ }).click();
  expect(await a.getByLabel('Message').inputValue()).toBe('Please restart the printer.');
  await a.getByLabel('Message').press('Enter');
  await chat.getByText('Please restart the printer.').waitFor();
  await expect
    .poll(async () => ((await customer.get('/api/portal/session/log')).json as Array<{ text: string }>).map((e) => e.text))
    .toContain('Please restart the printer.');

  // A file to the customer through the browser: hashed, uploaded, verified; the customer's copy matches.
  const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31 + 7) & 255);
  await a.locator('#send-files').setInputFiles({ name: 'driver.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(data) });
  const files = a.getByRole('list', { name: 'Session files' });
  await files.getByRole('listitem').filter({ hasText: 'driver.bin' }).getByText('verified').waitFor();
  const listed = (await customer.get('/api/portal/session/files')).json as Array<{ id: number; name: string; sha256: string; status: string }>;
  const sent = listed.find((f) => f.name === 'driver.bin')!;
  expect(sent).toMatchObject({ status: 'complete', sha256: sha(data) });
  const download = await fetch(`${server.url}/api/portal/session/files/${sent.id}/content`, { headers: { 'x-tessera-customer': request.json.customerToken } });
  expect(sha(new Uint8Array(await download.arrayBuffer()))).toBe(sha(data));

  // Ann hands the session to Bo, who accepts in his own browser.
  await a.getByRole('button', { name: 'Transfer…' }).click();
  const transfer = a.getByRole('dialog', { name: 'Transfer the session' });
  await transfer.getByLabel(BO.displayName).check();
  await transfer.getByRole('button', { name: 'Offer the session' }).click();
  await transfer.waitFor({ state: 'detached' });
  const offer = b.getByRole('alertdialog', { name: 'Session transfer' });
  await offer.getByText(`${ANN.displayName} wants to hand session #${sessionId} over to you.`).waitFor();
  await offer.getByRole('button', { name: 'Accept' }).click();
  await b.waitForURL(`**/sessions/${sessionId}`);
  const people = b.getByRole('list', { name: 'Participants' });
  await people.getByRole('listitem').filter({ hasText: BO.displayName }).getByText('Owner').waitFor();
  await a.getByRole('list', { name: 'Participants' }).getByRole('listitem').filter({ hasText: BO.displayName }).getByText('Owner').waitFor();
  await b.getByRole('log', { name: 'Conversation' }).getByText('The printer prints blank pages.').waitFor();

  // The supervisor watches from the desk's live list; Bo sees who is watching.
  await s.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
  await s.getByRole('button', { name: `Watch session ${sessionId} of Pat Doe` }).click();
  await s.waitForURL(`**/sessions/${sessionId}`);
  await s.getByText('You are watching this session as a supervisor').waitFor();
  expect(await s.getByLabel('Message').count()).toBe(0);
  await b.getByText(`Being watched by ${SUE.displayName}`).waitFor();

  // Bo invites an outside expert with a password; the expert opens the link in a third context.
  await b.getByRole('button', { name: 'Invite outside expert…' }).click();
  const invite = b.getByRole('dialog', { name: 'Invite an outside expert' });
  await invite.getByLabel("Expert's name").fill('Vic Vendor');
  await invite.getByLabel('A password I set now').check();
  await invite.getByLabel('Password for the expert').fill(EXPERT_PASSWORD);
  await invite.getByRole('button', { name: 'Create link' }).click();
  const link = await invite.getByLabel('One-time link for Vic Vendor').inputValue();
  expect(link).toMatch(new RegExp(`^${server.url}/expert/\\S+$`));
  await invite.getByRole('button', { name: 'Done' }).click();

  const { page: x } = await newPage();
  await x.goto(link);
  await x.getByText(`${BO.displayName} invited you`).waitFor();
  await x.getByLabel('Password').fill('not the password');
  await x.getByRole('button', { name: 'Join the session' }).click();
  await x.getByRole('alert').getByText(/Wrong password; 4 attempts left/).waitFor();
  await x.getByLabel('Password').fill(EXPERT_PASSWORD);
  await x.getByRole('button', { name: 'Join the session' }).click();
  await x.getByRole('heading', { name: 'Session with Pat Doe' }).waitFor();
  const expertLog = x.getByRole('log', { name: 'Session log' });
  await expertLog.getByText('The printer prints blank pages.').waitFor();
  await x.getByLabel('Message').fill('Try the firmware update 2.1 first.');
  await x.getByLabel('Message').press('Enter');
  await expertLog.getByText('Try the firmware update 2.1 first.').waitFor();
  await b.getByRole('log', { name: 'Conversation' }).getByText('Try the firmware update 2.1 first.').waitFor();
  await b.getByRole('log', { name: 'Conversation' }).getByText('Vic Vendor (expert)').waitFor();

  // Bo ends the session: everyone sees it ended; the expert's access ends with it.
  await b.getByRole('button', { name: 'End session' }).click();
  await b.getByRole('dialog', { name: 'End the session' }).getByRole('button', { name: 'End session' }).click();
  await b.getByText(/This session ended/).waitFor();
  await x.getByText('Your access to this session has ended.').waitFor();
  expect((await customer.get('/api/portal/session')).json.status).toBe('ended');

  // The session log finds it; its log.txt holds the whole conversation.
  await b.goto('/sessions/log');
  await b.getByLabel('Customer or notes').fill('Pat Doe');
  await b.getByRole('button', { name: 'Search' }).click();
  const row = b.getByRole('table', { name: 'Sessions found' }).getByRole('row').filter({ hasText: 'pat@example.com' });
  await row.getByRole('link', { name: `Open session ${sessionId}` }).waitFor();
  const [saved] = await Promise.all([b.waitForEvent('download'), row.getByRole('link', { name: `Download log.txt of session ${sessionId}` }).click()]);
  const { readFile } = await import('node:fs/promises');
  const text = await readFile((await saved.path())!, 'utf8');
  expect(text).toContain('Pat Doe');
  expect(text).toContain(`[chat] Pat Doe: The printer prints blank pages.`);
  expect(text).toContain(`[chat] ${ANN.displayName}: Please restart the printer.`);
  expect(text).toContain('[chat] Vic Vendor (expert): Try the firmware update 2.1 first.');
  expect(text).toContain(`took over the session from ${ANN.displayName}`);
  expect(text).toContain('session ended');

  // Read-only afterwards, with its file still there for Ann, who handed it over.
  await row.getByRole('link', { name: `Open session ${sessionId}` }).click();
  await b.getByText(/This session ended/).waitFor();
  expect(await b.getByLabel('Message').count()).toBe(0);
  await a.goto(`/sessions/${sessionId}`);
  await a.getByRole('list', { name: 'Session files' }).getByRole('link', { name: 'driver.bin' }).waitFor();

  expect(pageErrors).toEqual([]);
}));

test('admin settings: identity fields with a CRM link, canned replies, help button; access codes from the queue', () => withDiagnostics(async () => {
  const { page: p } = await newPage();
  await signIn(p, ADMIN);
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  const adminNav = p.getByRole('navigation', { name: 'Admin' });

  // Identity fields: a bad pattern is marked before saving; the CRM address needs {value}.
  await adminNav.getByRole('link', { name: 'Identity fields' }).click();
  const third = p.getByRole('group', { name: 'Field 3' });
  await third.getByLabel('Shown').check();
  await third.getByLabel('Label').fill('Customer no.');
  await third.getByLabel('Type').selectOption('text');
  await third.getByLabel('Pattern (regular expression, optional)').fill('C-[0-9]{4');
  await third.getByLabel('CRM lookup address (optional)').fill('https://crm.example/customers');
  await p.getByRole('button', { name: 'Save fields' }).click();
  await p.getByRole('alert').getByText(/need a fix/).waitFor();
  await third.getByText('Put {value} where').waitFor();
  await third.getByLabel('Pattern (regular expression, optional)').fill('C-[0-9]{4}');
  await third.getByLabel('Example of a right value').fill('C-1234');
  await third.getByLabel('CRM lookup address (optional)').fill('https://crm.example/customers?q={value}');
  await p.getByRole('button', { name: 'Save fields' }).click();
  await p.getByText('Identity fields saved.').waitFor();
  const fields = (await admin.get('/api/admin/identity-fields')).json as Array<{ slot: number; label: string; example: string; crmUrl: string }>;
  expect(fields[2]).toMatchObject({ label: 'Customer no.', example: 'C-1234', crmUrl: 'https://crm.example/customers?q={value}' });

  // Canned replies: add one and keep the order.
  await adminNav.getByRole('link', { name: 'Canned replies' }).click();
  const replies = p.getByRole('form', { name: 'Canned replies' });
  await replies.getByText('1 of 30').waitFor();
  await replies.getByRole('button', { name: 'Add reply' }).click();
  await replies.getByLabel('Title').nth(1).fill('Thanks');
  await replies.getByLabel('Text').nth(1).fill('Thank you for your patience.');
  await replies.getByRole('button', { name: 'Move reply 2 up' }).click();
  await replies.getByRole('button', { name: 'Save canned replies' }).click();
  await p.getByText('Canned replies saved.').waitFor();
  expect(((await admin.get('/api/admin/canned-replies')).json as Array<{ title: string }>).map((r) => r.title)).toEqual(['Thanks', 'Restart']);

  // Help button: the snippet for the desk, and the real button in the preview.
  await adminNav.getByRole('link', { name: 'Help button' }).click();
  await p.getByLabel('Button text').fill('Need help?');
  await p.getByLabel('Style').selectOption('pill');
  await expect.poll(() => p.getByLabel('Snippet to paste').inputValue()).toContain('label=Need+help%3F');
  const snippet = await p.getByLabel('Snippet to paste').inputValue();
  expect(snippet).toContain(`<script src="${server.url}/embed/help-button.js?desk=1&amp;style=pill`);
  const preview = p.frameLocator('iframe[title="Help button preview"]');
  await preview.getByRole('link', { name: /^Need help\?/ }).waitFor();
  await expect.poll(() => preview.getByRole('link', { name: /^Need help\?/ }).getAttribute('data-state')).toBe('online');

  // A request with the new field: its value is a CRM link in the queue.
  const request = await new TestClient(server.url).post('/api/portal/requests', { deskId: 1, channel: 'remote', fields: { '1': 'Quinn', '3': 'C-1234' } });
  expect(request.status, request.text).toBe(200);
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
  const item = p.getByRole('listitem', { name: 'Request from Quinn' });
  await item.getByText('Remote assistance').waitFor();
  const crm = item.getByRole('link', { name: /C-1234/ });
  expect(await crm.getAttribute('href')).toBe('https://crm.example/customers?q=C-1234');
  expect(await crm.getAttribute('target')).toBe('_blank');

  // j/k and Enter take it from the keyboard.
  await p.locator('body').press('j');
  await p.locator('body').press('Enter');
  await p.getByRole('heading', { name: /· Quinn$/ }).waitFor();

  // An access code to read over the phone; the customer redeems it and lands in this admin's session.
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
  await p.getByRole('button', { name: 'New session with access code' }).click();
  const dialog = p.getByRole('dialog', { name: 'Session with access code' });
  const shown = await dialog.locator('output').innerText();
  expect(shown).toMatch(/^\d{3} \d{3}$/);
  await dialog.getByText(/Expires in (9|10):\d\d/).waitFor();
  const joined = await new TestClient(server.url).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: shown.replace(' ', '') });
  expect(joined.status, joined.text).toBe(200);
  await dialog.getByRole('button', { name: 'Open the session' }).click();
  await p.getByRole('heading', { name: `Session #${joined.json.session.id} · Cody Caller` }).waitFor();
  await p.getByRole('log', { name: 'Conversation' }).getByText('customer joined with an access code').waitFor();
  expect(pageErrors).toEqual([]);
}));
