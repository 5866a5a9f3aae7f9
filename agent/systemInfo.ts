// What the agent tells the server about this machine in its hello.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const MAX_FIELD = 256; // the server refuses longer hello fields

/** The PRETTY_NAME (or NAME VERSION_ID) of /etc/os-release, or null when there is none. */
export function linuxDistribution(osRelease?: string): string | null {
  let text = osRelease;
  if (text === undefined) {
    for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
      try {
        text = readFileSync(path, 'utf8');
        break;
      } catch {
        // try the next one
      }
    }
  }
  if (!text) return null;
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  const pretty = fields.get('PRETTY_NAME');
  if (pretty) return pretty;
  const name = fields.get('NAME');
  return name ? [name, fields.get('VERSION_ID')].filter(Boolean).join(' ') : null;
}

/** e.g. "linux x64 Debian GNU/Linux 12 (bookworm)", "win32 x64 Windows 11 Pro", "darwin arm64 Darwin Kernel ...". */
export function osDescription(): string {
  const release = process.platform === 'linux' ? linuxDistribution() : os.version();
  return clip([process.platform, process.arch, release ?? os.release()].filter(Boolean).join(' '));
}

export function hostname(): string {
  return clip(os.hostname() || 'unknown-host');
}

function clip(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_FIELD ? flat.slice(0, MAX_FIELD) : flat;
}
