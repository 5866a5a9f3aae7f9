import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardedClient, TrustedProxies } from './clientAddress.ts';
import { setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

describe('the client address behind trusted proxies', () => {
  const proxies = ['10.0.0.1', '172.16.0.0/12', 'fd00::/8'];

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(forwardedClient('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
    expect(forwardedClient('10.0.0.1', '198.51.100.1', [])).toBe('10.0.0.1');
    expect(forwardedClient('10.0.0.1', null, proxies)).toBe('10.0.0.1');
    expect(forwardedClient('10.0.0.2', '198.51.100.1', proxies)).toBe('10.0.0.2'); // outside the /32
  });

  it('reads the chain from the right, skipping trusted hops; what the client wrote on the left is ignored', () => {
    expect(forwardedClient('10.0.0.1', '198.51.100.1', proxies)).toBe('198.51.100.1');
    // the client forged "1.2.3.4"; the proxy appended the address it really saw
    expect(forwardedClient('10.0.0.1', '1.2.3.4, 198.51.100.1', proxies)).toBe('198.51.100.1');
    // two proxies: the outer one (172.20.1.1) is trusted too
    expect(forwardedClient('10.0.0.1', '1.2.3.4, 198.51.100.1, 172.20.1.1', proxies)).toBe('198.51.100.1');
    expect(forwardedClient('::ffff:10.0.0.1', '2001:db8::7, fd12::1', proxies)).toBe('2001:db8::7');
    expect(forwardedClient('fd00::5', '[2001:db8::8]', proxies)).toBe('2001:db8::8');
    // every hop trusted: the leftmost is the best we know
    expect(forwardedClient('10.0.0.1', '172.16.0.9', proxies)).toBe('172.16.0.9');
  });

  it('never turns junk into an address', () => {
    expect(forwardedClient('10.0.0.1', 'hello', proxies)).toBe('10.0.0.1');
    expect(forwardedClient('10.0.0.1', '198.51.100.1, <script>', proxies)).toBe('10.0.0.1');
    expect(forwardedClient('10.0.0.1', '<script>, 172.16.0.9', proxies)).toBe('172.16.0.9');
    expect(forwardedClient('10.0.0.1', ',,,', proxies)).toBe('10.0.0.1');
    expect(forwardedClient('10.0.0.1', '1.1.1.1,'.repeat(10_000) + '198.51.100.1', proxies)).toBe('198.51.100.1');
  });

  it('parses addresses and networks of both families', () => {
    const p = new TrustedProxies(['192.168.1.0/24', '2001:db8:1::/48', '::1', '0.0.0.0/0']);
    expect(p.has('192.168.1.200')).toBe(true);
    expect(p.has('::1')).toBe(true);
    expect(p.has('2001:db8:1:ffff::1')).toBe(true);
    expect(p.has('2001:db8:2::1')).toBe(false);
    expect(p.has('8.8.8.8')).toBe(true); // 0.0.0.0/0
    expect(new TrustedProxies(['10.0.0.0/8']).has('::ffff:10.9.9.9')).toBe(true);
    expect(new TrustedProxies(['10.0.0.0/8']).has('not an ip')).toBe(false);
    expect(() => new TrustedProxies(['10.0.0.0/8', 'nope'])).toThrow(/"nope" is not an IP address/);
    for (const bad of ['1.2.3.4/33', '1.2.3.4/', '/8', '1.2.3', '::1/200', '1.2.3.4/08x']) expect(TrustedProxies.parse(bad)).toBeNull();
  });
});

describe('a real server behind a proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
  });
  afterAll(() => server.stop());

  it('limits access-code guesses per client, not per proxy', async () => {
    // Without the setting every client behind the proxy shares 127.0.0.1 and one of them uses up the others' limit.
    const from = (ip: string) => new TestClient(server.url, { 'x-forwarded-for': ip });
    const statuses = async (c: TestClient, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await c.post('/api/portal/access-codes', { fields: { 1: 'Cody Caller' }, code: '000000' })).status);
      return out;
    };
    await setupAdmin(server); // before setup the API answers 503
    expect(await statuses(from('198.51.100.1'), 6)).toEqual([404, 404, 404, 404, 404, 429]);
    expect(await statuses(from('203.0.113.1'), 1)).toEqual([404]);
    // A client that forges the header still counts as what the proxy saw (the rightmost entry).
    expect(await statuses(from('203.0.113.2, 198.51.100.1'), 1)).toEqual([429]);
  });
});
