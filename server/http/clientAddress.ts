import type { Server } from 'bun';
import { isIP } from 'node:net';

/** An IP address as a number in its family (IPv4-mapped IPv6 counts as IPv4, so one rule matches both spellings). */
interface Ip {
  v: 4 | 6;
  n: bigint;
}

function parseIp(raw: string): Ip | null {
  let s = raw.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped) s = mapped[1]!;
  const family = isIP(s);
  if (family === 4) return { v: 4, n: s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n) };
  if (family !== 6) return null;
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const groups = (part: string | undefined) => {
    if (!part) return [] as bigint[];
    const out: bigint[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        // an embedded IPv4 tail, e.g. 64:ff9b::1.2.3.4
        const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
        out.push(BigInt((a << 8) | b), BigInt((c << 8) | d));
      } else out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  const all = [...h, ...Array<bigint>(8 - h.length - t.length).fill(0n), ...t];
  return { v: 6, n: all.reduce((acc, g) => (acc << 16n) | g, 0n) };
}

/** A parsed list of proxy addresses and networks (`10.0.0.1`, `10.0.0.0/8`, `fd00::/8`). */
export class TrustedProxies {
  private nets: Array<{ v: 4 | 6; base: bigint; mask: bigint }> = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const net = TrustedProxies.parse(entry);
      if (!net) throw new Error(`"${entry}" is not an IP address or network (a.b.c.d, a.b.c.d/n, IPv6, IPv6/n)`);
      this.nets.push(net);
    }
  }

  static parse(entry: string) {
    const [addr, bits, extra] = entry.trim().split('/');
    if (extra !== undefined || !addr) return null;
    const ip = parseIp(addr);
    if (!ip) return null;
    const width = ip.v === 4 ? 32 : 128;
    if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
    const prefix = bits === undefined ? width : Number(bits);
    if (prefix > width) return null;
    const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - prefix)) - 1n);
    return { v: ip.v, base: ip.n & mask, mask };
  }

  get empty(): boolean {
    return this.nets.length === 0;
  }

  has(address: string): boolean {
    const ip = parseIp(address);
    return !!ip && this.nets.some((net) => net.v === ip.v && (ip.n & net.mask) === net.base);
  }
}

const parsed = new WeakMap<readonly string[], TrustedProxies>();
/** The parsed form of a trustedProxies setting, parsed once per list. */
export function proxiesOf(list: readonly string[]): TrustedProxies {
  let p = parsed.get(list);
  if (!p) parsed.set(list, (p = new TrustedProxies(list)));
  return p;
}

/** The longest X-Forwarded-For chain we walk: a real one has a hop or two. */
const MAX_HOPS = 20;

/**
 * The client behind a peer: the peer itself unless it is a trusted proxy; then X-Forwarded-For is read from the
 * right (each trusted proxy appends the address it saw), skipping trusted hops. Everything left of the first
 * untrusted entry was written by the client and proves nothing. A malformed entry ends the walk at the last
 * trusted hop (no trusted proxy writes one), so junk can never become an address.
 */
export function forwardedClient(peer: string, forwardedFor: string | null, trusted: readonly string[]): string {
  const proxies = proxiesOf(trusted);
  if (proxies.empty || !forwardedFor || !proxies.has(peer)) return peer;
  const hops = forwardedFor.split(',').slice(-MAX_HOPS);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim().replace(/^\[(.*)\]$/, '$1');
    if (!parseIp(hop)) return client;
    client = hop;
    if (!proxies.has(hop)) return hop;
  }
  return client;
}

/**
 * The address of the client that sent a request: its peer, or, when the peer is one of the trusted proxies
 * (setting trustedProxies), the client the proxies name in X-Forwarded-For. 'local' when handled in-process.
 */
export function clientAddress(server: Server<unknown> | null | undefined, request: Request, trusted: readonly string[]): string {
  const peer = server?.requestIP(request)?.address;
  if (!peer) return 'local';
  return forwardedClient(peer, request.headers.get('x-forwarded-for'), trusted);
}

