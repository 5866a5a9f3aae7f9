/**
 * True when a browser request comes from our own origin (or from no browser at all). Used on WebSocket
 * upgrades, which SameSite cookies alone do not fully protect across sub-domains.
 */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return true;
  const host = request.headers.get('host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
