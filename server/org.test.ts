import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineer, setupAdmin, startTestServer, type TestClient, type TestServer } from './testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await setupAdmin(server);
});
afterAll(() => server.stop());

function upload(bytes: Uint8Array, type = 'image/png', name = 'logo.png'): FormData {
  const form = new FormData();
  form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
  return form;
}

async function png(width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } }).png().toBuffer(),
  );
}

describe.each(['desks', 'stations'] as const)('%s', (kind) => {
  it('has a default that cannot be deleted', async () => {
    const list = (await admin.get(`/api/${kind}`)).json as Array<{ id: number; isDefault: boolean }>;
    const def = list.find((u) => u.isDefault)!;
    expect(def).toBeDefined();
    const res = await admin.delete(`/api/${kind}/${def.id}`);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatch(/default/);
  });

  it('creates, renames (unique names) and deletes', async () => {
    const created = await admin.post(`/api/${kind}`, { name: `Second level ${kind}`, description: 'escalations' });
    expect(created.status).toBe(200);
    expect((await admin.post(`/api/${kind}`, { name: `second LEVEL ${kind}` })).status).toBe(409);
    const renamed = await admin.patch(`/api/${kind}/${created.json.id}`, { name: `Escalation ${kind}` });
    expect(renamed.json.name).toBe(`Escalation ${kind}`);
    expect((await admin.patch(`/api/${kind}/${created.json.id}`, { name: '   ' })).status).toBe(422);
    expect((await admin.delete(`/api/${kind}/${created.json.id}`)).status).toBe(200);
    expect((await admin.delete(`/api/${kind}/${created.json.id}`)).status).toBe(404);
  });
});

describe('engineers', () => {
  it('need at least one desk or station, and only existing ones', async () => {
    const base = { username: 'carol', displayName: 'Carol', password: 'long-enough-pass', role: 'engineer' };
    const none = await admin.post('/api/engineers', { ...base, deskIds: [], stationIds: [] });
    expect(none.status).toBe(422);
    expect(none.json.error).toMatch(/at least one service desk or station/);
    expect((await admin.post('/api/engineers', { ...base, deskIds: [999], stationIds: [] })).json.error).toMatch(/no such desk: 999/);
    const station = (await admin.get('/api/stations')).json[0].id;
    const ok = await admin.post('/api/engineers', { ...base, deskIds: [], stationIds: [station] });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ username: 'carol', deskIds: [], stationIds: [station], disabled: false });
    expect((await admin.post('/api/engineers', { ...base, username: 'CAROL', stationIds: [station], deskIds: [] })).status).toBe(409);
    // removing the last membership is refused too
    expect((await admin.patch(`/api/engineers/${ok.json.id}`, { stationIds: [] })).status).toBe(422);
  });

  it('belong to many desks; deleting a desk moves members who would be left with none to the default desk', async () => {
    const d1 = (await admin.post('/api/desks', { name: 'Printers' })).json.id;
    const d2 = (await admin.post('/api/desks', { name: 'Network' })).json.id;
    const dan = await createEngineer(server, admin, 'dan', 'engineer', [d1, d2]);
    expect((await admin.get('/api/engineers')).json.find((e: { id: number }) => e.id === dan.id).deskIds).toEqual([d1, d2]);
    await admin.delete(`/api/desks/${d1}`);
    await admin.delete(`/api/desks/${d2}`);
    const after = (await admin.get('/api/engineers')).json.find((e: { id: number }) => e.id === dan.id);
    const def = (await admin.get('/api/desks')).json.find((d: { isDefault: boolean }) => d.isDefault).id;
    expect(after.deskIds).toEqual([def]);
  });

  it('an edit that leaves out the role keeps it; a new engineer without a role is refused, not made one', async () => {
    const sue = await createEngineer(server, admin, 'sue', 'supervisor');
    const renamed = await admin.patch(`/api/engineers/${sue.id}`, { displayName: 'Sue Supervisor' });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ displayName: 'Sue Supervisor', role: 'supervisor' }); // was demoted to 'engineer'
    const second = await createEngineer(server, admin, 'ada', 'admin');
    expect((await admin.patch(`/api/engineers/${second.id}`, { disabled: true })).json).toMatchObject({ role: 'admin', disabled: true });
    const desk = (await admin.get('/api/desks')).json[0].id;
    const noRole = await admin.post('/api/engineers', { username: 'nora', displayName: 'Nora', password: 'long-enough-pass', deskIds: [desk], stationIds: [] });
    expect(noRole.status).toBe(422);
    expect((await admin.get('/api/engineers')).json.some((e: { username: string }) => e.username === 'nora')).toBe(false);
  });

  it('the last active admin cannot be demoted or disabled', async () => {
    const me = (await admin.get('/api/auth/me')).json;
    expect((await admin.patch(`/api/engineers/${me.id}`, { role: 'engineer' })).status).toBe(409);
    expect((await admin.patch(`/api/engineers/${me.id}`, { disabled: true })).status).toBe(409);
  });

  it('have a profile: nickname, signature and avatar (resized WebP)', async () => {
    const erin = await createEngineer(server, admin, 'erin');
    const p = await erin.client.put('/api/profile', { nickname: 'Eri', signature: 'Erin\nSecond level' });
    expect(p.json).toMatchObject({ nickname: 'Eri', signature: 'Erin\nSecond level', hasAvatar: false });
    const av = await erin.client.request('POST', '/api/profile/avatar', upload(await png(1200, 800)));
    expect(av.status).toBe(200);
    expect(av.json.hasAvatar).toBe(true);
    const img = await fetch(`${server.url}/api/engineers/${erin.id}/avatar`, { headers: { cookie: erin.client.cookieHeader } });
    expect(img.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(new Uint8Array(await img.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBe(256);
  });
});

describe('provider profile', () => {
  it('saves the profile and validates the web site', async () => {
    const body = { name: 'Acme IT', address: '1 Main St', phone: '+44 20 7946 0000', website: 'https://acme.example' };
    expect((await admin.put('/api/provider', body)).json).toMatchObject({ ...body, hasLogo: false });
    expect((await admin.put('/api/provider', { ...body, website: 'javascript:alert(1)' })).status).toBe(422);
    expect((await admin.put('/api/provider', { ...body, phone: 'call me' })).status).toBe(422);
    expect((await admin.get('/api/provider')).json.name).toBe('Acme IT');
  });

  it('resizes an uploaded logo with sharp and serves it publicly as PNG', async () => {
    const res = await admin.request('POST', '/api/provider/logo', upload(await png(2000, 1000)));
    expect(res.status).toBe(200);
    expect(res.json.hasLogo).toBe(true);
    const logo = await fetch(`${server.url}/api/provider/logo`);
    expect(logo.status).toBe(200);
    const meta = await sharp(new Uint8Array(await logo.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 256]);
  });

  it('rejects corrupt, non-image, oversized and pixel-bomb uploads, keeping the old logo', async () => {
    const before = new Uint8Array(await (await fetch(`${server.url}/api/provider/logo`)).arrayBuffer());
    const good = await png(10, 10);
    const corrupt = good.slice(0, good.length / 2);
    const r1 = await admin.request('POST', '/api/provider/logo', upload(corrupt));
    expect(r1.status).toBe(422);
    expect(r1.json.error).toMatch(/not a readable image/);
    const r2 = await admin.request('POST', '/api/provider/logo', upload(new TextEncoder().encode('<svg onload=alert(1)>'), 'image/svg+xml'));
    expect(r2.status).toBe(422);
    const big = new Uint8Array(3 * 1024 * 1024);
    const r3 = await admin.request('POST', '/api/provider/logo', upload(big));
    expect([413, 422]).toContain(r3.status);
    // 20000 x 20000 solid PNG: tiny file, 400 Mpx canvas
    const bomb = new Uint8Array(await sharp({ limitInputPixels: false, create: { width: 20000, height: 20000, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer());
    const r4 = await admin.request('POST', '/api/provider/logo', upload(bomb));
    expect(r4.status).toBe(422);
    expect(r4.json.error).toMatch(/too many pixels|not a readable image/);
    const after = new Uint8Array(await (await fetch(`${server.url}/api/provider/logo`)).arrayBuffer());
    expect(after).toEqual(before);
    const missing = await admin.request('POST', '/api/provider/logo', new FormData());
    expect(missing.status).toBe(422);
  });

  it('only admins change it; engineers can read it', async () => {
    const fay = await createEngineer(server, admin, 'fay');
    expect((await fay.client.get('/api/provider')).status).toBe(200);
    expect((await fay.client.put('/api/provider', { name: 'x', address: '', phone: '', website: '' })).status).toBe(403);
  });
});
