import { Elysia } from 'elysia';
import type { AppContext } from '../context.ts';
import { EngineerStore, type EngineerRecord } from '../engineers/store.ts';
import { roleAtLeast, type Role, type Scope } from '../protocol/roles.ts';
import { ApiTokens } from './apiTokens.ts';
import { KnownDevices } from './knownDevices.ts';
import { LoginSessions, SESSION_COOKIE } from './loginSessions.ts';
import { LoginThrottle } from './loginThrottle.ts';

/**
 * What a route needs. Every route declares one (a test checks it): 'public', or a least role, optionally a
 * token scope. A route without a scope accepts console logins only, never API tokens.
 */
export type Access =
  | 'public'
  | {
      role: Role;
      scope?: Scope;
      /** Reachable while the engineer still has to replace an admin-set password. */
      beforePasswordChange?: boolean;
    };

export interface Principal {
  engineer: EngineerRecord;
  via: 'session' | 'token';
  /** The cookie value, when logged in through the console. */
  sessionToken?: string;
}

export interface Auth {
  engineers: EngineerStore;
  sessions: LoginSessions;
  tokens: ApiTokens;
  /** Browsers that signed in before, and the failed-sign-in counts: one of each, shared by every route. */
  devices: KnownDevices;
  throttle: LoginThrottle;
  /** Ends everything that lets the engineer in without the password (logins, API tokens, device cookies). */
  revokeAccess(engineerId: number): void;
  /** The plugin that adds the `access` macro; every feature uses it. */
  guard: ReturnType<typeof createGuard>;
  /** The engineer behind a console cookie (for WebSocket upgrades), or null. */
  engineerFromCookie(cookieHeader: string | null): EngineerRecord | null;
}

function describe(access: Access): string {
  if (access === 'public') return 'Access: public.';
  const how = access.scope ? `console login or API token with scope \`${access.scope}\`` : 'console login only';
  return `Access: role ${access.role} or higher; ${how}.`;
}

/** The two ways in, as OpenAPI security schemes (the docs page declares them; each route's `access` picks). */
export const SECURITY_SCHEMES = {
  consoleSession: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'The console login (HttpOnly, set by `POST /api/auth/login`). Nothing to enter here: signed in to the console ' +
      'in this browser, "Try it out" sends it by itself (a page cannot set it).',
  },
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'tsk_…',
    description: 'An API token (console: API tokens): `Authorization: Bearer tsk_…`, for the routes its scopes name.',
  },
} as const;

// Either requirement lets the caller in. OpenAPI 3.1 lets a non-OAuth requirement list what it needs, so the
// token's requirement names the scope it must carry; a route without a scope offers no token requirement at all.
function security(access: Access): { security?: Array<Record<string, string[]>> } {
  if (access === 'public') return {};
  return { security: access.scope ? [{ consoleSession: [] }, { apiToken: [access.scope] }] : [{ consoleSession: [] }] };
}

/** Thrown by the guard; errorBodies turns it into `{error}` with its status. */
export class AccessDenied extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

function createGuard(engineers: EngineerStore, sessions: LoginSessions, tokens: ApiTokens) {
  function authenticate(access: Exclude<Access, 'public'>, authorization: string | undefined, sessionToken: unknown): Principal {
    let principal: Principal | null = null;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const grant = match?.[1] ? tokens.resolve(match[1]) : null;
      if (!grant) throw new AccessDenied(401, 'invalid or expired API token');
      if (!access.scope) throw new AccessDenied(403, 'this route needs a console login; API tokens cannot call it');
      if (!grant.scopes.includes(access.scope)) throw new AccessDenied(403, `API token lacks scope ${access.scope}`);
      const engineer = engineers.byId(grant.engineerId);
      if (engineer && !engineer.disabled) principal = { engineer, via: 'token' };
    } else if (typeof sessionToken === 'string' && sessionToken.length > 0 && sessionToken.length < 200) {
      const id = sessions.engineerId(sessionToken);
      const engineer = id === null ? null : engineers.byId(id);
      if (engineer && !engineer.disabled) principal = { engineer, via: 'session', sessionToken };
    }
    if (!principal) throw new AccessDenied(401, 'login required');
    if (!roleAtLeast(principal.engineer.role, access.role)) throw new AccessDenied(403, `this needs the ${access.role} role`);
    if (principal.engineer.mustChangePassword && !access.beforePasswordChange)
      throw new AccessDenied(403, 'change your password first');
    return principal;
  }

  // Authentication runs in `transform`, before the body and query are validated, so an anonymous or
  // under-privileged caller learns nothing about a route's schema. `resolve` then hands the principal on.
  const principals = new WeakMap<Request, Principal>();
  return new Elysia({ name: 'auth-guard' }).macro({
    access: (access: Access) => ({
      detail: { description: describe(access), ...security(access), 'x-tessera-access': access } as Record<string, unknown>,
      transform({ cookie, headers, request }) {
        if (access === 'public') return;
        principals.set(request, authenticate(access, headers.authorization, cookie[SESSION_COOKIE]?.value));
      },
      resolve({ request }) {
        return { principal: access === 'public' ? null : (principals.get(request) ?? null) };
      },
    }),
  });
}

export function createAuth(ctx: AppContext): Auth {
  const engineers = new EngineerStore(ctx.db);
  const sessions = new LoginSessions(ctx.db, ctx.config.sessionHours);
  const tokens = new ApiTokens(ctx.db);
  const devices = new KnownDevices(ctx.db);
  return {
    engineers,
    sessions,
    tokens,
    devices,
    throttle: new LoginThrottle(ctx.db, ctx.config.loginMaxFailures, ctx.config.loginLockoutMinutes),
    revokeAccess(engineerId) {
      ctx.db.transaction(() => {
        sessions.endAllFor(engineerId);
        tokens.revokeAllFor(engineerId);
        devices.forgetAll(engineerId);
      })();
    },
    guard: createGuard(engineers, sessions, tokens),
    engineerFromCookie(cookieHeader) {
      if (!cookieHeader) return null;
      for (const part of cookieHeader.split(';')) {
        const [name, ...rest] = part.trim().split('=');
        if (name !== SESSION_COOKIE) continue;
        const id = sessions.engineerId(decodeURIComponent(rest.join('=')));
        const engineer = id === null ? null : engineers.byId(id);
        return engineer && !engineer.disabled && !engineer.mustChangePassword ? engineer : null;
      }
      return null;
    },
  };
}

/** The principal of a route that is not public (the guard has already refused anonymous calls). */
export function required(principal: Principal | null): Principal {
  if (!principal) throw new Error('route declared public uses a principal');
  return principal;
}
