import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig, SETTINGS } from './config.ts';

const empty = mkdtempSync(join(tmpdir(), 'tessera-config-'));

describe('loadConfig', () => {
  it('uses the defaults: port 8080 and ./tessera-data', () => {
    const c = loadConfig({}, empty);
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe(resolve(empty, 'tessera-data'));
    expect(c.sessionHours).toBe(DEFAULTS.sessionHours);
  });

  it('reads environment variables', () => {
    const c = loadConfig({ TESSERA_PORT: '9000', TESSERA_DATA: '/srv/t', TESSERA_SECURE_COOKIES: 'yes' }, empty);
    expect(c).toMatchObject({ port: 9000, dataDir: '/srv/t', secureCookies: true });
  });

  it('reads a config file, and the environment overrides it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(join(dir, 'tessera.json'), JSON.stringify({ port: 7000, sessionHours: 2 }));
    expect(loadConfig({}, dir)).toMatchObject({ port: 7000, sessionHours: 2 });
    expect(loadConfig({ TESSERA_PORT: '7001' }, dir)).toMatchObject({ port: 7001, sessionHours: 2 });
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ port: 7002 }));
    expect(loadConfig({ TESSERA_CONFIG: other }, empty).port).toBe(7002);
  });

  it('names the offending setting for bad values', () => {
    expect(() => loadConfig({ TESSERA_PORT: 'eighty' }, empty)).toThrow(/TESSERA_PORT: expected a whole number/);
    expect(() => loadConfig({ TESSERA_PORT: '70000' }, empty)).toThrow(/TESSERA_PORT: expected 0..65535/);
    expect(() => loadConfig({ TESSERA_SECURE_COOKIES: 'maybe' }, empty)).toThrow(/TESSERA_SECURE_COOKIES/);
    expect(() => loadConfig({ TESSERA_DATA: '   ' }, empty)).toThrow(/TESSERA_DATA: must not be empty/);
  });

  it('rejects a broken or unknown config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(join(dir, 'tessera.json'), '{ "port": ');
    expect(() => loadConfig({}, dir)).toThrow(/config file .*tessera.json/);
    writeFileSync(join(dir, 'tessera.json'), JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({}, dir)).toThrow(/unknown setting "prot"/);
    writeFileSync(join(dir, 'tessera.json'), '[1]');
    expect(() => loadConfig({}, dir)).toThrow(/expected a JSON object/);
    expect(() => loadConfig({ TESSERA_CONFIG: join(dir, 'missing.json') }, empty)).toThrow(/missing.json/);
  });

  it('reads trusted proxies as a list of addresses and networks, from the environment or a JSON list', () => {
    expect(loadConfig({ TESSERA_TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16 fd00::/8' }, empty).trustedProxies).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      'fd00::/8',
    ]);
    expect(DEFAULTS.trustedProxies).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(join(dir, 'tessera.json'), JSON.stringify({ trustedProxies: ['127.0.0.1', '::1'] }));
    expect(loadConfig({}, dir).trustedProxies).toEqual(['127.0.0.1', '::1']);
    for (const bad of ['10.0.0.300', '10.0.0.0/33', 'proxy.example', '10.0.0.0/8/1', '::1/129', '10.0.0.0/-1'])
      expect(() => loadConfig({ TESSERA_TRUSTED_PROXIES: bad }, empty)).toThrow(/TESSERA_TRUSTED_PROXIES: .*not an IP address/);
    writeFileSync(join(dir, 'tessera.json'), JSON.stringify({ trustedProxies: { a: 1 } }));
    expect(() => loadConfig({}, dir)).toThrow(/trustedProxies: .*not an IP address/);
  });

  it('documents every setting with an environment variable', () => {
    const keys = SETTINGS.map((s) => s.key).sort();
    expect(keys).toEqual(Object.keys(DEFAULTS).sort());
    for (const s of SETTINGS) expect(s.env).toMatch(/^TESSERA_[A-Z_]+$/);
  });
});
