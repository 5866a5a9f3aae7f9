import { MemoryRouter, Route, createMemoryHistory } from '@solidjs/router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byLabel, byRole, flush, mount, submit, type } from '../test/dom.ts';
import { markSetupDone, me, setMe } from '../lib/session.ts';
import { LoginPage, safeNext } from './Login.tsx';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  setMe(null);
  vi.unstubAllGlobals();
});

function renderLogin(path = '/login') {
  markSetupDone('test');
  const history = createMemoryHistory();
  history.set({ value: path });
  const view = mount(() => (
    <MemoryRouter history={history}>
      <Route path="/login" component={LoginPage} />
      <Route path="*" component={() => <p>elsewhere</p>} />
    </MemoryRouter>
  ));
  cleanup = view.unmount;
  return { ...view, history };
}

describe('safeNext', () => {
  it('follows only same-site console paths', () => {
    expect(safeNext('/admin/desks')).toBe('/admin/desks');
    expect(safeNext(undefined)).toBe('/queue');
    expect(safeNext('//evil.example/x')).toBe('/queue');
    expect(safeNext('https://evil.example')).toBe('/queue');
    expect(safeNext('/login')).toBe('/queue');
  });

  it('refuses paths a browser reads as another host', () => {
    for (const hostile of ['/\\evil.example', '/\\/evil.example', '\\\\evil.example', '/\tevil', '/\t/evil.example', '/\n/evil.example', '/x\\y'])
      expect(safeNext(hostile), JSON.stringify(hostile)).toBe('/queue');
    expect(safeNext(['/\\evil.example'])).toBe('/queue');
    expect(safeNext('/sessions/12?tab=chat')).toBe('/sessions/12?tab=chat');
  });
});

describe('LoginPage', () => {
  it("shows the server's reason for a refused login", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'this account is disabled' }), { status: 401 })));
    const { container } = renderLogin();
    type(byLabel(container, 'Username'), 'bob');
    type(byLabel(container, 'Password'), 'whatever-long');
    submit(container.querySelector('form')!);
    await flush();
    expect(byRole(container, 'alert').textContent).toBe('This account is disabled.');
    expect(byLabel(container, 'Password').value).toBe('');
    expect(me()).toBeNull();
  });

  it('counts down a lockout and keeps the button disabled meanwhile', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ error: 'too many failed logins; try again in 2 min' }), { status: 429, headers: { 'retry-after': '75' } })),
    );
    const { container } = renderLogin();
    type(byLabel(container, 'Username'), 'ada');
    type(byLabel(container, 'Password'), 'wrong-password');
    submit(container.querySelector('form')!);
    await flush();
    const button = container.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    expect(byRole(container, 'alert').textContent).toBe('Too many failed logins; try again in 2 min.');
    expect(button.disabled).toBe(true);
    expect(button.textContent).toMatch(/^Wait 1:1[45]$/);
    type(byLabel(container, 'Username'), 'someone-else'); // the lockout was for that account
    await flush();
    expect(button.disabled).toBe(false);
  });

  it('signs in and goes to the page that was asked for', async () => {
    const user = { id: 1, username: 'ada', displayName: 'Ada', role: 'admin', nickname: '', signature: '', hasAvatar: false, mustChangePassword: false };
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(user), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const { container } = renderLogin('/login?next=%2Fadmin%2Fdesks');
    type(byLabel(container, 'Username'), ' ada ');
    type(byLabel(container, 'Password'), 'correct horse battery');
    submit(container.querySelector('form')!);
    await flush();
    expect(JSON.parse((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body as string)).toEqual({
      username: 'ada',
      password: 'correct horse battery',
    });
    expect(me()?.username).toBe('ada');
    await flush();
    expect(container.textContent).toContain('elsewhere');
  });
});
