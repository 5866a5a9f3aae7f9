// Configuration: defaults, then an optional JSON file, then environment variables (the last one wins).
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { TrustedProxies } from './http/clientAddress.ts';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  bodyLimitBytes: number;
  /** Largest JSON body of a route that needs a login (read before the login is checked, so kept modest). */
  jsonBodyLimitBytes: number;
  /** Largest JSON body of a public route (portal, sign-in, setup). */
  publicBodyLimitBytes: number;
  sessionHours: number;
  secureCookies: boolean;
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  ownerGraceSeconds: number;
  agentDir: string;
  fileLimitBytes: number;
  smtpHost: string;
  smtpPort: number;
  smtpSecure: boolean;
  smtpUser: string;
  smtpPassword: string;
  smtpFrom: string;
  /** Folder of the desktop recordings; empty: <dataDir>/recordings. */
  recordingsDir: string;
  /** Recordings older than this many days are deleted by a daily sweep; 0 keeps them for ever. */
  recordingRetentionDays: number;
  /**
   * Seek points (server keyframes) in a desktop recording are at least this many seconds apart; more come only as
   * the stream since the last one grows costly to decode (see server/recordings/recorder.ts).
   */
  recordingKeyframeSeconds: number;
  /**
   * A seek point is due once decoding the stream since the last one took the server this many ms (0: one every
   * recordingKeyframeSeconds while the picture changes).
   */
  recordingSeekDecodeMs: number;
  /** Bytes a live-desktop viewer may have queued before the relay drops its frames and resynchronises it. */
  viewerBufferBytes: number;
  /** Worker threads that decode the live desktops and make their keyframes; 0 does it on the relay thread. */
  relayWorkers: number;
  /**
   * Reverse proxies in front of the server (addresses or CIDR networks). Only a request whose peer is one of them
   * has its X-Forwarded-For read; without them every client behind a proxy would share the proxy's address.
   */
  trustedProxies: string[];
  /** Bytes of files that may move in one session, both ways together. */
  sessionFileQuotaBytes: number;
  /** A customer's portal token works at most this many hours after the request (or access-code session) began. */
  customerTokenHours: number;
  /** ...and at most this many minutes after the session ended (survey, downloading what the engineer sent). */
  customerGraceMinutes: number;
  /** Every this many seconds each desktop viewer's login is checked again; a viewer whose login ended is closed. */
  viewerLoginCheckSeconds: number;
  /** Agent connections one network address may hold at once (0: no limit). */
  agentConnectionsPerAddress: number;
  /** Largest agent screen (width x height, all monitors shown together) the server accepts; larger is refused. */
  maxScreenPixels: number;
  /** Memory (MB) all decoded live-desktop pictures together may take; beyond it new screens are not decoded. */
  relayPictureMemoryMB: number;
}

interface Setting {
  key: keyof Config;
  env: string;
  parse: (raw: string) => Config[keyof Config];
  describe: string;
}

function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new Error(`expected a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`expected ${min}..${max}, got ${n}`);
    return n;
  };
}

function boolean(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`expected true or false, got "${raw}"`);
}

function text(raw: string): string {
  if (raw.trim() === '') throw new Error('must not be empty');
  return raw.trim();
}

function optionalText(raw: string): string {
  return raw.trim();
}

/** A list of IP addresses and networks, separated by commas or spaces. */
function addressList(raw: string): string[] {
  const entries = raw.split(/[\s,]+/).filter(Boolean);
  for (const e of entries) if (!TrustedProxies.parse(e)) throw new Error(`"${e}" is not an IP address or CIDR network`);
  return entries;
}

/** Every setting, its environment variable and its meaning: the README's configuration table mirrors this list. */
export const SETTINGS: Setting[] = [
  { key: 'port', env: 'TESSERA_PORT', parse: integer(0, 65535), describe: 'HTTP port (0 picks a free one)' },
  { key: 'host', env: 'TESSERA_HOST', parse: text, describe: 'address to listen on' },
  { key: 'dataDir', env: 'TESSERA_DATA', parse: text, describe: 'data folder (database, uploads)' },
  { key: 'bodyLimitBytes', env: 'TESSERA_BODY_LIMIT', parse: integer(1024, 1 << 30), describe: 'largest request body in bytes (file chunks, images)' },
  { key: 'jsonBodyLimitBytes', env: 'TESSERA_JSON_BODY_LIMIT', parse: integer(1024, 1 << 30), describe: 'largest JSON body of a route that needs a login, in bytes' },
  { key: 'publicBodyLimitBytes', env: 'TESSERA_PUBLIC_BODY_LIMIT', parse: integer(1024, 1 << 30), describe: 'largest JSON body of a public route (portal, sign-in), in bytes' },
  { key: 'sessionHours', env: 'TESSERA_SESSION_HOURS', parse: integer(1, 24 * 90), describe: 'console login lifetime in hours' },
  { key: 'secureCookies', env: 'TESSERA_SECURE_COOKIES', parse: boolean, describe: 'mark cookies Secure (set when served over HTTPS)' },
  { key: 'loginMaxFailures', env: 'TESSERA_LOGIN_MAX_FAILURES', parse: integer(1, 1000), describe: 'failed logins per account before a lockout' },
  { key: 'loginLockoutMinutes', env: 'TESSERA_LOGIN_LOCKOUT_MINUTES', parse: integer(1, 24 * 60), describe: 'lockout length in minutes' },
  { key: 'fileLimitBytes', env: 'TESSERA_FILE_LIMIT', parse: integer(1, 2 ** 42), describe: 'largest file moved in a session, in bytes' },
  { key: 'smtpHost', env: 'TESSERA_SMTP_HOST', parse: optionalText, describe: 'SMTP server for e-mail (empty: e-mail is off)' },
  { key: 'smtpPort', env: 'TESSERA_SMTP_PORT', parse: integer(1, 65535), describe: 'SMTP port' },
  { key: 'smtpSecure', env: 'TESSERA_SMTP_SECURE', parse: boolean, describe: 'connect with TLS from the start (port 465); otherwise STARTTLS when offered' },
  { key: 'smtpUser', env: 'TESSERA_SMTP_USER', parse: optionalText, describe: 'SMTP user name (empty: no authentication)' },
  { key: 'smtpPassword', env: 'TESSERA_SMTP_PASSWORD', parse: optionalText, describe: 'SMTP password' },
  { key: 'smtpFrom', env: 'TESSERA_SMTP_FROM', parse: optionalText, describe: 'sender address of e-mail' },
  { key: 'recordingsDir', env: 'TESSERA_RECORDINGS_DIR', parse: optionalText, describe: 'folder of the desktop recordings (empty: <dataDir>/recordings)' },
  { key: 'recordingRetentionDays', env: 'TESSERA_RECORDING_RETENTION_DAYS', parse: integer(0, 36500), describe: 'days a desktop recording is kept (0: for ever)' },
  { key: 'recordingKeyframeSeconds', env: 'TESSERA_RECORDING_KEYFRAME_SECONDS', parse: integer(1, 3600), describe: 'least seconds between seek points in a desktop recording' },
  { key: 'relayWorkers', env: 'TESSERA_RELAY_WORKERS', parse: integer(0, 64), describe: 'worker threads decoding the live desktops (0: on the relay thread; default: cores - 1, 1 to 4)' },
  { key: 'recordingSeekDecodeMs', env: 'TESSERA_RECORDING_SEEK_DECODE_MS', parse: integer(0, 60_000), describe: 'decoding work (ms) after which a desktop recording gets its next seek point (0: every recordingKeyframeSeconds)' },
  { key: 'viewerBufferBytes', env: 'TESSERA_VIEWER_BUFFER_BYTES', parse: integer(1, 64 * 1024 * 1024), describe: 'bytes a desktop viewer may have queued before it is resynchronised' },
  { key: 'agentDir', env: 'TESSERA_AGENT_DIR', parse: optionalText, describe: 'folder with the agent executables the portal hands out (empty: beside the server binary, or dist/)' },
  { key: 'viewerLoginCheckSeconds', env: 'TESSERA_VIEWER_LOGIN_CHECK_SECONDS', parse: integer(1, 3600), describe: 'seconds between checks that each desktop viewer is still signed in' },
  { key: 'agentConnectionsPerAddress', env: 'TESSERA_AGENT_CONNECTIONS_PER_ADDRESS', parse: integer(0, 1_000_000), describe: 'agent connections one address may hold at once (0: no limit)' },
  { key: 'trustedProxies', env: 'TESSERA_TRUSTED_PROXIES', parse: addressList, describe: 'reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client (empty: none)' },
  { key: 'sessionFileQuotaBytes', env: 'TESSERA_SESSION_FILE_QUOTA', parse: integer(1, 2 ** 44), describe: 'bytes of files that may move in one session, both ways together' },
  { key: 'customerTokenHours', env: 'TESSERA_CUSTOMER_TOKEN_HOURS', parse: integer(1, 24 * 30), describe: "hours a customer's portal access lasts from the request" },
  { key: 'customerGraceMinutes', env: 'TESSERA_CUSTOMER_GRACE_MINUTES', parse: integer(0, 7 * 24 * 60), describe: "minutes a customer's portal access lasts after the session ended (survey, files)" },
  { key: 'maxScreenPixels', env: 'TESSERA_MAX_SCREEN_PIXELS', parse: integer(1, 7680 * 4320), describe: 'largest agent screen in pixels (width x height); a larger one is refused' },
  { key: 'relayPictureMemoryMB', env: 'TESSERA_RELAY_PICTURE_MEMORY_MB', parse: integer(1, 1 << 20), describe: 'MB all decoded live-desktop pictures may take together; beyond it new screens are not decoded on the server' },
  { key: 'ownerGraceSeconds', env: 'TESSERA_OWNER_GRACE_SECONDS', parse: integer(0, 3600), describe: 'how long a session waits for its disconnected owner before falling back' },
];

export const DEFAULTS: Config = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './tessera-data',
  bodyLimitBytes: 8 * 1024 * 1024,
  // The largest real bodies (a desk's form, a long note) are a few tens of KB.
  jsonBodyLimitBytes: 1024 * 1024,
  publicBodyLimitBytes: 64 * 1024,
  sessionHours: 12,
  secureCookies: false,
  loginMaxFailures: 5,
  loginLockoutMinutes: 15,
  ownerGraceSeconds: 30,
  agentDir: '',
  fileLimitBytes: 1024 * 1024 * 1024,
  smtpHost: '',
  smtpPort: 587,
  smtpSecure: false,
  smtpUser: '',
  smtpPassword: '',
  smtpFrom: 'tessera@localhost',
  recordingsDir: '',
  recordingRetentionDays: 90,
  recordingKeyframeSeconds: 30,
  recordingSeekDecodeMs: 200,
  // About 2 s of a 30 KB/s link: more would only be lag.
  viewerBufferBytes: 64 * 1024,
  // One core stays with the relay thread, which only forwards frames.
  relayWorkers: Math.max(1, Math.min(4, availableParallelism() - 1)),
  trustedProxies: [],
  sessionFileQuotaBytes: 4 * 1024 * 1024 * 1024,
  customerTokenHours: 24,
  customerGraceMinutes: 60,
  viewerLoginCheckSeconds: 30,
  // Enough for an office behind one NAT address; raise it when many agents come through one proxy or gateway.
  agentConnectionsPerAddress: 100,
  // 2^24: two 4K monitors side by side (7680x2160) fit; an 8K screen (33 Mpx, ~300 MB decoded) does not.
  maxScreenPixels: 16_777_216,
  // A quarter of the machine: ~9 bytes a pixel, so 1080p costs ~19 MB (16 GB: ~210 decoded 1080p screens).
  relayPictureMemoryMB: Math.max(256, Math.floor(totalmem() / 4 / 1048576)),
};

/**
 * Builds the configuration. The file is `TESSERA_CONFIG` if set, else `tessera.json` in the working directory
 * when it exists; its keys are the Config field names. Throws with the offending setting named.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const config: Config = { ...DEFAULTS };
  const filePath = env.TESSERA_CONFIG ? resolve(cwd, env.TESSERA_CONFIG) : resolve(cwd, 'tessera.json');
  if (env.TESSERA_CONFIG || existsSync(filePath)) {
    let fromFile: unknown;
    try {
      fromFile = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (e) {
      throw new Error(`config file ${filePath}: ${(e as Error).message}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile))
      throw new Error(`config file ${filePath}: expected a JSON object`);
    for (const [key, value] of Object.entries(fromFile)) {
      const setting = SETTINGS.find((s) => s.key === key);
      if (!setting) throw new Error(`config file ${filePath}: unknown setting "${key}"`);
      try {
        (config as unknown as Record<string, unknown>)[key] = setting.parse(String(value));
      } catch (e) {
        throw new Error(`config file ${filePath}: ${key}: ${(e as Error).message}`);
      }
    }
  }
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') continue;
    try {
      (config as unknown as Record<string, unknown>)[setting.key] = setting.parse(raw);
    } catch (e) {
      throw new Error(`${setting.env}: ${(e as Error).message}`);
    }
  }
  config.dataDir = resolve(cwd, config.dataDir);
  if (config.recordingsDir) config.recordingsDir = resolve(cwd, config.recordingsDir);
  return config;
}
