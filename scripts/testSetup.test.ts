import { describe, expect, it } from 'vitest';
import { installCommand, missingPackages, planSetup, TEST_PACKAGES } from './testSetup.ts';

describe('test set-up', () => {
  it('does nothing when every package is there', () => {
    expect(planSetup([], false, false)).toEqual({ kind: 'ready' });
  });

  it('installs what is missing as root with apt-get', () => {
    expect(planSetup(['xvfb', 'chromium'], true, true)).toEqual({ kind: 'install', packages: ['xvfb', 'chromium'] });
  });

  it('stops with the exact command otherwise', () => {
    expect(planSetup(['xvfb'], false, true)).toEqual({
      kind: 'stop', packages: ['xvfb'], command: 'sudo apt-get update && sudo apt-get install -y --no-install-recommends xvfb',
    });
    expect(planSetup(['xvfb'], true, false)).toMatchObject({ kind: 'stop', command: installCommand(['xvfb'], true) });
    expect(installCommand(['a', 'b'], true)).toBe('apt-get update && apt-get install -y --no-install-recommends a b');
  });

  it('reads what dpkg has installed, naming what it does not know as missing', () => {
    const missing = missingPackages(['dpkg', 'tessera-no-such-package']);
    if (missing === null) return; // not a Debian machine
    expect(missing).toEqual(['tessera-no-such-package']);
  });

  it('says why each package is needed', () => {
    for (const [name, why] of Object.entries(TEST_PACKAGES)) expect(why.length, name).toBeGreaterThan(10);
  });
});
