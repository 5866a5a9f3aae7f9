import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const DAY_MS = 24 * 3600_000;

/**
 * Deletes recordings (*.tsr, and *.tsr.unreadable-<ms> set aside) not written to for more than `days` days; 0 keeps everything. Files being written
 * (`inUse`) are never touched. Returns the names deleted.
 */
export function sweepRecordings(dir: string, days: number, inUse: (path: string) => boolean, now = Date.now()): string[] {
  if (days <= 0) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // nothing recorded yet
  }
  const deleted: string[] = [];
  for (const name of names) {
    // Recordings, and damaged ones the recorder moved aside (recorder.ts): both age out alike.
    if (!/\.tsr(\.unreadable-\d+)?$/.test(name)) continue;
    const path = join(dir, name);
    try {
      if (inUse(path) || now - statSync(path).mtimeMs <= days * DAY_MS) continue;
      unlinkSync(path);
      deleted.push(name);
    } catch {
      // removed meanwhile, or not ours to delete: the next sweep looks again
    }
  }
  return deleted;
}
