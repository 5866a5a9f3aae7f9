import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/helpers/browser.ts';
import { SCOPES } from '../protocol/roles.ts';
import { setupAdmin, startTestServer, type TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
});
afterAll(() => server.stop());

type Access = 'public' | { role: string; scope?: string };
interface Operation {
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  'x-tessera-access'?: Access;
}

async function operations(): Promise<Array<{ name: string; op: Operation }>> {
  const spec = (await admin.get('/api/openapi.json')).json as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));
}

describe('API documentation', () => {
  it('serves the OpenAPI JSON with each route’s access rule', async () => {
    const spec = (await admin.get('/api/openapi.json')).json;
    expect(spec.info.title).toBe('Tessera API');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/desks', '/api/engineers', '/api/portal/desks']));
    expect(spec.paths['/api/engineers'].post.description).toMatch(/role admin/);
    expect(spec.paths['/api/portal/desks'].get.description).toMatch(/public/);
  });

  it('files every operation under a described feature tag, none under "default"', async () => {
    const spec = (await admin.get('/api/openapi.json')).json;
    const described = new Map<string, string>((spec.tags as Array<{ name: string; description: string }>).map((t) => [t.name, t.description]));
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(60);
    // A plugin without `tags: apiTag(...)` lands its routes here; name the routes so the plugin is easy to find.
    expect(ops.filter(({ op }) => !op.tags?.length || op.tags.includes('default')).map((o) => o.name)).toEqual([]);
    expect(ops.filter(({ op }) => op.tags!.some((t) => !described.get(t))).map((o) => `${o.name}: ${o.op.tags}`)).toEqual([]);
    const tagOf = (name: string) => ops.find((o) => o.name === name)?.op.tags;
    expect(tagOf('GET /api/queue')).toEqual(['Queue']);
    expect(tagOf('GET /api/sessions/{id}')).toEqual(['Sessions']);
    expect(tagOf('GET /api/session-log')).toEqual(['Session log']);
    expect(tagOf('GET /api/sessions/{id}/log')).toEqual(['Session log']);
    expect(tagOf('POST /api/auth/login')).toEqual(['Auth']);
    expect(tagOf('GET /api/health')).toEqual(['Health']);
    // WebSockets are not HTTP operations; they must not show up as one.
    expect(ops.filter((o) => o.name.startsWith('WS ')).map((o) => o.name)).toEqual([]);
  });

  it('declares the console cookie and bearer tokens, and each operation needs what its access rule says', async () => {
    const spec = (await admin.get('/api/openapi.json')).json;
    const schemes = spec.components.securitySchemes;
    // The cookie the scheme names must be the one signing in really sets.
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
    });
    const cookieNames = login.headers.getSetCookie().map((c) => c.split('=')[0]);
    expect(schemes.consoleSession).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(cookieNames).toContain(schemes.consoleSession.name);
    expect(schemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });

    const ops = await operations();
    const wrong: string[] = [];
    let scoped = 0;
    for (const { name, op } of ops) {
      const access = op['x-tessera-access'];
      if (access === undefined) wrong.push(`${name}: no access rule`);
      else if (access === 'public') {
        if (op.security?.length) wrong.push(`${name}: public but asks for ${JSON.stringify(op.security)}`);
      } else {
        const expected = access.scope ? [{ consoleSession: [] }, { apiToken: [access.scope] }] : [{ consoleSession: [] }];
        if (JSON.stringify(op.security) !== JSON.stringify(expected)) wrong.push(`${name}: ${JSON.stringify(op.security)}`);
        if (access.scope) scoped++;
      }
    }
    expect(wrong).toEqual([]);
    expect(scoped).toBeGreaterThan(30);
    expect(ops.filter((o) => o.op['x-tessera-access'] === 'public').length).toBeGreaterThan(20);
    for (const scope of SCOPES) expect(spec.info.description, scope).toContain(`\`${scope}\`:`);
  });

  it('has a docs page that loads only local scripts and styles (works offline)', async () => {
    const html = (await admin.get('/api/docs')).text;
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url, url).toMatch(/^\//);
      const res = await admin.get(url);
      expect(res.status, url).toBe(200);
      expect(res.text.length, url).toBeGreaterThan(url.endsWith('init.js') ? 20 : 1000);
    }
    expect((await admin.get('/api/docs/assets/init.js')).text).toContain('/api/openapi.json');
  });

  it('serves the docs page under a policy that allows only its own scripts, and the page still renders', async () => {
    const res = await admin.get('/api/docs');
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(policy).toMatch(/frame-ancestors 'none'/);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const refused: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
      });
      await page.goto(`${server.url}/api/docs`);
      await page.locator('.swagger-ui .info .title', { hasText: 'Tessera API' }).waitFor({ timeout: 15_000 });
      expect(refused).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('trying the API from the docs page', () => {
  it('sends a token pasted into Authorize as `Authorization: Bearer`, with or without the prefix, under the page policy', async () => {
    const token = (await admin.post('/api/tokens', { name: 'docs page', scopes: ['queue:read'] })).json.token as string;
    const browser = await launchChromium();
    try {
      // A fresh context has no console cookie: only the pasted token can let the call in.
      const page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(10_000);
      const refused: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
      });
      await page.goto(`${server.url}/api/docs`);
      const operation = page.locator('#operations-Queue-getApiQueue');
      await operation.locator('.opblock-summary').click();
      await operation.locator('.try-out__btn').click();

      const tryWith = async (pasted: string | null) => {
        if (pasted !== null) {
          await page.locator('.scheme-container .btn.authorize').click();
          const form = page.locator('.modal-ux .auth-container', { has: page.locator('h4', { hasText: 'apiToken' }) });
          const logout = form.getByRole('button', { name: 'Remove authorization' });
          if (await logout.isVisible()) await logout.click();
          await form.locator('#auth-bearer-value').fill(pasted);
          await form.getByRole('button', { name: 'Apply credentials' }).click();
          await form.locator('.btn-done').click();
        }
        const sent = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/queue');
        const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/queue');
        await operation.locator('.execute').click();
        const [request, response] = await Promise.all([sent, answered]);
        await operation.locator('.btn-clear').click();
        return { authorization: await request.headerValue('authorization'), status: response.status() };
      };

      expect(await tryWith(null)).toEqual({ authorization: null, status: 401 });
      expect(await tryWith(token)).toEqual({ authorization: `Bearer ${token}`, status: 200 });
      expect(await tryWith(`Bearer ${token}`)).toEqual({ authorization: `Bearer ${token}`, status: 200 });
      expect(refused).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
