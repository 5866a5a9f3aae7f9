import { Database } from 'bun:sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { migrations } from '../assets.ts';
import { migrate } from '../db/migrate.ts';
import { postFrom } from '../testing/fromAddress.ts';
import { ADMIN, createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';
import { LoginThrottle } from './loginThrottle.ts';

let server: TestServer;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.stop();
});

const wrong = { username: ADMIN.username, password: 'wrong-password-0' };
const right = { username: ADMIN.username, password: ADMIN.password };

/** Holds every password check until released, and counts them: a burst is then truly in flight at once. */
function holdPasswordChecks() {
  const real = Bun.password.verify.bind(Bun.password);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const spy = vi.spyOn(Bun.password, 'verify').mockImplementation(async (...args: Parameters<typeof real>) => {
    await gate;
    return real(...args);
  });
  return { calls: () => spy.mock.calls.length, release };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await Bun.sleep(10);
}

describe('parallel guesses', () => {
  it('from one address: one check at a time, the rest answered 429 at once; the right password in the burst does not sign in', async () => {
    server = await startTestServer({ loginMaxFailures: 5 });
    await setupAdmin(server);
    const held = holdPasswordChecks();
    const burst = Array.from({ length: 50 }, () => postFrom('127.0.0.1', server.url, '/api/auth/login', wrong));
    await until(() => held.calls() >= 1);
    let answered = false;
    const insideAnswer = postFrom('127.0.0.1', server.url, '/api/auth/login', right).finally(() => (answered = true));
    // before the fix the right password, too, went on to the hash check (and then signed in)
    await until(() => answered || held.calls() > 1);
    held.release();
    const inside = await insideAnswer;
    expect(inside.status).toBe(429);
    expect(inside.headers['retry-after']).toBe('1');
    const answers = await Promise.all(burst);
    expect(held.calls()).toBe(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(49);
  });

  it('from many addresses: no more checks than the limit, and the right password inside the burst is refused', async () => {
    server = await startTestServer({ loginMaxFailures: 5 });
    await setupAdmin(server);
    const held = holdPasswordChecks();
    const burst = Array.from({ length: 50 }, (_, i) => postFrom(`127.0.1.${i + 1}`, server.url, '/api/auth/login', wrong));
    await until(() => held.calls() >= 5);
    const inside = postFrom('127.0.2.1', server.url, '/api/auth/login', right);
    // Before the fix every guess reached the hash check (51 calls) and the right one signed in.
    await until(() => held.calls() > 5);
    held.release();
    const answers = await Promise.all(burst);
    expect(held.calls()).toBe(5);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(45);
    const refused = await inside;
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatch(/too many failed sign-ins for this account/);
  });
});

describe('nobody can lock an account out from outside', () => {
  it('locks the guessing address, slows other new browsers briefly, and lets a known browser straight in', async () => {
    server = await startTestServer({ loginMaxFailures: 5, loginLockoutMinutes: 15 });
    await setupAdmin(server);
    const mine = await postFrom('127.0.0.3', server.url, '/api/auth/login', right);
    expect(mine.status).toBe(200);
    const device = mine.cookies.tessera_device!;
    expect(device).toBeTruthy();
    for (let i = 0; i < 5; i++) expect((await postFrom('127.0.0.2', server.url, '/api/auth/login', wrong)).status).toBe(401);
    // the attacker's own address is locked for the lockout period, even with the right password
    const attacker = await postFrom('127.0.0.2', server.url, '/api/auth/login', right);
    expect(attacker.status).toBe(429);
    expect(Number(attacker.headers['retry-after'])).toBeGreaterThan(800);
    // a browser that never signed in, elsewhere: only slowed (seconds, never the 15 min lock)
    const stranger = await postFrom('127.0.0.4', server.url, '/api/auth/login', right);
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers['retry-after'])).toBeLessThanOrEqual(180);
    // the owner's browser with its device cookie is not held up at all
    const owner = await postFrom('127.0.0.3', server.url, '/api/auth/login', right, `tessera_device=${device}`);
    expect(owner.status).toBe(200);
    expect(owner.cookies.tessera_device).toBeUndefined(); // the known browser keeps its cookie
  });

  it("a device cookie counts only for its own account, and a forged one is just a new browser", async () => {
    server = await startTestServer({ loginMaxFailures: 3 });
    const admin = await setupAdmin(server);
    const bob = await createEngineer(server, admin, 'bob');
    const bobs = await postFrom('127.0.0.5', server.url, '/api/auth/login', { username: 'bob', password: bob.password });
    const bobDevice = `tessera_device=${bobs.cookies.tessera_device}`;
    for (const cookie of [bobDevice, 'tessera_device=forged', `tessera_device=${'x'.repeat(500)}`])
      expect((await postFrom('127.0.0.6', server.url, '/api/auth/login', wrong, cookie)).status).toBe(401);
    // three failures from 127.0.0.6 against alice: bob's cookie did not make them a known browser of alice
    expect((await postFrom('127.0.0.6', server.url, '/api/auth/login', right, bobDevice)).status).toBe(429);
  });

  it('a known browser that guesses wrong locks only itself', async () => {
    server = await startTestServer({ loginMaxFailures: 3 });
    await setupAdmin(server);
    const first = await postFrom('127.0.0.7', server.url, '/api/auth/login', right);
    const cookie = `tessera_device=${first.cookies.tessera_device}`;
    for (let i = 0; i < 3; i++) expect((await postFrom('127.0.0.7', server.url, '/api/auth/login', wrong, cookie)).status).toBe(401);
    expect((await postFrom('127.0.0.7', server.url, '/api/auth/login', right, cookie)).status).toBe(429);
    // the same address without that cookie is a new browser: its pair has no failures, the account none either
    expect((await postFrom('127.0.0.7', server.url, '/api/auth/login', right)).status).toBe(200);
  });

  it('changing the password: wrong current passwords spend the sign-in allowance, in parallel too', async () => {
    server = await startTestServer({ loginMaxFailures: 3 });
    const admin = await setupAdmin(server);
    const bob = await createEngineer(server, admin, 'bob');
    const change = (currentPassword: string) => bob.client.post('/api/auth/password', { currentPassword, newPassword: 'a-brand-new-password-9' });
    const held = holdPasswordChecks();
    const burst = Array.from({ length: 20 }, (_, i) => change(`guess-${i}`));
    await until(() => held.calls() >= 1);
    held.release();
    const answers = await Promise.all(burst);
    expect(held.calls()).toBe(1); // one check in flight per account and address; the others waited for nothing
    expect(answers.filter((a) => a.status === 403)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(19);
    vi.restoreAllMocks();
    for (let i = 0; i < 2; i++) expect((await change(`again-${i}`)).status).toBe(403);
    // the limit is reached: the right password is refused too, and so is a sign-in from this browser
    const locked = await change(bob.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await bob.client.post('/api/auth/login', { username: 'bob', password: bob.password })).status).toBe(429);
    // a known browser that guessed locks only itself; nothing changed: the old password signs in elsewhere
    expect((await new TestClient(server.url).post('/api/auth/login', { username: 'bob', password: bob.password })).status).toBe(200);
  });

  it('an admin clears the lock of an engineer; engineers cannot, bad ids change nothing', async () => {
    server = await startTestServer({ loginMaxFailures: 3 });
    const admin = await setupAdmin(server);
    const bob = await createEngineer(server, admin, 'bob');
    const carol = await createEngineer(server, admin, 'carol');
    const bobWrong = { username: 'BOB', password: 'not-bobs-password' };
    for (let i = 0; i < 3; i++) await postFrom('127.0.0.8', server.url, '/api/auth/login', bobWrong);
    const bobRight = { username: 'bob', password: bob.password };
    expect((await postFrom('127.0.0.8', server.url, '/api/auth/login', bobRight)).status).toBe(429);
    expect((await carol.client.post(`/api/engineers/${bob.id}/unlock`)).status).toBe(403);
    expect((await new TestClient(server.url).post(`/api/engineers/${bob.id}/unlock`)).status).toBe(401);
    expect((await admin.post('/api/engineers/abc/unlock')).status).toBe(422);
    expect((await admin.post('/api/engineers/0/unlock')).status).toBe(422);
    expect((await admin.post('/api/engineers/9999/unlock')).status).toBe(404);
    expect((await postFrom('127.0.0.8', server.url, '/api/auth/login', bobRight)).status).toBe(429);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const unlocked = await admin.post(`/api/engineers/${bob.id}/unlock`);
    expect(unlocked.status).toBe(200);
    expect(unlocked.json.cleared).toBeGreaterThanOrEqual(2);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/alice cleared the sign-in throttle of bob/));
    expect((await postFrom('127.0.0.8', server.url, '/api/auth/login', bobRight)).status).toBe(200);
  });
});

describe('LoginThrottle', () => {
  function throttle(maxFailures = 5, minutes = 15) {
    const db = new Database(':memory:', { strict: true });
    migrate(db, migrations());
    return { db, t: new LoginThrottle(db, maxFailures, minutes) };
  }
  const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1) + seconds * 1000);

  it('slows the account across addresses with a growing wait, capped at one window per allowance', () => {
    const { t } = throttle(5, 15);
    const waits: number[] = [];
    let clock = 0;
    for (let i = 0; i < 30; i++) {
      const gate = t.begin('alice', `10.0.0.${i}`, null, at(clock));
      if (!gate.ok) {
        waits.push(gate.retryAfter);
        clock += gate.retryAfter;
        continue;
      }
      gate.attempt.done();
    }
    expect(waits[0]).toBe(1);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(Math.max(...waits)).toBe(180); // 15 min / 5
  });

  it('counts a try before it is checked, and a success gives the address its try back', () => {
    const { db, t } = throttle(2, 15);
    const first = t.begin('bob', '10.1.1.1', null, at(0));
    if (!first.ok) throw new Error('refused');
    const failures = () => db.query<{ key: string; failures: number }, []>('SELECT key, failures FROM login_failures ORDER BY key').all();
    expect(failures()).toEqual([
      { key: 'ip:10.1.1.1', failures: 1 },
      { key: 'pair:bob|10.1.1.1', failures: 1 },
      { key: 'user:bob', failures: 1 },
    ]);
    first.attempt.succeeded();
    first.attempt.done();
    expect(failures()).toEqual([]);
    expect(t.unlock('nobody')).toBe(0);
  });
});
