// The agent's local window: a real loopback HTTP server driven with fetch and with real Chromium, the agent
// connected over a real socket to a Bun.serve peer playing the server, and a real X server behind it. Every path
// needs the token; a consent prompt answered Allow reaches the server as a consent message and starts what was
// waiting; Stop all revokes everything at once and stops streaming and input.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, type ScreenCapture } from '../../native/capture.ts';
import { runX, startXvfb, waitUntil, type XServer } from '../../native/captureTesting.ts';
import type { Capability } from '../../server/protocol/agent.ts';
import { launchChromium } from '../../test/helpers/browser.ts';
import { startAgent, type RunningAgent } from '../runAgent.ts';
import { matchesScreen, ServerPeer } from '../testing/serverPeer.ts';
import type { WindowState } from './localWindow.ts';

let x: XServer;
let capture: ScreenCapture;
let peer: ServerPeer;
let agent: RunningAgent | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  x = await startXvfb(480, 360);
  capture = openCapture(x.display);
});

afterAll(async () => {
  await browser?.close();
  capture?.close();
  await x?.stop();
});

afterEach(async () => {
  await agent?.stop();
  agent = null;
  peer?.stop();
  expect(peer.violations).toEqual([]);
});

async function online(allow: Capability[] = [], onLeave = false) {
  peer = new ServerPeer();
  agent = startAgent({
    agentUrl: peer.agentUrl,
    session: 'join-token',
    allow,
    display: x.display,
    openBrowser: false,
    attended: onLeave, // the leave button exists in attended mode only
    provider: 'Acme IT',
    log: () => {},
  });
  await waitUntil(() => peer.last('consent'), 'the consent state after the welcome');
  return { agent, url: agent.windowUrl! };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const post = (url: string, path: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const state = async (url: string) => (await (await fetch(`${url}state`)).json()) as WindowState;

describe('local window', () => {
  it('listens on 127.0.0.1 only and answers nothing without the token (403)', async () => {
    const { url } = await online();
    const { origin, pathname } = new URL(url);
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = pathname.slice(1, -1);
    expect(token.length).toBeGreaterThanOrEqual(32);
    for (const path of ['/', '/state', '/events', `/${token.slice(0, -1)}/`, `/${token}x/state`, `/${token.toUpperCase()}/`, `/x/${token}/`, '/favicon.ico']) {
      const res = await fetch(origin + path);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toBe('forbidden');
    }
    const refusedStopAll = await post(`${origin}/not-the-token/`, 'stop-all');
    expect(refusedStopAll.status).toBe(403);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toMatch(/Stop all/);
    expect(await state(url)).toMatchObject({ server: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), provider: 'Acme IT', connection: 'online', session: { id: 42, desk: 'Helpdesk' } });
    expect((await fetch(`${url}nothing-here`)).status).toBe(404);
    expect((await fetch(url, { method: 'PUT' })).status).toBe(405);
    // a page elsewhere cannot post even with the token (it would send its own Origin)
    expect((await post(url, 'stop-all', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(url, 'revoke', { capability: 'everything' })).status).toBe(400);
    expect((await post(url, 'answer', { id: 'one', allow: 'yes' })).status).toBe(400);
    const notJson = await fetch(`${url}answer`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect(peer.of('consent')).toHaveLength(1); // none of that changed anything
  });

  it('a request is shown as a question; Allow sends the consent to the server and starts the desktop it asked for; Deny answers no', async () => {
    const { url, agent } = await online();
    const events = await fetch(`${url}events`);
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = events.body!.getReader();
    const pushed: WindowState[] = [];
    void (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (chunk.startsWith('data: ')) pushed.push(JSON.parse(chunk.slice(6)) as WindowState);
        }
      }
    })();

    peer.send({ type: 'desktop-start' });
    await waitUntil(() => peer.last('refused')?.what === 'desktop-start', 'the refusal without view');
    peer.send({ type: 'consent-request', capability: 'view', by: 'Eve Engineer' });
    const asked = await waitUntil(() => pushed.find((s) => s.questions.length === 1), 'the question pushed to the page');
    expect(asked.questions[0]).toEqual({ id: expect.any(Number), capability: 'view', by: 'Eve Engineer' });
    expect(asked.people).toEqual(['Eve Engineer']);
    expect(peer.of('consent')).toHaveLength(1); // nothing answered yet: the user decides

    const allowed = await post(url, 'answer', { id: asked.questions[0]!.id, allow: true });
    expect(allowed.status).toBe(200);
    await waitUntil(() => peer.last('consent')?.granted.includes('view'), 'the consent message');
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: ['view'] });
    await waitUntil(() => matchesScreen(peer, capture), 'the screen the server had asked for');
    await waitUntil(() => pushed.at(-1)?.watching === true && pushed.at(-1)?.questions.length === 0, 'the page updated');
    expect(pushed.at(-1)!.capabilities.find((c) => c.capability === 'view')).toMatchObject({ granted: true });
    expect((await post(url, 'answer', { id: asked.questions[0]!.id, allow: true })).status).toBe(404); // answered already

    peer.send({ type: 'consent-request', capability: 'control', by: 'Eve Engineer' });
    peer.send({ type: 'consent-request', capability: 'control', by: 'Eve Engineer' }); // asked twice: one question
    const second = await waitUntil(() => pushed.at(-1)?.questions.find((q) => q.capability === 'control'), 'the second question');
    await sleep(100);
    expect((await state(url)).questions).toHaveLength(1);
    const consents = peer.of('consent').length;
    expect((await post(url, 'answer', { id: second.id, allow: false })).status).toBe(200);
    await waitUntil(() => peer.of('consent').length > consents, 'the answer');
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: ['view'] });
    expect(agent.controller.consent.has('control')).toBe(false);
    await reader.cancel();
  });

  it('Stop all revokes everything at once: streaming stops, held keys are released, input and clipboard are refused, questions are withdrawn', async () => {
    const { url, agent } = await online(['view', 'control', 'clipboard']);
    peer.send({ type: 'desktop-start' });
    await waitUntil(() => matchesScreen(peer, capture), 'streaming');
    peer.send({ type: 'input', events: [{ type: 'key', keysym: 0xffe3, down: true }, { type: 'button', button: 1, down: true, x: 5, y: 5 }] });
    await waitUntil(() => agent.controller.heldInputs() === 2, 'keys held');
    peer.send({ type: 'consent-request', capability: 'files', by: 'Eve Engineer' });
    await waitUntil(async () => (await state(url)).questions.length === 1, 'a pending question');
    const question = (await state(url)).questions[0]!;

    const consents = peer.of('consent').length;
    const res = await post(url, 'stop-all');
    expect(res.status).toBe(200);
    const after = (await res.json()) as WindowState;
    expect(after.capabilities.every((c) => !c.granted)).toBe(true);
    expect(after.questions).toEqual([]);
    expect(after.watching).toBe(false);
    await waitUntil(() => peer.last('consent')?.granted.length === 0, 'the consent message with nothing granted');
    expect(peer.of('consent')).toHaveLength(consents + 1); // all at once, in one message
    expect(agent.controller.heldInputs()).toBe(0);
    expect((await post(url, 'answer', { id: question.id, allow: true })).status).toBe(404); // withdrawn

    const frames = peer.frames.length;
    await runX(x, 'xsetroot', ['-solid', '#ff00ff']);
    await sleep(300);
    expect(peer.frames.length).toBe(frames);
    const refusals = peer.of('refused').length;
    peer.send({ type: 'input', events: [{ type: 'pointer', x: 1, y: 1 }] });
    peer.send({ type: 'clipboard-request' });
    await waitUntil(() => peer.of('refused').length === refusals + 2, 'both refused');
    // Stop all also ended the pre-allowance: a new request asks the user (nobody answers here, so it stays open)
    peer.send({ type: 'consent-request', capability: 'view', by: 'Eve Engineer' });
    await waitUntil(async () => (await state(url)).questions.length === 1, 'asked again');
    expect(peer.last('consent')?.granted).toEqual([]);
  });

  it('in a real browser: the page shows the question, Allow and Revoke work, and "Stop all and end the session" ends the agent', async () => {
    browser ??= await launchChromium();
    const { url, agent } = await online([], true);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(url);
      await page.getByText('Support by Acme IT').waitFor();
      await page.locator('[data-capability="control"]').getByText('Not allowed', { exact: true }).waitFor();
      await page.getByText('#42 (Helpdesk)').waitFor();
      peer.send({ type: 'consent-request', capability: 'control', by: '<b>Eve</b> Engineer' });
      const question = page.locator('[data-question]');
      await question.getByText('<b>Eve</b> Engineer asks to: Control your mouse and keyboard').waitFor(); // text, never HTML
      await question.getByRole('button', { name: 'Allow' }).click();
      await waitUntil(() => peer.last('consent')?.granted.includes('control'), 'the consent message');
      const row = page.locator('[data-capability="control"]');
      await row.getByText('Allowed', { exact: true }).waitFor();
      await row.getByRole('button', { name: 'Revoke' }).click();
      await waitUntil(() => peer.last('consent')?.granted.length === 0, 'the revocation');
      await row.getByText('Not allowed', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Stop all and end the session' }).click();
      expect(await agent.done).toBe(0);
      expect(peer.last('consent')).toEqual({ type: 'consent', granted: [] });
      await waitUntil(() => !peer.connected, 'the connection closed');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
