// The agent's own copy of the session log. The whole agent (startAgent: connection, session controller) runs against
// a ServerPeer over a real socket and a real X server; the test plays the server (requests, desktop, clipboard, a
// forged input, a dropped connection, the end) and the user (Allow, Deny, Revoke, Stop all), then reads the file:
// one complete, timestamped line per event, in order, with clipboard sizes but never their text, and the file is
// still there after attended mode's cleanup.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, waitUntil, type XServer } from '../../native/captureTesting.ts';
import type { Capability } from '../../server/protocol/agent.ts';
import { parseArgs } from '../cli.ts';
import { startAgent, type RunningAgent } from '../runAgent.ts';
import { ServerPeer } from '../testing/serverPeer.ts';
import type { ConsentPrompt } from './consentPrompt.ts';
import { defaultLogDir, SessionLogFile } from './sessionLogFile.ts';

const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \S.*$/;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-agent-log-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The texts of a log file's lines (time stripped), after checking every line is complete and timestamped. */
function texts(path: string): string[] {
  const content = readFileSync(path, 'utf8');
  expect(content.endsWith('\n')).toBe(true);
  const lines = content.slice(0, -1).split('\n');
  for (const line of lines) expect(line).toMatch(LINE);
  return lines.map((l) => l.slice(25));
}

describe('SessionLogFile', () => {
  it('holds lines until the session is known, then writes them to session-<id>-<date>.log', () => {
    const dir = join(tempDir(), 'nested', 'logs');
    const log = new SessionLogFile({ dir, now: () => new Date('2026-11-22T08:15:03.250Z') });
    log.write('connecting');
    expect(log.path).toBeNull();
    expect(existsSync(dir)).toBe(false);
    expect(log.open(42)).toBe(join(dir, 'session-42-2026-11-22.log'));
    log.write('line\nwith a break\r\nand more');
    expect(readFileSync(log.path!, 'utf8')).toBe('2026-11-22T08:15:03.250Z connecting\n2026-11-22T08:15:03.250Z line with a break and more\n');
    // The same session again (a reconnect) keeps its file; another session starts its own.
    expect(log.open(42)).toBe(join(dir, 'session-42-2026-11-22.log'));
    expect(log.open(43)).toBe(join(dir, 'session-43-2026-11-22.log'));
    expect(log.open(null)).toBe(join(dir, 'agent-2026-11-22.log'));
  });

  it('a folder it cannot write to is reported once and never throws', () => {
    const parent = tempDir();
    chmodSync(parent, 0o500);
    const reports: string[] = [];
    const log = new SessionLogFile({ dir: join(parent, 'logs'), report: (l) => reports.push(l) });
    log.open(1);
    if (process.getuid?.() === 0) return; // root writes anywhere: nothing to refuse
    expect(() => {
      log.write('one');
      log.write('two');
    }).not.toThrow();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^cannot write the session log .*session-1-.*\.log: /);
    chmodSync(parent, 0o700);
  });

  it('lives in $XDG_DATA_HOME/tessera-agent/logs, else ~/.local/share/tessera-agent/logs', () => {
    expect(defaultLogDir({ XDG_DATA_HOME: '/data/me', HOME: '/home/me' })).toBe('/data/me/tessera-agent/logs');
    expect(defaultLogDir({ HOME: '/home/me' })).toBe('/home/me/.local/share/tessera-agent/logs');
    // A relative XDG_DATA_HOME is invalid by the spec and ignored.
    expect(defaultLogDir({ XDG_DATA_HOME: 'rel', HOME: '/home/me' })).toBe('/home/me/.local/share/tessera-agent/logs');
  });

  it('--log-dir sets the folder (made absolute); it needs a value', () => {
    const run = parseArgs(['--server', 'https://help.example.com', '--log-dir', 'some/logs']);
    expect(run).toMatchObject({ kind: 'run', logDir: join(process.cwd(), 'some/logs') });
    expect(parseArgs(['--server', 'https://help.example.com'])).not.toHaveProperty('logDir');
    expect(parseArgs(['--server', 'https://help.example.com', '--log-dir'])).toEqual({ kind: 'error', message: '--log-dir needs a folder, e.g. --log-dir ~/tessera-logs' });
  });
});

describe('the agent keeps its own copy of the session log', () => {
  let x: XServer;
  let peer: ServerPeer;
  let agent: RunningAgent | null = null;
  beforeAll(async () => {
    x = await startXvfb(320, 240);
  });
  afterAll(async () => {
    await x?.stop();
  });
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    peer?.stop();
  });

  it('writes every event the user may want to look back on, one line each, and keeps the file after the session', async () => {
    const dir = tempDir();
    peer = new ServerPeer({ id: 42, desk: 'Helpdesk', recording: 'always' });
    const output: string[] = [];
    agent = startAgent({
      agentUrl: peer.agentUrl,
      session: 'join-token',
      display: x.display,
      window: false,
      attended: true, // the leave-nothing-behind cleanup runs at the end, and must leave the log
      logDir: dir,
      backoff: { baseMs: 50, capMs: 200, resetAfterMs: 30_000 },
      log: (l) => output.push(l),
      stream: { maxFps: 10 },
    });
    // The user's answers, as the local window would give them.
    const answers: Partial<Record<Capability, boolean>> = { view: true, control: false, clipboard: true };
    const prompt: ConsentPrompt = { ask: async (q) => answers[q.capability] ?? false, withdraw: () => {} };
    agent.controller.setPrompt(prompt);
    await waitUntil(() => peer.last('consent'), 'online');
    const path = join(dir, `session-42-${new Date().toISOString().slice(0, 10)}.log`);
    await waitUntil(() => existsSync(path), 'the log file');
    expect(agent.controller.snapshot().logFile).toBe(path);
    expect(output).toContain(`session log: ${path}`);
    const granted = (c: Capability) => peer.last('consent')?.granted.includes(c);

    peer.send({ type: 'consent-request', capability: 'view', by: 'Olga Engineer' });
    await waitUntil(() => granted('view'), 'view allowed');
    peer.send({ type: 'consent-request', capability: 'control', by: 'Olga Engineer' });
    await waitUntil(() => texts(path).includes('the user refused control'), 'control refused');
    peer.send({ type: 'desktop-start' });
    await waitUntil(() => peer.pictures().length > 0, 'a picture');
    peer.send({ type: 'input', events: [{ type: 'pointer', x: 1, y: 1 }] }); // forged: control was refused
    await waitUntil(() => peer.last('refused')?.what === 'input', 'input refused');

    const secret = 'correct-horse-battery-staple';
    peer.send({ type: 'consent-request', capability: 'clipboard', by: 'Otto Second' });
    await waitUntil(() => granted('clipboard'), 'clipboard allowed');
    peer.send({ type: 'clipboard', text: secret });
    await Bun.sleep(200); // the agent puts it on the X clipboard
    peer.send({ type: 'clipboard-request' });
    await waitUntil(() => peer.last('clipboard')?.text === secret, 'the clipboard comes back');
    agent.controller.revoke('clipboard');
    peer.send({ type: 'consent-request', capability: 'view', by: 'Olga Engineer' }); // already allowed
    await waitUntil(() => texts(path).includes('view is already allowed: answered at once'), 'second view request');
    agent.controller.stopAll();
    await waitUntil(() => peer.last('consent')?.granted.length === 0, 'Stop all');

    peer.disconnect();
    await waitUntil(() => peer.connections === 2 && peer.connected && texts(path).filter((t) => t.startsWith('connected')).length === 2, 'reconnected');
    peer.send({ type: 'session-ended' });
    expect(await agent.done).toBe(0);
    agent = null;

    // Everything in order (other lines, e.g. monitors or acks, may sit between them).
    const lines = texts(path);
    const expected = [
      'connected to the server: session 42 (Helpdesk)',
      'Olga Engineer asks for view',
      'view allowed',
      'Olga Engineer asks for control',
      'the user refused control',
      'streaming the screen',
      'refused input: the user has not allowed control of the mouse and keyboard',
      'Otto Second asks for clipboard',
      'clipboard allowed',
      `clipboard text received from the session (${secret.length} characters)`,
      `clipboard text sent to the session (${secret.length} characters)`,
      'the user revoked clipboard',
      'Olga Engineer asks for view',
      'view is already allowed: answered at once',
      'the user pressed Stop all (revoked: view)',
      'stopped streaming the screen',
      'disconnected from the server (waiting)',
      'connected to the server: session 42 (Helpdesk)',
      'the session has ended',
      'the agent finished',
    ];
    let at = -1;
    for (const text of expected) {
      const next = lines.indexOf(text, at + 1);
      expect(next, `"${text}" after line ${at} in:\n${lines.join('\n')}`).toBeGreaterThan(at);
      at = next;
    }
    expect(lines.at(-1)).toBe('the agent finished');
    // Sizes only: the clipboard's text never reaches the log.
    expect(readFileSync(path, 'utf8')).not.toContain(secret);
    // One file for the whole session, still there after the attended cleanup.
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
  });
});
