import type { Server } from 'bun';

/** The peer address of a request (no proxy headers are trusted), or 'local' when handled in-process. */
export function clientAddress(server: Server<unknown> | null | undefined, request: Request): string {
  return server?.requestIP(request)?.address ?? 'local';
}
