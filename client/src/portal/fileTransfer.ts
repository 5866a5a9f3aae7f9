// Files in the customer's session, both ways: the customer's upload is announced with its size and SHA-256,
// sent in chunks and resumed from what the server holds after a failure (the console's uploader, with the
// customer token); the engineer's files are fetched with the token (a plain link cannot carry it) and handed
// to the browser as a download.
import type { SessionFile } from '../../../server/files/fileStore.ts';
import { ApiError, readError } from '../api/http.ts';
import { CUSTOMER_HEADER } from './api.ts';
import { uploadChunks, UploadError } from '../lib/chunkedUpload.ts';

export type { SessionFile };
const BASE = '/api/portal/session/files';

async function send(method: string, path: string, token: string, body?: BodyInit, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = { [CUSTOMER_HEADER]: token };
  if (contentType) headers['content-type'] = contentType;
  try {
    return await fetch(path, { method, headers, body, credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'Cannot reach the help desk. Check your connection and try again.');
  }
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) {
    const message = await readError(response);
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}

export const fileApi = {
  list: async (token: string) => json<SessionFile[]>(await send('GET', BASE, token)),
  announce: async (token: string, file: { name: string; size: number; sha256: string }) =>
    json<SessionFile>(await send('POST', BASE, token, JSON.stringify(file), 'application/json')),
  content: async (token: string, id: number): Promise<Blob> => {
    const response = await send('GET', `${BASE}/${id}/content`, token);
    if (!response.ok) throw new ApiError(response.status, await readError(response));
    return response.blob();
  },
};

export interface UploadEvents {
  /** While hashing: bytes read so far. */
  onHashing?: (done: number) => void;
  onAnnounced?: (file: SessionFile) => void;
  /** Bytes the server holds so far. */
  onProgress?: (received: number) => void;
}

/**
 * Sends one file: its SHA-256 first (so the server can check what arrives), then the bytes in chunks that resume
 * from the server's count after a dropped connection or a lost reply (client/src/lib/chunkedUpload.ts).
 */
export async function uploadFile(token: string, blob: File, events: UploadEvents = {}, api: typeof fileApi = fileApi): Promise<SessionFile> {
  // Loaded on first use: most customers never send a file, so the portal's first load does not carry the digest.
  const { sha256Hex } = await import('../lib/fileDigest.ts');
  const sha256 = await sha256Hex(blob, events.onHashing);
  const file = await api.announce(token, { name: blob.name || 'file', size: blob.size, sha256 });
  events.onAnnounced?.(file);
  if (file.status === 'complete') return file;
  try {
    const done = await uploadChunks({
      blob,
      url: (offset) => `${BASE}/${file.id}?offset=${offset}`,
      headers: { [CUSTOMER_HEADER]: token },
      startAt: file.received,
      probe: async () => (await api.list(token)).find((f) => f.id === file.id)?.received ?? 0,
      onProgress: events.onProgress,
    });
    return { ...file, ...done };
  } catch (error) {
    if (error instanceof UploadError) throw new ApiError(error.status, error.message);
    throw error;
  }
}

/** Saves a blob under a name through a temporary link. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "740 kB", "1.2 GB", in the reader's language. */
export function formatBytes(n: number, locale?: string): string {
  const power = n > 0 ? Math.min(UNITS.length - 1, Math.floor(Math.log(n) / Math.log(1024))) : 0;
  const format = new Intl.NumberFormat(locale, { style: 'unit', unit: UNITS[power], unitDisplay: power ? 'short' : 'long', maximumFractionDigits: power ? 1 : 0 });
  return format.format(n / 1024 ** power);
}
