import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.stop();
});

async function withToken() {
  server = await startTestServer();
  const admin = await setupAdmin(server);
  const bob = await createEngineer(server, admin, 'bob');
  const created = await bob.client.post('/api/tokens', { name: 'bob script', scopes: ['org:read'] });
  expect(created.status).toBe(200);
  const bearer = new TestClient(server.url, { authorization: `Bearer ${created.json.token}` });
  expect((await bearer.get('/api/desks')).status).toBe(200);
  return { admin, bob, bearer, tokenId: created.json.id as number };
}

describe('API tokens end with the trust they were made under', () => {
  it('an admin password reset revokes the engineer’s tokens', async () => {
    const { admin, bob, bearer } = await withToken();
    expect((await admin.post(`/api/engineers/${bob.id}/password`, { password: 'temporary-password-1' })).status).toBe(200);
    expect((await bearer.get('/api/desks')).status).toBe(401);
    expect((await admin.get(`/api/engineers/${bob.id}/tokens`)).json).toEqual([]);
  });

  it('disabling revokes them, and re-enabling does not bring them back', async () => {
    const { admin, bob, bearer } = await withToken();
    expect((await admin.patch(`/api/engineers/${bob.id}`, { disabled: true })).status).toBe(200);
    expect((await bearer.get('/api/desks')).status).toBe(401);
    expect((await admin.patch(`/api/engineers/${bob.id}`, { disabled: false })).status).toBe(200);
    expect((await bearer.get('/api/desks')).status).toBe(401);
  });

  it('an ordinary profile change leaves them working', async () => {
    const { admin, bob, bearer } = await withToken();
    expect((await admin.patch(`/api/engineers/${bob.id}`, { displayName: 'Robert' })).status).toBe(200);
    expect((await bearer.get('/api/desks')).status).toBe(200);
  });
});

describe("admins manage anyone's tokens", () => {
  it('lists and revokes an engineer’s tokens (logged); the token stops working', async () => {
    const { admin, bob, bearer, tokenId } = await withToken();
    const list = await admin.get(`/api/engineers/${bob.id}/tokens`);
    expect(list.status).toBe(200);
    expect(list.json).toEqual([expect.objectContaining({ id: tokenId, name: 'bob script', scopes: ['org:read'] })]);
    expect(list.json[0].token).toBeUndefined();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect((await admin.delete(`/api/engineers/${bob.id}/tokens/${tokenId}`)).status).toBe(200);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/alice revoked API token \d+ of bob/));
    expect((await bearer.get('/api/desks')).status).toBe(401);
    expect((await admin.get(`/api/engineers/${bob.id}/tokens`)).json).toEqual([]);
    // revoking twice, or under the wrong engineer, finds nothing
    expect((await admin.delete(`/api/engineers/${bob.id}/tokens/${tokenId}`)).status).toBe(404);
  });

  it('a token is revoked only under its own engineer; bad ids change nothing', async () => {
    const { admin, bob, bearer, tokenId } = await withToken();
    const carolId = (await createEngineer(server, admin, 'carol')).id;
    expect((await admin.delete(`/api/engineers/${carolId}/tokens/${tokenId}`)).status).toBe(404);
    expect((await admin.get('/api/engineers/9999/tokens')).status).toBe(404);
    for (const path of [`/api/engineers/abc/tokens`, `/api/engineers/0/tokens`, `/api/engineers/-1/tokens`])
      expect((await admin.get(path)).status, path).toBe(422);
    for (const path of [`/api/engineers/${bob.id}/tokens/abc`, `/api/engineers/${bob.id}/tokens/0`, `/api/engineers/${bob.id}/tokens/1.5`])
      expect((await admin.delete(path)).status, path).toBe(422);
    expect((await bearer.get('/api/desks')).status).toBe(200);
  });

  it('engineers cannot list or revoke others’ tokens, nor can API tokens', async () => {
    const { admin, bob, bearer, tokenId } = await withToken();
    const carol = await createEngineer(server, admin, 'carol');
    expect((await carol.client.get(`/api/engineers/${bob.id}/tokens`)).status).toBe(403);
    expect((await carol.client.delete(`/api/engineers/${bob.id}/tokens/${tokenId}`)).status).toBe(403);
    expect((await bob.client.get(`/api/engineers/${bob.id}/tokens`)).status).toBe(403);
    expect((await new TestClient(server.url).get(`/api/engineers/${bob.id}/tokens`)).status).toBe(401);
    const adminToken = await admin.post('/api/tokens', { name: 'admin ci', scopes: ['engineers:read', 'engineers:write'] });
    const adminBearer = new TestClient(server.url, { authorization: `Bearer ${adminToken.json.token}` });
    expect((await adminBearer.get(`/api/engineers/${bob.id}/tokens`)).status).toBe(403);
    expect((await adminBearer.delete(`/api/engineers/${bob.id}/tokens/${tokenId}`)).status).toBe(403);
    expect((await bearer.get('/api/desks')).status).toBe(200);
  });
});
