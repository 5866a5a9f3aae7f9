// Attended mode leaves nothing behind. The agent itself writes no files, but the single executable does: Bun unpacks
// the embedded native addon to $TMPDIR/.bun-<n>-<hash>.node on load and never removes it. The agent finds the copy
// it has loaded in its own memory map (Linux /proc/self/maps) and deletes it on the way out (the mapping stays valid
// until the process ends). Other files, and addons loaded from elsewhere (a development checkout), are not touched.
import { readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';

const UNPACKED_ADDON = /^\.bun-[0-9a-z-]+\.node$/i;

/** Unpacked addon files this process has mapped, from the text of /proc/self/maps. */
export function unpackedAddons(maps: string, tempDir = tmpdir()): string[] {
  const dir = resolve(tempDir);
  const found = new Set<string>();
  for (const line of maps.split('\n')) {
    const path = line.trim().split(/\s+/).slice(5).join(' ');
    if (!path.startsWith('/') || path.endsWith(' (deleted)')) continue;
    if (dirname(path) === dir && UNPACKED_ADDON.test(basename(path))) found.add(path);
  }
  return [...found];
}

export interface CleanupResult {
  removed: string[];
  failed: { path: string; error: string }[];
}

/** Deletes the unpacked addon(s) and any paths the agent registered (its own temporary files or folders). */
export function leaveNothingBehind(ownPaths: readonly string[] = []): CleanupResult {
  const result: CleanupResult = { removed: [], failed: [] };
  let maps = '';
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    // not Linux: no unpacked addon can be found this way
  }
  for (const path of unpackedAddons(maps)) {
    try {
      unlinkSync(path);
      result.removed.push(path);
    } catch (error) {
      result.failed.push({ path, error: (error as Error).message });
    }
  }
  for (const path of ownPaths) {
    try {
      rmSync(path, { recursive: true, force: true });
      result.removed.push(path);
    } catch (error) {
      result.failed.push({ path, error: (error as Error).message });
    }
  }
  return result;
}
