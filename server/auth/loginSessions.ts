import type { Database } from 'bun:sqlite';
import { randomSecret, sha256 } from './secrets.ts';

export const SESSION_COOKIE = 'tessera_session';

/** Console logins: the cookie holds a random secret, the database only its hash. */
export class LoginSessions {
  constructor(
    private db: Database,
    private hours: number,
  ) {}

  create(engineerId: number): { token: string; expires: Date } {
    const token = randomSecret();
    const expires = new Date(Date.now() + this.hours * 3600_000);
    this.db
      .query('INSERT INTO login_sessions (token_hash, engineer_id, expires_at) VALUES (?, ?, ?)')
      .run(sha256(token), engineerId, expires.toISOString());
    return { token, expires };
  }

  /** The engineer id of a live session, or null (expired sessions are deleted on sight). */
  engineerId(token: string): number | null {
    const hash = sha256(token);
    const row = this.db
      .query<{ engineer_id: number; expires_at: string }, [string]>(
        'SELECT engineer_id, expires_at FROM login_sessions WHERE token_hash = ?',
      )
      .get(hash);
    if (!row) return null;
    if (row.expires_at <= new Date().toISOString()) {
      this.db.query('DELETE FROM login_sessions WHERE token_hash = ?').run(hash);
      return null;
    }
    return row.engineer_id;
  }

  end(token: string): void {
    this.db.query('DELETE FROM login_sessions WHERE token_hash = ?').run(sha256(token));
  }

  /** Ends every login of an engineer (disable, password reset), except the one given. */
  endAllFor(engineerId: number, except?: string): void {
    this.db
      .query('DELETE FROM login_sessions WHERE engineer_id = ? AND token_hash != ?')
      .run(engineerId, except ? sha256(except) : '');
  }

  purgeExpired(): void {
    this.db.query('DELETE FROM login_sessions WHERE expires_at <= ?').run(new Date().toISOString());
  }
}
