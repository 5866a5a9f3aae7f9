import type { Database } from 'bun:sqlite';

// An address may fail this many times more than an account before it is refused: a shared office NAT
// should not lock out everyone because one person mistypes.
const ADDRESS_FACTOR = 4;

/**
 * Counts failed logins per account and per client address within a window; past the limit the key is locked
 * for the lockout period. Kept in SQLite so a restart does not reset an attacker's count.
 */
export class LoginThrottle {
  constructor(
    private db: Database,
    private maxFailures: number,
    private lockoutMinutes: number,
  ) {}

  /** Seconds until the account or address may try again, or 0 when a try is allowed now. */
  retryAfter(username: string, address: string, now = new Date()): number {
    let wait = 0;
    for (const key of this.keys(username, address)) {
      const row = this.db
        .query<{ locked_until: string | null }, [string]>('SELECT locked_until FROM login_failures WHERE key = ?')
        .get(key);
      if (row?.locked_until && row.locked_until > now.toISOString())
        wait = Math.max(wait, Math.ceil((Date.parse(row.locked_until) - now.getTime()) / 1000));
    }
    return wait;
  }

  recordFailure(username: string, address: string, now = new Date()): void {
    const windowMs = this.lockoutMinutes * 60_000;
    this.db.transaction(() => {
      for (const key of this.keys(username, address)) {
        const limit = key.startsWith('ip:') ? this.maxFailures * ADDRESS_FACTOR : this.maxFailures;
        const row = this.db
          .query<{ failures: number; window_started_at: string }, [string]>(
            'SELECT failures, window_started_at FROM login_failures WHERE key = ?',
          )
          .get(key);
        const fresh = !row || now.getTime() - Date.parse(row.window_started_at) > windowMs;
        const failures = fresh ? 1 : row.failures + 1;
        const lockedUntil = failures >= limit ? new Date(now.getTime() + windowMs).toISOString() : null;
        this.db
          .query(
            `INSERT INTO login_failures (key, failures, window_started_at, locked_until) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key) DO UPDATE SET failures = ?2, window_started_at = ?3, locked_until = ?4`,
          )
          .run(key, failures, fresh ? now.toISOString() : row.window_started_at, lockedUntil);
      }
    })();
  }

  recordSuccess(username: string): void {
    this.db.query('DELETE FROM login_failures WHERE key = ?').run(`user:${username.toLowerCase()}`);
  }

  private keys(username: string, address: string): string[] {
    return [`user:${username.toLowerCase()}`, `ip:${address}`];
  }
}
