import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      expect(res.text.length, url).toBeGreaterThan(1000);
    }
    expect(html).toContain('/api/openapi.json');
  });
});
