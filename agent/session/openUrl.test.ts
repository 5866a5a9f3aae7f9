// open-url on the agent, over a real socket (a Bun.serve peer playing a server that forges messages): only http(s)
// addresses ever reach xdg-open; anything else is refused with a `refused` message (or, on the wire, dropped by the
// parser) and never runs a program. The real spawn is tested with a stand-in xdg-open first on PATH that writes
// its argv and $DISPLAY to a file: the address arrives as one argument, verbatim, never through a shell.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../native/captureTesting.ts';
import { AgentConnection } from '../connection.ts';
import { LocalWindow } from '../localWindow/localWindow.ts';
import { ServerPeer } from '../testing/serverPeer.ts';
import { SessionController } from './sessionController.ts';
import { xdgOpen, type UrlOpener } from './urlOpener.ts';

let dir: string;
let bin: string;
let argvFile: string;
let marker: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-open-url-'));
  bin = join(dir, 'bin');
  argvFile = join(dir, 'argv.txt');
  marker = join(dir, 'pwned');
  // The stand-in: one line per call, "DISPLAY|argc|arg1|arg2...", appended.
  const script = `#!/bin/sh\nprintf '%s|%s' "$DISPLAY" "$#" >> "${argvFile}"\nfor a in "$@"; do printf '|%s' "$a" >> "${argvFile}"; done\necho >> "${argvFile}"\n[ "$1" = "https://fail.example/" ] && exit 4\nexit 0\n`;
  mkdirSync(bin);
  writeFileSync(join(bin, 'xdg-open'), script);
  chmodSync(join(bin, 'xdg-open'), 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const calls = () => (existsSync(argvFile) ? readFileSync(argvFile, 'utf8').trim().split('\n').filter(Boolean) : []);
const env = () => ({ ...process.env, PATH: `${bin}:${process.env.PATH}` });

describe('xdgOpen (the real spawn, with a stand-in xdg-open on PATH)', () => {
  afterEach(() => rmSync(argvFile, { force: true }));

  it('hands the address to xdg-open as its one argument, on the agent’s display, without a shell', async () => {
    const open = xdgOpen({ display: ':77', env: env() });
    // Shell syntax in a valid address: a shell would run the touch; xdg-open must get it verbatim.
    const url = `https://example.com/?q=$(touch\${IFS}${marker})&r=;touch\${IFS}${marker}`;
    const normalised = new URL(url).href;
    await open(url);
    expect(calls()).toEqual([`:77|1|${normalised}`]);
    expect(existsSync(marker)).toBe(false);
  });

  it('rejects with the reason when xdg-open fails or is missing, and never runs it for anything but http(s)', async () => {
    await expect(xdgOpen({ env: env() })('https://fail.example/')).rejects.toThrow('xdg-open failed (exit code 4)');
    await expect(xdgOpen({ env: { PATH: join(dir, 'nothing-here') } })('https://example.com/')).rejects.toThrow(/cannot run xdg-open/);
    rmSync(argvFile, { force: true });
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', '--help', '-e https://x.example/', 'https://u:p@x.example/']) {
      await expect(xdgOpen({ env: env() })(bad)).rejects.toThrow();
    }
    await sleep(100);
    expect(calls()).toEqual([]);
  });
});

describe('open-url in the session controller', () => {
  let peer: ServerPeer;
  let connection: AgentConnection;
  let controller: SessionController;
  let window: LocalWindow | null = null;
  const opened: string[] = [];
  const lines: string[] = [];

  async function online(openUrl: UrlOpener) {
    peer = new ServerPeer();
    connection = new AgentConnection({ url: peer.agentUrl, hello: { version: '1', os: 'linux', hostname: 'pc' }, session: 'tok', log: (l) => lines.push(l) });
    controller = new SessionController({ connection, openUrl, log: (l) => lines.push(l) });
    connection.start();
    await waitUntil(() => peer.last('consent'), 'the agent online');
  }

  afterEach(() => {
    window?.stop();
    window = null;
    controller.close();
    connection.stop();
    peer.stop();
    expect(peer.violations).toEqual([]);
    opened.length = 0;
    lines.length = 0;
    rmSync(argvFile, { force: true });
  });

  it('a forged open-url with file:// or javascript: never runs xdg-open; an injected one is answered with refused', async () => {
    await online(xdgOpen({ display: ':55', env: env() }));
    window = new LocalWindow({ controller, server: 'http://server.example' });
    // On the wire the parser drops them (logged), so nothing reaches the controller.
    peer.send({ type: 'open-url', url: 'file:///etc/passwd' });
    peer.send({ type: 'open-url', url: 'javascript:alert(document.cookie)' });
    peer.send({ type: 'open-url', url: 'https://status.example.com/' });
    await waitUntil(() => calls().length === 1, 'the valid address opened');
    expect(calls()).toEqual([':55|1|https://status.example.com/']);
    expect(lines.filter((l) => l.startsWith('ignored a malformed message'))).toHaveLength(2);

    // The same shapes handed straight to the controller (as if the parser let them through): refused, not opened.
    const refusalsBefore = peer.of('refused').length;
    controller.handle({ type: 'open-url', url: 'file:///etc/passwd' });
    controller.handle({ type: 'open-url', url: 'javascript:alert(1)' });
    await waitUntil(() => peer.of('refused').length === refusalsBefore + 2, 'two refusals');
    expect(peer.of('refused').slice(-2)).toEqual([
      { type: 'refused', what: 'open-url', reason: 'only http and https addresses can be opened' },
      { type: 'refused', what: 'open-url', reason: 'only http and https addresses can be opened' },
    ]);
    await sleep(200);
    expect(calls()).toHaveLength(1);

    // The local window shows what was opened (and only that).
    const state = (await (await fetch(`${window.url}state`)).json()) as { opened: { url: string }[] };
    expect(state.opened.map((o) => o.url)).toEqual(['https://status.example.com/']);
    expect(await (await fetch(window.url)).text()).toContain('Opened in your browser by the engineer');
  });

  it('uses the injected opener, and tells the server when the browser cannot be opened', async () => {
    await online(async (url) => {
      opened.push(url);
      if (url.includes('broken')) throw new Error('no browser');
    });
    peer.send({ type: 'open-url', url: 'https://docs.example.com/guide' });
    await waitUntil(() => opened.length === 1, 'opened');
    expect(opened).toEqual(['https://docs.example.com/guide']);
    expect(controller.snapshot().opened.map((o) => o.url)).toEqual(['https://docs.example.com/guide']);
    expect(peer.of('refused')).toEqual([]);

    peer.send({ type: 'open-url', url: 'https://broken.example/' });
    await waitUntil(() => peer.last('refused'), 'the refusal');
    expect(peer.last('refused')).toEqual({ type: 'refused', what: 'open-url', reason: 'the browser could not be opened: no browser' });
  });
});
