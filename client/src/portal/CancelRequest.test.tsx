import { afterEach, describe, expect, it, vi } from 'vitest';
import { byRole, flush, mount } from '../test/dom.ts';
import { CancelRequest } from './CancelRequest.tsx';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('withdrawing a waiting request', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks the server with the customer token and leaves when it agrees', async () => {
    const seen: RequestInit[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => (seen.push(init), json({ ok: true })));
    const onCancelled = vi.fn();
    const { container, unmount } = mount(() => <CancelRequest token="cust" onCancelled={onCancelled} />);
    byRole(container, 'button', 'Withdraw my request').click();
    await flush();
    expect((seen[0]!.headers as Record<string, string>)['x-tessera-customer']).toBe('cust');
    expect(onCancelled).toHaveBeenCalledOnce();
    unmount();
  });

  it('stays, and says why, when an engineer took the request first', async () => {
    vi.stubGlobal('fetch', async () => json({ error: 'an engineer has already taken your request' }, 409));
    const onCancelled = vi.fn();
    const { container, unmount } = mount(() => <CancelRequest token="cust" onCancelled={onCancelled} />);
    byRole(container, 'button', 'Withdraw my request').click();
    await flush();
    expect(byRole(container, 'alert').textContent).toContain('already taken');
    expect(onCancelled).not.toHaveBeenCalled();
    unmount();
  });
});
