import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../../server/protocol/api.ts';
import { agents, applyAgentChanges, applyConsoleMessage, stopLive } from '../live/liveStore.ts';
import { flush, mount } from '../test/dom.ts';
import { DevicesPage } from './Devices.tsx';

const agent = (id: string, hostname: string): AgentInfo => ({
  id,
  hostname,
  os: 'linux',
  version: '1',
  address: '10.0.0.1',
  connectedAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  enrolled: false,
});

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  stopLive();
});

describe('the live agent list', () => {
  it('applies deltas to the full list: adds, replaces by id, removes, and ignores deltas before the list', () => {
    expect(applyAgentChanges(null, [agent('a', 'pc-a')], [])).toBeNull();
    const list = [agent('a', 'pc-a'), agent('b', 'pc-b')];
    expect(applyAgentChanges(list, [agent('c', 'pc-c'), agent('a', 'pc-a2')], ['b', 'zz'])?.map((a) => `${a.id}:${a.hostname}`)).toEqual([
      'c:pc-c',
      'a:pc-a2',
    ]);
  });

  it('shows the pushed agents, follows the deltas and marks unenrolled agents', async () => {
    const view = mount(() => <DevicesPage />);
    cleanup = view.unmount;
    applyConsoleMessage({ type: 'agents', agents: [agent('a', 'pc-a')] });
    applyConsoleMessage({ type: 'agents-changed', added: [agent('b', 'pc-b')], removed: [] });
    await flush();
    expect(agents()?.map((a) => a.id)).toEqual(['a', 'b']);
    const rows = () => Array.from(view.container.querySelectorAll('tbody tr')).map((r) => r.querySelector('strong')?.textContent);
    expect(rows()).toEqual(['pc-a', 'pc-b']);
    expect(view.container.querySelector('tbody tr .badge')?.textContent?.trim()).toBe('unenrolled');
    applyConsoleMessage({ type: 'agents-changed', added: [], removed: ['a'] });
    await flush();
    expect(rows()).toEqual(['pc-b']);
    // malformed deltas change nothing
    applyConsoleMessage({ type: 'agents-changed', added: 'x', removed: ['b'] });
    await flush();
    expect(rows()).toEqual(['pc-b']);
  });
});
