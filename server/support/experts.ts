import type { Database } from 'bun:sqlite';
import { randomInt } from 'node:crypto';
import { constantTimeEqual, randomSecret, sha256 } from '../auth/secrets.ts';

export type ExpertMethod = 'email-code' | 'password';
export const MAX_EXPERT_ATTEMPTS = 5;
export const EXPERT_CODE_MINUTES = 10;

export interface ExpertInvitation {
  id: number;
  sessionId: number;
  inviterId: number | null;
  name: string;
  email: string;
  method: ExpertMethod;
  passwordHash: string | null;
  codeHash: string | null;
  codeExpiresAt: string | null;
  failedAttempts: number;
  expiresAt: string;
  usedAt: string | null;
}

interface Row {
  id: number;
  session_id: number;
  inviter_id: number | null;
  name: string;
  email: string;
  method: ExpertMethod;
  password_hash: string | null;
  code_hash: string | null;
  code_expires_at: string | null;
  failed_attempts: number;
  expires_at: string;
  used_at: string | null;
}

const toInvitation = (r: Row): ExpertInvitation => ({
  id: r.id,
  sessionId: r.session_id,
  inviterId: r.inviter_id,
  name: r.name,
  email: r.email,
  method: r.method,
  passwordHash: r.password_hash,
  codeHash: r.code_hash,
  codeExpiresAt: r.code_expires_at,
  failedAttempts: r.failed_attempts,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});

const now = () => new Date().toISOString();

/** Outside experts' one-time invitations and the logins they turn into. Secrets are stored only as hashes. */
export class Experts {
  constructor(private db: Database) {}

  invite(input: {
    sessionId: number;
    inviterId: number;
    name: string;
    email: string;
    method: ExpertMethod;
    passwordHash: string | null;
    hours: number;
  }): { link: string; expiresAt: string } {
    const link = randomSecret();
    const expiresAt = new Date(Date.now() + input.hours * 3600_000).toISOString();
    this.db
      .query(
        `INSERT INTO expert_invitations (session_id, inviter_id, name, email, method, password_hash, link_hash, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(input.sessionId, input.inviterId, input.name, input.email, input.method, input.passwordHash, sha256(link), expiresAt);
    return { link, expiresAt };
  }

  /** An invitation that can still be used: unknown, used, expired or burned ones are null. */
  usable(link: string): ExpertInvitation | null {
    if (!link || link.length > 200) return null;
    const row = this.db.query<Row, [string]>('SELECT * FROM expert_invitations WHERE link_hash = ?').get(sha256(link));
    if (!row || row.used_at || row.expires_at <= now() || row.failed_attempts >= MAX_EXPERT_ATTEMPTS) return null;
    return toInvitation(row);
  }

  newCode(id: number): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expires = new Date(Date.now() + EXPERT_CODE_MINUTES * 60_000).toISOString();
    this.db.query('UPDATE expert_invitations SET code_hash = ?, code_expires_at = ? WHERE id = ?').run(sha256(code), expires, id);
    return code;
  }

  codeMatches(inv: ExpertInvitation, code: string): boolean {
    return !!inv.codeHash && !!inv.codeExpiresAt && inv.codeExpiresAt > now() && constantTimeEqual(sha256(code), inv.codeHash);
  }

  /**
   * Counts an attempt before its secret is checked (synchronously, so parallel guesses cannot outrun the limit);
   * the attempts left after this one, or null when the invitation has none left.
   */
  reserveAttempt(id: number): number | null {
    const row = this.db
      .query<{ failed_attempts: number }, [number, number]>(
        `UPDATE expert_invitations SET failed_attempts = failed_attempts + 1 WHERE id = ? AND failed_attempts < ?
         RETURNING failed_attempts`,
      )
      .get(id, MAX_EXPERT_ATTEMPTS);
    return row ? MAX_EXPERT_ATTEMPTS - row.failed_attempts : null;
  }

  /** Takes back the attempt reserved for a check that succeeded. */
  releaseAttempt(id: number): void {
    this.db.query('UPDATE expert_invitations SET failed_attempts = failed_attempts - 1 WHERE id = ? AND failed_attempts > 0').run(id);
  }

  /** Uses the invitation (once: guarded by used_at) and opens an expert login; null if it was used meanwhile. */
  login(inv: ExpertInvitation, hours: number): string | null {
    return this.db.transaction(() => {
      const used = this.db.query('UPDATE expert_invitations SET used_at = ? WHERE id = ? AND used_at IS NULL').run(now(), inv.id).changes;
      if (used !== 1) return null;
      const token = randomSecret();
      this.db
        .query('INSERT INTO expert_logins (token_hash, invitation_id, session_id, expires_at) VALUES (?, ?, ?, ?)')
        .run(sha256(token), inv.id, inv.sessionId, new Date(Date.now() + hours * 3600_000).toISOString());
      return token;
    })();
  }

  /** The expert behind a login cookie: their invitation (name) and the one session they may see. */
  byLogin(token: string): ExpertInvitation | null {
    if (!token || token.length > 200) return null;
    const row = this.db
      .query<Row, [string, string]>(
        `SELECT i.* FROM expert_logins l JOIN expert_invitations i ON i.id = l.invitation_id
         WHERE l.token_hash = ? AND l.revoked_at IS NULL AND l.expires_at > ?`,
      )
      .get(sha256(token), now());
    return row ? toInvitation(row) : null;
  }

  logout(token: string): void {
    this.db.query('UPDATE expert_logins SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL').run(now(), sha256(token));
  }

  /** Removes every expert from a session (no engineer left, or it ended); returns the names removed. */
  revokeSession(sessionId: number): string[] {
    return this.db.transaction(() => {
      const names = this.db
        .query<{ name: string }, [number, string]>(
          `SELECT i.name FROM expert_logins l JOIN expert_invitations i ON i.id = l.invitation_id
           WHERE l.session_id = ? AND l.revoked_at IS NULL AND l.expires_at > ?`,
        )
        .all(sessionId, now())
        .map((r) => r.name);
      this.db.query('UPDATE expert_logins SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL').run(now(), sessionId);
      this.db.query('UPDATE expert_invitations SET expires_at = ? WHERE session_id = ? AND used_at IS NULL AND expires_at > ?').run(now(), sessionId, now());
      return names;
    })();
  }
}
