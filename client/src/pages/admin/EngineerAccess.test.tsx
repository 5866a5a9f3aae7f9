import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiToken, Engineer } from '../../../../server/protocol/api.ts';
import { ApiError } from '../../api/http.ts';
import { byRole, flush, mount, queryText } from '../../test/dom.ts';
import { EngineerAccessDialog, type EngineerAccessCalls } from './EngineerAccess.tsx';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

const bob: Engineer = { id: 7, username: 'bob', displayName: 'Bob', role: 'engineer', disabled: false, deskIds: [1], stationIds: [], createdAt: '2030-01-01T00:00:00.000Z' };
const token = (id: number, name: string): ApiToken => ({ id, name, scopes: ['org:read'], createdAt: '2030-01-01T00:00:00.000Z', expiresAt: null, lastUsedAt: null });

function setup(calls: Partial<EngineerAccessCalls> = {}) {
  const all: EngineerAccessCalls = {
    tokens: vi.fn(async () => [token(1, 'ci'), token(2, 'backup')]),
    revoke: vi.fn(async () => ({ ok: true })),
    unlock: vi.fn(async () => ({ cleared: 2 })),
    ...calls,
  };
  const view = mount(() => <EngineerAccessDialog engineer={bob} onClose={() => {}} calls={all} />);
  cleanup = view.unmount;
  return { calls: all, body: document.body };
}

describe('EngineerAccessDialog', () => {
  it("lists the engineer's tokens and revokes one after confirming", async () => {
    const { calls, body } = setup();
    await flush();
    expect(calls.tokens).toHaveBeenCalledWith(7);
    expect(queryText(body, 'ci')).toBe(true);
    byRole(body, 'button', 'Revoke token backup').click();
    await flush();
    expect(calls.revoke).not.toHaveBeenCalled();
    byRole(body, 'button', 'Revoke token').click();
    await flush();
    expect(calls.revoke).toHaveBeenCalledWith(7, 2);
    expect(() => byRole(body, 'button', 'Revoke token backup')).toThrow();
    expect(byRole(body, 'button', 'Revoke token ci')).toBeTruthy();
  });

  it('unlocks sign-in and shows the server’s refusal in place', async () => {
    const { calls, body } = setup({ unlock: vi.fn(async () => Promise.reject(new ApiError(403, 'this needs the admin role'))) });
    await flush();
    byRole(body, 'button', 'Unlock sign-in').click();
    await flush();
    expect(calls.unlock).toHaveBeenCalledWith(7);
    expect(queryText(body, /this needs the admin role/i)).toBe(true);
  });

  it('says so when there are no tokens', async () => {
    const { body } = setup({ tokens: vi.fn(async () => []) });
    await flush();
    expect(queryText(body, 'No live API tokens.')).toBe(true);
  });
});
