// Consent bookkeeping on its own: what the server is told after each decision, and how a device pre-allowance ends.
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../server/protocol/agent.ts';
import { Consent } from './consent.ts';
import { monitorsMessage } from './monitorList.ts';
import { unpackedAddons } from './leaveNothingBehind.ts';

function consent(pre: Capability[] = []) {
  const sent: Capability[][] = [];
  return { consent: new Consent((granted) => sent.push(granted), pre), sent };
}

describe('consent', () => {
  it('every grant, refusal and revocation tells the server the whole state, in the protocol order', () => {
    const { consent: c, sent } = consent();
    c.grant('clipboard');
    c.grant('view');
    c.refuse('control');
    c.revoke('clipboard');
    c.revoke('files'); // nothing to revoke: the state is restated
    expect(sent).toEqual([['clipboard'], ['view', 'clipboard'], ['view', 'clipboard'], ['view'], ['view']]);
    expect(c.list()).toEqual(['view']);
  });

  it('Stop all revokes everything in one message and ends every pre-allowance', () => {
    const { consent: c, sent } = consent(['view', 'control']);
    expect(sent).toEqual([]); // sent after the welcome, not at construction
    c.send();
    expect(sent).toEqual([['view', 'control']]);
    const changes: string[] = [];
    c.onChange((change) => changes.push(change.kind === 'revoke-all' ? `revoke-all:${change.revoked.join('+')}` : change.kind));
    c.revokeAll();
    expect(sent.at(-1)).toEqual([]);
    expect(sent).toHaveLength(2);
    expect(changes).toEqual(['revoke-all:view+control']);
    expect(c.isPreAllowed('view')).toBe(false);
  });

  it('revoking a pre-allowed capability ends its pre-allowance', () => {
    const { consent: c } = consent(['view', 'clipboard']);
    c.revoke('view');
    expect(c.isPreAllowed('view')).toBe(false);
    expect(c.isPreAllowed('clipboard')).toBe(true);
  });

  it('an unknown capability is refused at once', () => {
    expect(() => consent(['view', 'everything' as Capability])).toThrow(/unknown capability "everything"/);
  });
});

describe('monitors message', () => {
  it('fits what the server accepts: at most 16 monitors, names up to 64 characters, sizes clamped, indices kept', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ x: i * 100, y: 0, width: 100, height: 50, name: `M${i}`, primary: i === 0 }));
    const msg = monitorsMessage(many, 3);
    expect(msg.monitors).toHaveLength(16);
    expect(msg.current).toBe(3);
    expect(monitorsMessage(many, 17).current).toBe('all'); // gone: what the stream falls back to
    const odd = monitorsMessage([{ x: -100_000, y: 5, width: 0, height: 40_000, name: 'n'.repeat(100), primary: true }], 0);
    expect(odd.monitors[0]).toEqual({ x: -65536, y: 5, width: 1, height: 16384, name: 'n'.repeat(64), primary: true });
  });
});

describe('unpacked addon lookup', () => {
  it('finds only the .bun-*.node files mapped from the temporary folder', () => {
    const maps = [
      '7f00-7f01 r--p 00000000 fe:00 1 /tmp/.bun-0-c313932916717e89.node',
      '7f01-7f02 r-xp 0000c000 fe:00 1 /tmp/.bun-0-c313932916717e89.node',
      '7f02-7f03 r--p 00000000 fe:00 2 /work/main/build/Release/tessera.node',
      '7f03-7f04 r--p 00000000 fe:00 3 /tmp/other/.bun-0-aaaa.node',
      '7f04-7f05 r--p 00000000 fe:00 4 /tmp/.bun-0-bbbb.node (deleted)',
      '7f05-7f06 r--p 00000000 fe:00 5 /tmp/libfoo.so',
      '7f06-7f07 rw-p 00000000 00:00 0 [heap]',
    ].join('\n');
    expect(unpackedAddons(maps, '/tmp')).toEqual(['/tmp/.bun-0-c313932916717e89.node']);
  });
});
