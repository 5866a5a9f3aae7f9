import type { Database } from 'bun:sqlite';
import type { ApiToken, CreatedApiToken } from '../protocol/api.ts';
import { SCOPES, type Scope } from '../protocol/roles.ts';
import { randomSecret, sha256 } from './secrets.ts';

export const TOKEN_PREFIX = 'tsk_';

interface TokenRow {
  id: number;
  engineer_id: number;
  name: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scopes: (JSON.parse(row.scopes) as string[]).filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Scoped REST API tokens: shown once at creation, stored as a hash, revocable. */
export class ApiTokens {
  constructor(private db: Database) {}

  create(engineerId: number, name: string, scopes: Scope[], expiresInDays?: number): CreatedApiToken {
    const token = TOKEN_PREFIX + randomSecret();
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000).toISOString() : null;
    const row = this.db
      .query<TokenRow, [number, string, string, string, string | null]>(
        `INSERT INTO api_tokens (engineer_id, name, token_hash, scopes, expires_at) VALUES (?, ?, ?, ?, ?)
         RETURNING id, engineer_id, name, scopes, created_at, expires_at, last_used_at`,
      )
      .get(engineerId, name, sha256(token), JSON.stringify([...new Set(scopes)]), expiresAt)!;
    return { ...toApiToken(row), token };
  }

  listFor(engineerId: number): ApiToken[] {
    return this.db
      .query<TokenRow, [number]>(
        `SELECT id, engineer_id, name, scopes, created_at, expires_at, last_used_at FROM api_tokens
         WHERE engineer_id = ? AND revoked_at IS NULL ORDER BY id`,
      )
      .all(engineerId)
      .map(toApiToken);
  }

  /** Revokes one token of the given engineer (own tokens, or an admin acting on theirs); false when there is no such live token. */
  revoke(engineerId: number, id: number): boolean {
    return (
      this.db
        .query(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND engineer_id = ? AND revoked_at IS NULL`)
        .run(new Date().toISOString(), id, engineerId).changes > 0
    );
  }

  /** Revokes every live token of an engineer (admin password reset, disable): they were made under the old trust. */
  revokeAllFor(engineerId: number): number {
    return this.db
      .query('UPDATE api_tokens SET revoked_at = ? WHERE engineer_id = ? AND revoked_at IS NULL')
      .run(new Date().toISOString(), engineerId).changes;
  }

  /** The engineer and scopes a presented token grants, or null for an unknown, revoked or expired token. */
  resolve(token: string): { engineerId: number; scopes: Scope[] } | null {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const row = this.db
      .query<TokenRow, [string, string]>(
        `SELECT id, engineer_id, name, scopes, created_at, expires_at, last_used_at FROM api_tokens
         WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
      )
      .get(sha256(token), new Date().toISOString());
    if (!row) return null;
    this.db.query('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), row.id);
    return { engineerId: row.engineer_id, scopes: toApiToken(row).scopes };
  }
}
