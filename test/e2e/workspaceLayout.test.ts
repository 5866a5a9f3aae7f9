// The session workspace on a laptop screen, in real Chromium: at 1440x900 the chat sits beside the remote screen,
// fully in view; the handle between them resizes it with the mouse and the keyboard and the width is remembered;
// the engineer's sessions are tabs, and a draft survives a switch to another customer and back. On a narrow
// window the chat comes right under the screen instead.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addEngineer, TestClient } from '../../server/testing/startTestServer.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ensureClientBuilt, startServer, type SpawnedServer } from '../helpers/server.ts';

const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };
const ANN = { username: 'ann', displayName: 'Ann Able', password: 'blue-lagoon-4821' };

let server: SpawnedServer;
let browser: Browser;
const ids: number[] = [];
const customerTokens: string[] = [];

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  browser = await launchChromium();
  const admin = new TestClient(server.url);
  expect((await admin.post('/api/setup', { token: server.setupToken, ...ADMIN })).status).toBe(200);
  expect((await addEngineer(admin, { ...ANN, role: 'engineer', deskIds: [1], stationIds: [] })).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

test('at 1440x900 the chat is beside the screen, resizable, remembered; sessions are tabs that keep drafts', async () => {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill(ANN.username);
  await page.getByLabel('Password').fill(ANN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Connection: Live' }).waitFor();

  // Two customers (Ann's open console makes the desk online), both taken by Ann.
  const ann = new TestClient(server.url);
  expect((await ann.post('/api/auth/login', { username: ANN.username, password: ANN.password })).status).toBe(200);
  for (const name of ['Pat Doe', 'Quinn Queue']) {
    const request = await new TestClient(server.url).post('/api/portal/requests', { deskId: 1, channel: 'remote', fields: { '1': name } });
    expect(request.status, request.text).toBe(200);
    ids.push(request.json.session.id as number);
    customerTokens.push(request.json.customerToken as string);
    expect((await ann.post(`/api/queue/${request.json.session.id}/take`)).status).toBe(200);
  }

  await page.goto(`/sessions/${ids[0]}`);
  const tabs = page.getByRole('navigation', { name: 'Your sessions' });
  await tabs.getByRole('link', { name: /Quinn Queue/ }).waitFor();
  expect(await tabs.getByRole('link').count()).toBe(2);
  expect(await tabs.getByRole('link', { name: /Pat Doe/ }).getAttribute('aria-current')).toBe('page');

  // Beside, not under: the chat starts right of the screen, at the same height, and fits in the window.
  await page.locator('#desktop-title').waitFor();
  const screen = await box(page, 'section[aria-labelledby="desktop-title"]');
  const chat = await box(page, '#workspace-chat');
  expect(chat.x).toBeGreaterThanOrEqual(screen.x + screen.width);
  expect(Math.abs(chat.y - screen.y)).toBeLessThan(40);
  expect(chat.y + chat.height).toBeLessThanOrEqual(900);
  expect(chat.width).toBeGreaterThan(300);
  await page.getByLabel('Message').waitFor();

  // The handle: dragged 120 px to the left, the chat is 120 px wider; the arrow keys move it by 24 px.
  const handle = page.getByRole('separator', { name: 'Chat width' });
  const start = Number(await handle.getAttribute('aria-valuenow'));
  const h = (await handle.boundingBox())!;
  await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await page.mouse.down();
  await page.mouse.move(h.x + h.width / 2 - 60, h.y + h.height / 2, { steps: 4 });
  await page.mouse.move(h.x + h.width / 2 - 120, h.y + h.height / 2, { steps: 4 });
  await page.mouse.up();
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(start + 120);
  expect(Math.round((await box(page, '#workspace-chat')).width)).toBe(Math.round(chat.width) + 120);
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(start + 96);

  // A message from Quinn while Ann is with Pat: Quinn's tab counts it.
  const quinn = new TestClient(server.url, { 'x-tessera-customer': customerTokens[1]! });
  expect((await quinn.post('/api/portal/session/chat', { text: 'Are you still there?' })).status).toBe(200);
  await tabs.getByRole('link', { name: /Quinn Queue.*1 new/ }).waitFor();
  expect(await tabs.getByRole('link', { name: /Pat Doe/ }).textContent()).not.toContain('new');

  // A draft for Pat, a switch to Quinn (empty composer), and back: the draft is there.
  await page.getByLabel('Message').fill('Could you open the printer settings?');
  await tabs.getByRole('link', { name: /Quinn Queue/ }).click();
  await page.waitForURL(`**/sessions/${ids[1]}`);
  await page.getByRole('heading', { name: /Quinn Queue/, level: 1 }).waitFor();
  expect(await page.getByLabel('Message').inputValue()).toBe('');
  await page.waitForFunction(() => !document.querySelector('nav[aria-label="Your sessions"]')?.textContent?.includes('new'));
  await tabs.getByRole('link', { name: /Pat Doe/ }).click();
  await page.getByRole('heading', { name: /Pat Doe/, level: 1 }).waitFor();
  expect(await page.getByLabel('Message').inputValue()).toBe('Could you open the printer settings?');

  // Remembered in this browser.
  await page.reload();
  await page.locator('#workspace-chat').waitFor();
  expect(Number(await page.getByRole('separator', { name: 'Chat width' }).getAttribute('aria-valuenow'))).toBe(start + 96);

  // A narrow window: one column, the chat right under the screen, no handle.
  await page.setViewportSize({ width: 900, height: 900 });
  const narrowScreen = await box(page, 'section[aria-labelledby="desktop-title"]');
  const narrowChat = await box(page, '#workspace-chat');
  expect(narrowChat.y).toBeGreaterThanOrEqual(narrowScreen.y + narrowScreen.height);
  const people = await box(page, 'section[aria-labelledby="people-title"]');
  expect(people.y).toBeGreaterThan(narrowChat.y);
  expect(await page.getByRole('separator', { name: 'Chat width' }).isVisible()).toBe(false);
  await context.close();
}, 90_000);
