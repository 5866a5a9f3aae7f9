import { afterEach, describe, expect, it, vi } from 'vitest';
import { SCOPE_DESCRIPTIONS } from '../../../server/protocol/roles.ts';
import { byLabel, byRole, check, flush, mount, submit, type } from '../test/dom.ts';

const calls = vi.hoisted(() => ({
  createToken: vi.fn(async (body: { name: string; scopes: string[] }) => ({
    id: 1,
    ...body,
    token: 'tsk_secret',
    createdAt: '2030-01-01T00:00:00.000Z',
    expiresAt: null,
    lastUsedAt: null,
  })),
  tokens: vi.fn(async () => [] as unknown[]),
}));
vi.mock('../api/endpoints.ts', () => ({ api: { tokens: calls.tokens, createToken: calls.createToken, revokeToken: async () => ({ ok: true }) } }));
const { TokensPage } = await import('./Tokens.tsx');

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe('TokensPage', () => {
  it('shows when a token was last used, read again when the page comes back into view', async () => {
    const token = { id: 3, name: 'backup script', scopes: ['org:read'], createdAt: '2030-01-01T00:00:00.000Z', expiresAt: null, lastUsedAt: null as string | null };
    calls.tokens.mockResolvedValue([token]);
    cleanup = mount(() => <TokensPage />).unmount;
    await flush();
    const row = () => [...document.querySelectorAll('tr')].find((r) => r.textContent?.includes('backup script'))!;
    // "Never" twice: never expires, never used.
    const nevers = () => row().textContent!.split('Never').length - 1;
    expect(nevers()).toBe(2);
    calls.tokens.mockResolvedValue([{ ...token, lastUsedAt: new Date(Date.now() - 5_000).toISOString() }]);
    document.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(nevers()).toBe(1);
    calls.tokens.mockResolvedValue([]);
  });


  it('offers the queue and session scopes, each with what it allows, and creates a token with them', async () => {
    cleanup = mount(() => <TokensPage />).unmount;
    await flush();
    byRole(document.body, 'button', 'New token').click();
    await flush();
    const box = (scope: 'queue:read' | 'sessions:read' | 'sessions:write') => byLabel(document.body, `${scope} — ${SCOPE_DESCRIPTIONS[scope]}`);
    expect(box('sessions:write').checked).toBe(false);
    type(byLabel(document.body, 'Token name'), 'ticket sync');
    check(box('queue:read'));
    check(box('sessions:read'));
    submit(document.body.querySelector('form')!);
    await flush();
    expect(calls.createToken).toHaveBeenCalledWith(expect.objectContaining({ name: 'ticket sync', scopes: ['org:read', 'queue:read', 'sessions:read'] }));
  });
});
