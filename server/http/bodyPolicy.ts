/** What kind of body a route takes. */
export type BodyKind = 'json' | 'multipart' | 'raw';

export interface RouteBody {
  kind: BodyKind;
  /** Callable without a login (its body is read before anyone is known, so it gets the small limit). */
  public: boolean;
}

interface RouteLike {
  method: string;
  path: string;
  hooks: unknown;
}

interface Hooks {
  parse?: Array<{ fn?: unknown }>;
  body?: { properties?: Record<string, { format?: string }> };
  detail?: { 'x-tessera-access'?: unknown };
}

function bodyKind(hooks: Hooks): BodyKind {
  // Routes that read their own bytes (file chunks) declare parse: 'none'.
  if (hooks.parse?.some((p) => p.fn === 'none')) return 'raw';
  // t.File() fields are binary strings in the schema: such a route takes multipart, and only such a route.
  if (Object.values(hooks.body?.properties ?? {}).some((p) => p?.format === 'binary')) return 'multipart';
  return 'json';
}

function matcher(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}$`);
}

/**
 * The body each route takes, looked up by method and path. Elysia does not tell a parse hook which route matched,
 * so the route table is read once (after every plugin is in) and matched here.
 */
export class RouteBodies {
  private byMethod = new Map<string, Array<{ exact: string | null; re: RegExp; body: RouteBody }>>();

  constructor(routes: readonly RouteLike[]) {
    for (const r of routes) {
      if (r.method === 'GET' || r.method === 'HEAD' || r.method === 'WS') continue;
      const hooks = (r.hooks ?? {}) as Hooks;
      const body = { kind: bodyKind(hooks), public: hooks.detail?.['x-tessera-access'] === 'public' };
      const list = this.byMethod.get(r.method) ?? [];
      list.push({ exact: r.path.includes(':') || r.path.includes('*') ? null : r.path, re: matcher(r.path), body });
      this.byMethod.set(r.method, list);
    }
    // Exact paths first, as the router prefers them over parameters.
    for (const list of this.byMethod.values()) list.sort((a, b) => Number(b.exact !== null) - Number(a.exact !== null));
  }

  find(method: string, path: string): RouteBody | null {
    for (const entry of this.byMethod.get(method) ?? []) if (entry.exact === path || (entry.exact === null && entry.re.test(path))) return entry.body;
    return null;
  }
}
