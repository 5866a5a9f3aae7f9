// The portal's calls to the server. The customer is not logged in: after a request or an access code the
// server hands out a customer token, sent back in the x-tessera-customer header (never a cookie, so
// another site cannot ride on it) and kept in sessionStorage so a reload keeps the conversation.
import type { PortalConfig, PortalSession, SessionLogEntry, SupportChannel } from '../../../server/protocol/support.ts';
import { ApiError, readError } from '../api/http.ts';
import { readLogPages } from '../api/logPages.ts';

export const CUSTOMER_HEADER = 'x-tessera-customer';
const TOKEN_KEY = 'tessera.portal.customerToken';

/** Longest chat message the server takes (MAX_CHAT_CHARS in server/support/routes.ts). */
export const MAX_CHAT_CHARS = 4000;
export const MAX_COMMENT_CHARS = 2000;

export interface Joined {
  session: PortalSession;
  customerToken: string;
}

export interface SurveyAnswer {
  rating: number;
  solved?: boolean;
  comment?: string;
}

function parseRetryAfter(value: string | null): number | null {
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

async function call<T>(method: string, path: string, body?: unknown, token?: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers[CUSTOMER_HEADER] = token;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'Cannot reach the help desk. Check your connection and try again.');
  }
  if (!response.ok) throw new ApiError(response.status, await readError(response), parseRetryAfter(response.headers.get('retry-after')));
  const text = await response.text();
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    throw new ApiError(response.status, 'The help desk sent an answer this page cannot read.');
  }
}

export const portalApi = {
  config: () => call<PortalConfig>('GET', '/api/portal/config'),
  request: (deskId: number | null, channel: SupportChannel, fields: Record<string, string>) =>
    call<Joined>('POST', '/api/portal/requests', { deskId, channel, fields }),
  redeemCode: (code: string, fields: Record<string, string> = {}) => call<Joined>('POST', '/api/portal/access-codes', { code, fields }),
  session: (token: string) => call<PortalSession>('GET', '/api/portal/session', undefined, token),
  /** What the customer sees of the log after entry `after`, page by page. */
  log: (token: string, after: number) =>
    readLogPages((from, limit) => call<SessionLogEntry[]>('GET', `/api/portal/session/log?after=${from}&limit=${limit}`, undefined, token), after),
  chat: (token: string, text: string) => call<SessionLogEntry>('POST', '/api/portal/session/chat', { text }, token),
  survey: (token: string, answer: SurveyAnswer) => call<{ ok: true }>('POST', '/api/portal/session/survey', answer, token),
  cancel: (token: string) => call<{ ok: true }>('POST', '/api/portal/session/cancel', undefined, token),
  agentPlatforms: () => call<AgentPlatforms>('GET', '/api/portal/agent/platforms'),
  agentDownload: (token: string, platform: string) =>
    call<{ url: string; platform: string }>('POST', '/api/portal/session/agent-download', { platform }, token),
};

export interface AgentPlatforms {
  suggested: string;
  /** The customer's operating system by name ("Windows"). */
  system: string;
  /** Only builds that run on the customer's system (the server filters; none when there is no app for it yet). */
  platforms: { platform: string; bytes: number }[];
}

/** Where the customer's token lives between reloads of this tab. */
export const tokenStore = {
  get(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string | null): void {
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // storage blocked: the session lasts as long as the page
    }
  },
};

/** The portal socket's address for a token, on this page's own host. */
export function portalSocketUrl(token: string, location: { protocol: string; host: string } = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/portal/ws?token=${encodeURIComponent(token)}`;
}
