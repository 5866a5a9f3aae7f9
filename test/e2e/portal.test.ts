// End to end in real Chromium against the real server, from the customer's side: the portal lights up when an
// engineer comes online, the identity form refuses a bad value, a chat request waits, is taken, and the two
// talk both ways until the engineer ends it and the customer answers the survey. Then the access-code path, and
// the help button pasted into a page of another origin.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addEngineer, TestClient } from '../../server/testing/startTestServer.ts';
import { launchChromium, PageTracker } from '../helpers/browser.ts';
import { ensureClientBuilt, startServer, type SpawnedServer } from '../helpers/server.ts';

const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };
const ENGINEER = { username: 'erin', displayName: 'Erin Engineer', password: 'blue-lagoon-4821' };
const PROVIDER = 'Acme IT Services';
const WELCOME = 'Hello, I am Erin. How can I help?';

let server: SpawnedServer;
let browser: Browser;
let admin: TestClient;
let engineer: TestClient;
let printersDesk: number;
let site: ReturnType<typeof Bun.serve> | null = null;
const pages = new PageTracker(() => browser, () => server);
const { pageErrors } = pages;
const sockets: WebSocket[] = [];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  browser = await launchChromium();

  admin = new TestClient(server.url);
  const setup = await admin.post('/api/setup', { token: server.setupToken, ...ADMIN });
  expect(setup.status, setup.text).toBe(200);
  expect((await admin.put('/api/provider', { name: PROVIDER, address: '1 Main Street\nSpringfield', phone: '+1 555 0100', website: 'https://acme.example' })).status).toBe(200);
  const settings = await admin.put('/api/admin/portal-settings', {
    notice: 'Planned maintenance on Friday 18:00.',
    contact: 'Call us on weekdays, 8 to 17.',
    welcomeMessage: WELCOME,
    surveyUrl: '',
  });
  expect(settings.status, settings.text).toBe(200);
  printersDesk = (await admin.post('/api/desks', { name: 'Printers' })).json.id;
  const created = await addEngineer(admin, { ...ENGINEER, role: 'engineer', deskIds: [1], stationIds: [] });
  expect(created.status, created.text).toBe(200);
  engineer = new TestClient(server.url);
  expect((await engineer.post('/api/auth/login', { username: ENGINEER.username, password: ENGINEER.password })).status).toBe(200);
});

afterAll(async () => {
  for (const ws of sockets) ws.close();
  site?.stop(true);
  await browser?.close();
  await server?.stop();
});

/** The engineer's console socket: while it is open, the engineer counts as online in their desks. */
async function goOnline(client: TestClient): Promise<WebSocket> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/console`, { headers: { cookie: client.cookieHeader } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  sockets.push(ws);
  return ws;
}

/** The page checks the desks again when it gets focus (and every 15 s). */
async function refocus(page: Page) {
  await page.waitForTimeout(2_100);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
}

test('request, queue, take, chat both ways, end, survey', () => pages.withDiagnostics(async () => {
  const { page: p } = await pages.newPage();
  await p.goto('/portal');
  await expect.poll(() => p.title()).toBe(`Help · ${PROVIDER}`);
  await p.getByText(PROVIDER, { exact: true }).waitFor();
  await p.getByText('Planned maintenance on Friday 18:00.').waitFor();
  await p.getByText('Call us on weekdays, 8 to 17.').waitFor();
  await p.getByRole('link', { name: '+1 555 0100' }).waitFor();

  // Nobody online: the buttons are dark.
  const general = p.getByRole('group', { name: 'General' });
  const printers = p.getByRole('group', { name: 'Printers' });
  await general.getByText('Offline').waitFor();
  expect(await general.getByRole('button', { name: 'Chat' }).isDisabled()).toBe(true);
  expect(await p.getByRole('group', { name: 'Any available engineer' }).getByRole('button', { name: 'Chat' }).isDisabled()).toBe(true);

  // The engineer comes online: the page lights the desk without a reload; Printers stays dark.
  await goOnline(engineer);
  await refocus(p);
  await general.getByText('Online').waitFor();
  await expect.poll(() => general.getByRole('button', { name: 'Chat' }).isEnabled()).toBe(true);
  expect(await p.getByRole('group', { name: 'Any available engineer' }).getByRole('button', { name: 'Chat' }).isEnabled()).toBe(true);
  expect(await printers.getByRole('button', { name: 'Chat' }).isDisabled()).toBe(true);

  // The identity form: a wrong value is refused beside its field before anything is sent.
  await general.getByRole('button', { name: 'Chat' }).click();
  await p.getByRole('heading', { name: 'Chat with General' }).waitFor();
  await p.getByLabel('E-mail').fill('pat@example');
  await p.getByRole('button', { name: 'Start chat' }).click();
  await p.getByText('Name is required').waitFor();
  await p.getByText('E-mail must be an e-mail address').waitFor();
  expect(await p.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
  expect((await engineer.get('/api/queue')).json).toEqual([]);
  await p.getByLabel('Name').fill('Pat Doe');
  await p.getByLabel('E-mail').fill('pat@example.com');
  await p.getByRole('button', { name: 'Start chat' }).click();

  // Waiting, honestly; a reload keeps the place.
  await p.getByRole('heading', { name: 'Waiting for an engineer' }).waitFor();
  await p.reload();
  await p.getByRole('heading', { name: 'Waiting for an engineer' }).waitFor();
  const queue = (await engineer.get('/api/queue')).json as Array<{ id: number; customer: Array<{ value: string }> }>;
  expect(queue).toHaveLength(1);
  expect(queue[0]!.customer.map((c) => c.value)).toEqual(['Pat Doe', 'pat@example.com']);
  const sessionId = queue[0]!.id;

  // The engineer takes it: the customer's page turns into the chat with the welcome message.
  expect((await engineer.post(`/api/queue/${sessionId}/take`)).status).toBe(200);
  await p.getByRole('heading', { name: `You are chatting with ${ENGINEER.displayName}` }).waitFor();
  const log = p.getByRole('log', { name: 'Conversation' });
  await log.getByText(WELCOME).waitFor();
  await log.getByText(ENGINEER.displayName).first().waitFor();

  // Customer -> engineer (Enter sends).
  await p.getByLabel('Message').fill('My printer prints only blank pages.');
  await p.getByLabel('Message').press('Enter');
  await log.getByText('My printer prints only blank pages.').waitFor();
  await expect
    .poll(async () => ((await engineer.get(`/api/sessions/${sessionId}/log`)).json as Array<{ text: string; name: string }>).find((e) => e.text === 'My printer prints only blank pages.')?.name)
    .toBe('Pat Doe');
  // Engineer -> customer, live.
  expect((await engineer.post(`/api/sessions/${sessionId}/chat`, { text: 'Please open the printer tray.' })).status).toBe(200);
  await log.getByText('Please open the printer tray.').waitFor();
  const lines = await log.locator('li').evaluateAll((items) => items.map((li) => li.className));
  expect(lines).toEqual(['chat-line staff', 'chat-line me', 'chat-line staff']);

  // The engineer ends it; the built-in survey follows.
  expect((await engineer.post(`/api/sessions/${sessionId}/end`)).status).toBe(200);
  await p.getByRole('heading', { name: 'The session has ended' }).waitFor();
  expect(await p.getByLabel('Message').count()).toBe(0);
  await p.getByRole('button', { name: 'Send feedback' }).click();
  await p.getByText('Choose a rating from 1 to 5 stars.').waitFor();
  await p.getByLabel('5 stars').check();
  await p.getByLabel('Yes').check();
  await p.getByLabel('Comment (optional)').fill('Fast and friendly.');
  await p.getByRole('button', { name: 'Send feedback' }).click();
  await p.getByText('Thank you for your feedback.').waitFor();
  const after = (await engineer.get(`/api/sessions/${sessionId}/log`)).json as Array<{ kind: string; text: string }>;
  expect(after.find((e) => e.kind === 'survey')?.text).toBe('rated 5/5');

  await p.getByRole('button', { name: 'Back to the help page' }).click();
  await p.getByRole('heading', { name: 'How can we help?' }).waitFor();
  expect(pageErrors).toEqual([]);
}));

test('an access code from the engineer drops the customer into their session; files both ways', () => pages.withDiagnostics(async () => {
  const { page: p } = await pages.newPage();
  await p.goto('/portal');
  const issued = await engineer.post('/api/sessions/code', {});
  expect(issued.status).toBe(200);
  const code = issued.json.code as string;

  // A wrong code first, then the right one pasted with a space in the middle. Once the code is whole, the portal
  // asks who the customer is, as on a request (the name is required), before anything is sent.
  await p.getByLabel('Access code', { exact: true }).fill(code === '000000' ? '111111' : '000000');
  await p.getByRole('button', { name: 'Join session' }).click();
  await expect.poll(() => p.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
  await p.getByLabel('Name', { exact: true }).fill('Cody Caller');
  await p.getByRole('button', { name: 'Join session' }).click();
  await p.getByRole('alert').getByText('This code is wrong, used or expired.').waitFor();
  await p.getByLabel('Access code', { exact: true }).fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  expect(await p.getByLabel('Access code', { exact: true }).inputValue()).toBe(code);
  await p.getByRole('button', { name: 'Join session' }).click();
  await p.getByRole('heading', { name: `You are chatting with ${ENGINEER.displayName}` }).waitFor();
  const log = p.getByRole('log', { name: 'Conversation' });
  await log.getByText(WELCOME).waitFor();
  // The engineer knows whom they are helping.
  const detail = await engineer.get(`/api/sessions/${issued.json.sessionId}`);
  expect(JSON.stringify(detail.json)).toContain('Cody Caller');

  await p.getByLabel('Message').fill('Thanks for calling back.');
  await p.getByRole('button', { name: 'Send', exact: true }).click();
  await log.getByText('Thanks for calling back.').waitFor();
  expect((await engineer.post(`/api/sessions/${issued.json.sessionId}/chat`, { text: 'You are welcome.' })).status).toBe(200);
  await log.getByText('You are welcome.').waitFor();

  // Files both ways: the engineer's arrives as a download, the customer's is hashed, sent and checked.
  const sessionId = issued.json.sessionId as number;
  const manual = new TextEncoder().encode('Step 1: open the tray.\nStep 2: close it again.\n'.repeat(2000));
  const announced = await engineer.post(`/api/sessions/${sessionId}/files`, { name: 'printer manual.txt', size: manual.length, sha256: sha256(manual) });
  expect(announced.status, announced.text).toBe(200);
  const put = await fetch(`${server.url}/api/sessions/${sessionId}/files/${announced.json.id}?offset=0`, {
    method: 'PUT',
    headers: { cookie: engineer.cookieHeader, 'content-type': 'application/octet-stream' },
    body: manual,
  });
  expect(put.status).toBe(200);
  const files = p.getByRole('region', { name: 'Files' });
  const [download] = await Promise.all([p.waitForEvent('download'), files.getByRole('button', { name: 'Download printer manual.txt' }).click()]);
  expect(download.suggestedFilename()).toBe('printer manual.txt');
  expect(sha256(new Uint8Array(readFileSync((await download.path())!)))).toBe(sha256(manual));

  const screenshot = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
  await files.getByLabel('Send a file').setInputFiles({ name: 'error screen.png', mimeType: 'image/png', buffer: Buffer.from(screenshot) });
  await files.getByText('Sent, checked').waitFor();
  const sent = ((await engineer.get(`/api/sessions/${sessionId}/files`)).json as Array<{ id: number; name: string; status: string }>).find((f) => f.name === 'error screen.png');
  expect(sent?.status).toBe('complete');
  const got = await fetch(`${server.url}/api/sessions/${sessionId}/files/${sent!.id}/content`, { headers: { cookie: engineer.cookieHeader } });
  expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha256(screenshot));

  // The code was single-use.
  expect((await new TestClient(server.url).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code })).status).toBe(404);
  expect((await engineer.post(`/api/sessions/${sessionId}/end`)).status).toBe(200);
  await p.getByRole('heading', { name: 'The session has ended' }).waitFor();
  expect(pageErrors).toEqual([]);
}));

test('the help button on another site shows the desk state and opens the portal', () => pages.withDiagnostics(async () => {
  const snippet = async (params: Record<string, string>) => {
    const res = await admin.get(`/api/portal/embed-snippet?${new URLSearchParams(params)}`);
    expect(res.status, res.text).toBe(200);
    return res.json.snippet as string;
  };
  const online = await snippet({ desk: '1', style: 'pill', label: 'Need help?' });
  const offline = await snippet({ desk: String(printersDesk), style: 'floating', label: 'Printer help' });
  site = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: () =>
      new Response(`<!doctype html><html><head><title>Customer site</title></head><body><h1>Our shop</h1><p>Questions? ${online}</p>${offline}</body></html>`, {
        headers: { 'content-type': 'text/html; charset=utf-8' },
      }),
  });
  const siteUrl = `http://127.0.0.1:${site.port}/`;
  expect(new URL(siteUrl).origin).not.toBe(server.url);

  const { context, page: p } = await pages.newPage();
  await p.goto(siteUrl);
  const help = p.getByRole('link', { name: /^Need help\?/ });
  await expect.poll(() => help.getAttribute('data-state')).toBe('online');
  expect(await help.getAttribute('aria-label')).toBe('Need help? (online now)');
  const printer = p.getByRole('link', { name: /^Printer help/ });
  await expect.poll(() => printer.getAttribute('data-state')).toBe('offline');
  expect(await printer.evaluate((a) => getComputedStyle((a.getRootNode() as ShadowRoot).host).position)).toBe('fixed');

  const [portal] = await Promise.all([context.waitForEvent('page'), help.click()]);
  pages.watch(portal);
  await portal.waitForLoadState();
  expect(portal.url()).toBe(`${server.url}/portal?desk=1`);
  // Opened for one desk: only that desk, lit.
  const general = portal.getByRole('group', { name: 'General' });
  await expect.poll(() => general.getByRole('button', { name: 'Chat' }).isEnabled()).toBe(true);
  expect(await portal.getByRole('group', { name: 'Printers' }).count()).toBe(0);
  expect(await portal.getByRole('group', { name: 'Any available engineer' }).count()).toBe(0);
  expect(pageErrors).toEqual([]);
}));
