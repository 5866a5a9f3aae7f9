// "Nothing is missed", in real Chromium against the real server: a request that arrives while the engineer is on
// another page counts on the Queue link and in the title, and (tab in the background, notifications allowed) pops a
// browser notification whose click opens the queue; looking clears it. A customer message in the engineer's session
// counts on Sessions until the session is opened. Away: the count still shows, nothing pops up, and the queue says
// why Take is refused with a one-click way back; at the session limit an admin set, the queue says so too.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addEngineer, TestClient } from '../../server/testing/startTestServer.ts';
import { launchChromium, PageTracker } from '../helpers/browser.ts';
import { ensureClientBuilt, startServer, type SpawnedServer } from '../helpers/server.ts';

const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };
const ANN = { username: 'ann', displayName: 'Ann Able', password: 'blue-lagoon-4821' };

let server: SpawnedServer;
let browser: Browser;
let admin: TestClient;
let annId: number;
const pages = new PageTracker(() => browser, () => server);

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  browser = await launchChromium();
  admin = new TestClient(server.url);
  expect((await admin.post('/api/setup', { token: server.setupToken, ...ADMIN })).status).toBe(200);
  const created = await addEngineer(admin, { ...ANN, role: 'engineer', deskIds: [1], stationIds: [] });
  expect(created.status, created.text).toBe(200);
  annId = created.json.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Records the notifications the page shows (Chromium headless shows none on screen) and lets the test hide the tab:
 * `__tab(false)` makes the page hidden and unfocused, as when the engineer works in another tab.
 */
const INIT = () => {
  const shown: Array<{ title: string; body: string; tag: string; click: () => void }> = [];
  let front = true;
  class RecordingNotification {
    static permission = 'granted';
    static requestPermission = async () => 'granted';
    onclick: (() => void) | null = null;
    constructor(title: string, options: { body?: string; tag?: string } = {}) {
      shown.push({ title, body: options.body ?? '', tag: options.tag ?? '', click: () => this.onclick?.() });
    }
    close() {}
  }
  Object.defineProperty(window, 'Notification', { value: RecordingNotification });
  Object.defineProperty(document, 'visibilityState', { get: () => (front ? 'visible' : 'hidden') });
  document.hasFocus = () => front;
  Object.assign(window, {
    __shown: shown,
    __tab(visible: boolean) {
      front = visible;
      document.dispatchEvent(new Event('visibilitychange'));
    },
  });
};

const shown = (p: Page) => p.evaluate(() => (window as unknown as { __shown: Array<{ title: string; body: string; tag: string }> }).__shown.map(({ title, body, tag }) => ({ title, body, tag })));
const setTab = (p: Page, visible: boolean) => p.evaluate((v) => (window as unknown as { __tab: (v: boolean) => void }).__tab(v), visible);
const nav = (p: Page, name: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${name}`) });
/** The badge's text as a screen reader gets it ("1 new"), or '' without one. */
const badge = async (p: Page, name: string) => {
  const b = nav(p, name).locator('.count.attention');
  return (await b.count()) ? ((await b.textContent()) ?? '') : '';
};

async function ask(name: string) {
  const res = await new TestClient(server.url).post('/api/portal/requests', { deskId: 1, channel: 'chat', fields: { '1': name } });
  expect(res.status, res.text).toBe(200);
  return { id: res.json.session.id as number, customer: new TestClient(server.url, { 'x-tessera-customer': res.json.customerToken }) };
}

test('badges, title, notification and its click; away holds alerts back; the session limit', () =>
  pages.withDiagnostics(async () => {
    const { context, page: p } = await pages.newPage();
    await context.addInitScript(INIT);
    await p.goto('/login');
    await p.getByLabel('Username').fill(ANN.username);
    await p.getByLabel('Password').fill(ANN.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'Connection: Live' }).waitFor();
    await p.getByRole('link', { name: /^Devices/ }).click();
    await p.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();

    // The sound is off until turned on; notifications are on once allowed (this page pretends the browser allowed them).
    expect(await p.evaluate(() => localStorage.getItem('tessera.alerts.sound'))).toBeNull();

    // A request arrives while Ann is on Devices in a background tab.
    await setTab(p, false);
    const first = await ask('Pat Doe');
    await expect.poll(() => badge(p, 'Queue')).toBe('1 new');
    await expect.poll(() => p.title()).toBe('(1) Devices · Tessera');
    await expect.poll(() => shown(p)).toEqual([{ title: 'New request in the queue', body: '1 request is waiting for an engineer.', tag: 'tessera-queue' }]);

    // She clicks the notification: the console comes forward on the queue, and the count clears.
    await setTab(p, true);
    await p.evaluate(() => (window as unknown as { __shown: Array<{ click: () => void }> }).__shown[0]!.click());
    await p.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
    await expect.poll(() => badge(p, 'Queue')).toBe('');
    await expect.poll(() => p.title()).toBe('Queue · Tessera');

    // She takes it; the customer writes while she is on another page: Sessions counts it until she opens the session.
    await p.getByRole('button', { name: 'Take request from Pat Doe' }).click();
    await p.waitForURL(`**/sessions/${first.id}`);
    await p.getByRole('link', { name: /^Devices/ }).click();
    expect((await first.customer.post('/api/portal/session/chat', { text: 'The printer prints blank pages.' })).status).toBe(200);
    await expect.poll(() => badge(p, 'Sessions')).toBe('1 new');
    await expect.poll(() => p.title()).toBe('(1) Devices · Tessera');
    await p.goto(`/sessions/${first.id}`);
    await p.getByRole('log', { name: 'Conversation' }).getByText('The printer prints blank pages.').waitFor();
    await expect.poll(() => badge(p, 'Sessions')).toBe('');

    // Away, from the account menu: remembered by the server, shown beside her name in the presence panel.
    await p.getByRole('button', { name: /Account menu/ }).click();
    await p.getByRole('menuitemradio', { name: /^Away/ }).click();
    await expect.poll(async () => (await admin.get('/api/engineers/availability')).json.find((a: { engineerId: number }) => a.engineerId === annId)?.status).toBe('away');
    await expect.poll(() => p.locator(`.presence [data-engineer="${annId}"]`).textContent()).toMatch(/Away · 1 session$/);

    // A request while away: counted, but no notification.
    await p.getByRole('link', { name: /^Devices/ }).click();
    await setTab(p, false);
    const before = (await shown(p)).length;
    await ask('Sam Roe');
    await expect.poll(() => badge(p, 'Queue')).toBe('1 new');
    await p.waitForTimeout(500);
    expect(await shown(p)).toHaveLength(before);
    await setTab(p, true);

    // The queue says why she cannot take it, and one click makes her available again.
    await nav(p, 'Queue').click();
    await p.getByText('New requests wait for others: you are set to Away').waitFor();
    await p.getByRole('button', { name: 'Set me available' }).click();
    await p.getByText('New requests wait for others').waitFor({ state: 'detached' });

    // An admin allows her one session at a time: she holds one, so the queue says so and the server refuses.
    expect((await admin.put(`/api/engineers/${annId}/session-limit`, { sessionLimit: 1 })).status).toBe(200);
    await p.getByText('New requests wait for others: you already hold 1 of your 1 sessions at once').waitFor();
    await p.getByRole('button', { name: 'Take request from Sam Roe' }).click();
    await p.getByRole('alert').getByText(/You cannot take this request: you already hold 1 of your 1 sessions/).waitFor();
    await expect(p.getByRole('button', { name: 'Take request from Sam Roe' }).isVisible()).resolves.toBe(true);
  }));
