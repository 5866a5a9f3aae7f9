import { afterEach, describe, expect, it, vi } from 'vitest';
import { supportApi } from './support.ts';

describe('reading a session log', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads it page by page with the after cursor until a short page', async () => {
    const urls: string[] = [];
    const total = 1203;
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const q = new URL(url, 'http://localhost').searchParams;
      const after = Number(q.get('after'));
      const limit = Number(q.get('limit'));
      const ids = Array.from({ length: Math.max(0, Math.min(limit, total - after)) }, (_, i) => after + i + 1);
      const body = ids.map((id) => ({ id, at: '', actor: 'system', kind: 'operation', name: 'System', text: `#${id}` }));
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    });
    const all = await supportApi.logAll(7, 2);
    expect(all.map((e) => e.id)).toEqual(Array.from({ length: total - 2 }, (_, i) => i + 3));
    expect(urls).toEqual(['/api/sessions/7/log?after=2&limit=500', '/api/sessions/7/log?after=502&limit=500', '/api/sessions/7/log?after=1002&limit=500']);
  });
});
