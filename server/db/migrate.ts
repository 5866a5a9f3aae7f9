import type { Database } from 'bun:sqlite';
import { MIGRATION_NAME, type Migration } from '../assets.ts';

/**
 * Applies, in order, every migration not yet recorded in schema_migrations. Each migration runs in one
 * transaction together with its bookkeeping row, so a crash leaves it either fully applied or not at all.
 * Returns the names applied now.
 */
export function migrate(db: Database, list: Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const seen = new Set<string>();
  for (const m of list) {
    if (!MIGRATION_NAME.test(m.name)) throw new Error(`migration ${m.name}: name must look like 0001_name.sql`);
    const number = m.name.slice(0, 4);
    if (seen.has(number)) throw new Error(`migration number ${number} is used twice`);
    seen.add(number);
  }
  const applied = new Set(
    db.query<{ name: string }, []>('SELECT name FROM schema_migrations').all().map((r) => r.name),
  );
  const done: string[] = [];
  for (const m of [...list].sort((a, b) => a.name.localeCompare(b.name))) {
    if (applied.has(m.name)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.query('INSERT INTO schema_migrations (name) VALUES (?)').run(m.name);
    })();
    done.push(m.name);
  }
  return done;
}
