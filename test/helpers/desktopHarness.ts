// A whole live-desktop setup from real programs, for end-to-end tests and the desktop benchmark: a private Xvfb
// with an xterm running a plain bash, the real server as a child process, a support session made through the API
// and the real agent (`bun agent/main.ts`) joined to it with a join token, optionally through a throttling proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCapture, type ScreenCapture } from '../../native/capture.ts';
import { runX, spawnX, startXvfb, waitUntil, type XServer } from '../../native/captureTesting.ts';
import { TestClient } from '../../server/testing/startTestServer.ts';
import { bunExecutable, ensureClientBuilt, REPO_DIR, startServer, type SpawnedServer } from './server.ts';
import { startThrottleProxy, type ThrottleProxy } from './throttleProxy.ts';

export const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };

export interface DesktopRig {
  x: XServer;
  server: SpawnedServer;
  admin: TestClient;
  sessionId: number;
  /** A folder the xterm's shell starts in (tests write files there by typing commands). */
  workDir: string;
  /** The X screen as RGBA (A = 255), for bit-exact comparisons with what viewers show. */
  screen(): Uint8Array;
  agent: AgentProcess;
  proxy: ThrottleProxy | null;
  stop(): Promise<void>;
}

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface RigOptions {
  width?: number;
  height?: number;
  /** Limit the agent<->server link to this many bytes per second (each direction). */
  linkBytesPerSecond?: number;
  linkLatencyMs?: number;
  /** Start the agent later (the test calls startAgent itself). */
  deferAgent?: boolean;
  /** A picture (PNG) shown full-screen under the xterm, e.g. a real desktop from the corpus. */
  wallpaper?: string;
  /** Make a session through an access code (default true); without it the test makes its own (sessionId is 0). */
  session?: boolean;
  /** Extra environment of the server process. */
  serverEnv?: Record<string, string>;
  /** Start the server with this command in this folder instead of `bun server/main.ts` here (e.g. `npm start` in a fresh clone). */
  serverCommand?: { command: string[]; cwd: string; startTimeoutMs: number };
}

export interface AgentOptions {
  /** --allow list (default view,control,clipboard; '' leaves every decision to the user). */
  allow?: string;
  /** A join token to use instead of asking the server for one (e.g. the one a downloaded agent carries). */
  token?: string;
}

/** A real 1080p desktop from the recordings in the repository (a file manager over a photo wallpaper). */
export const CORPUS_DESKTOP = join(REPO_DIR, 'bench', 'corpus', 'file-manager', 'frame0.png');

/** Starts the agent against the server (or the proxy), joined to the session, with view, control and clipboard allowed. */
export async function startAgent(rig: Pick<DesktopRig, 'x' | 'server' | 'admin' | 'sessionId' | 'proxy'>, options: AgentOptions = {}): Promise<AgentProcess> {
  let token = options.token;
  if (!token) {
    const issued = await rig.admin.post(`/api/support/sessions/${rig.sessionId}/agent-token`, {});
    if (issued.status !== 200) throw new Error(`agent token: ${issued.text}`);
    token = issued.json.token as string;
  }
  const url = rig.proxy ? `http://127.0.0.1:${rig.proxy.port}` : rig.server.url;
  const allow = options.allow ?? 'view,control,clipboard';
  const child = spawn(
    bunExecutable(),
    ['agent/main.ts', '--server', url, '--session', token, ...(allow ? ['--allow', allow] : []), '--no-window'],
    { cwd: REPO_DIR, env: { ...rig.x.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => output,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** BGRX capture -> RGBA with A = 255 (the decoders' layout). */
export function bgrxToRgba(data: Uint8Array, width: number, height: number, stride: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    let i = y * stride;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, i += 4, o += 4) {
      out[o] = data[i + 2]!;
      out[o + 1] = data[i + 1]!;
      out[o + 2] = data[i]!;
      out[o + 3] = 255;
    }
  }
  return out;
}

export async function startDesktopRig(options: RigOptions = {}): Promise<DesktopRig> {
  await ensureClientBuilt();
  const x = await startXvfb(options.width ?? 1280, options.height ?? 800);
  const workDir = mkdtempSync(join(tmpdir(), 'tessera-desktop-'));
  const capture: ScreenCapture = openCapture(x.display);
  const screen = () => {
    const f = capture.grab();
    return bgrxToRgba(f.data, f.width, f.height, f.stride);
  };
  const blank = (px: Uint8Array) => !px.some((v, i) => (i & 3) !== 3 && v !== 0);
  if (options.wallpaper) {
    // ffmpeg's SDL output draws the picture in a borderless window at 0,0 (one redraw a second, the same pixels).
    spawnX(x, 'ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-loop', '1', '-framerate', '1', '-i', options.wallpaper, '-vf', 'format=rgb24', '-f', 'sdl2', '-window_borderless', '1', 'wallpaper'], {
      SDL_VIDEO_WINDOW_POS: '0,0',
    });
    await waitUntil(() => !blank(screen()), 'the wallpaper on screen', 15_000);
  }
  // A plain shell with a fixed prompt and font, so the screen is the same on every run.
  spawnX(x, 'xterm', ['-geometry', '100x30+0+0', '-fa', 'DejaVu Sans Mono', '-fs', '11', '-bg', 'white', '-fg', 'black', '-e', 'bash', '--norc', '--noprofile'], {
    PS1: '$ ',
    HOME: workDir,
    PWD: workDir,
  });
  // xterm is up when its white background shows at its top-left corner.
  await waitUntil(() => {
    const px = screen();
    return px[(20 * x.width + 20) * 4] === 255 && px[(20 * x.width + 20) * 4 + 1] === 255;
  }, 'xterm on screen', 15_000);
  // There is no window manager: give the terminal the keyboard (the wallpaper's SDL window takes it when it maps).
  await runX(x, 'xdotool', ['search', '--sync', '--class', 'xterm', 'windowfocus', '--sync']);

  const server = await startServer({
    ...(options.serverEnv ? { env: options.serverEnv } : {}),
    ...(options.serverCommand ?? {}),
  });
  const admin = new TestClient(server.url);
  const setup = await admin.post('/api/setup', { token: server.setupToken, ...ADMIN });
  if (setup.status !== 200) throw new Error(`setup: ${setup.text}`);
  let sessionId = 0;
  if (options.session ?? true) {
    const created = await admin.post('/api/sessions/code', {});
    if (created.status !== 200) throw new Error(`session: ${created.text}`);
    sessionId = created.json.sessionId as number;
    // The customer enters the code on the portal: the session goes live.
    const redeemed = await new TestClient(server.url).post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: created.json.code });
    if (redeemed.status !== 200) throw new Error(`access code: ${redeemed.text}`);
  }
  const proxy = options.linkBytesPerSecond
    ? await startThrottleProxy({ targetPort: server.port, bytesPerSecond: options.linkBytesPerSecond, latencyMs: options.linkLatencyMs ?? 0 })
    : null;
  const partial = { x, server, admin, sessionId, proxy };
  let agent: AgentProcess = options.deferAgent || !sessionId ? (null as unknown as AgentProcess) : await startAgent(partial);
  const rig: DesktopRig = {
    ...partial,
    workDir,
    screen,
    get agent() {
      return agent;
    },
    set agent(a: AgentProcess) {
      agent = a;
    },
    async stop() {
      await agent?.stop();
      await proxy?.close();
      await server.stop();
      capture.close();
      await x.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return rig;
}
