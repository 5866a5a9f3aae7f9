import type { Database } from 'bun:sqlite';
import type { Config } from './config.ts';
import type { Events } from './events.ts';

/** What every feature plugin is built from. */
export interface AppContext {
  db: Database;
  config: Config;
  events: Events;
  version: string;
}
