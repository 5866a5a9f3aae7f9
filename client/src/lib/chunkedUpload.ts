// Sends an announced file in chunks with PUT ?offset=, resuming from the server's `received` whenever a chunk
// fails: a dropped connection, a lost reply, a gap. No Solid and no globals beyond the injected fetch, so the
// resume rules are unit-tested with a fake server.

export interface UploadedFile {
  id: number;
  received: number;
  size: number;
  status: 'uploading' | 'complete' | 'failed';
}

export interface ChunkedUploadOptions {
  blob: Blob;
  /** Where byte `offset` of the file goes (the announced file's PUT address). */
  url: (offset: number) => string;
  /** Bytes the server already holds (from the announce, or a file list after a reload). */
  startAt?: number;
  /** Asks the server how many bytes it has, after a failure without an answer. */
  probe?: () => Promise<number>;
  fetch?: typeof fetch;
  chunkBytes?: number;
  /** Smallest chunk tried when the server (or a proxy) says a chunk is too large. */
  minChunkBytes?: number;
  /** Consecutive failures (network, 5xx) before giving up. */
  retries?: number;
  /** Wait before retry number n (0-based). */
  delayMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (received: number) => void;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Whether trying again later can help (the server kept what it had). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export const DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024;

async function readBody(response: Response): Promise<{ error?: string; received?: number } & Partial<UploadedFile>> {
  try {
    const text = await response.text();
    return text ? (JSON.parse(text) as { error?: string; received?: number }) : {};
  } catch {
    return {};
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Uploads from `startAt` to the end; resolves with the server's final file record once it is complete. */
export async function uploadChunks(options: ChunkedUploadOptions): Promise<UploadedFile> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const size = options.blob.size;
  const minChunk = options.minChunkBytes ?? 64 * 1024;
  const retries = options.retries ?? 8;
  const delayMs = options.delayMs ?? ((n: number) => Math.min(15_000, 500 * 2 ** n));
  const sleep = options.sleep ?? defaultSleep;
  let chunk = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let offset = options.startAt ?? 0;
  let failures = 0;

  const fail = async (message: string, status: number): Promise<void> => {
    failures += 1;
    if (failures > retries) throw new UploadError(message, status, true);
    await sleep(delayMs(failures - 1));
    if (options.probe) {
      try {
        offset = await options.probe();
      } catch {
        // keep our offset: the server answers a resend with what it has
      }
    }
  };

  for (;;) {
    if (options.signal?.aborted) throw new UploadError('The upload was cancelled.', 0, true);
    const end = Math.min(size, offset + chunk);
    let response: Response;
    try {
      response = await doFetch(options.url(offset), {
        method: 'PUT',
        body: options.blob.slice(offset, end),
        headers: { 'content-type': 'application/octet-stream', ...options.headers },
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw new UploadError('The upload was cancelled.', 0, true);
      await fail(`The connection dropped while sending (${error instanceof Error ? error.message : 'network error'}).`, 0);
      continue;
    }
    const body = await readBody(response);
    if (response.ok) {
      failures = 0;
      if (typeof body.received === 'number') offset = body.received;
      else offset = end;
      options.onProgress?.(offset);
      if (body.status === 'complete') return body as UploadedFile;
      if (body.status === 'failed') throw new UploadError('The file does not match its checksum; it was discarded.', 422, false);
      if (offset >= size) throw new UploadError('The server has every byte but did not confirm the file.', response.status, true);
      continue;
    }
    if (response.status === 409 && typeof body.received === 'number') {
      // A gap or a stale offset: the server says where it stands. Resume from there.
      offset = body.received;
      options.onProgress?.(offset);
      failures += 1;
      if (failures > retries) throw new UploadError(body.error ?? 'The upload keeps losing its place.', 409, true);
      continue;
    }
    if (response.status === 413 && chunk > minChunk && end - offset > minChunk) {
      // The server or a proxy in front of it takes smaller bodies: halve the chunk and go on.
      chunk = Math.max(minChunk, Math.floor(chunk / 2));
      continue;
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      await fail(body.error ?? `The server had a problem (${response.status}).`, response.status);
      continue;
    }
    throw new UploadError(body.error ?? `The upload was refused (${response.status}).`, response.status, false);
  }
}
