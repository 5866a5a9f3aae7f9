import { afterEach, describe, expect, it, vi } from 'vitest';
import { flush, mount } from '../../test/dom.ts';
import { DESK_KIND, OrgUnitsPage, STATION_KIND } from './Desks.tsx';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const select = (root: HTMLElement, desk: string) => {
  const found = root.querySelector<HTMLSelectElement>(`select[aria-label="Recording for desk ${desk}"]`);
  if (!found) throw new Error(`no recording choice for ${desk}`);
  return found;
};
const desks = [
  { id: 1, name: 'General', description: '', isDefault: true },
  { id: 2, name: 'Finance', description: 'money', isDefault: false },
];

describe('the desks page: recording policy per desk', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows each desk’s policy and saves a change at once; a refusal puts the old one back', async () => {
    const puts: { url: string; body: unknown }[] = [];
    let refuse = false;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (url === '/api/desks') return json(desks);
      if (url === '/api/recording-policies') return json([{ deskId: 1, policy: 'always' }, { deskId: 2, policy: 'never' }]);
      if (url.startsWith('/api/recording-policies/') && init.method === 'PUT') {
        const body = JSON.parse(String(init.body));
        puts.push({ url, body });
        return refuse ? json({ error: 'nope' }, 403) : json({ deskId: Number(url.split('/').pop()), ...body });
      }
      return json({ error: 'unexpected ' + url }, 404);
    });
    const { container, unmount } = mount(() => <OrgUnitsPage kind={DESK_KIND} />);
    await flush();
    await flush();
    const finance = select(container, 'Finance');
    expect(finance.value).toBe('never');
    expect(select(container, 'General').value).toBe('always');

    finance.value = 'ask';
    finance.dispatchEvent(new Event('change', { bubbles: true }));
    await flush();
    expect(puts).toEqual([{ url: '/api/recording-policies/2', body: { policy: 'ask' } }]);
    expect(finance.value).toBe('ask');

    refuse = true;
    finance.value = 'always';
    finance.dispatchEvent(new Event('change', { bubbles: true }));
    await flush();
    expect(finance.value).toBe('ask'); // the server said no
    unmount();
  });

  it('stations have no recording column', async () => {
    vi.stubGlobal('fetch', async (url: string) => (url === '/api/stations' ? json(desks) : json({ error: 'unexpected ' + url }, 404)));
    const { container, unmount } = mount(() => <OrgUnitsPage kind={STATION_KIND} />);
    await flush();
    expect(container.querySelector('select')).toBeNull();
    expect(container.textContent).not.toContain('Recording');
    unmount();
  });
});
