import { describe, expect, test } from 'vitest';
import { hostname, linuxDistribution, osDescription } from './systemInfo.ts';

describe('systemInfo', () => {
  test('reads PRETTY_NAME from os-release, quoted or not', () => {
    expect(linuxDistribution('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\n')).toBe(
      'Debian GNU/Linux 12 (bookworm)',
    );
    expect(linuxDistribution("PRETTY_NAME='Alpine Linux v3.20'\n")).toBe('Alpine Linux v3.20');
    expect(linuxDistribution('NAME=Fedora\nVERSION_ID=40\n')).toBe('Fedora 40');
    expect(linuxDistribution('# nothing useful\n')).toBeNull();
    expect(linuxDistribution('')).toBeNull();
  });

  test('describes this machine within the limits the server accepts', () => {
    const os = osDescription();
    expect(os.startsWith(`${process.platform} ${process.arch} `)).toBe(true);
    expect(os.length).toBeGreaterThan(0);
    expect(os.length).toBeLessThanOrEqual(256);
    expect(hostname().length).toBeGreaterThan(0);
    expect(hostname().length).toBeLessThanOrEqual(256);
  });
});
