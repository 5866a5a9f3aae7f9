import type { Database } from 'bun:sqlite';

// An address may fail this many times more than an account before it is refused: a shared office NAT
// should not lock out everyone because one person mistypes.
const ADDRESS_FACTOR = 4;
const PURGE_EVERY_MS = 60_000;

/**
 * How each key limits: 'lock' refuses every try for the lockout period once the limit is reached; 'slow' (the
 * account across all addresses) only makes each further try wait longer, so nobody can lock an account out
 * from outside it, the last admin included.
 */
type KeyKind = 'lock' | 'slow';
interface Key {
  key: string;
  kind: KeyKind;
  limit: number;
}

export type LoginGate =
  | { ok: true; attempt: LoginAttempt }
  | { ok: false; retryAfter: number; error: string };

/** One admitted password check. Its failure is already counted; `succeeded` takes that back. */
export interface LoginAttempt {
  succeeded(): void;
  /** Always call when the check is over (success or not): frees the account + address for the next try. */
  done(): void;
}

/**
 * Failed sign-ins, kept in SQLite so a restart does not reset an attacker's count. An untrusted browser is
 * counted per (account, address) pair (locked at the limit), per address (locked at 4x the limit) and per account
 * (slowed down, never locked). A browser holding a valid device cookie of the account (set at its last successful
 * sign-in, OWASP's device-cookie scheme) is counted only against that cookie, so an attacker elsewhere cannot keep
 * its owner out.
 *
 * A try is counted before the password is checked, synchronously, and only one check per account and address is
 * in flight at a time: parallel guesses cannot slip past the count while a hash is computed.
 */
export class LoginThrottle {
  private inFlight = new Set<string>();
  private lastPurge = 0;

  constructor(
    private db: Database,
    private maxFailures: number,
    private lockoutMinutes: number,
  ) {}

  /** Admits one password check (and counts it as failed until told otherwise), or says how long to wait. */
  begin(username: string, address: string, device: string | null, now = new Date()): LoginGate {
    this.purge(now);
    const user = username.toLowerCase();
    const flight = `${user}|${address}`;
    if (this.inFlight.has(flight))
      return { ok: false, retryAfter: 1, error: 'a sign-in for this account is already being checked; try again in a moment' };
    const keys = this.keys(user, address, device);
    let wait = 0;
    let slowed = false;
    for (const k of keys) {
      const lockedUntil = this.row(k.key)?.locked_until;
      if (!lockedUntil || lockedUntil <= now.toISOString()) continue;
      const seconds = Math.ceil((Date.parse(lockedUntil) - now.getTime()) / 1000);
      if (seconds > wait) [wait, slowed] = [seconds, k.kind === 'slow'];
    }
    if (wait > 0)
      return {
        ok: false,
        retryAfter: wait,
        error: slowed
          ? `too many failed sign-ins for this account; try again in ${wait} s`
          : `too many failed logins; try again in ${Math.ceil(wait / 60)} min`,
      };
    this.count(keys, now);
    this.inFlight.add(flight);
    let finished = false;
    return {
      ok: true,
      attempt: {
        succeeded: () => this.forgive(keys),
        done: () => {
          if (finished) return;
          finished = true;
          this.inFlight.delete(flight);
        },
      },
    };
  }

  /** Clears every count and lock of an account (an admin's unlock); returns how many entries were removed. */
  unlock(username: string): number {
    const user = username.toLowerCase();
    return this.db
      .query(
        `DELETE FROM login_failures WHERE key = ?1 OR substr(key, 1, length(?2)) = ?2 OR substr(key, 1, length(?3)) = ?3`,
      )
      .run(`user:${user}`, `pair:${user}|`, `device:${user}|`).changes;
  }

  private keys(user: string, address: string, device: string | null): Key[] {
    if (device) return [{ key: `device:${user}|${device}`, kind: 'lock', limit: this.maxFailures }];
    return [
      { key: `pair:${user}|${address}`, kind: 'lock', limit: this.maxFailures },
      { key: `ip:${address}`, kind: 'lock', limit: this.maxFailures * ADDRESS_FACTOR },
      { key: `user:${user}`, kind: 'slow', limit: this.maxFailures },
    ];
  }

  private row(key: string) {
    return this.db
      .query<{ failures: number; window_started_at: string; locked_until: string | null }, [string]>(
        'SELECT failures, window_started_at, locked_until FROM login_failures WHERE key = ?',
      )
      .get(key);
  }

  private count(keys: Key[], now: Date): void {
    const windowMs = this.lockoutMinutes * 60_000;
    // Past the limit the account waits 1, 2, 4 ... s between tries, up to the pace that spends the allowance once
    // per window: an attacker with many addresses still gets no more guesses than one address used to.
    const slowCapMs = Math.max(1000, Math.floor(windowMs / this.maxFailures));
    this.db.transaction(() => {
      for (const k of keys) {
        const row = this.row(k.key);
        const fresh = !row || now.getTime() - Date.parse(row.window_started_at) > windowMs;
        const failures = fresh ? 1 : row.failures + 1;
        let windowStart = fresh ? now.toISOString() : row.window_started_at;
        let lockedUntil: string | null = null;
        if (failures >= k.limit) {
          if (k.kind === 'lock') lockedUntil = new Date(now.getTime() + windowMs).toISOString();
          else {
            const delay = Math.min(slowCapMs, 1000 * 2 ** Math.min(30, failures - k.limit));
            lockedUntil = new Date(now.getTime() + delay).toISOString();
            // A slowed account stays slowed until a whole window passes without tries.
            windowStart = now.toISOString();
          }
        }
        this.db
          .query(
            `INSERT INTO login_failures (key, failures, window_started_at, locked_until) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key) DO UPDATE SET failures = ?2, window_started_at = ?3, locked_until = ?4`,
          )
          .run(k.key, failures, windowStart, lockedUntil);
      }
    })();
  }

  /** A right password: the account's counts go, and the address gets back the try it was charged. */
  private forgive(keys: Key[]): void {
    this.db.transaction(() => {
      for (const k of keys) {
        if (!k.key.startsWith('ip:')) {
          this.db.query('DELETE FROM login_failures WHERE key = ?').run(k.key);
          continue;
        }
        this.db.query('DELETE FROM login_failures WHERE key = ? AND failures <= 1').run(k.key);
        this.db
          .query(
            `UPDATE login_failures SET failures = failures - 1,
               locked_until = CASE WHEN failures - 1 >= ? THEN locked_until ELSE NULL END
             WHERE key = ? AND failures > 1`,
          )
          .run(k.limit, k.key);
      }
    })();
  }

  private purge(now: Date): void {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    const iso = now.toISOString();
    const windowStart = new Date(now.getTime() - this.lockoutMinutes * 60_000).toISOString();
    this.db
      .query('DELETE FROM login_failures WHERE window_started_at < ? AND (locked_until IS NULL OR locked_until <= ?)')
      .run(windowStart, iso);
  }
}
