import type { Database } from 'bun:sqlite';
import type { Desk } from '../protocol/api.ts';

/** Service desks and service stations share one shape; each table has one non-deletable default row. */
export type UnitTable = 'desks' | 'stations';

interface UnitRow {
  id: number;
  name: string;
  description: string;
  is_default: number;
}

const toUnit = (r: UnitRow): Desk => ({ id: r.id, name: r.name, description: r.description, isDefault: r.is_default === 1 });

export class DeskStore {
  constructor(
    private db: Database,
    private table: UnitTable,
  ) {}

  list(): Desk[] {
    return this.db
      .query<UnitRow, []>(`SELECT id, name, description, is_default FROM ${this.table} ORDER BY is_default DESC, name`)
      .all()
      .map(toUnit);
  }

  get(id: number): Desk | null {
    const row = this.db
      .query<UnitRow, [number]>(`SELECT id, name, description, is_default FROM ${this.table} WHERE id = ?`)
      .get(id);
    return row ? toUnit(row) : null;
  }

  defaultId(): number {
    return this.db.query<{ id: number }, []>(`SELECT id FROM ${this.table} WHERE is_default = 1`).get()!.id;
  }

  nameTaken(name: string, exceptId = 0): boolean {
    return this.db.query(`SELECT 1 FROM ${this.table} WHERE name = ? AND id != ?`).get(name, exceptId) !== null;
  }

  /** Ids in `ids` that do not exist. */
  missing(ids: number[]): number[] {
    const known = new Set(this.list().map((u) => u.id));
    return ids.filter((id) => !known.has(id));
  }

  create(name: string, description: string): Desk {
    const row = this.db
      .query<UnitRow, [string, string]>(
        `INSERT INTO ${this.table} (name, description) VALUES (?, ?) RETURNING id, name, description, is_default`,
      )
      .get(name, description)!;
    return toUnit(row);
  }

  update(id: number, patch: { name?: string; description?: string }): void {
    if (patch.name !== undefined) this.db.query(`UPDATE ${this.table} SET name = ? WHERE id = ?`).run(patch.name, id);
    if (patch.description !== undefined)
      this.db.query(`UPDATE ${this.table} SET description = ? WHERE id = ?`).run(patch.description, id);
  }

  /** Deletes a non-default unit; its memberships go with it (ON DELETE CASCADE). */
  remove(id: number): void {
    this.db.query(`DELETE FROM ${this.table} WHERE id = ? AND is_default = 0`).run(id);
  }
}
