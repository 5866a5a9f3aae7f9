import type { Database } from 'bun:sqlite';
import type { EngineerStatus } from '../protocol/availability.ts';

export interface AvailabilitySetting {
  status: EngineerStatus;
  sessionLimit: number | null;
}

/** The engineer_availability table. No row: available, no limit (the defaults of the table's columns). */
export class AvailabilityStore {
  constructor(private db: Database) {}

  get(engineerId: number): AvailabilitySetting {
    const row = this.db
      .query<{ status: EngineerStatus; session_limit: number | null }, [number]>(
        'SELECT status, session_limit FROM engineer_availability WHERE engineer_id = ?',
      )
      .get(engineerId);
    return { status: row?.status ?? 'available', sessionLimit: row?.session_limit ?? null };
  }

  setStatus(engineerId: number, status: EngineerStatus): void {
    this.db
      .query(
        `INSERT INTO engineer_availability (engineer_id, status) VALUES (?, ?)
         ON CONFLICT (engineer_id) DO UPDATE SET status = excluded.status,
           status_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      )
      .run(engineerId, status);
  }

  setLimit(engineerId: number, limit: number | null): void {
    this.db
      .query(
        `INSERT INTO engineer_availability (engineer_id, session_limit) VALUES (?, ?)
         ON CONFLICT (engineer_id) DO UPDATE SET session_limit = excluded.session_limit`,
      )
      .run(engineerId, limit);
  }
}
