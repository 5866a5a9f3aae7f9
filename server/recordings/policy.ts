import type { Database } from 'bun:sqlite';
import type { DeskRecordingPolicy, RecordingPolicy } from '../protocol/recording.ts';

/** What the desks' sessions may record (migration 0005). A desk without a row records always. */
export class RecordingPolicies {
  constructor(private readonly db: Database) {}

  /** The policy of a desk; a session outside every desk follows the default desk. */
  of(deskId: number | null): RecordingPolicy {
    const row =
      deskId === null
        ? this.db
            .query<{ policy: RecordingPolicy }, []>('SELECT p.policy FROM recording_policies p JOIN desks d ON d.id = p.desk_id WHERE d.is_default = 1')
            .get()
        : this.db.query<{ policy: RecordingPolicy }, [number]>('SELECT policy FROM recording_policies WHERE desk_id = ?').get(deskId);
    return row?.policy ?? 'always';
  }

  /** Every desk's policy, by desk id (desks without a row included, as 'always'). */
  all(): DeskRecordingPolicy[] {
    return this.db
      .query<DeskRecordingPolicy, []>(
        "SELECT d.id AS deskId, COALESCE(p.policy, 'always') AS policy FROM desks d LEFT JOIN recording_policies p ON p.desk_id = d.id ORDER BY d.id",
      )
      .all();
  }

  set(deskId: number, policy: RecordingPolicy): void {
    this.db
      .query('INSERT INTO recording_policies (desk_id, policy) VALUES (?1, ?2) ON CONFLICT (desk_id) DO UPDATE SET policy = ?2')
      .run(deskId, policy);
  }
}
