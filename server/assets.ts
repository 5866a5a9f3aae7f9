// Files the server serves or applies: read from the source tree when run from a checkout, or from the
// copies embedded in the single binary (scripts/compile.ts registers them before main starts).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
  name: string; // e.g. 0001_init.sql
  sql: string;
}

export interface EmbeddedAssets {
  migrations: Migration[];
  /** URL path (e.g. /index.html, /assets/x.js) -> path that Bun.file can open inside the binary. */
  clientFiles: Record<string, string>;
  /** File name in swagger-ui-dist -> embedded path. */
  docsFiles: Record<string, string>;
}

let embedded: EmbeddedAssets | null = null;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function useEmbeddedAssets(assets: EmbeddedAssets): void {
  embedded = assets;
}

export const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export function migrations(dir = join(root, 'migrations')): Migration[] {
  if (embedded) return embedded.migrations;
  return readdirSync(dir)
    .filter((name) => MIGRATION_NAME.test(name))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/** Path of a built client file for a URL path, or null when there is none. */
export function clientFile(urlPath: string): string | null {
  if (embedded) return embedded.clientFiles[urlPath] ?? null;
  if (urlPath.includes('..') || urlPath.includes('\0')) return null;
  return join(root, 'client', 'dist', urlPath);
}

export function docsFile(name: 'swagger-ui-bundle.js' | 'swagger-ui.css'): string {
  if (embedded) {
    const path = embedded.docsFiles[name];
    if (!path) throw new Error(`docs file ${name} is not embedded`);
    return path;
  }
  return join(root, 'node_modules', 'swagger-ui-dist', name);
}
