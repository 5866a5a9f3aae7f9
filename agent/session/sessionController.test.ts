// Consent enforced on the agent, over a real socket (a Bun.serve peer playing a server that forges requests) and a
// real X server: input without 'control' is refused and never reaches XTest (xev sees nothing, the pointer does not
// move); taking control back, a dropped connection and the end of the session release every key and button (xev
// sees the releases); the clipboard goes both ways only with 'clipboard', within MAX_CLIPBOARD_CHARS.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, type ScreenCapture } from '../../native/capture.ts';
import { copyWithXclip, parseXev, runX, spawnX, startXvfb, waitUntil, type Started, type XServer } from '../../native/captureTesting.ts';
import { MAX_CLIPBOARD_CHARS, type Capability } from '../../server/protocol/agent.ts';
import { startAgent, type RunningAgent } from '../runAgent.ts';
import { ServerPeer } from '../testing/serverPeer.ts';

let x: XServer;
let capture: ScreenCapture;
let xev: Started;
let peer: ServerPeer;
let agent: RunningAgent | null = null;
const lines: string[] = [];

// xev's window at (100, 100), 300x200; with no window manager the keyboard focus follows the pointer into it.
beforeAll(async () => {
  x = await startXvfb(640, 480);
  capture = openCapture(x.display);
  xev = spawnX(x, 'xev', ['-geometry', '300x200+100+100', '-event', 'button', '-event', 'mouse', '-event', 'keyboard']);
  await waitUntil(() => xev.output().includes('Outer window is'), 'xev to start');
  await waitUntil(async () => (await runX(x, 'xwininfo', ['-root', '-tree'])).toString().includes('300x200+100+100'), 'xev mapped');
});

afterAll(async () => {
  capture?.close();
  await x?.stop();
});

afterEach(async () => {
  await agent?.stop();
  agent = null;
  peer?.stop();
  expect(peer.violations).toEqual([]);
});

async function online(allow: Capability[]) {
  peer = new ServerPeer();
  lines.length = 0;
  agent = startAgent({
    agentUrl: peer.agentUrl,
    session: 'join-token',
    allow,
    display: x.display,
    window: false,
    attended: false,
    backoff: { baseMs: 50, capMs: 200, resetAfterMs: 30_000 },
    log: (l) => lines.push(l),
  });
  await waitUntil(() => peer.last('consent'), 'the consent state after the welcome');
  return agent;
}

const events = () => parseXev(xev.output());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const A = 0x61, B = 0x62, SHIFT = 0xffe1;

async function pointerInXev() {
  await runX(x, 'xdotool', ['mousemove', '200', '200']);
  await waitUntil(() => capture.cursor().x === 200, 'the pointer over xev');
  await sleep(50);
}

describe('consent is enforced on the agent', () => {
  it('a forged input message without the control consent is refused and never reaches XTest', async () => {
    await online(['view']);
    await pointerInXev();
    const before = events().length;
    peer.send({
      type: 'input',
      events: [
        { type: 'pointer', x: 50, y: 60 },
        { type: 'key', keysym: A, down: true },
        { type: 'button', button: 1, down: true, x: 250, y: 250 },
        { type: 'text', text: 'rm -rf ~\n' },
      ],
    });
    await waitUntil(() => peer.last('refused'), 'the refusal');
    expect(peer.last('refused')).toEqual({ type: 'refused', what: 'input', reason: 'the user has not allowed control of the mouse and keyboard' });
    await sleep(300);
    expect(events().slice(before)).toEqual([]); // not a single key, button or motion
    expect(capture.cursor()).toMatchObject({ x: 200, y: 200 });
    expect(agent!.controller.heldInputs()).toBe(0);

    // The same message once the user allows control does arrive (so the silence above was the refusal).
    agent!.controller.consent.grant('control');
    peer.send({ type: 'input', events: [{ type: 'key', keysym: A, down: true }, { type: 'key', keysym: A, down: false }] });
    await waitUntil(() => events().slice(before).some((e) => e.type === 'KeyRelease' && e.keysym === A), 'the key in xev');
    expect(peer.of('refused')).toHaveLength(1);
  });

  it('no stuck keys: revoking control, a dropped connection and the end of the session release every key and button', async () => {
    await online(['view', 'control']);
    await pointerInXev();
    const press = async () => {
      const from = events().length;
      peer.send({
        type: 'input',
        events: [
          { type: 'pointer', x: 210, y: 210 },
          { type: 'key', keysym: SHIFT, down: true },
          { type: 'key', keysym: B, down: true },
          { type: 'button', button: 1, down: true, x: 210, y: 210 },
        ],
      });
      await waitUntil(() => agent!.controller.heldInputs() === 3, 'three held');
      await waitUntil(() => events().slice(from).some((e) => e.type === 'ButtonPress'), 'the presses in xev');
      return from;
    };
    const released = (from: number) => {
      const after = events().slice(from);
      return (
        after.some((e) => e.type === 'KeyRelease' && e.keysymName === 'Shift_L') &&
        // xev names the key by the state at release: 'B' if Shift was still down, 'b' if it went first
        after.some((e) => e.type === 'KeyRelease' && (e.keysym === B || e.keysym === 0x42)) &&
        after.some((e) => e.type === 'ButtonRelease' && e.button === 1)
      );
    };

    // 1. The user revokes control.
    let from = await press();
    agent!.controller.revoke('control');
    expect(agent!.controller.heldInputs()).toBe(0);
    await waitUntil(() => released(from), 'the releases after the revocation');
    await waitUntil(() => peer.last('consent')?.granted.join() === 'view', 'the consent message');
    peer.send({ type: 'input', events: [{ type: 'key', keysym: A, down: true }] });
    await waitUntil(() => peer.last('refused')?.what === 'input', 'input refused after the revocation');

    // 2. The connection drops.
    agent!.controller.consent.grant('control');
    from = await press();
    const consentsBefore = peer.of('consent').length;
    peer.disconnect();
    await waitUntil(() => released(from), 'the releases after the disconnect');
    expect(agent!.controller.heldInputs()).toBe(0);
    await waitUntil(() => peer.connections === 2 && peer.connected, 'the agent back');
    // A consent message sent on the new connection: the agent has its welcome (messages before it are dropped).
    await waitUntil(() => peer.of('consent').length > consentsBefore && peer.last('consent')?.granted.includes('control'), 'the consent restated');

    // 3. The session ends.
    from = await press();
    peer.send({ type: 'session-ended' });
    expect(await agent!.done).toBe(0);
    await waitUntil(() => released(from), 'the releases at the end');
    expect(agent!.controller.ended).toBe(true);
  });

  it('clipboard both ways only with the clipboard consent, within MAX_CLIPBOARD_CHARS', async () => {
    await online(['view']);
    await copyWithXclip(x, 'before');
    peer.send({ type: 'clipboard', text: 'forged' });
    peer.send({ type: 'clipboard-request' });
    await waitUntil(() => peer.of('refused').length === 2, 'two refusals');
    expect(peer.of('refused').map((r) => r.what)).toEqual(['clipboard', 'clipboard-request']);
    await copyWithXclip(x, 'secret while not allowed');
    await sleep(300);
    expect(peer.of('clipboard')).toEqual([]);
    expect((await runX(x, 'xclip', ['-selection', 'clipboard', '-o'])).toString()).toBe('secret while not allowed');

    agent!.controller.consent.grant('clipboard');
    await waitUntil(() => peer.last('consent')?.granted.includes('clipboard'), 'the consent message');
    const text = 'Grüße ✓ 𝄞 from the engineer\nline 2';
    peer.send({ type: 'clipboard', text });
    await waitUntil(async () => (await runX(x, 'xclip', ['-selection', 'clipboard', '-o'])).toString() === text, 'the text on the X clipboard');

    await copyWithXclip(x, 'copied on the machine');
    await waitUntil(() => peer.last('clipboard')?.text === 'copied on the machine', 'the change sent');
    peer.send({ type: 'clipboard-request' });
    await waitUntil(() => peer.of('clipboard').length === 2, 'the answer to the request');
    expect(peer.last('clipboard')!.text).toBe('copied on the machine');

    const atLimit = 'x'.repeat(MAX_CLIPBOARD_CHARS);
    await copyWithXclip(x, atLimit);
    await waitUntil(() => peer.last('clipboard')?.text.length === MAX_CLIPBOARD_CHARS, 'text at the limit sent', 10_000);
    const refusals = peer.of('refused').length;
    await copyWithXclip(x, `${atLimit}y`);
    await waitUntil(() => peer.of('refused').length > refusals, 'the refusal over the limit', 10_000);
    expect(peer.last('refused')).toEqual({ type: 'refused', what: 'clipboard', reason: `the clipboard holds more than ${MAX_CLIPBOARD_CHARS} characters` });
    peer.send({ type: 'clipboard-request' });
    await waitUntil(() => peer.of('refused').length > refusals + 1, 'the request refused too', 10_000);
    expect(peer.of('clipboard').every((m) => m.text.length <= MAX_CLIPBOARD_CHARS)).toBe(true);

    agent!.controller.revoke('clipboard');
    const sent = peer.of('clipboard').length;
    await copyWithXclip(x, 'after the revocation');
    await sleep(300);
    expect(peer.of('clipboard')).toHaveLength(sent);
    peer.send({ type: 'clipboard', text: 'forged again' });
    await waitUntil(() => peer.last('refused')?.what === 'clipboard' && peer.last('refused')?.reason.includes('not allowed'), 'refused again');
    expect((await runX(x, 'xclip', ['-selection', 'clipboard', '-o'])).toString()).toBe('after the revocation');
  });

  it('without a window, requests for access are answered no at once; pre-allowed ones yes, until the user revokes them', async () => {
    await online(['view']);
    peer.send({ type: 'consent-request', capability: 'control', by: 'Eve Engineer' });
    await waitUntil(() => peer.of('consent').length === 2, 'the answer');
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: ['view'] });
    peer.send({ type: 'consent-request', capability: 'view', by: 'Eve Engineer' });
    await waitUntil(() => peer.of('consent').length === 3, 'the answer');
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: ['view'] });
    agent!.controller.revoke('view');
    peer.send({ type: 'consent-request', capability: 'view', by: 'Eve Engineer' });
    await waitUntil(() => peer.of('consent').length === 5, 'the revocation and the answer');
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: [] }); // the user's revocation stands
    expect(agent!.controller.snapshot().people).toEqual(['Eve Engineer']);
  });
});
