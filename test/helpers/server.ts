// Starts the real server (`bun server/main.ts`) as a child process on a free port over a fresh data folder,
// and reads its setup token and URL from stdout. For end-to-end tests that drive it like a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export const REPO_DIR = resolve(import.meta.dirname, '../..');

export interface SpawnedServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** The server process (for CPU and memory figures in benchmarks). */
  pid: number;
  /** The one-time setup token printed at first start (null when the data folder already has an admin). */
  setupToken: string | null;
  dataDir: string;
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Reuse a data folder (kept on stop); by default a fresh temp folder is made and removed on stop. */
  dataDir?: string;
  env?: Record<string, string>;
  /** Command to run instead of `bun server/main.ts` (e.g. the compiled binary). */
  command?: string[];
  cwd?: string;
  startTimeoutMs?: number;
}

/** The bun executable: this process when tests run under Bun, else the one from node_modules. */
export function bunExecutable(): string {
  if (process.versions.bun && /^bun(\.exe)?$/.test(basename(process.execPath))) return process.execPath;
  const local = join(REPO_DIR, 'node_modules', '.bin', process.platform === 'win32' ? 'bun.exe' : 'bun');
  return existsSync(local) ? local : 'bun';
}

/** Builds client/dist when it is missing, so the server has a console to serve. */
export async function ensureClientBuilt(): Promise<void> {
  if (existsSync(join(REPO_DIR, 'client', 'dist', 'index.html'))) return;
  await run([bunExecutable(), '--bun', 'vite', 'build', '--config', 'client/vite.config.ts'], REPO_DIR);
}

function run(cmd: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const [file, ...args] = cmd;
    const child = spawn(file!, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${cmd.join(' ')} failed (${code}):\n${out}`))));
  });
}

const SETUP_TOKEN = /setup token:[ \t]*(\S+)/i;
const LISTENING = /listening on (https?:\/\/\S+)/i;

export async function startServer(options: SpawnOptions = {}): Promise<SpawnedServer> {
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  const command = options.command ?? [bunExecutable(), 'server/main.ts'];
  const [file, ...args] = command;
  const child: ChildProcess = spawn(file!, args, {
    cwd: options.cwd ?? REPO_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      TESSERA_PORT: '0',
      TESSERA_HOST: '127.0.0.1',
      TESSERA_DATA: dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  let setupToken: string | null = null;
  let exited: number | null | undefined;
  // If the test process dies first, do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));

  const ready = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`)),
      options.startTimeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      setupToken ??= SETUP_TOKEN.exec(output)?.[1] ?? null;
      const listening = LISTENING.exec(output)?.[1];
      if (listening) {
        clearTimeout(timer);
        resolveUrl(listening.replace(/\/+$/, ''));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      exited = code;
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${output}`));
    });
  });

  let url: string;
  try {
    url = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  // The token line comes before the listening line; the URL may say localhost: use 127.0.0.1 to dodge IPv6.
  const parsed = new URL(url);
  if (parsed.hostname === 'localhost' || parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  url = parsed.origin;

  return {
    url,
    port: Number(parsed.port),
    pid: child.pid!,
    setupToken,
    dataDir,
    output: () => output,
    async stop() {
      if (exited === undefined && child.exitCode === null) {
        const done = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000));
        if ((await Promise.race([done, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await done;
        }
      }
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
