import { afterEach, describe, expect, it, vi } from 'vitest';
import { byRole, flush, mount, queryText } from '../test/dom.ts';
import { AgentDownload } from './AgentDownload.tsx';

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('the support app download', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('offers the app for the browser\'s system and asks for a ticket with the customer\'s token', async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      if (url === '/api/portal/agent/platforms')
        return json({ suggested: 'darwin-x64', system: 'macOS', platforms: [{ platform: 'darwin-arm64', bytes: 104857600 }, { platform: 'darwin-x64', bytes: 115343360 }] });
      return json({ url: '/api/portal/agent/TICKET', platform: 'darwin-x64' });
    });
    const { container, unmount } = mount(() => <AgentDownload token="cust-token" />);
    await flush();
    const button = byRole(container, 'button', 'Download for macOS (Intel)');
    expect(queryText(container, 'Stop all')).toBe(true);
    expect(queryText(container, 'macOS (Apple silicon)')).toBe(true);
    button.click();
    await flush();
    const ticket = calls.find((c) => c.url === '/api/portal/session/agent-download')!;
    expect(JSON.parse(String(ticket.init!.body))).toEqual({ platform: 'darwin-x64' });
    expect((ticket.init!.headers as Record<string, string>)['x-tessera-customer']).toBe('cust-token');
    expect(queryText(container, 'The download has started')).toBe(true);
    unmount();
  });

  it('tells a Windows customer plainly there is no app for their system and keeps them in the chat, offering no other binary', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      calls.push(url);
      return json({ suggested: 'windows-x64', system: 'Windows', platforms: [] });
    });
    const { container, unmount } = mount(() => <AgentDownload token="t" />);
    await flush();
    expect(container.querySelector('[data-testid="agent-unavailable"]')!.textContent).toBe(
      'There is no support app for Windows yet, so the engineer cannot see your screen this time. Stay in this chat: the engineer will help you here.',
    );
    expect(container.querySelectorAll('button')).toHaveLength(0);
    expect(queryText(container, 'Linux')).toBe(false);
    expect(calls).toEqual(['/api/portal/agent/platforms']);
    unmount();
  });

  it('says plainly when the server has no app to hand out, and shows errors', async () => {
    vi.stubGlobal('fetch', async () => json({ suggested: 'linux-x64', system: 'Linux', platforms: [] }));
    const none = mount(() => <AgentDownload token="t" />);
    await flush();
    expect(queryText(none.container, 'There is no support app for Linux yet')).toBe(true);
    none.unmount();

    vi.stubGlobal('fetch', async (url: string) =>
      url.endsWith('platforms') ? json({ suggested: 'linux-x64', system: 'Linux', platforms: [{ platform: 'linux-x64', bytes: 1 }] }) : json({ error: 'the session has ended' }, 409),
    );
    const failing = mount(() => <AgentDownload token="t" />);
    await flush();
    byRole(failing.container, 'button', 'Download for Linux (64-bit)').click();
    await flush();
    expect(byRole(failing.container, 'alert').textContent).toContain('the session has ended');
    failing.unmount();
  });
});
