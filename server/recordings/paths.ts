import { join } from 'node:path';
import type { Config } from '../config.ts';

/** Where recordings are kept: the recordingsDir setting, else <dataDir>/recordings. */
export function recordingsDir(config: Config): string {
  return config.recordingsDir || join(config.dataDir, 'recordings');
}

/** The recording file of one support session (one file per session; later streaming periods are appended). */
export function recordingPath(config: Config, sessionId: number): string {
  return join(recordingsDir(config), `${sessionId}.tsr`);
}
