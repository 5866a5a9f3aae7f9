// Starts the real app on a random port over a real SQLite file in a fresh temp folder, for API tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app.ts';
import { migrations } from '../assets.ts';
import { DEFAULTS, type Config } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { Events } from '../events.ts';

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  setupToken: string | null;
  stop(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const config: Config = { ...DEFAULTS, host: '127.0.0.1', port: 0, ...overrides, dataDir };
  const db = openDatabase(dataDir);
  migrate(db, migrations());
  const { app, setupToken } = createApp({ db, config, events: new Events(), version: 'test' });
  app.listen({ hostname: config.host, port: config.port });
  const port = app.server!.port!;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    setupToken,
    async stop() {
      await app.stop(true);
      db.close();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny cookie-keeping HTTP client, so a test can act as one logged-in browser. */
export class TestClient {
  private cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    private headers: Record<string, string> = {},
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}) {
    const headers: Record<string, string> = { ...this.headers, ...extraHeaders };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body instanceof Uint8Array) payload = body as Uint8Array<ArrayBuffer>;
    else if (typeof body === 'string') {
      payload = body;
      headers['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      const v = value.join('=');
      if (!v || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), v);
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json: json as any };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown) {
    return this.request('POST', path, body);
  }
  put(path: string, body?: unknown) {
    return this.request('PUT', path, body);
  }
  patch(path: string, body?: unknown) {
    return this.request('PATCH', path, body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }
}

export const ADMIN = { username: 'alice', password: 'correct horse battery', displayName: 'Alice Admin' };

/** Runs setup and returns a logged-in admin client. */
export async function setupAdmin(server: TestServer): Promise<TestClient> {
  const client = new TestClient(server.url);
  const res = await client.post('/api/setup', { token: server.setupToken, ...ADMIN });
  if (res.status !== 200) throw new Error(`setup failed: ${res.status} ${res.text}`);
  return client;
}

/** Creates an engineer (as the given admin) and returns a client logged in as them. */
export async function createEngineer(
  server: TestServer,
  admin: TestClient,
  username: string,
  role: 'admin' | 'supervisor' | 'engineer' = 'engineer',
  deskIds: number[] = [1],
): Promise<{ client: TestClient; id: number; password: string }> {
  const password = `Secret-0123456789-${username.length}`;
  const created = await addEngineer(admin, { username, displayName: username.toUpperCase(), password, role, deskIds, stationIds: [] });
  if (created.status !== 200) throw new Error(`create engineer failed: ${created.status} ${created.text}`);
  const client = new TestClient(server.url);
  const login = await client.post('/api/auth/login', { username, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return { client, id: created.json.id, password };
}

/**
 * POST /api/engineers, then the engineer's own first sign-in that replaces the admin-set password (which the server
 * demands), so the account ends up with `body.password` and ready to use. Answers with the creation response.
 */
export async function addEngineer(
  admin: TestClient,
  body: { username: string; displayName: string; password: string; role: string; deskIds: number[]; stationIds: number[] },
) {
  const temporary = `${body.password}-first`;
  const created = await admin.post('/api/engineers', { ...body, password: temporary });
  if (created.status !== 200) return created;
  const first = new TestClient(admin.base);
  const login = await first.post('/api/auth/login', { username: body.username, password: temporary });
  if (login.status !== 200) throw new Error(`first login failed: ${login.status} ${login.text}`);
  const changed = await first.post('/api/auth/password', { currentPassword: temporary, newPassword: body.password });
  if (changed.status !== 200) throw new Error(`first password change failed: ${changed.status} ${changed.text}`);
  await first.post('/api/auth/logout');
  return created;
}
