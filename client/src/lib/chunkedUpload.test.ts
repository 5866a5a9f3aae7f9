import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uploadChunks, UploadError, type UploadedFile } from './chunkedUpload.ts';
import { incrementalSha256Hex, sha256Hex } from './fileDigest.ts';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7919 + 13) & 255);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * A fake file server that mirrors the real one: keeps only new bytes on overlap, refuses gaps with 409 and its
 * `received`, refuses bodies over its limit with 413, completes (or fails) on the checksum. Faults are scripted.
 */
function fakeServer(data: Uint8Array, opts: { bodyLimit?: number; faults?: Array<'drop' | 'lose-reply' | '503'> } = {}) {
  const stored = new Uint8Array(data.length);
  let received = 0;
  const faults = [...(opts.faults ?? [])];
  const calls: Array<{ offset: number; length: number; outcome: string }> = [];
  const file = (): UploadedFile => ({
    id: 7,
    received,
    size: data.length,
    status: received < data.length ? 'uploading' : sha(stored) === sha(data) ? 'complete' : 'failed',
  });
  const fetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const offset = Number(new URL(String(url), 'http://x').searchParams.get('offset'));
    const chunk = new Uint8Array(await (init!.body as Blob).arrayBuffer());
    const fault = faults.shift();
    if (fault === 'drop') {
      calls.push({ offset, length: chunk.length, outcome: 'dropped' });
      throw new TypeError('Failed to fetch');
    }
    if (fault === '503') {
      calls.push({ offset, length: chunk.length, outcome: '503' });
      return new Response(JSON.stringify({ error: 'busy' }), { status: 503 });
    }
    if (opts.bodyLimit && chunk.length > opts.bodyLimit) {
      calls.push({ offset, length: chunk.length, outcome: '413' });
      return new Response(JSON.stringify({ error: 'too large' }), { status: 413 });
    }
    if (offset > received) {
      calls.push({ offset, length: chunk.length, outcome: '409' });
      return new Response(JSON.stringify({ error: `resume from byte ${received}`, received }), { status: 409 });
    }
    const fresh = chunk.subarray(received - offset);
    stored.set(fresh, received);
    received += fresh.length;
    calls.push({ offset, length: chunk.length, outcome: fault === 'lose-reply' ? 'stored, reply lost' : 'ok' });
    if (fault === 'lose-reply') throw new TypeError('network changed');
    return new Response(JSON.stringify(file()), { status: 200 });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls, stored, received: () => received };
}

const base = (blob: Blob, server: ReturnType<typeof fakeServer>) => ({
  blob,
  url: (offset: number) => `/api/sessions/1/files/7?offset=${offset}`,
  fetch: server.fetch,
  sleep: async () => {},
});

describe('uploadChunks', () => {
  it('sends the file in chunks and reports progress', async () => {
    const data = bytes(10_000);
    const server = fakeServer(data);
    const progress: number[] = [];
    const done = await uploadChunks({ ...base(new Blob([data]), server), chunkBytes: 4096, onProgress: (n) => progress.push(n) });
    expect(done.status).toBe('complete');
    expect(progress).toEqual([4096, 8192, 10_000]);
    expect(server.calls.map((c) => c.offset)).toEqual([0, 4096, 8192]);
  });

  it('resumes from the server’s received after a dropped connection and a lost reply', async () => {
    const data = bytes(10_000);
    const server = fakeServer(data, { faults: ['ok' as never, 'drop', 'lose-reply'] });
    let probes = 0;
    const done = await uploadChunks({
      ...base(new Blob([data]), server),
      chunkBytes: 3000,
      probe: async () => {
        probes += 1;
        return server.received();
      },
    });
    expect(done.status).toBe('complete');
    expect(probes).toBe(2);
    expect(sha(server.stored)).toBe(sha(data));
    // the chunk whose reply was lost is not sent again: the probe says the server has it
    expect(server.calls.map((c) => `${c.offset}:${c.outcome}`)).toEqual(['0:ok', '3000:dropped', '3000:stored, reply lost', '6000:ok', '9000:ok']);
  });

  it('without a probe, resends and lets the server’s 409 answer put it back in place', async () => {
    const data = bytes(5000);
    const server = fakeServer(data);
    // Starting ahead of the server (a stale offset from before a reload): the 409 carries the real position.
    const done = await uploadChunks({ ...base(new Blob([data]), server), chunkBytes: 2000, startAt: 4000 });
    expect(done.status).toBe('complete');
    expect(server.calls[0]).toMatchObject({ offset: 4000, outcome: '409' });
    expect(server.calls[1]).toMatchObject({ offset: 0, outcome: 'ok' });
  });

  it('halves the chunk when the server says it is too large', async () => {
    const data = bytes(9000);
    const server = fakeServer(data, { bodyLimit: 1500 });
    const done = await uploadChunks({ ...base(new Blob([data]), server), chunkBytes: 4000, minChunkBytes: 500 });
    expect(done.status).toBe('complete');
    expect(server.calls.slice(0, 3).map((c) => `${c.length}:${c.outcome}`)).toEqual(['4000:413', '2000:413', '1000:ok']);
  });

  it('retries server errors, then gives up with a retryable error', async () => {
    const data = bytes(100);
    const server = fakeServer(data, { faults: ['503', '503', '503'] });
    const error = await uploadChunks({ ...base(new Blob([data]), server), retries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).retryable).toBe(true);
    const again = await uploadChunks({ ...base(new Blob([data]), server), retries: 2 });
    expect(again.status).toBe('complete');
  });

  it('stops on a checksum failure', async () => {
    const data = bytes(100);
    const server = fakeServer(bytes(100).map((b) => b ^ 1));
    const error = (await uploadChunks({ ...base(new Blob([data]), server) }).catch((e: unknown) => e)) as UploadError;
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/checksum/);
  });
});

describe('file digest', () => {
  it('matches the standard digest on both paths, across block and slice boundaries', async () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 70_000, 4 * 1024 * 1024 + 3]) {
      const data = bytes(n);
      expect(await incrementalSha256Hex(new Blob([data])), `length ${n}`).toBe(sha(data));
    }
    expect(await incrementalSha256Hex(new Blob(['abc']))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(new Blob([bytes(3000)]))).toBe(sha(bytes(3000)));
  });

  it('reports progress slice by slice up to the whole size', async () => {
    const size = 4 * 1024 * 1024 * 2 + 10;
    const seen: number[] = [];
    await incrementalSha256Hex(new Blob([bytes(size)]), (done) => seen.push(done));
    expect(seen).toEqual([4 * 1024 * 1024, 8 * 1024 * 1024, size]);
  });
});
