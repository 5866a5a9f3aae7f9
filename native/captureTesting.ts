// Test helpers for the capture layer (and any test that needs a real X server): a private Xvfb on a free display,
// X programs run against it, polling. Used by native/capture*.test.ts; fit for end-to-end tests too.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface XServer {
  /** ":N" */
  display: string;
  width: number;
  height: number;
  /** process.env with DISPLAY set to this server. */
  env: NodeJS.ProcessEnv;
  /** Kills the server and everything started with spawnX for it. */
  stop(): Promise<void>;
  /** SIGKILL, to test what happens when the X server dies. */
  kill(): Promise<void>;
}

export interface Started {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  stop(): void;
}

/** True when the command is on PATH. */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `Xvfb -displayfd 1` (it picks a free display and prints its number) with a 24-bit screen. -noreset keeps
 * XRandR changes (monitors, size) alive when the last client leaves.
 */
export async function startXvfb(width = 1280, height = 800): Promise<XServer> {
  const child = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within 10 s:\n${log}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /^(\d+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(`:${match[1]}`);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`can't run Xvfb (apt-get install xvfb): ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before it was ready:\n${log}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: XServer = {
    display,
    width,
    height,
    env: { ...process.env, DISPLAY: display },
    async stop() {
      for (const started of children.get(server) ?? []) started.stop();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  children.set(server, []);
  return server;
}

const children = new WeakMap<XServer, Started[]>();

/** Runs a program against the X server and resolves with its stdout (rejects on a non-zero exit). */
export function runX(
  x: XServer,
  command: string,
  args: string[],
  options: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { env: x.env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 15_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr.toString()}`));
        else resolve(stdout);
      },
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin?.end();
  });
}

/** Copies text to the CLIPBOARD with xclip, which stays in the background to serve it until someone else copies. */
export function copyWithXclip(x: XServer, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout/stderr ignored: xclip's background child would keep pipes open forever.
    const child = spawn('xclip', ['-selection', 'clipboard', '-i'], { env: x.env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', (error) => reject(new Error(`can't run xclip (apt-get install xclip): ${error.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`xclip -i exited with ${code}`))));
    child.stdin!.end(text);
  });
}

/** Starts a long-running X program (xterm, xev...) that is stopped with the server. */
export function spawnX(x: XServer, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(command, args, { env: { ...x.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  child.on('error', (error) => (output += `\n[spawn error] ${error.message}`));
  const started: Started = {
    child,
    output: () => output,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  children.get(x)?.push(started);
  return started;
}

/** Polls `check` until it returns true (or a truthy value, which is returned). */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result) return result as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The root window's pixels as BGRX through ffmpeg's x11grab (XCB): a second, independent capture path. */
export async function grabWithFfmpeg(x: XServer, width: number, height: number): Promise<Uint8Array> {
  const raw = await runX(x, 'ffmpeg', [
    '-loglevel', 'error', '-f', 'x11grab', '-draw_mouse', '0', '-video_size', `${width}x${height}`, '-i', `${x.display}+0,0`,
    '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'bgr0', 'pipe:1',
  ]);
  if (raw.length !== width * height * 4) throw new Error(`ffmpeg gave ${raw.length} bytes, expected ${width * height * 4}`);
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Index of the first pixel whose B, G, R differ between two BGRX pictures (padding byte ignored), or -1. */
export function firstDifferentPixel(
  a: Uint8Array,
  aStride: number,
  b: Uint8Array,
  bStride: number,
  width: number,
  height: number,
): number {
  for (let y = 0; y < height; y++) {
    let ia = y * aStride, ib = y * bStride;
    for (let x = 0; x < width; x++, ia += 4, ib += 4) {
      if (a[ia] !== b[ib] || a[ia + 1] !== b[ib + 1] || a[ia + 2] !== b[ib + 2]) return y * width + x;
    }
  }
  return -1;
}

/** Parses xev's output into events: {type, rootX, rootY, state, button?, keysym?}. */
export interface XevEvent {
  type: string;
  rootX: number;
  rootY: number;
  state: number;
  button?: number;
  keysym?: number;
  keysymName?: string;
}

export function parseXev(output: string): XevEvent[] {
  const events: XevEvent[] = [];
  for (const block of output.split(/\n\s*\n/)) {
    const type = /^\s*(\w+) event,/.exec(block)?.[1];
    if (!type) continue;
    const root = /root:\((-?\d+),(-?\d+)\)/.exec(block);
    const state = /state (0x[0-9a-f]+|\d+)/.exec(block);
    const button = /button (\d+)/.exec(block);
    const keysym = /keysym (0x[0-9a-f]+), (\w+)\)/.exec(block);
    events.push({
      type,
      rootX: root ? Number(root[1]) : NaN,
      rootY: root ? Number(root[2]) : NaN,
      state: state ? Number(state[1]) : 0,
      ...(button ? { button: Number(button[1]) } : {}),
      ...(keysym ? { keysym: Number(keysym[1]), keysymName: keysym[2] } : {}),
    });
  }
  return events;
}
