import type { Database } from 'bun:sqlite';

export type ParticipantRole = 'owner' | 'engineer' | 'supervisor';

export interface Participant {
  engineerId: number;
  role: ParticipantRole;
  joinedAt: string;
}

const now = () => new Date().toISOString();

/**
 * Who is in a live session. The owner is also recorded on the session row; both change together in one
 * transaction. Supervisors only watch: they never own a session and never count for the fallback.
 */
export class Participants {
  constructor(private db: Database) {}

  list(sessionId: number): Participant[] {
    return this.db
      .query<{ engineer_id: number; role: ParticipantRole; joined_at: string }, [number]>(
        `SELECT engineer_id, role, joined_at FROM session_participants WHERE session_id = ? AND left_at IS NULL
         ORDER BY joined_at, rowid`,
      )
      .all(sessionId)
      .map((r) => ({ engineerId: r.engineer_id, role: r.role, joinedAt: r.joined_at }));
  }

  roleOf(sessionId: number, engineerId: number): ParticipantRole | null {
    return this.list(sessionId).find((p) => p.engineerId === engineerId)?.role ?? null;
  }

  join(sessionId: number, engineerId: number, role: Exclude<ParticipantRole, 'owner'>): boolean {
    if (this.roleOf(sessionId, engineerId)) return false;
    this.db.query('INSERT INTO session_participants (session_id, engineer_id, role, joined_at) VALUES (?, ?, ?, ?)').run(sessionId, engineerId, role, now());
    return true;
  }

  leave(sessionId: number, engineerId: number): void {
    this.db
      .query('UPDATE session_participants SET left_at = ? WHERE session_id = ? AND engineer_id = ? AND left_at IS NULL')
      .run(now(), sessionId, engineerId);
  }

  /** Makes `engineerId` the owner; the previous owner stays in as an engineer unless `previousLeaves`. */
  transfer(sessionId: number, from: number | null, to: number, previousLeaves: boolean): void {
    this.db.transaction(() => {
      if (from !== null) {
        if (previousLeaves) this.leave(sessionId, from);
        else
          this.db
            .query(`UPDATE session_participants SET role = 'engineer' WHERE session_id = ? AND engineer_id = ? AND left_at IS NULL`)
            .run(sessionId, from);
      }
      if (this.roleOf(sessionId, to))
        this.db
          .query(`UPDATE session_participants SET role = 'owner' WHERE session_id = ? AND engineer_id = ? AND left_at IS NULL`)
          .run(sessionId, to);
      else this.db.query(`INSERT INTO session_participants (session_id, engineer_id, role, joined_at) VALUES (?, ?, 'owner', ?)`).run(sessionId, to, now());
      this.db.query('UPDATE support_sessions SET owner_id = ? WHERE id = ?').run(to, sessionId);
    })();
  }

  /**
   * The owner is gone: the longest-present engineer takes over, or, with none left, the session goes back to
   * the queue (the customer keeps waiting, the chat and log stay). Returns who owns it now (null: queued).
   */
  fallBack(sessionId: number, goneOwner: number): number | null {
    return this.db.transaction(() => {
      this.leave(sessionId, goneOwner);
      const next = this.list(sessionId).find((p) => p.role === 'engineer');
      if (next) {
        this.transfer(sessionId, null, next.engineerId, false);
        return next.engineerId;
      }
      this.db.query(`UPDATE support_sessions SET owner_id = NULL, status = 'queued' WHERE id = ? AND status = 'active'`).run(sessionId);
      return null;
    })();
  }

  /** Live (active or queued) sessions this engineer is in, with their role there (a disabled engineer leaves them all). */
  liveSessionsOf(engineerId: number): { sessionId: number; role: ParticipantRole }[] {
    return this.db
      .query<{ session_id: number; role: ParticipantRole }, [number]>(
        `SELECT p.session_id, p.role FROM session_participants p JOIN support_sessions s ON s.id = p.session_id
         WHERE p.engineer_id = ? AND p.left_at IS NULL AND s.status != 'ended'`,
      )
      .all(engineerId)
      .map((r) => ({ sessionId: r.session_id, role: r.role }));
  }

  /** Active sessions this engineer works in (owns or joined as an engineer; watching does not count): their load. */
  heldCount(engineerId: number): number {
    return this.db
      .query<{ n: number }, [number]>(
        `SELECT count(*) AS n FROM session_participants p JOIN support_sessions s ON s.id = p.session_id
         WHERE p.engineer_id = ? AND p.left_at IS NULL AND p.role IN ('owner', 'engineer') AND s.status = 'active'`,
      )
      .get(engineerId)!.n;
  }

  /** Active sessions this engineer owns (for the disconnect fallback). */
  ownedActive(engineerId: number): number[] {
    return this.db
      .query<{ id: number }, [number]>(`SELECT id FROM support_sessions WHERE owner_id = ? AND status = 'active'`)
      .all(engineerId)
      .map((r) => r.id);
  }
}
