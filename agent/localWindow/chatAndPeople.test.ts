// Who is connected and the chat in the agent's local window: a real agent connected over a real socket to a Bun.serve
// peer playing the server, the window's loopback HTTP API driven with its token, and the page in real Chromium.
// Names and lines from the server are text, never HTML; the user's lines leave as `chat` messages (the server's own
// parser checks them); a forged participants or chat message is refused before it reaches the window; the session
// log file on this computer records the chat.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, waitUntil, type XServer } from '../../native/captureTesting.ts';
import { MAX_AGENT_CHAT_CHARS } from '../../server/protocol/agent.ts';
import { launchChromium } from '../../test/helpers/browser.ts';
import { startAgent, type RunningAgent } from '../runAgent.ts';
import { ServerPeer } from '../testing/serverPeer.ts';
import type { RecordingPolicy } from '../../server/protocol/recording.ts';
import type { WindowState } from './localWindow.ts';

let x: XServer;
let peer: ServerPeer;
let agent: RunningAgent | null = null;
let browser: Browser | null = null;
let logDir: string;

beforeAll(async () => {
  x = await startXvfb(320, 240);
});

afterAll(async () => {
  await browser?.close();
  await x?.stop();
});

afterEach(async () => {
  await agent?.stop();
  agent = null;
  peer?.stop();
  rmSync(logDir, { recursive: true, force: true });
  expect(peer.violations).toEqual([]);
});

async function online(recording: RecordingPolicy = 'always') {
  peer = new ServerPeer({ id: 42, desk: 'Helpdesk', recording });
  logDir = mkdtempSync(join(tmpdir(), 'tessera-agent-chat-'));
  agent = startAgent({
    agentUrl: peer.agentUrl,
    session: 'join-token',
    display: x.display,
    openBrowser: false,
    logDir,
    log: () => {},
  });
  await waitUntil(() => peer.last('consent'), 'the consent state after the welcome');
  return agent.windowUrl!;
}

const post = (url: string, path: string, body: unknown) =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const state = async (url: string) => (await (await fetch(`${url}state`)).json()) as WindowState;
const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

describe('local window: who is connected and the chat', () => {
  it('shows the people and the chat the server sends, sends the user’s lines, refuses bad ones and forged messages', async () => {
    const url = await online();
    expect((await state(url)).connected).toEqual([]);
    expect((await state(url)).chat).toEqual([]);

    peer.send({
      type: 'participants',
      people: [
        { name: 'Customer', role: 'customer' },
        { name: 'OLGA', role: 'engineer' },
      ],
    });
    peer.send({ type: 'chat', entries: [{ at: '2026-11-22T08:00:00.000Z', from: 'OLGA', text: 'Hello, how can I help?' }] });
    await waitUntil(async () => (await state(url)).chat.length === 1, 'the history in the window');
    expect((await state(url)).connected).toEqual([
      { name: 'Customer', role: 'customer' },
      { name: 'OLGA', role: 'engineer' },
    ]);

    // The history again after a reconnect's welcome: lines already shown are not repeated.
    peer.send({
      type: 'chat',
      entries: [
        { at: '2026-11-22T08:00:00.000Z', from: 'OLGA', text: 'Hello, how can I help?' },
        { at: '2026-11-22T08:00:05.000Z', from: 'SUE', text: 'joined' },
      ],
    });
    await waitUntil(async () => (await state(url)).chat.length === 2, 'the new line');

    // The user's line leaves as a chat message, trimmed; the window shows it when the server echoes it.
    const sent = await post(url, 'chat', { text: '  My printer is broken  ' });
    expect(sent.status).toBe(200);
    await waitUntil(() => peer.last('chat'), 'the chat message at the server');
    expect(peer.last('chat')).toEqual({ type: 'chat', text: 'My printer is broken' });
    expect((await state(url)).chat).toHaveLength(2);

    // Bad lines: a clear 400 and nothing sent.
    for (const [body, error] of [
      [{ text: '   ' }, 'the message is empty'],
      [{}, 'the message must be text'],
      [{ text: 'x'.repeat(MAX_AGENT_CHAT_CHARS + 1) }, `the message is longer than ${MAX_AGENT_CHAT_CHARS} characters`],
    ] as const) {
      const res = await post(url, 'chat', body);
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(error);
    }
    // A line of the longest length with every character escaped in JSON still fits the window's body limit.
    expect((await post(url, 'chat', { text: '"'.repeat(MAX_AGENT_CHAT_CHARS) })).status).toBe(200);
    await waitUntil(() => peer.of('chat').length === 2, 'the long line');
    // Without the token: 403, nothing sent.
    expect((await fetch(url.replace(/\/[^/]+\/$/, '/wrong/') + 'chat', { method: 'POST', body: '{"text":"hi"}' })).status).toBe(403);

    // The server refuses a line (rate limit): the window says why.
    peer.send({ type: 'error', error: 'too many chat messages; try again in 40 s' });
    await waitUntil(async () => (await state(url)).chatError === 'too many chat messages; try again in 40 s', 'the refusal shown');

    // Forged shapes are refused by the parser: the window keeps what it had.
    peer.send({ type: 'participants', people: [{ name: 'x'.repeat(101), role: 'engineer' }] });
    peer.send({ type: 'participants', people: [{ name: 'Mallory', role: 'admin' }] });
    peer.send({ type: 'chat', entries: [{ at: 'not a time', from: 'Mallory', text: 'hi' }] });
    peer.send({ type: 'chat', entries: [] });
    await Bun.sleep(200);
    expect((await state(url)).connected.map((p) => p.name)).toEqual(['Customer', 'OLGA']);
    expect((await state(url)).chat.map((c) => c.from)).toEqual(['OLGA', 'SUE']);

    // Someone leaves.
    peer.send({ type: 'participants', people: [{ name: 'Customer', role: 'customer' }] });
    await waitUntil(async () => (await state(url)).connected.length === 1, 'OLGA gone');

    // The session log on this computer has the chat and who came and went.
    const file = readFileSync((await state(url)).logFile!, 'utf8');
    expect(file).toContain('chat OLGA: Hello, how can I help?');
    expect(file).toContain('chat SUE: joined');
    expect(file).toContain('connected now: OLGA (engineer)');
    expect(file).toContain('left: OLGA (engineer)');
    expect(file.match(/Hello, how can I help\?/g)).toHaveLength(1);
  });

  it('in a real browser: people and chat are shown as text (no HTML from the server), Enter sends, live lines appear', async () => {
    const url = await online();
    browser ??= await launchChromium();
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(url);
      peer.send({
        type: 'participants',
        people: [{ name: 'Customer', role: 'customer' }, { name: 'OTTO', role: 'owner' }, { name: EVIL.slice(0, 100), role: 'expert' }],
      });
      peer.send({ type: 'chat', entries: [{ at: '2026-11-22T08:00:00.000Z', from: 'OLGA', text: EVIL }] });
      await page.locator('[data-person="expert"]').getByText(EVIL.slice(0, 100), { exact: true }).waitFor();
      await page.locator('[data-chat] .text').getByText(EVIL, { exact: true }).waitFor();
      await page.locator('#connected').getByText('(outside expert)').waitFor();
      await page.locator('[data-person="owner"]').getByText('(engineer in charge)').waitFor();
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('#connected img, #chat-lines img, #chat-lines script').count()).toBe(0);

      await page.locator('#chat-text').fill('It works <b>now</b>');
      await page.locator('#chat-text').press('Enter');
      await waitUntil(() => peer.last('chat'), 'the line at the server');
      expect(peer.last('chat')).toEqual({ type: 'chat', text: 'It works <b>now</b>' });
      expect(await page.locator('#chat-text').inputValue()).toBe('');

      // The server echoes it as the customer's line; an engineer answers live.
      peer.send({ type: 'chat', entries: [{ at: '2026-11-22T08:01:00.000Z', from: 'Customer', text: 'It works <b>now</b>' }] });
      peer.send({ type: 'chat', entries: [{ at: '2026-11-22T08:01:10.000Z', from: 'OLGA', text: 'Great, closing the session' }] });
      await page.getByText('Great, closing the session').waitFor();
      expect(await page.locator('[data-chat]').count()).toBe(3);
      expect(await page.locator('#chat-lines b').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says whether the screen is recorded before anything is shown, and while the recording runs', async () => {
    const url = await online('ask');
    browser ??= await launchChromium();
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(url);
      await page.locator('#recording').getByText('only if you allow "Record" below').waitFor();
      await page.locator('[data-capability="record"]').waitFor();
      peer.send({ type: 'recording', on: true });
      await page.locator('#recording.recording-now').getByText('your screen is being recorded now').waitFor();
      expect((await state(url)).recordingNow).toBe(true);
      peer.send({ type: 'recording', on: false });
      await page.locator('#recording').getByText('only if you allow "Record" below').waitFor();
      peer.send({ type: 'recording', on: 'yes' }); // forged: ignored, logged
      await Bun.sleep(100);
      expect((await state(url)).recordingNow).toBe(false);
      // a dropped connection: nothing is recorded without it
      peer.send({ type: 'recording', on: true });
      await waitUntil(async () => (await state(url)).recordingNow, 'recording again');
      peer.disconnect();
      await waitUntil(async () => !(await state(url)).recordingNow, 'not recording while disconnected');
    } finally {
      await page.close();
    }
  });
});
