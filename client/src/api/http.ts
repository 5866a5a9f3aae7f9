// The console's one way to talk to the REST API: JSON in, JSON out, errors as ApiError with the server's reason.

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** Seconds to wait, from Retry-After (429 and 503 answers), when the server sent one. */
  readonly retryAfter: number | null;

  constructor(status: number, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export type ApiEvent = { kind: 'unauthorized'; path: string } | { kind: 'setup-required'; path: string };
type Listener = (event: ApiEvent) => void;

const listeners = new Set<Listener>();

/** Hears 401s (session gone) and 503 'setup required' answers from any call, so the app can route to login/setup. */
export function onApiEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(event: ApiEvent): void {
  for (const listener of listeners) listener(event);
}

export interface RequestOptions {
  /** A JSON body (serialised here) or a FormData (sent as multipart). */
  body?: unknown;
  signal?: AbortSignal;
  /** Do not broadcast a 401 to the app (login, me and password checks expect it). */
  quiet401?: boolean;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function fallbackMessage(status: number): string {
  switch (status) {
    case 400:
      return 'The server could not read the request.';
    case 401:
      return 'Please sign in again.';
    case 403:
      return 'You do not have permission to do that.';
    case 404:
      return 'Not found.';
    case 409:
      return 'That conflicts with existing data.';
    case 413:
      return 'That is too large for the server.';
    case 422:
      return 'Some fields are not valid.';
    case 429:
      return 'Too many attempts. Please wait and try again.';
    default:
      return status >= 500 ? `The server had a problem (${status}). Please try again.` : `Request failed (${status}).`;
  }
}

/** Pulls a readable reason out of an error body: `{error}` is the contract; anything else gets a status message. */
export async function readError(response: Response): Promise<string> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    return fallbackMessage(response.status);
  }
  if (text) {
    try {
      const body = JSON.parse(text) as unknown;
      if (body && typeof body === 'object') {
        const error = (body as { error?: unknown }).error;
        if (typeof error === 'string' && error.trim()) return error;
        const message = (body as { message?: unknown }).message;
        if (typeof message === 'string' && message.trim()) return message;
      }
    } catch {
      // Not JSON (a proxy's HTML page, say): fall through to the status message.
    }
  }
  return fallbackMessage(response.status);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'Cannot reach the Tessera server. Check your connection and try again.');
  }

  if (!response.ok) {
    const message = await readError(response);
    const error = new ApiError(response.status, message, parseRetryAfter(response.headers.get('retry-after')));
    if (response.status === 401 && !options.quiet401) emit({ kind: 'unauthorized', path });
    if (response.status === 503 && /setup required/i.test(message)) emit({ kind: 'setup-required', path });
    throw error;
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'The server sent an answer the console cannot read.');
  }
}

/** The server's terse reasons ("wrong username or password") as sentences for the UI. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/** A short message for any thrown value, for showing in the UI. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfter && !/try again/i.test(error.message)) {
      const wait = error.retryAfter >= 90 ? `${Math.ceil(error.retryAfter / 60)} minutes` : `${error.retryAfter} seconds`;
      return `${sentence(error.message)} Try again in ${wait}.`;
    }
    return sentence(error.message);
  }
  if (error instanceof Error) return sentence(error.message);
  return sentence(String(error));
}
