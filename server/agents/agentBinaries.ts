// The agent executables this server hands out (built by `npm run build:agent` / `npm run compile`), found in the
// configured folder by their file names: tessera-agent-<os>-<arch>[.exe].
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface AgentBinary {
  /** e.g. "linux-x64", "windows-x64" */
  platform: string;
  path: string;
  bytes: number;
  /** The name the customer's browser saves it under. */
  fileName: string;
}

const NAME = /^tessera-agent-((?:linux|windows|darwin)-(?:x64|arm64))(\.exe)?$/;

/**
 * The folder to look in: the configured one, else beside the server's own executable when it runs as the compiled
 * binary (dist/tessera next to dist/tessera-agent-*), else the repository's dist/ (development).
 */
export function agentDir(configured: string): string {
  if (configured) return resolve(configured);
  const exe = process.execPath;
  if (!/\bbun(\.exe)?$/.test(exe)) return dirname(exe);
  return resolve(import.meta.dirname, '..', '..', 'dist');
}

export function listAgentBinaries(dir: string): AgentBinary[] {
  if (!existsSync(dir)) return [];
  const out: AgentBinary[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.push({ platform: m[1]!, path, bytes: st.size, fileName: `tessera-support${m[2] ?? ''}` });
  }
  return out.sort((a, b) => a.platform.localeCompare(b.platform));
}

/**
 * The platform a browser most likely runs on, from its User-Agent. Phones come first: Android says "Linux" and an
 * iPhone says "like Mac OS X", and no agent runs on either (their platforms never match a binary).
 */
export function platformFromUserAgent(ua: string): string {
  if (/android/i.test(ua)) return 'android-arm64';
  if (/iphone|ipad|ipod/i.test(ua)) return 'ios-arm64';
  if (/windows/i.test(ua)) return 'windows-x64';
  if (/mac os x|macintosh/i.test(ua)) return /arm64|aarch64/i.test(ua) ? 'darwin-arm64' : 'darwin-x64';
  return /aarch64|arm64/i.test(ua) ? 'linux-arm64' : 'linux-x64';
}

const SYSTEM_NAMES: Record<string, string> = { linux: 'Linux', windows: 'Windows', darwin: 'macOS', android: 'Android', ios: 'iOS' };

/** "Windows" for windows-x64: the operating system a customer knows their machine by. */
export function systemName(platform: string): string {
  const os = platform.split('-')[0]!;
  return SYSTEM_NAMES[os] ?? os;
}

/**
 * Whether a binary for `binary` can run where the browser says it runs: the same operating system. The processor
 * is not compared, since browsers often hide it (a Mac on Apple silicon says Intel), so both builds of one system
 * are offered there.
 */
export function runsOn(binary: string, browser: string): boolean {
  return binary.split('-')[0] === browser.split('-')[0];
}
