import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/helpers/browser.ts';
import { setupAdmin, startTestServer, type TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
});
afterAll(() => server.stop());

describe('API documentation', () => {
  it('serves the OpenAPI JSON with each route’s access rule', async () => {
    const spec = (await admin.get('/api/openapi.json')).json;
    expect(spec.info.title).toBe('Tessera API');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/desks', '/api/engineers', '/api/portal/desks']));
    expect(spec.paths['/api/engineers'].post.description).toMatch(/role admin/);
    expect(spec.paths['/api/portal/desks'].get.description).toMatch(/public/);
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
