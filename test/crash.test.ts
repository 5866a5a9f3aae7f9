// kill -9 of the real server while it commits writes: every acknowledged write survives and the next start is clean.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bunExecutable, REPO_DIR } from './helpers/server.ts';

function launch(dataDir: string) {
  const child = spawn(bunExecutable(), ['server/main.ts'], {
    cwd: REPO_DIR,
    env: { ...process.env, TESSERA_PORT: '0', TESSERA_HOST: '127.0.0.1', TESSERA_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<{ url: string; token: string | null }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const url = /listening on (\S+)/.exec(output)?.[1];
      if (url) resolve({ url, token: /setup token: (\S+)/.exec(output)?.[1] ?? null });
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return { child, ready, output: () => output };
}

describe('crash safety', () => {
  it('loses no acknowledged write when the server is killed with SIGKILL mid-write', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
    const first = launch(dataDir);
    const { url, token } = await first.ready;
    const setup = await fetch(`${url}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, username: 'admin', displayName: 'Admin', password: 'a-long-password-1' }),
    });
    expect(setup.status).toBe(200);
    const cookie = setup.headers.getSetCookie()[0]!.split(';')[0]!;

    // Four writers create desks as fast as they can; the server is killed while they run.
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `crash-${w}-${i}`;
        try {
          const res = await fetch(`${url}/api/desks`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie },
            body: JSON.stringify({ name, description: 'x'.repeat(400) }),
          });
          if (res.status === 200) acknowledged.push(name);
        } catch {
          return; // connection refused/reset: the server is gone
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    while (acknowledged.length < 150) await Bun.sleep(5);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    stop = true;
    await Promise.all(writers);

    const second = launch(dataDir);
    const restarted = await second.ready;
    expect(restarted.token).toBeNull(); // the admin survived: no new setup
    expect(second.output()).not.toMatch(/applied migrations/);
    const login = await fetch(`${restarted.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'a-long-password-1' }),
    });
    expect(login.status).toBe(200);
    const cookie2 = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const desks = (await (await fetch(`${restarted.url}/api/desks`, { headers: { cookie: cookie2 } })).json()) as Array<{ name: string }>;
    const names = new Set(desks.map((d) => d.name));
    const lost = acknowledged.filter((n) => !names.has(n));
    expect(lost).toEqual([]);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });
});
