import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAdmin, startTestServer, TestClient, type TestServer } from '../testing/startTestServer.ts';

let server: TestServer;
let admin: TestClient;
let customer: TestClient;
let customerToken: string;
let sessionId: number;
let ws: WebSocket;
beforeAll(async () => {
  server = await startTestServer({ fileLimitBytes: 5_000_000, bodyLimitBytes: 256 * 1024 });
  admin = await setupAdmin(server);
  ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: admin.cookieHeader } } as unknown as string[]);
  await new Promise((r) => (ws.onopen = r));
  const req = await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Pat' } });
  sessionId = req.json.session.id;
  customerToken = req.json.customerToken;
  customer = new TestClient(server.url, { 'x-tessera-customer': customerToken });
  await admin.post(`/api/queue/${sessionId}/take`);
});
afterAll(async () => {
  ws.close();
  await server.stop();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7919) & 255);

async function put(client: TestClient, path: string, offset: number, chunk: Uint8Array) {
  return client.request('PUT', `${path}?offset=${offset}`, chunk, { 'content-type': 'application/octet-stream' });
}

describe('file transfer', () => {
  it('moves a file engineer -> customer in chunks, resumes after an interruption, verifies the checksum', async () => {
    const data = bytes(700_000);
    const created = await admin.post(`/api/sessions/${sessionId}/files`, { name: '../../etc/passwd\u0007 driver.zip', size: data.length, sha256: sha(data) });
    expect(created.status).toBe(200);
    expect(created.json.name).toBe('passwd driver.zip'); // no path, no control characters
    const path = `/api/sessions/${sessionId}/files/${created.json.id}`;
    const chunk = 200_000;
    expect((await put(admin, path, 0, data.subarray(0, chunk))).json.received).toBe(chunk);
    // the client lost the reply and resends an overlapping chunk: only new bytes are kept
    expect((await put(admin, path, 100_000, data.subarray(100_000, 300_000))).json.received).toBe(300_000);
    // a gap is refused with the offset to resume from
    const gap = await put(admin, path, 500_000, data.subarray(500_000, 600_000));
    expect(gap.status).toBe(409);
    expect(gap.json).toMatchObject({ error: 'resume from byte 300000', received: 300_000 });
    // a chunk over the body limit is refused by the server
    expect((await put(admin, path, 300_000, data.subarray(300_000, 700_000))).status).toBe(413);
    for (let off = 300_000; off < data.length; off += chunk) {
      const r = await put(admin, path, off, data.subarray(off, off + chunk));
      expect(r.status).toBe(200);
    }
    const list = (await customer.get('/api/portal/session/files')).json as Array<{ status: string; received: number }>;
    expect(list[0]).toMatchObject({ status: 'complete', received: data.length });
    const full = await fetch(`${server.url}/api/portal/session/files/${created.json.id}/content`, { headers: { 'x-tessera-customer': customerToken } });
    expect(full.headers.get('content-disposition')).toContain("filename*=UTF-8''passwd%20driver.zip");
    expect(sha(new Uint8Array(await full.arrayBuffer()))).toBe(sha(data));
    // resumed download
    const part = await fetch(`${server.url}/api/sessions/${sessionId}/files/${created.json.id}/content`, { headers: { cookie: admin.cookieHeader, range: 'bytes=600000-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 600000-699999/700000`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(data.subarray(600_000));
    const log = (await admin.get(`/api/sessions/${sessionId}/log`)).json as Array<{ kind: string; text: string }>;
    expect(log.filter((e) => e.kind === 'file').map((e) => e.text)).toEqual([
      'started sending file "passwd driver.zip" (700000 bytes)',
      'file "passwd driver.zip" (700000 bytes) arrived complete, checksum verified',
    ]);
  });

  it('moves a file customer -> engineer; a corrupted upload fails its checksum and is discarded', async () => {
    const data = bytes(50_000);
    const good = await customer.post('/api/portal/session/files', { name: 'screenshot.png', size: data.length, sha256: sha(data) });
    expect((await put(customer, `/api/portal/session/files/${good.json.id}`, 0, data)).json.status).toBe('complete');
    const got = await fetch(`${server.url}/api/sessions/${sessionId}/files/${good.json.id}/content`, { headers: { cookie: admin.cookieHeader } });
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(data);

    const bad = await customer.post('/api/portal/session/files', { name: 'x.bin', size: data.length, sha256: sha(data) });
    const flipped = data.slice();
    flipped[123]! ^= 1;
    const r = await put(customer, `/api/portal/session/files/${bad.json.id}`, 0, flipped);
    expect(r.status).toBe(422);
    expect(r.json.error).toMatch(/does not match its SHA-256/);
    expect((await fetch(`${server.url}/api/sessions/${sessionId}/files/${bad.json.id}/content`, { headers: { cookie: admin.cookieHeader } })).status).toBe(404);
    // the customer cannot write into a file the engineer sends
    const theirs = await admin.post(`/api/sessions/${sessionId}/files`, { name: 'a', size: 3, sha256: sha(bytes(3)) });
    expect((await put(customer, `/api/portal/session/files/${theirs.json.id}`, 0, bytes(3))).status).toBe(403);
  });

  it('refuses oversized, malformed and excess uploads', async () => {
    expect((await admin.post(`/api/sessions/${sessionId}/files`, { name: 'big.iso', size: 6_000_000, sha256: 'a'.repeat(64) })).status).toBe(413);
    expect((await admin.post(`/api/sessions/${sessionId}/files`, { name: 'x', size: 10, sha256: 'not-a-hash' })).status).toBe(422);
    expect((await admin.post(`/api/sessions/${sessionId}/files`, { name: 'x', size: -1, sha256: 'a'.repeat(64) })).status).toBe(422);
    const f = await admin.post(`/api/sessions/${sessionId}/files`, { name: 'x', size: 10, sha256: sha(bytes(10)) });
    expect((await put(admin, `/api/sessions/${sessionId}/files/${f.json.id}`, 0, bytes(11))).status).toBe(413);
    expect((await put(admin, `/api/sessions/${sessionId}/files/${f.json.id}`, -5, bytes(1))).status).toBe(422);
    expect((await put(admin, `/api/sessions/${sessionId}/files/999999`, 0, bytes(1))).status).toBe(404);
    // another session's customer sees nothing
    const other = await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Q' } });
    const stranger = new TestClient(server.url, { 'x-tessera-customer': other.json.customerToken });
    expect((await stranger.get('/api/portal/session/files')).json).toEqual([]);
    expect((await stranger.post('/api/portal/session/files', { name: 'x', size: 1, sha256: sha(bytes(1)) })).status).toBe(409); // not live yet
  });
});

/** A PUT whose body arrives in two parts, the second only when `finish` is called (a slow upload). */
async function slowPut(path: string, cookie: string, first: Uint8Array, rest: Uint8Array) {
  const { connect } = await import('node:net');
  const sock = connect(server.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let reply = '';
  sock.on('data', (d) => (reply += d.toString()));
  const closed = new Promise((r) => sock.once('close', r));
  sock.write(
    `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nContent-Type: application/octet-stream\r\n` +
      `Content-Length: ${first.length + rest.length}\r\nConnection: close\r\n\r\n`,
  );
  sock.write(first);
  return {
    async finish() {
      sock.write(rest);
      await closed;
      return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(reply)?.[1]), body: reply.slice(reply.indexOf('\r\n\r\n') + 4) };
    },
  };
}

describe('file transfer hardening', () => {
  it('a late chunk cannot rewrite a file another chunk completed and verified', async () => {
    const data = bytes(10);
    const f = await admin.post(`/api/sessions/${sessionId}/files`, { name: 'race.bin', size: 10, sha256: sha(data) });
    const path = `/api/sessions/${sessionId}/files/${f.json.id}`;
    expect((await put(admin, path, 0, data.subarray(0, 5))).json.received).toBe(5);
    // A chunk for bytes 5..7 starts while the file stands at 5 bytes, and its body is slow to arrive...
    const late = await slowPut(`${path}?offset=5`, admin.cookieHeader, Uint8Array.of(0xee), Uint8Array.of(0xee));
    await Bun.sleep(200);
    // ...meanwhile the rest arrives and the file is verified complete.
    expect((await put(admin, path, 5, data.subarray(5))).json.status).toBe('complete');
    const r = await late.finish();
    expect(r.status).toBe(409);
    expect(r.body).toMatch(/already complete/);
    const served = await fetch(`${server.url}${path}/content`, { headers: { cookie: admin.cookieHeader } });
    const got = new Uint8Array(await served.arrayBuffer());
    expect(sha(got)).toBe(served.headers.get('x-content-sha256'));
    expect(got).toEqual(data);
  });

  it('strips bidi controls, format and control characters from file names', async () => {
    const cases: Array<[string, string]> = [
      ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
      ['a\u2066b\u2067c\u2068d\u2069e\u202A\u202B\u202C\u202D.txt', 'abcde.txt'],
      ['zero\u200Bwidth\u200D\uFEFF\u200E\u200F\u061C.txt', 'zerowidth.txt'],
      ['line\u2028break\u2029\u0085\u009B.txt', 'linebreak.txt'],
      ['\u0000\u001f\u007f"quoted".txt', 'quoted.txt'],
      ['\uD800lone.txt', 'lone.txt'],
      ['\u202E', 'file'],
      ['..', 'file'],
      ['Überweisung 2026 – März 😀.pdf', 'Überweisung 2026 – März 😀.pdf'],
    ];
    for (const [sent, kept] of cases) {
      const created = await customer.post('/api/portal/session/files', { name: sent, size: 1, sha256: sha(bytes(1)) });
      expect(created.status).toBe(200);
      expect(created.json.name).toBe(kept);
    }
    const { cleanFileName } = await import('./fileName.ts');
    expect(cleanFileName('x'.repeat(150) + '😀'.repeat(100))).toBe('x'.repeat(150) + '😀'.repeat(50)); // whole characters
  });

  it('keeps the files of one session within its quota', async () => {
    const quotaServer = await startTestServer({ sessionFileQuotaBytes: 100 });
    try {
      const a = await setupAdmin(quotaServer);
      const online = new WebSocket(quotaServer.url.replace('http', 'ws') + '/ws/console', { headers: { cookie: a.cookieHeader } } as unknown as string[]);
      await new Promise((r) => (online.onopen = r));
      const req = await new TestClient(quotaServer.url).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Q' } });
      const id = req.json.session.id;
      await a.post(`/api/queue/${id}/take`);
      const c = new TestClient(quotaServer.url, { 'x-tessera-customer': req.json.customerToken });
      expect((await c.post('/api/portal/session/files', { name: 'a', size: 60, sha256: sha(bytes(60)) })).status).toBe(200);
      const over = await a.post(`/api/sessions/${id}/files`, { name: 'b', size: 41, sha256: sha(bytes(41)) });
      expect(over.status).toBe(413);
      expect(over.json.error).toMatch(/quota of 100 bytes/);
      // Parallel announcements can't overshoot either.
      const tries = await Promise.all(Array.from({ length: 10 }, () => c.post('/api/portal/session/files', { name: 'p', size: 10, sha256: sha(bytes(10)) })));
      expect(tries.filter((t) => t.status === 200)).toHaveLength(4);
      expect((await c.get('/api/portal/session/files')).json.reduce((n: number, f: { size: number }) => n + f.size, 0)).toBe(100);
      online.close();
    } finally {
      await quotaServer.stop();
    }
  });

  it('refuses the customer’s chunks once the session has ended', async () => {
    const req = await new TestClient(server.url).post('/api/portal/requests', { channel: 'chat', fields: { '1': 'Late' } });
    const id = req.json.session.id;
    await admin.post(`/api/queue/${id}/take`);
    const c = new TestClient(server.url, { 'x-tessera-customer': req.json.customerToken });
    const data = bytes(20);
    const f = await c.post('/api/portal/session/files', { name: 'half.bin', size: 20, sha256: sha(data) });
    expect((await put(c, `/api/portal/session/files/${f.json.id}`, 0, data.subarray(0, 10))).status).toBe(200);
    expect((await admin.post(`/api/sessions/${id}/end`)).status).toBe(200);
    const after = await put(c, `/api/portal/session/files/${f.json.id}`, 10, data.subarray(10));
    expect(after.status).toBe(409);
    expect(after.json.error).toMatch(/live session/);
    expect((await c.get('/api/portal/session/files')).json[0]).toMatchObject({ received: 10, status: 'uploading' });
  });
});
