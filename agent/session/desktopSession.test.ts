// The agent's live desktop over a real socket (a Bun.serve peer playing the server) against a real X server (Xvfb):
// framing (Keyframe first, Updates, Refresh on request) decoded bit-exact, pacing by the server's acks (never more
// than one frame unacknowledged, intermediate screens skipped), the monitors message at start and on every layout
// change, and a resolution change mid-session without a reconnect.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, type ScreenCapture } from '../../native/capture.ts';
import { runX, startXvfb, waitUntil, type XServer } from '../../native/captureTesting.ts';
import { DesktopFrame } from '../../server/protocol/desktop.ts';
import { startAgent, type RunningAgent } from '../runAgent.ts';
import { matchesScreen, ServerPeer } from '../testing/serverPeer.ts';

const W = 640, H = 480;
let x: XServer;
let capture: ScreenCapture;
let peer: ServerPeer;
let agent: RunningAgent | null = null;
const lines: string[] = [];

beforeAll(async () => {
  x = await startXvfb(W, H);
  capture = openCapture(x.display);
});

afterAll(async () => {
  capture?.close();
  await x?.stop();
});

afterEach(async () => {
  await agent?.stop();
  agent = null;
  peer?.stop();
  expect(peer.violations).toEqual([]); // nothing the real server would have refused
});

async function online(allow: ('view' | 'control' | 'files' | 'clipboard')[] = ['view']) {
  peer = new ServerPeer();
  lines.length = 0;
  agent = startAgent({
    agentUrl: peer.agentUrl,
    session: 'join-token',
    allow,
    display: x.display,
    window: false,
    attended: false, // the test process is not a downloaded agent: nothing of it to clean up
    log: (l) => lines.push(l),
    stream: { maxFps: 60, idleAfterMs: 300, idleFps: 10 },
  });
  await waitUntil(() => peer.last('consent'), 'the consent state after the welcome');
  return agent;
}

const kinds = () => peer.pictures().map((f) => DesktopFrame[f.kind]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('desktop over the agent connection', () => {
  it('Keyframe first, then Updates; a desktop-refresh brings a Refresh at once; the decoded stream equals the screen bit for bit', async () => {
    await runX(x, 'xsetroot', ['-mod', '3', '5', '-fg', '#3060a0', '-bg', '#f0e0c0']);
    await online();
    expect(peer.hellos[0]).toMatchObject({ session: 'join-token' });
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: ['view'] });
    peer.send({ type: 'desktop-start' });
    await waitUntil(() => matchesScreen(peer, capture), 'the exact screen', 10_000);
    expect(kinds()[0]).toBe('Keyframe');
    expect(kinds().slice(1).every((k) => k === 'Update')).toBe(true);
    // the monitors message came before the first frame
    expect(peer.of('monitors')[0]).toEqual({ type: 'monitors', monitors: [expect.objectContaining({ x: 0, y: 0, width: W, height: H })], current: 'all' });

    await runX(x, 'xsetroot', ['-solid', '#123456']);
    await waitUntil(() => matchesScreen(peer, capture), 'the change');
    expect(kinds().at(-1)).toBe('Update');

    await sleep(400); // idle: nothing more to send
    const before = peer.pictures().length;
    await sleep(200);
    expect(peer.pictures().length).toBe(before);
    peer.send({ type: 'desktop-refresh' });
    await waitUntil(() => peer.pictures().length > before, 'the Refresh', 2000);
    expect(kinds().slice(before)).toEqual(['Refresh']);
    expect(matchesScreen(peer, capture)).toBe(true);
    // A cursor shape is re-sent with the refresh (a resynchronised viewer needs it too).
    expect(peer.frames.slice(peer.frames.findIndex((f) => f.kind === DesktopFrame.Refresh)).some((f) => f.kind === DesktopFrame.CursorShape)).toBe(true);

    await runX(x, 'xsetroot', ['-solid', '#654321']);
    await waitUntil(() => matchesScreen(peer, capture), 'a change after the refresh');
    expect(kinds().at(-1)).toBe('Update');

    // desktop-key: a whole new picture at once, though nothing changed (the server has no picture of its own)
    const beforeKey = peer.pictures().length;
    peer.send({ type: 'desktop-key' });
    await waitUntil(() => peer.pictures().length > beforeKey && matchesScreen(peer, capture), 'the Keyframe, exact', 3000);
    // (a progressive key picture may be followed by refinements)
    expect(kinds()[beforeKey]).toBe('Keyframe');
    expect(kinds().slice(beforeKey + 1).every((k) => k === 'Update')).toBe(true);

    peer.send({ type: 'desktop-stop' });
    await waitUntil(() => lines.includes('stopped streaming the screen'), 'the stop');
    const stopped = peer.frames.length;
    await runX(x, 'xsetroot', ['-solid', '#ffffff']);
    await sleep(300);
    expect(peer.frames.length).toBe(stopped);
  });

  it('paced by acks: while the server withholds them one frame at most is unacknowledged, and only the latest screen goes out', async () => {
    await runX(x, 'xsetroot', ['-solid', '#000000']);
    await online();
    peer.autoAck = false;
    peer.send({ type: 'desktop-start' });
    await waitUntil(() => peer.pictures().length >= 1, 'the first picture');
    await sleep(300);
    // One tick's frames (the picture and its cursor frames), then nothing: the agent waits for the ack.
    expect(peer.pictures()).toHaveLength(1);
    expect(agent!.controller.unacknowledgedBytes).toBe(peer.bytesReceived);

    // Step by step: ack, and each time at most one more picture arrives before the next ack.
    const pixel = () => {
      const rgba = peer.decoder.rgba();
      return `${rgba[0]},${rgba[1]},${rgba[2]}`;
    };
    const seen = new Set<string>();
    const step = async () => {
      const count = peer.pictures().length;
      peer.ack();
      await sleep(120);
      expect(peer.pictures().length - count).toBeLessThanOrEqual(1);
      seen.add(pixel());
    };
    for (let i = 0; i < 10 && !matchesScreen(peer, capture); i++) await step();
    expect(matchesScreen(peer, capture)).toBe(true);

    // Four screens while the last frame is unacknowledged: none of the intermediate ones is ever sent.
    peer.ack();
    await sleep(100);
    const beforeChanges = peer.pictures().length;
    await runX(x, 'xsetroot', ['-solid', '#ff0000']);
    await waitUntil(() => peer.pictures().length > beforeChanges, 'the red screen');
    await sleep(100);
    expect(peer.pictures().length).toBe(beforeChanges + 1); // and nothing behind it
    for (const color of ['#00ff00', '#0000ff', '#ffff00']) {
      await runX(x, 'xsetroot', ['-solid', color]);
      await sleep(60);
    }
    expect(peer.pictures().length).toBe(beforeChanges + 1);
    seen.clear();
    for (let i = 0; i < 10 && !matchesScreen(peer, capture); i++) await step();
    expect(matchesScreen(peer, capture)).toBe(true);
    expect(seen.has('0,255,0')).toBe(false);
    expect(seen.has('0,0,255')).toBe(false);
    expect(pixel()).toBe('255,255,0');

    // A forged ack (more than was sent) does not unblock the agent.
    await runX(x, 'xsetroot', ['-solid', '#808080']);
    await sleep(150);
    const blocked = peer.pictures().length;
    peer.send({ type: 'desktop-ack', bytes: peer.bytesReceived + 1_000_000 });
    await runX(x, 'xsetroot', ['-solid', '#404040']);
    await sleep(200);
    expect(peer.pictures().length).toBe(blocked);
    await waitUntil(() => lines.some((l) => /ignored a desktop-ack of \d+ bytes/.test(l)), 'the log line');
    peer.autoAck = true;
    peer.ack();
    await waitUntil(() => matchesScreen(peer, capture), 'the latest screen after the real ack');
  });

  it('monitors: listed at start and on every layout change; a monitor can be chosen; a resolution change keeps the stream going without a reconnect', async () => {
    await runX(x, 'xsetroot', ['-mod', '2', '2', '-fg', '#ffffff', '-bg', '#000080']);
    await online(['view', 'control']);
    peer.send({ type: 'desktop-start' });
    await waitUntil(() => matchesScreen(peer, capture), 'the first picture');
    expect(peer.of('monitors')).toHaveLength(1);

    await runX(x, 'xrandr', ['--setmonitor', 'LEFT', `${W / 2}/100x${H}/100+0+0`, 'none']);
    await runX(x, 'xrandr', ['--setmonitor', 'RIGHT', `${W / 2}/100x${H}/100+${W / 2}+0`, 'none']);
    try {
      const both = await waitUntil(() => peer.of('monitors').find((m) => m.monitors.some((mm) => mm.name === 'RIGHT')), 'a monitors message with RIGHT');
      const right = both.monitors.findIndex((m) => m.name === 'RIGHT');
      expect(both.monitors[right]).toEqual({ x: W / 2, y: 0, width: W / 2, height: H, name: 'RIGHT', primary: expect.any(Boolean) });

      const keyframesBefore = peer.pictures().filter((f) => f.kind === DesktopFrame.Keyframe).length;
      peer.send({ type: 'monitor', index: right });
      await waitUntil(() => peer.last('monitors')?.current === right, 'the choice confirmed');
      await waitUntil(() => matchesScreen(peer, capture, { x: W / 2, y: 0, width: W / 2, height: H }), 'only the right monitor');
      expect(peer.pictures().filter((f) => f.kind === DesktopFrame.Keyframe).length).toBe(keyframesBefore + 1); // a new size: a new epoch
      // input lands relative to the chosen monitor
      peer.send({ type: 'input', events: [{ type: 'pointer', x: 10, y: 20 }] });
      await waitUntil(() => capture.cursor().x === W / 2 + 10, 'the pointer on the right monitor');

      peer.send({ type: 'monitor', index: 9 });
      await waitUntil(() => peer.last('refused')?.what === 'monitor', 'the refusal');
      expect(peer.last('refused')!.reason).toMatch(/no monitor 9/);
      peer.send({ type: 'monitor', index: 'all' });
      await waitUntil(() => matchesScreen(peer, capture), 'the whole desktop again');
    } finally {
      await runX(x, 'xrandr', ['--delmonitor', 'LEFT']).catch(() => {});
      await runX(x, 'xrandr', ['--delmonitor', 'RIGHT']).catch(() => {});
    }

    // Resolution change: the stream follows with a new epoch (Keyframe) at the new size, on the same connection.
    const monitorsBefore = peer.of('monitors').length;
    const keyframes = peer.pictures().filter((f) => f.kind === DesktopFrame.Keyframe).length;
    await runX(x, 'xrandr', ['--output', 'screen', '--off', '--fb', '512x384']);
    try {
      await waitUntil(() => peer.size.width === 512 && peer.size.height === 384, 'pictures at the new size', 10_000);
      await waitUntil(() => matchesScreen(peer, capture), 'the new screen exact');
      expect(peer.pictures().filter((f) => f.kind === DesktopFrame.Keyframe).length).toBeGreaterThan(keyframes);
      await waitUntil(() => peer.of('monitors').length > monitorsBefore, 'a monitors message for the new layout');
      expect(peer.connections).toBe(1);
    } finally {
      await runX(x, 'xrandr', ['--fb', `${W}x${H}`, '--output', 'screen', '--mode', `${W}x${H}`]).catch(() => {});
    }
    await waitUntil(() => peer.size.width === W && matchesScreen(peer, capture), 'back to the first size', 10_000);
  });

  it('without the view consent a desktop-start is refused and nothing is captured; granting view later starts the stream the server asked for', async () => {
    await online([]);
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: [] });
    peer.send({ type: 'desktop-start' });
    await waitUntil(() => peer.last('refused'), 'the refusal');
    expect(peer.last('refused')).toEqual({ type: 'refused', what: 'desktop-start', reason: 'the user has not allowed viewing the screen' });
    peer.send({ type: 'desktop-refresh' });
    peer.send({ type: 'monitor', index: 0 });
    await waitUntil(() => peer.of('refused').length === 2, 'the monitor refusal');
    await sleep(200);
    expect(peer.frames).toEqual([]);
    expect(peer.of('monitors')).toEqual([]);
    agent!.controller.consent.grant('view'); // what the user's Allow does
    await waitUntil(() => matchesScreen(peer, capture), 'the stream once allowed');
    expect(peer.last('consent')).toEqual({ type: 'consent', granted: ['view'] });
    agent!.controller.revoke('view');
    await waitUntil(() => peer.last('consent')?.granted.length === 0, 'the revocation');
    expect(agent!.controller.desktop).toBeNull();
    const frames = peer.frames.length;
    await runX(x, 'xsetroot', ['-solid', '#a0a0a0']);
    await sleep(300);
    expect(peer.frames.length).toBe(frames);
  });
});
