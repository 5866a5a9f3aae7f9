import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, errorMessage, onApiEvent, request, type ApiEvent } from './http.ts';

function respond(status: number, body: string | null, headers: Record<string, string> = {}) {
  return vi.fn(async () => new Response(body, { status, headers }));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('request', () => {
  it('sends JSON and parses JSON answers', async () => {
    const fetchMock = respond(200, JSON.stringify({ id: 1, name: 'Desk' }), { 'content-type': 'application/json' });
    vi.stubGlobal('fetch', fetchMock);
    const result = await request<{ id: number }>('POST', '/api/desks', { body: { name: 'Desk' } });
    expect(result).toEqual({ id: 1, name: 'Desk' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/desks');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"name":"Desk"}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(init.credentials).toBe('same-origin');
  });

  it('sends FormData as is, without a JSON content type', async () => {
    const fetchMock = respond(200, '{}');
    vi.stubGlobal('fetch', fetchMock);
    const form = new FormData();
    form.append('file', new Blob(['x'], { type: 'image/png' }), 'x.png');
    await request('POST', '/api/provider/logo', { body: form });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.body).toBe(form);
    expect((init.headers as Record<string, string>)['content-type']).toBeUndefined();
  });

  it("uses the server's {error} as the message and keeps the status", async () => {
    vi.stubGlobal('fetch', respond(422, JSON.stringify({ error: 'an engineer needs at least one desk or station' })));
    const error = await request('POST', '/api/engineers', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).message).toBe('an engineer needs at least one desk or station');
  });

  it('falls back to a status message when the body is not the error contract', async () => {
    vi.stubGlobal('fetch', respond(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' }));
    const error = (await request('GET', '/api/desks').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/server had a problem \(502\)/);

    vi.stubGlobal('fetch', respond(409, JSON.stringify({ nope: true })));
    const conflict = (await request('DELETE', '/api/desks/1').catch((e: unknown) => e)) as ApiError;
    expect(conflict.message).toBe('That conflicts with existing data.');

    vi.stubGlobal('fetch', respond(404, ''));
    const missing = (await request('GET', '/api/x').catch((e: unknown) => e)) as ApiError;
    expect(missing.message).toBe('Not found.');
  });

  it('turns a network failure into status 0 with a readable message', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const error = (await request('GET', '/api/health').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/cannot reach/i);
  });

  it('reads Retry-After on 429 and says how long to wait', async () => {
    vi.stubGlobal('fetch', respond(429, JSON.stringify({ error: 'too many failed logins' }), { 'retry-after': '120' }));
    const error = (await request('POST', '/api/auth/login', { body: {}, quiet401: true }).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(120);
    expect(errorMessage(error)).toBe('Too many failed logins. Try again in 2 minutes.');

    vi.stubGlobal('fetch', respond(429, JSON.stringify({ error: 'slow down' }), { 'retry-after': '30' }));
    const short = (await request('POST', '/api/auth/login').catch((e: unknown) => e)) as ApiError;
    expect(errorMessage(short)).toBe('Slow down. Try again in 30 seconds.');

    // The server already says when: no second hint.
    vi.stubGlobal('fetch', respond(429, JSON.stringify({ error: 'too many failed logins; try again in 15 min' }), { 'retry-after': '900' }));
    const said = (await request('POST', '/api/auth/login').catch((e: unknown) => e)) as ApiError;
    expect(errorMessage(said)).toBe('Too many failed logins; try again in 15 min.');
  });

  it('announces 401 (unless quiet) and 503 setup-required to listeners', async () => {
    const events: ApiEvent[] = [];
    const off = onApiEvent((e) => events.push(e));
    try {
      vi.stubGlobal('fetch', respond(401, JSON.stringify({ error: 'login required' })));
      await request('GET', '/api/desks').catch(() => undefined);
      await request('GET', '/api/auth/me', { quiet401: true }).catch(() => undefined);
      vi.stubGlobal('fetch', respond(503, JSON.stringify({ error: 'setup required: create the first admin at /setup' })));
      await request('GET', '/api/desks').catch(() => undefined);
      expect(events).toEqual([
        { kind: 'unauthorized', path: '/api/desks' },
        { kind: 'setup-required', path: '/api/desks' },
      ]);
    } finally {
      off();
    }
  });

  it('returns undefined for empty success bodies and rejects unreadable ones', async () => {
    vi.stubGlobal('fetch', respond(204, null));
    expect(await request('DELETE', '/api/tokens/1')).toBeUndefined();
    vi.stubGlobal('fetch', respond(200, 'not json'));
    await expect(request('GET', '/api/desks')).rejects.toThrow(/cannot read/);
  });
});
