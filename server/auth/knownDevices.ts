import type { Database } from 'bun:sqlite';
import { randomSecret, sha256 } from './secrets.ts';

export const DEVICE_COOKIE = 'tessera_device';
export const DEVICE_DAYS = 90;
// Older device cookies of an engineer are forgotten beyond this many, so sign-ins cannot grow the table without end.
const MAX_DEVICES_PER_ENGINEER = 20;

/**
 * Browsers that have signed in as an engineer before (the device cookie). The cookie is a random secret bound to
 * one engineer on the server, so it cannot be forged, and it can be forgotten (password reset, disable).
 */
export class KnownDevices {
  constructor(private db: Database) {}

  /** Issues a device cookie value for a browser that just signed in as the engineer. */
  issue(engineerId: number): { token: string; expires: Date } {
    const token = randomSecret();
    const expires = new Date(Date.now() + DEVICE_DAYS * 86_400_000);
    this.db.transaction(() => {
      this.db
        .query('INSERT INTO known_devices (token_hash, engineer_id, expires_at) VALUES (?, ?, ?)')
        .run(sha256(token), engineerId, expires.toISOString());
      this.db
        .query(
          `DELETE FROM known_devices WHERE engineer_id = ?1 AND token_hash NOT IN
             (SELECT token_hash FROM known_devices WHERE engineer_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2)`,
        )
        .run(engineerId, MAX_DEVICES_PER_ENGINEER);
    })();
    return { token, expires };
  }

  /** A short stable id of the device when the cookie is a live one of this engineer, else null. */
  idFor(token: string, engineerId: number): string | null {
    if (!token || token.length > 200) return null;
    const hash = sha256(token);
    const row = this.db
      .query<{ n: number }, [string, number, string]>(
        'SELECT 1 AS n FROM known_devices WHERE token_hash = ? AND engineer_id = ? AND expires_at > ?',
      )
      .get(hash, engineerId, new Date().toISOString());
    return row ? hash.slice(0, 16) : null;
  }

  forgetAll(engineerId: number): void {
    this.db.query('DELETE FROM known_devices WHERE engineer_id = ?').run(engineerId);
  }
}
