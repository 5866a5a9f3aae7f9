import type { Database } from 'bun:sqlite';
import type { Engineer, Me } from '../protocol/api.ts';
import type { Role } from '../protocol/roles.ts';

interface EngineerRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  disabled: number;
  nickname: string;
  signature: string;
  has_avatar: number;
  created_at: string;
}

export interface EngineerRecord {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  mustChangePassword: boolean;
  disabled: boolean;
  nickname: string;
  signature: string;
  hasAvatar: boolean;
  createdAt: string;
}

const COLUMNS = `id, username, display_name, role, password_hash, must_change_password, disabled, nickname, signature,
  avatar IS NOT NULL AS has_avatar, created_at`;

function record(row: EngineerRow): EngineerRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    mustChangePassword: row.must_change_password === 1,
    disabled: row.disabled === 1,
    nickname: row.nickname,
    signature: row.signature,
    hasAvatar: row.has_avatar === 1,
    createdAt: row.created_at,
  };
}

export function toMe(e: EngineerRecord): Me {
  return {
    id: e.id,
    username: e.username,
    displayName: e.displayName,
    role: e.role,
    nickname: e.nickname,
    signature: e.signature,
    hasAvatar: e.hasAvatar,
    mustChangePassword: e.mustChangePassword,
  };
}

export class EngineerStore {
  constructor(private db: Database) {}

  byId(id: number): EngineerRecord | null {
    const row = this.db.query<EngineerRow, [number]>(`SELECT ${COLUMNS} FROM engineers WHERE id = ?`).get(id);
    return row ? record(row) : null;
  }

  byUsername(username: string): EngineerRecord | null {
    const row = this.db
      .query<EngineerRow, [string]>(`SELECT ${COLUMNS} FROM engineers WHERE username = ?`)
      .get(username);
    return row ? record(row) : null;
  }

  hasAdmin(): boolean {
    return this.db.query(`SELECT 1 FROM engineers WHERE role = 'admin' LIMIT 1`).get() !== null;
  }

  list(): Engineer[] {
    const rows = this.db.query<EngineerRow, []>(`SELECT ${COLUMNS} FROM engineers ORDER BY display_name COLLATE NOCASE`).all();
    const desks = this.memberships('engineer_desks', 'desk_id');
    const stations = this.memberships('engineer_stations', 'station_id');
    return rows.map((row) => this.toEngineer(record(row), desks.get(row.id) ?? [], stations.get(row.id) ?? []));
  }

  engineer(id: number): Engineer | null {
    const e = this.byId(id);
    if (!e) return null;
    return this.toEngineer(e, this.deskIds(id), this.stationIds(id));
  }

  deskIds(engineerId: number): number[] {
    return this.db
      .query<{ desk_id: number }, [number]>('SELECT desk_id FROM engineer_desks WHERE engineer_id = ? ORDER BY desk_id')
      .all(engineerId)
      .map((r) => r.desk_id);
  }

  stationIds(engineerId: number): number[] {
    return this.db
      .query<{ station_id: number }, [number]>(
        'SELECT station_id FROM engineer_stations WHERE engineer_id = ? ORDER BY station_id',
      )
      .all(engineerId)
      .map((r) => r.station_id);
  }

  /** Engineer ids per desk id, for presence. */
  deskMembers(): Map<number, number[]> {
    const map = new Map<number, number[]>();
    for (const r of this.db
      .query<{ desk_id: number; engineer_id: number }, []>(
        `SELECT m.desk_id, m.engineer_id FROM engineer_desks m JOIN engineers e ON e.id = m.engineer_id
         WHERE e.disabled = 0 ORDER BY m.desk_id`,
      )
      .all()) {
      const list = map.get(r.desk_id) ?? [];
      list.push(r.engineer_id);
      map.set(r.desk_id, list);
    }
    return map;
  }

  create(input: {
    username: string;
    displayName: string;
    role: Role;
    passwordHash: string;
    deskIds: number[];
    stationIds: number[];
    mustChangePassword?: boolean;
  }): number {
    return this.db.transaction(() => {
      const { id } = this.db
        .query<{ id: number }, [string, string, string, string, number]>(
          `INSERT INTO engineers (username, display_name, role, password_hash, must_change_password)
           VALUES (?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(input.username, input.displayName, input.role, input.passwordHash, input.mustChangePassword ? 1 : 0)!;
      this.setMemberships(id, input.deskIds, input.stationIds);
      return id;
    })();
  }

  update(
    id: number,
    patch: { displayName?: string; role?: Role; disabled?: boolean; deskIds?: number[]; stationIds?: number[] },
  ): void {
    this.db.transaction(() => {
      if (patch.displayName !== undefined)
        this.db.query('UPDATE engineers SET display_name = ? WHERE id = ?').run(patch.displayName, id);
      if (patch.role !== undefined) this.db.query('UPDATE engineers SET role = ? WHERE id = ?').run(patch.role, id);
      if (patch.disabled !== undefined)
        this.db.query('UPDATE engineers SET disabled = ? WHERE id = ?').run(patch.disabled ? 1 : 0, id);
      if (patch.deskIds !== undefined || patch.stationIds !== undefined)
        this.setMemberships(id, patch.deskIds ?? this.deskIds(id), patch.stationIds ?? this.stationIds(id));
    })();
  }

  setPassword(id: number, passwordHash: string, mustChange: boolean): void {
    this.db
      .query('UPDATE engineers SET password_hash = ?, must_change_password = ? WHERE id = ?')
      .run(passwordHash, mustChange ? 1 : 0, id);
  }

  updateProfile(id: number, patch: { displayName?: string; nickname?: string; signature?: string }): void {
    this.db.transaction(() => {
      if (patch.displayName !== undefined)
        this.db.query('UPDATE engineers SET display_name = ? WHERE id = ?').run(patch.displayName, id);
      if (patch.nickname !== undefined) this.db.query('UPDATE engineers SET nickname = ? WHERE id = ?').run(patch.nickname, id);
      if (patch.signature !== undefined)
        this.db.query('UPDATE engineers SET signature = ? WHERE id = ?').run(patch.signature, id);
    })();
  }

  setAvatar(id: number, image: Uint8Array): void {
    this.db.query('UPDATE engineers SET avatar = ? WHERE id = ?').run(image, id);
  }

  avatar(id: number): Uint8Array | null {
    const row = this.db.query<{ avatar: Uint8Array | null }, [number]>('SELECT avatar FROM engineers WHERE id = ?').get(id);
    return row?.avatar ?? null;
  }

  /** Puts every engineer who belongs to no desk and no station into the given desk. */
  assignOrphansToDesk(deskId: number): void {
    this.db
      .query(
        `INSERT INTO engineer_desks (engineer_id, desk_id)
         SELECT id, ? FROM engineers e
         WHERE NOT EXISTS (SELECT 1 FROM engineer_desks d WHERE d.engineer_id = e.id)
           AND NOT EXISTS (SELECT 1 FROM engineer_stations s WHERE s.engineer_id = e.id)`,
      )
      .run(deskId);
  }

  countActiveAdmins(): number {
    return this.db.query<{ n: number }, []>(`SELECT count(*) AS n FROM engineers WHERE role = 'admin' AND disabled = 0`).get()!.n;
  }

  private setMemberships(id: number, deskIds: number[], stationIds: number[]): void {
    this.db.query('DELETE FROM engineer_desks WHERE engineer_id = ?').run(id);
    this.db.query('DELETE FROM engineer_stations WHERE engineer_id = ?').run(id);
    const addDesk = this.db.query('INSERT INTO engineer_desks (engineer_id, desk_id) VALUES (?, ?)');
    const addStation = this.db.query('INSERT INTO engineer_stations (engineer_id, station_id) VALUES (?, ?)');
    for (const d of new Set(deskIds)) addDesk.run(id, d);
    for (const s of new Set(stationIds)) addStation.run(id, s);
  }

  private memberships(table: 'engineer_desks' | 'engineer_stations', column: 'desk_id' | 'station_id') {
    const map = new Map<number, number[]>();
    for (const r of this.db
      .query<{ engineer_id: number; ref: number }, []>(`SELECT engineer_id, ${column} AS ref FROM ${table} ORDER BY ref`)
      .all()) {
      const list = map.get(r.engineer_id) ?? [];
      list.push(r.ref);
      map.set(r.engineer_id, list);
    }
    return map;
  }

  private toEngineer(e: EngineerRecord, deskIds: number[], stationIds: number[]): Engineer {
    return {
      id: e.id,
      username: e.username,
      displayName: e.displayName,
      role: e.role,
      disabled: e.disabled,
      deskIds,
      stationIds,
      createdAt: e.createdAt,
    };
  }
}
