import { Database } from 'bun:sqlite';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrations } from '../assets.ts';
import { migrate } from './migrate.ts';
import { openDatabase } from './open.ts';

const here = dirname(fileURLToPath(import.meta.url));

const freshDir = () => mkdtempSync(join(tmpdir(), 'tessera-db-'));

describe('migrate', () => {
  it('applies every migration once; a second start applies nothing', () => {
    const dir = freshDir();
    const db = openDatabase(dir);
    const first = migrate(db, migrations());
    expect(first).toEqual(readdirSync(join(here, '../../migrations')).filter((f) => f.endsWith('.sql')).sort());
    db.close();
    const again = openDatabase(dir);
    expect(migrate(again, migrations())).toEqual([]);
    expect(again.query('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(again.query('SELECT count(*) AS n FROM desks WHERE is_default = 1').get()).toEqual({ n: 1 });
    again.close();
  });

  it('rolls a failing migration back together with its bookkeeping row', () => {
    const db = openDatabase(freshDir());
    const list = [
      { name: '0001_a.sql', sql: 'CREATE TABLE a (x INTEGER);' },
      { name: '0002_b.sql', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);' },
    ];
    expect(() => migrate(db, list)).toThrow(/nope/);
    const tables = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name);
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    expect(db.query('SELECT name FROM schema_migrations').all()).toEqual([{ name: '0001_a.sql' }]);
    // fixed migration applies on the next start
    expect(migrate(db, [list[0]!, { name: '0002_b.sql', sql: 'CREATE TABLE b (x INTEGER);' }])).toEqual(['0002_b.sql']);
  });

  it('refuses badly named or duplicate-numbered migrations before applying any', () => {
    const db = openDatabase(freshDir());
    expect(() => migrate(db, [{ name: 'init.sql', sql: '' }])).toThrow(/0001_name.sql/);
    expect(() =>
      migrate(db, [
        { name: '0001_a.sql', sql: 'CREATE TABLE a (x);' },
        { name: '0001_b.sql', sql: 'CREATE TABLE b (x);' },
      ]),
    ).toThrow(/used twice/);
    expect(db.query("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('a','b')").get()).toEqual({ n: 0 });
  });

  it('loses no committed row when the process is killed with SIGKILL mid-write', async () => {
    const dir = freshDir();
    const db = openDatabase(dir);
    migrate(db, migrations());
    db.close();
    // A child process commits one desk per transaction and reports each commit; we kill it mid-stream.
    const script = `
      import { openDatabase } from ${JSON.stringify(join(here, 'open.ts'))};
      const db = openDatabase(${JSON.stringify(dir)});
      const insert = db.query('INSERT INTO desks (name, description) VALUES (?, ?)');
      for (let i = 0; ; i++) { insert.run('desk-' + i, 'x'.repeat(2000)); process.stdout.write(i + '\\n'); }
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = -1;
    let buffer = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const l of lines) acknowledged = Math.max(acknowledged, Number(l));
        if (acknowledged >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const after = openDatabase(dir);
    expect(after.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    const names = new Set(after.query<{ name: string }, []>("SELECT name FROM desks WHERE name LIKE 'desk-%'").all().map((r) => r.name));
    for (let i = 0; i <= acknowledged; i++) expect(names.has(`desk-${i}`)).toBe(true);
    expect(migrate(after, migrations())).toEqual([]);
    after.close();
    expect(new Database(join(dir, 'tessera.db')).query('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
      n: migrations().length,
    });
  });
});
