import type { Database } from 'bun:sqlite';
import { randomSecret, sha256 } from '../auth/secrets.ts';
import { CUSTOMER_SEES_SQL } from '../protocol/sessionLog.ts';
import type { SurveyResult } from '../protocol/support.ts';

export type SessionStatus = 'queued' | 'waiting-code' | 'active' | 'ended';
export type Channel = 'chat' | 'remote';

export interface SupportSession {
  id: number;
  deskId: number | null;
  channel: Channel;
  status: SessionStatus;
  ownerId: number | null;
  customerFields: Record<string, string>;
  createdAt: string;
  takenAt: string | null;
  endedAt: string | null;
  notes: string;
}

interface SessionRow {
  id: number;
  desk_id: number | null;
  channel: Channel;
  status: SessionStatus;
  owner_id: number | null;
  customer_fields: string;
  created_at: string;
  taken_at: string | null;
  ended_at: string | null;
  notes: string;
}

const toSession = (r: SessionRow): SupportSession => ({
  id: r.id,
  deskId: r.desk_id,
  channel: r.channel,
  status: r.status,
  ownerId: r.owner_id,
  customerFields: JSON.parse(r.customer_fields) as Record<string, string>,
  createdAt: r.created_at,
  takenAt: r.taken_at,
  endedAt: r.ended_at,
  notes: r.notes,
});

const now = () => new Date().toISOString();

export interface LogEntry {
  id: number;
  at: string;
  actor: string;
  kind: string;
  text: string;
  data: Record<string, unknown>;
}

/** How long a customer's token works (the settings of the same names). */
export interface CustomerTokenLifetime {
  customerTokenHours: number;
  customerGraceMinutes: number;
}

/** Support requests and the sessions they become, with their log. */
export class SessionStore {
  constructor(private db: Database) {}

  /** A customer's request enters a desk's queue (or every desk's, with deskId null). Returns the customer's secret. */
  createRequest(input: { deskId: number | null; channel: Channel; fields: Record<string, string>; address: string }) {
    const customerToken = randomSecret();
    const row = this.db
      .query<SessionRow, [number | null, string, string, string, string]>(
        `INSERT INTO support_sessions (desk_id, channel, status, customer_fields, customer_token_hash, customer_address)
         VALUES (?, ?, 'queued', ?, ?, ?) RETURNING *`,
      )
      .get(input.deskId, input.channel, JSON.stringify(input.fields), sha256(customerToken), input.address)!;
    this.log(row.id, 'customer', 'status', 'request created');
    return { session: toSession(row), customerToken };
  }

  /** An engineer's pre-created session, waiting for the customer to enter an access code. */
  createForCode(engineerId: number, deskId: number | null): SupportSession {
    const row = this.db
      .query<SessionRow, [number | null, number, string]>(
        `INSERT INTO support_sessions (desk_id, channel, status, owner_id, taken_at)
         VALUES (?, 'remote', 'waiting-code', ?, ?) RETURNING *`,
      )
      .get(deskId, engineerId, now())!;
    this.db.query(`INSERT INTO session_participants (session_id, engineer_id, role) VALUES (?, ?, 'owner')`).run(row.id, engineerId);
    this.log(row.id, `engineer:${engineerId}`, 'status', 'session created for an access code');
    return toSession(row);
  }

  /** The customer arrived with a code: the session gets its customer secret and becomes active. */
  attachCustomer(sessionId: number, address: string, fields: Record<string, string>): string {
    const customerToken = randomSecret();
    this.db
      .query(
        `UPDATE support_sessions SET customer_token_hash = ?, customer_address = ?, customer_fields = ?, status = 'active'
         WHERE id = ? AND status = 'waiting-code'`,
      )
      .run(sha256(customerToken), address, JSON.stringify(fields), sessionId);
    this.log(sessionId, 'customer', 'join', 'customer joined with an access code');
    return customerToken;
  }

  /** An engineer corrects who the customer is (the values are checked by IdentityFields first). */
  setCustomerFields(sessionId: number, fields: Record<string, string>): void {
    this.db.query('UPDATE support_sessions SET customer_fields = ? WHERE id = ?').run(JSON.stringify(fields), sessionId);
  }

  get(id: number): SupportSession | null {
    const row = this.db.query<SessionRow, [number]>('SELECT * FROM support_sessions WHERE id = ?').get(id);
    return row ? toSession(row) : null;
  }

  /**
   * The session a customer's token opens, while the token lives: a token is a bearer secret kept in the browser,
   * so it stops working `customerTokenHours` after the request began and `customerGraceMinutes` after the end.
   */
  byCustomerToken(token: string, lifetime: CustomerTokenLifetime): SupportSession | null {
    if (!token || token.length > 200) return null;
    const t = Date.now();
    const row = this.db
      .query<SessionRow, [string, string, string]>(
        `SELECT * FROM support_sessions WHERE customer_token_hash = ? AND created_at > ? AND (ended_at IS NULL OR ended_at > ?)`,
      )
      .get(
        sha256(token),
        new Date(t - lifetime.customerTokenHours * 3_600_000).toISOString(),
        new Date(t - lifetime.customerGraceMinutes * 60_000).toISOString(),
      );
    return row ? toSession(row) : null;
  }

  /** Queued requests an engineer of these desks sees: their desks' requests and generic ones. */
  queue(deskIds: number[]): SupportSession[] {
    const placeholders = deskIds.map(() => '?').join(',') || 'NULL';
    return this.db
      .query<SessionRow, number[]>(
        `SELECT * FROM support_sessions WHERE status = 'queued' AND (desk_id IS NULL OR desk_id IN (${placeholders}))
         ORDER BY id`,
      )
      .all(...deskIds)
      .map(toSession);
  }

  /**
   * Takes a queued request. One UPDATE guarded by the status is the whole claim, so when two engineers click at
   * once exactly one row changes and the other gets false.
   */
  take(id: number, engineerId: number, deskIds: number[]): boolean {
    const placeholders = deskIds.map(() => '?').join(',') || 'NULL';
    return this.db.transaction(() => {
      const changed = this.db
        .query(
          `UPDATE support_sessions SET status = 'active', owner_id = ?, taken_at = ?
           WHERE id = ? AND status = 'queued' AND (desk_id IS NULL OR desk_id IN (${placeholders}))`,
        )
        .run(engineerId, now(), id, ...deskIds).changes;
      if (changed !== 1) return false;
      this.db.query(`INSERT INTO session_participants (session_id, engineer_id, role) VALUES (?, ?, 'owner')`).run(id, engineerId);
      this.log(id, `engineer:${engineerId}`, 'status', 'request taken');
      return true;
    })();
  }

  /** Live sessions of these desks (null: every desk), for supervisors. */
  live(deskIds: number[] | null): SupportSession[] {
    const where = deskIds ? `AND (desk_id IS NULL OR desk_id IN (${deskIds.map(() => '?').join(',') || 'NULL'}))` : '';
    return this.db
      .query<SessionRow, number[]>(`SELECT * FROM support_sessions WHERE status = 'active' ${where} ORDER BY id`)
      .all(...(deskIds ?? []))
      .map(toSession);
  }

  /** Active sessions an engineer owns or takes part in. */
  activeFor(engineerId: number): SupportSession[] {
    return this.db
      .query<SessionRow, [number]>(
        `SELECT DISTINCT s.* FROM support_sessions s JOIN session_participants p ON p.session_id = s.id
         WHERE p.engineer_id = ? AND p.left_at IS NULL AND s.status IN ('active', 'waiting-code') ORDER BY s.id`,
      )
      .all(engineerId)
      .map(toSession);
  }

  /** Whether the engineer was ever in the session (owner, invited or watching), now or earlier. */
  tookPart(sessionId: number, engineerId: number): boolean {
    return this.db.query('SELECT 1 FROM session_participants WHERE session_id = ? AND engineer_id = ?').get(sessionId, engineerId) !== null;
  }

  /** Engineers currently in the session. */
  participants(sessionId: number): number[] {
    return this.db
      .query<{ engineer_id: number }, [number]>(
        'SELECT DISTINCT engineer_id FROM session_participants WHERE session_id = ? AND left_at IS NULL',
      )
      .all(sessionId)
      .map((r) => r.engineer_id);
  }

  /** The customer withdraws a request nobody has taken yet: atomic against a take (exactly one of them wins). */
  cancelQueued(id: number): boolean {
    const changed = this.db
      .query(`UPDATE support_sessions SET status = 'ended', ended_at = ? WHERE id = ? AND status = 'queued'`)
      .run(now(), id).changes;
    if (changed) this.log(id, 'customer', 'status', 'the customer withdrew the request');
    return changed === 1;
  }

  end(id: number, actor: string): boolean {
    const changed = this.db
      .query(`UPDATE support_sessions SET status = 'ended', ended_at = ? WHERE id = ? AND status != 'ended'`)
      .run(now(), id).changes;
    if (changed) {
      this.db.query('UPDATE session_participants SET left_at = ? WHERE session_id = ? AND left_at IS NULL').run(now(), id);
      this.log(id, actor, 'status', 'session ended');
    }
    return changed === 1;
  }

  setNotes(id: number, notes: string): void {
    this.db.query('UPDATE support_sessions SET notes = ? WHERE id = ?').run(notes, id);
  }

  /**
   * Earlier sessions of the same customer: any session that shares a value of one of the given identifying
   * fields (e-mail, phone, customer number), newest first, limited to `scope` (an SQL condition the caller built
   * for who is asking, see historyScope).
   */
  history(session: SupportSession, identifyingSlots: number[], scope: { where: string; args: number[] }, limit = 20): SupportSession[] {
    const pairs = identifyingSlots
      .map((slot) => [slot, session.customerFields[String(slot)]] as const)
      .filter((p): p is readonly [number, string] => !!p[1]);
    if (!pairs.length) return [];
    const where = pairs.map(() => `json_extract(customer_fields, '$."' || ? || '"') = ?`).join(' OR ');
    return this.db
      .query<SessionRow, (string | number)[]>(
        `SELECT * FROM support_sessions WHERE id != ? AND (${where}) AND ${scope.where} ORDER BY id DESC LIMIT ?`,
      )
      .all(session.id, ...pairs.flatMap(([slot, value]) => [String(slot), value]), ...scope.args, limit)
      .map(toSession);
  }

  /** Session log search for the console: by customer text, engineer, desk and date range. */
  search(filter: { text?: string; engineerId?: number; deskIds?: number[] | null; from?: string; to?: string; beforeId?: number; limit: number }) {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.beforeId !== undefined) {
      where.push('id < ?');
      args.push(filter.beforeId);
    }
    if (filter.text) {
      where.push(`(customer_fields LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\')`);
      const like = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like);
    }
    if (filter.engineerId !== undefined) {
      where.push('id IN (SELECT session_id FROM session_participants WHERE engineer_id = ?)');
      args.push(filter.engineerId);
    }
    if (filter.deskIds) {
      where.push(`(desk_id IS NULL OR desk_id IN (${filter.deskIds.map(() => '?').join(',') || 'NULL'}))`);
      args.push(...filter.deskIds);
    }
    if (filter.from) {
      where.push('created_at >= ?');
      args.push(filter.from);
    }
    if (filter.to) {
      where.push('created_at < ?');
      args.push(filter.to);
    }
    return this.db
      .query<SessionRow, (string | number)[]>(
        `SELECT * FROM support_sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(...args, filter.limit)
      .map(toSession);
  }

  saveSurvey(sessionId: number, rating: number, solved: boolean | null, comment: string): boolean {
    return (
      this.db
        .query('INSERT OR IGNORE INTO survey_responses (session_id, rating, solved, comment) VALUES (?, ?, ?, ?)')
        .run(sessionId, rating, solved === null ? null : solved ? 1 : 0, comment).changes === 1
    );
  }

  /** The survey answers of these sessions, by session id (sessions without one are absent). */
  surveysOf(sessionIds: readonly number[]): Map<number, SurveyResult> {
    const out = new Map<number, SurveyResult>();
    // In slices: SQLite caps the number of bound parameters.
    for (let i = 0; i < sessionIds.length; i += 500) {
      const ids = sessionIds.slice(i, i + 500);
      const rows = this.db
        .query<{ session_id: number; rating: number; solved: number | null; comment: string; created_at: string }, number[]>(
          `SELECT session_id, rating, solved, comment, created_at FROM survey_responses WHERE session_id IN (${ids.map(() => '?').join(',')})`,
        )
        .all(...ids);
      for (const r of rows) out.set(r.session_id, { rating: r.rating, solved: r.solved === null ? null : r.solved === 1, comment: r.comment, at: r.created_at });
    }
    return out;
  }

  hasSurvey(sessionId: number): boolean {
    return this.db.query('SELECT 1 FROM survey_responses WHERE session_id = ?').get(sessionId) !== null;
  }

  log(sessionId: number, actor: string, kind: string, text: string, data: Record<string, unknown> = {}): LogEntry {
    const row = this.db
      .query<{ id: number; at: string }, [number, string, string, string, string]>(
        'INSERT INTO session_log (session_id, actor, kind, text, data) VALUES (?, ?, ?, ?, ?) RETURNING id, at',
      )
      .get(sessionId, actor, kind, text, JSON.stringify(data))!;
    return { id: row.id, at: row.at, actor, kind, text, data };
  }

  /** The log after entry `afterId`, oldest first; at most `limit` entries (-1: all). */
  logOf(sessionId: number, afterId = 0, limit = -1): LogEntry[] {
    return this.readLog(sessionId, afterId, limit, 'everything', 'ASC');
  }

  /** What the customer sees of the log (customerSees) after entry `afterId`, oldest first; at most `limit` entries. */
  customerLogOf(sessionId: number, afterId = 0, limit = -1): LogEntry[] {
    return this.readLog(sessionId, afterId, limit, 'customer', 'ASC');
  }

  /** The last `count` entries the customer sees, oldest first. */
  lastCustomerEntries(sessionId: number, count: number): LogEntry[] {
    return this.readLog(sessionId, 0, count, 'customer', 'DESC').reverse();
  }

  private readLog(sessionId: number, afterId: number, limit: number, view: 'everything' | 'customer', order: 'ASC' | 'DESC'): LogEntry[] {
    const filter = view === 'customer' ? `AND ${CUSTOMER_SEES_SQL}` : '';
    return this.db
      .query<{ id: number; at: string; actor: string; kind: string; text: string; data: string }, [number, number, number]>(
        `SELECT id, at, actor, kind, text, data FROM session_log WHERE session_id = ? AND id > ? ${filter} ORDER BY id ${order} LIMIT ?`,
      )
      .all(sessionId, afterId, limit)
      .map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }
}
