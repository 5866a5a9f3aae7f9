// SHA-256 of a file in the browser, announced to the server before an upload so it can verify what arrives.
// crypto.subtle does it natively but needs a secure context (https or localhost) and the whole file in memory;
// plain http on a LAN address or a very large file falls back to @noble/hashes' audited incremental SHA-256, fed in
// slices. This module is imported lazily by the two places that send files, so no other page loads it.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Above this, crypto.subtle would need the whole file in memory at once. */
export const SUBTLE_MAX_BYTES = 256 * 1024 * 1024;
const SLICE = 4 * 1024 * 1024;

/** The file's SHA-256 as 64 hex digits; `onProgress` hears the bytes hashed so far (slice by slice). */
export async function sha256Hex(blob: Blob, onProgress?: (done: number) => void): Promise<string> {
  const subtle = typeof crypto !== 'undefined' && globalThis.isSecureContext !== false ? crypto.subtle : undefined;
  if (subtle && blob.size <= SUBTLE_MAX_BYTES) {
    try {
      const digest = await subtle.digest('SHA-256', await blob.arrayBuffer());
      onProgress?.(blob.size);
      return bytesToHex(new Uint8Array(digest));
    } catch {
      // fall through to the incremental digest
    }
  }
  return incrementalSha256Hex(blob, onProgress);
}

/** The incremental path on its own (what plain-http LAN consoles and files over SUBTLE_MAX_BYTES use). */
export async function incrementalSha256Hex(blob: Blob, onProgress?: (done: number) => void): Promise<string> {
  const hash = sha256.create();
  for (let at = 0; at < blob.size; at += SLICE) {
    const end = Math.min(blob.size, at + SLICE);
    hash.update(new Uint8Array(await blob.slice(at, end).arrayBuffer()));
    onProgress?.(end);
  }
  return bytesToHex(hash.digest());
}
