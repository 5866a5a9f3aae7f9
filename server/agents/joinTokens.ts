import type { Database } from 'bun:sqlite';
import { randomSecret, sha256 } from '../auth/secrets.ts';

/** How long a join token lasts at most; it stops working earlier when its session ends. */
export const JOIN_TOKEN_HOURS = 24;

/**
 * Why no join token may be handed out for a session in this state, or null. Only a session an engineer has taken gets
 * one: a request nobody has taken yet would otherwise let any anonymous visitor connect an agent that writes to the
 * session's log before anyone looks at it.
 */
export function joinTokenRefusal(status: string): string | null {
  if (status === 'active') return null;
  if (status === 'ended') return 'the session has ended';
  return 'no engineer has taken the request yet; the support app can be started once one has';
}

export interface JoinToken {
  token: string;
  expiresAt: string;
}

/**
 * Join tokens that bind an agent to one support session (table agent_join_tokens). Handed out to the session's
 * engineers and its customer; stored as SHA-256 only. A token stays usable (the agent reconnects with it after a
 * network loss) until it expires or the session ends.
 */
export class JoinTokens {
  constructor(private db: Database) {}

  issue(sessionId: number, issuedBy: string, now = new Date()): JoinToken {
    const token = randomSecret();
    const expiresAt = new Date(now.getTime() + JOIN_TOKEN_HOURS * 3600_000).toISOString();
    this.db
      .query('INSERT INTO agent_join_tokens (session_id, token_hash, issued_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(sessionId, sha256(token), issuedBy, now.toISOString(), expiresAt);
    return { token, expiresAt };
  }

  /** The session a token joins, or null when the token is unknown, expired, or its session has ended. */
  sessionOf(token: string, now = new Date()): number | null {
    if (!token || token.length > 256) return null;
    const row = this.db
      .query<{ session_id: number }, [string, string]>(
        `SELECT t.session_id FROM agent_join_tokens t JOIN support_sessions s ON s.id = t.session_id
         WHERE t.token_hash = ? AND t.expires_at > ? AND s.status != 'ended'`,
      )
      .get(sha256(token), now.toISOString());
    return row ? row.session_id : null;
  }
}
