// The single binaries, run the way a customer runs them: copied alone into an empty folder with no
// node_modules anywhere above it, a clean environment, a real port. Proves that the console, migrations,
// API docs, native addon and sharp (with libvips) all live inside dist/tessera, and that the agent binary
// connects to it.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import type { AgentInfo } from '../server/protocol/api.ts';
import { picture, TestAgent, TestViewer, until, withRect } from '../server/relay/testing/desktopKit.ts';
import { TestClient } from '../server/testing/startTestServer.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN = { username: 'root-admin', password: 'a long and unguessable pass', displayName: 'Root Admin' };

/** A child process whose stdout and stderr are collected as they come. */
class Program {
  output = '';
  readonly process: ReturnType<typeof Bun.spawn>;

  constructor(cmd: string[], cwd: string, env: Record<string, string>) {
    this.process = Bun.spawn(cmd, { cwd, env, stdout: 'pipe', stderr: 'pipe' });
    void this.collect(this.process.stdout as ReadableStream<Uint8Array>);
    void this.collect(this.process.stderr as ReadableStream<Uint8Array>);
  }

  private async collect(stream: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      this.output += decoder.decode(value, { stream: true });
    }
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.output);
      if (m) return m;
      if (this.process.exitCode !== null) throw new Error(`exited (${this.process.exitCode}) before ${pattern}:\n${this.output}`);
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}:\n${this.output}`);
      await Bun.sleep(25);
    }
  }

  /** SIGTERM, then the exit code (SIGKILL after 5 s). */
  async stop(): Promise<number | null> {
    if (this.process.exitCode !== null) return this.process.exitCode;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    const code = await this.process.exited;
    clearTimeout(timer);
    return code;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

/** No node_modules in the folder or any folder above it, so nothing can be resolved from outside the binary. */
function assertNoNodeModulesInReach(dir: string) {
  for (let d = dir; ; d = dirname(d)) {
    expect(existsSync(join(d, 'node_modules')), `${d}/node_modules must not exist`).toBe(false);
    if (dirname(d) === d) break;
  }
}

describe('single binaries', () => {
  const work = mkdtempSync(join(tmpdir(), 'tessera-compiled-'));
  const serverDir = join(work, 'server');
  const agentDir = join(work, 'agent');
  const dataDir = join(work, 'data');
  // A clean environment: no NODE_PATH, no npm or bun variables, nothing from this checkout.
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: work, LANG: 'C.UTF-8', TMPDIR: tmpdir() };
  const programs: Program[] = [];
  let server: Program;
  let base: string;
  let setupToken: string;

  function start(cmd: string[], cwd: string, extra: Record<string, string> = {}) {
    const p = new Program(cmd, cwd, { ...env, ...extra });
    programs.push(p);
    return p;
  }

  async function startServer() {
    const p = start([join(serverDir, 'tessera')], serverDir, {
      TESSERA_PORT: '0',
      TESSERA_HOST: '127.0.0.1',
      TESSERA_DATA: dataDir,
    });
    const [, url] = await p.waitFor(/listening on (http:\/\/\S+)/);
    return { program: p, base: url!.replace('localhost', '127.0.0.1') };
  }

  beforeAll(async () => {
    // `npm test` builds the client first; reuse that build instead of rebuilding it under other running tests.
    const haveClient = existsSync(join(REPO, 'client', 'dist', 'index.html'));
    const compile = Bun.spawn([process.execPath, 'scripts/compile.ts', ...(haveClient ? ['--skip-client'] : [])], {
      cwd: REPO,
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [code, out, err] = await Promise.all([
      compile.exited,
      new Response(compile.stdout).text(),
      new Response(compile.stderr).text(),
    ]);
    if (code !== 0) throw new Error(`npm run compile failed (${code}):\n${out}\n${err}`);

    Bun.spawnSync(['mkdir', '-p', serverDir, agentDir]);
    copyFileSync(join(REPO, 'dist', 'tessera'), join(serverDir, 'tessera'));
    copyFileSync(join(REPO, 'dist', 'tessera-agent-linux-x64'), join(agentDir, 'tessera-agent-linux-x64'));
    Bun.spawnSync(['chmod', '+x', join(serverDir, 'tessera'), join(agentDir, 'tessera-agent-linux-x64')]);
    assertNoNodeModulesInReach(serverDir);
    assertNoNodeModulesInReach(agentDir);

    ({ program: server, base } = await startServer());
    setupToken = (await server.waitFor(/setup token: (\S+)/))[1]!;
  }, 120_000);

  afterAll(async () => {
    for (const p of programs) await p.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('first start: migrations applied, locked until setup, native addon loaded', async () => {
    expect(server.output).toMatch(/applied migrations: 0001_/);
    const health = await (await fetch(`${base}/api/health`)).json();
    expect(health).toMatchObject({ ok: true, version: pkg.version, setupRequired: true });
    if ('native' in health) expect(health.native).toBe(true);
    expect((await fetch(`${base}/api/agents`)).status).toBe(503);
  });

  let admin: TestClient;

  test('setup over HTTP, then a fresh login', async () => {
    const setup = await new TestClient(base).post('/api/setup', { token: setupToken, ...ADMIN });
    expect(setup.status, setup.text).toBe(200);
    admin = new TestClient(base);
    const login = await admin.post('/api/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(login.status, login.text).toBe(200);
    expect(login.json).toMatchObject({ username: ADMIN.username, role: 'admin' });
    expect((await admin.get('/api/auth/me')).json.username).toBe(ADMIN.username);
  });

  test('logo upload: sharp and libvips work inside the binary', async () => {
    const png = await sharp({ create: { width: 1200, height: 600, channels: 3, background: '#1e90ff' } }).png().toBuffer();
    const form = new FormData();
    form.append('file', new File([new Uint8Array(png)], 'logo.png', { type: 'image/png' }));
    const res = await admin.post('/api/provider/logo', form);
    expect(res.status, res.text + '\n' + server.output).toBe(200);
    expect(res.json.hasLogo).toBe(true);
    const logo = await fetch(`${base}/api/provider/logo`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    // resized by the server to fit 512 x 512
    const meta = await sharp(new Uint8Array(await logo.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 256]);

    const corrupt = new FormData();
    corrupt.append('file', new File([new Uint8Array(png.subarray(0, 200))], 'broken.png', { type: 'image/png' }));
    const bad = await admin.post('/api/provider/logo', corrupt);
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatch(/not a readable image/);
  });

  test('the console page and its assets come out of the binary', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toMatch(/<title>Tessera/);
    const scripts = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const path of [...scripts, ...styles]) {
      const asset = await fetch(base + path);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type'), path).toMatch(path.endsWith('.js') ? /javascript/ : /css/);
      expect((await asset.text()).length, path).toBeGreaterThan(100);
    }
    // the build's precompressed variants are embedded too, and decode to the same file
    for (const [accept, encoding] of [['br', 'br'], ['gzip', 'gzip'], ['identity', null]] as const) {
      const raw = await fetch(base + scripts[0]!, { headers: { 'accept-encoding': accept }, decompress: false } as RequestInit);
      expect(raw.headers.get('content-encoding'), accept).toBe(encoding);
      expect(raw.headers.get('content-type'), accept).toMatch(/javascript/);
      const body = Buffer.from(await raw.arrayBuffer());
      const decoded = encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;
      expect(decoded.equals(readFileSync(join(REPO, 'client', 'dist', scripts[0]!))), accept).toBe(true);
    }
    // a console route on reload gets the same page
    expect(await (await fetch(`${base}/admin/desks`)).text()).toBe(html);
    // the API docs work offline: their script and styles are embedded too
    for (const path of ['/api/docs/assets/swagger-ui-bundle.js', '/api/docs/assets/swagger-ui.css'])
      expect((await fetch(base + path)).status, path).toBe(200);
  });

  test('the agent binary: self-test, then it connects and is listed; gone after SIGTERM', async () => {
    const agentBin = join(agentDir, 'tessera-agent-linux-x64');
    const selfTest = start([agentBin, '--self-test'], agentDir);
    expect(await selfTest.process.exited).toBe(0);
    expect(selfTest.output).toMatch(/native addon: ok/);

    const bad = start([agentBin, '--server', 'mailto:help@example.com'], agentDir);
    expect(await bad.process.exited).toBe(2);
    expect(bad.output).toMatch(/unsupported scheme "mailto"/);

    const agent = start([agentBin, '--server', base], agentDir);
    await agent.waitFor(/online as \S+/);
    const listed = await waitFor('the agent in GET /api/agents', async () => {
      const list = (await admin.get('/api/agents')).json as AgentInfo[];
      return list.length === 1 ? list[0] : undefined;
    });
    expect(listed.version).toBe(pkg.version);
    expect(listed.os).toMatch(/^linux x64 /);
    expect(await agent.stop()).toBe(0);
    await waitFor('an empty agent list', async () => ((await admin.get('/api/agents')).json as AgentInfo[]).length === 0);
  });

  test('a live desktop through the binary: a late viewer gets a keyframe made by the picture worker', async () => {
    const created = await admin.post('/api/sessions/code', { deskId: 1 });
    expect(created.status, created.text).toBe(200);
    const joined = await new TestClient(base).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: created.json.code });
    expect(joined.status, joined.text).toBe(200);
    const sessionId = created.json.sessionId as number;
    const token = await admin.post(`/api/support/sessions/${sessionId}/agent-token`);
    expect(token.status, token.text).toBe(200);
    const agent = await TestAgent.connect({ url: base }, token.json.token as string);
    expect((await agent.welcome()).type).toBe('welcome');
    const first = await TestViewer.open({ url: base }, sessionId, admin.cookieHeader);
    await until(() => agent.has('desktop-start'));
    const W = 320;
    const H = 200;
    let current = picture(W, H, 7);
    agent.send(current, W, H);
    for (let i = 0; i < 5; i++) {
      current = withRect(current, W, { x: i * 40, y: i * 20, w: 50, h: 30 }, [i * 40, 90, 200]);
      agent.send(current, W, H);
    }
    await until(() => first.shows(current), 5000, 'the first viewer shows the screen');
    // joins after the agent's keyframe: only the server's own decoded copy can show it the screen
    const late = await TestViewer.open({ url: base }, sessionId, admin.cookieHeader);
    await until(() => late.shows(current), 5000, 'the late viewer shows the screen\n' + server.output);
    expect(late.decodeErrors).toEqual([]);
    expect(server.output).not.toMatch(/picture worker error/);
    first.close();
    late.close();
    agent.close();
  });

  test('a second start on the same data applies nothing, prints no setup token, keeps the admin and logo', async () => {
    expect(await server.stop()).toBe(0);
    ({ program: server, base } = await startServer());
    expect(server.output).not.toMatch(/applied migrations/);
    expect(server.output).not.toMatch(/setup token/);
    const client = new TestClient(base);
    expect((await client.post('/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).status).toBe(200);
    expect((await fetch(`${base}/api/provider/logo`)).status).toBe(200);
  });
});
