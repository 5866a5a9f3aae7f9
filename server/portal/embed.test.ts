import { describe, expect, it, afterEach } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';
import { checkEmbedOptions, embedSnippet, escapeHtml } from './embed.ts';
import { HELP_BUTTON_SCRIPT } from './helpButtonScript.ts';

let server: TestServer;
afterEach(() => server?.stop());

const options = (over: Partial<Parameters<typeof checkEmbedOptions>[0]> = {}) => {
  const checked = checkEmbedOptions({ base: 'https://help.example.com', desk: 1, ...over });
  if ('problems' in checked) throw new Error(checked.problems.join('; '));
  return checked.options;
};

describe('help button options and snippet', () => {
  it('builds a script tag with every value URL-encoded and HTML-escaped, plus a no-script link', () => {
    const snippet = embedSnippet(options({ style: 'pill', label: 'Hilfe "jetzt" <b>&</b>' }));
    expect(snippet).toContain(
      '<script src="https://help.example.com/embed/help-button.js?desk=1&amp;style=pill&amp;label=Hilfe+%22jetzt%22+%3Cb%3E%26%3C%2Fb%3E" async></script>',
    );
    expect(snippet).toContain('<noscript><a href="https://help.example.com/portal?desk=1" target="_blank" rel="noopener">Hilfe &quot;jetzt&quot; &lt;b&gt;&amp;&lt;/b&gt;</a></noscript>');
    // Only the three tags: nothing the label carried became markup.
    expect(snippet.match(/</g)!.length).toBe(1 + 2 + 4);
  });

  it('keeps the default label out of the address and carries an image', () => {
    const snippet = embedSnippet(options({ image: 'https://cdn.example.org/help me.png?x=1&y="2"' }));
    expect(snippet).toContain('help-button.js?desk=1&amp;style=classic&amp;image=https%3A%2F%2Fcdn.example.org%2Fhelp%2520me.png%3Fx%3D1%26y%3D%2522');
    expect(snippet).not.toContain('label=');
  });

  it('refuses what it cannot make safe, with readable reasons', () => {
    const problems = (over: Partial<Parameters<typeof checkEmbedOptions>[0]>) => {
      const r = checkEmbedOptions({ base: 'https://help.example.com', desk: 1, ...over });
      return 'problems' in r ? r.problems.join('; ') : '';
    };
    expect(problems({ desk: 'x' })).toMatch(/desk must be a desk number/);
    expect(problems({ desk: '0' })).toMatch(/desk must be a desk number/);
    expect(problems({ style: 'blink' })).toMatch(/style must be one of classic, pill, floating, minimal/);
    expect(problems({ label: 'x'.repeat(41) })).toMatch(/at most 40/);
    expect(problems({ label: 'a\u0000b' })).toMatch(/control characters/);
    expect(problems({ image: 'javascript:alert(1)' })).toMatch(/image must be an http/);
    expect(problems({ image: 'data:image/png;base64,AAAA' })).toMatch(/image must be an http/);
    expect(problems({ image: '//evil.example/x.png' })).toMatch(/image must be an http/);
    expect(problems({ base: 'ftp://x' })).toMatch(/server address/);
    expect(problems({})).toBe('');
  });

  it('escapes all five special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('ships a script that parses as JavaScript and carries no template leftovers', () => {
    expect(() => new Function(HELP_BUTTON_SCRIPT)).not.toThrow();
    expect(HELP_BUTTON_SCRIPT).not.toContain('${');
    expect(HELP_BUTTON_SCRIPT).toContain('["classic","pill","floating","minimal"]');
  });
});

describe('embed routes', () => {
  it('serves the script publicly as JavaScript', async () => {
    server = await startTestServer();
    await setupAdmin(server);
    const res = await fetch(`${server.url}/embed/help-button.js?desk=1&style=pill`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await res.text()).toBe(HELP_BUTTON_SCRIPT);
  });

  it('opens the public desk status to other origins, and nothing else', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const fromSite = { origin: 'https://customer-site.example' };
    const desks = await fetch(`${server.url}/api/portal/desks`, { headers: fromSite });
    expect(desks.status).toBe(200);
    expect(desks.headers.get('access-control-allow-origin')).toBe('*');
    expect(desks.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await desks.json())[0]).toMatchObject({ id: 1, online: false });
    for (const path of ['/api/portal/config', '/api/provider/logo', '/api/desks', '/api/auth/me', '/api/portal/desks/1', '/portal']) {
      const res = await fetch(`${server.url}${path}`, { headers: fromSite });
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull();
    }
    const post = await admin.request('POST', '/api/portal/desks', {}, fromSite);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('generates the snippet for admins only, for a desk that exists, from validated options', async () => {
    server = await startTestServer();
    const admin = await setupAdmin(server);
    const engineer = await createEngineer(server, admin, 'erin');
    const printers = (await admin.post('/api/desks', { name: 'Printers' })).json.id as number;
    const q = (params: Record<string, string>) => `/api/portal/embed-snippet?${new URLSearchParams(params)}`;

    const ok = await admin.get(q({ desk: String(printers), style: 'floating', label: 'Printer trouble?' }));
    expect(ok.status).toBe(200);
    expect(ok.json.snippet).toContain(`${server.url}/embed/help-button.js?desk=${printers}&amp;style=floating&amp;label=Printer+trouble%3F`);
    const behindProxy = await admin.get(q({ desk: '1', base: 'https://help.example.com/ignored/path' }));
    expect(behindProxy.json.snippet).toContain('src="https://help.example.com/embed/help-button.js?desk=1&amp;style=classic"');

    expect((await engineer.client.get(q({ desk: '1' }))).status).toBe(403);
    expect((await new TestClient(server.url).get(q({ desk: '1' }))).status).toBe(401);
    const missing = await admin.get(q({ desk: '999' }));
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('no such desk');
    const bad = await admin.get(q({ desk: '1', style: 'blink', image: 'javascript:alert(1)' }));
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatch(/style must be one of .*; image must be an http/);
    expect((await admin.get('/api/portal/embed-snippet')).status).toBe(422);
  });
});

describe('portal page', () => {
  it('is served at /portal and below with its own page and a strict CSP', async () => {
    server = await startTestServer();
    await setupAdmin(server);
    for (const path of ['/portal', '/portal/', '/portal/anything?desk=1']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html).toContain('/assets/portal-');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    const console = await (await fetch(`${server.url}/portalish`)).text();
    expect(console).not.toContain('/assets/portal-');
  });
});
