import type { Database } from 'bun:sqlite';
import type { Provider } from '../protocol/api.ts';

export class ProviderStore {
  constructor(private db: Database) {}

  get(): Provider {
    const row = this.db
      .query<{ name: string; address: string; phone: string; website: string; has_logo: number }, []>(
        'SELECT name, address, phone, website, logo IS NOT NULL AS has_logo FROM provider WHERE id = 1',
      )
      .get()!;
    return { name: row.name, address: row.address, phone: row.phone, website: row.website, hasLogo: row.has_logo === 1 };
  }

  update(p: { name: string; address: string; phone: string; website: string }): void {
    this.db
      .query(
        `UPDATE provider SET name = ?, address = ?, phone = ?, website = ?,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1`,
      )
      .run(p.name, p.address, p.phone, p.website);
  }

  setLogo(png: Uint8Array): void {
    this.db.query(`UPDATE provider SET logo = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1`).run(png);
  }

  logo(): Uint8Array | null {
    return this.db.query<{ logo: Uint8Array | null }, []>('SELECT logo FROM provider WHERE id = 1').get()?.logo ?? null;
  }
}
