import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Opens (creating if needed) the database in the data folder, in WAL mode with foreign keys on. */
export function openDatabase(dataDir: string, fileName = 'tessera.db'): Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, fileName), { create: true, strict: true });
  db.exec('PRAGMA journal_mode = WAL');
  // FULL makes each commit durable on its own, so a kill -9 or power loss never loses a committed write.
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  return db;
}
