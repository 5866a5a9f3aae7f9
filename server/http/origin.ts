import type { Server } from 'bun';
import { proxiesOf } from './clientAddress.ts';

/**
 * The origin this request was addressed to ("https://help.example.com"): scheme and host of the request, or, when
 * the peer is a trusted proxy (setting trustedProxies), the first X-Forwarded-Proto / X-Forwarded-Host it passes on
 * (a TLS-terminating proxy talks plain HTTP to us, but the browser's Origin says https).
 */
export function ownOrigin(request: Request, server: Server<unknown> | null | undefined, trustedProxies: readonly string[]): string {
  const url = new URL(request.url);
  let scheme = url.protocol.replace(':', '');
  let host = request.headers.get('host') ?? url.host;
  const peer = server?.requestIP(request)?.address;
  if (peer && proxiesOf(trustedProxies).has(peer)) {
    const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (proto === 'http' || proto === 'https') scheme = proto;
    const forwardedHost = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
    if (forwardedHost) host = forwardedHost;
  }
  // Sockets are addressed as ws(s):, browsers send the page's http(s): origin.
  if (scheme === 'ws') scheme = 'http';
  if (scheme === 'wss') scheme = 'https';
  return `${scheme}://${host.toLowerCase()}`;
}

/**
 * True when a browser request comes from our own origin, scheme included (or from no browser at all: no Origin
 * and no Sec-Fetch-Site, as from the agent, curl or an API client). SameSite cookies alone do not stop a page on a
 * sibling sub-domain ("same-site"), nor a plain-http page of our own host.
 */
export function sameOrigin(request: Request, server?: Server<unknown> | null, trustedProxies: readonly string[] = []): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) and junk
  }
  return parsed.origin === ownOrigin(request, server, trustedProxies);
}
