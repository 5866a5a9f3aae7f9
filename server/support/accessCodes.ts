import type { Database } from 'bun:sqlite';
import { randomInt } from 'node:crypto';
import { sha256 } from '../auth/secrets.ts';

export const CODE_DIGITS = 6;
export const DEFAULT_CODE_MINUTES = 10;
/** A code is a 6-digit secret guessed against a shared rate limit: the longer it lives, the better the odds; an hour is enough to read it out. */
export const MAX_CODE_MINUTES = 60;

/**
 * 6-digit access codes. Only a hash is stored and lookup is by hash, so comparing a guess never walks the
 * code's characters; a code is single-use (the redeeming UPDATE is guarded by used_at IS NULL) and expires.
 */
export class AccessCodes {
  constructor(private db: Database) {}

  issue(sessionId: number, engineerId: number, minutes = DEFAULT_CODE_MINUTES): { code: string; expiresAt: string } {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_CODE_MINUTES) throw new RangeError(`a code lives 1..${MAX_CODE_MINUTES} minutes`);
    const expiresAt = new Date(Date.now() + minutes * 60_000).toISOString();
    // A live code must be unique; retry on the (rare) collision with another live code.
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
      this.db.query('DELETE FROM access_codes WHERE code_hash = ? AND (used_at IS NOT NULL OR expires_at <= ?)').run(sha256(code), new Date().toISOString());
      const inserted = this.db
        .query('INSERT OR IGNORE INTO access_codes (code_hash, session_id, engineer_id, expires_at) VALUES (?, ?, ?, ?)')
        .run(sha256(code), sessionId, engineerId, expiresAt).changes;
      if (inserted === 1) return { code, expiresAt };
    }
    throw new Error('could not find a free access code');
  }

  /** The session a code opens, consuming the code; null for a wrong, used or expired code. */
  redeem(code: string): number | null {
    if (!new RegExp(`^\\d{${CODE_DIGITS}}$`).test(code)) return null;
    const row = this.db
      .query<{ session_id: number }, [string, string]>(
        `UPDATE access_codes SET used_at = ?1 WHERE code_hash = ?2 AND used_at IS NULL AND expires_at > ?1
         RETURNING session_id`,
      )
      .get(new Date().toISOString(), sha256(code));
    return row?.session_id ?? null;
  }
}
