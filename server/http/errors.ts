import { Elysia } from 'elysia';
import { AccessDenied } from '../auth/guard.ts';
import { BodyRefused } from './requestGuard.ts';

interface ValidationIssue {
  path?: string;
  summary?: string;
  message?: string;
}

/** Turns Elysia's parse and validation failures into `{error}` bodies with a short, readable reason. */
export const errorBodies = new Elysia({ name: 'error-bodies' }).onError({ as: 'global' }, ({ code, error, status }) => {
  if (error instanceof AccessDenied) return status(error.status, { error: error.message });
  switch (code) {
    case 'PARSE': {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof BodyRefused) return status(cause.status, { error: cause.message });
      return status(400, { error: 'request body is not valid JSON or form data' });
    }
    case 'VALIDATION': {
      const all = ((error as { all?: ValidationIssue[] }).all ?? []).slice(0, 3);
      const where = (error as { type?: string }).type ?? 'request';
      const reasons = all.map((i) => `${i.path || '/'}: ${i.summary ?? i.message ?? 'invalid'}`).join('; ');
      return status(422, { error: `invalid ${where}${reasons ? `: ${reasons}` : ''}` });
    }
    case 'NOT_FOUND':
      return status(404, { error: 'not found' });
    case 'INVALID_COOKIE_SIGNATURE':
      return status(400, { error: 'invalid cookie' });
    case 'INTERNAL_SERVER_ERROR':
    case 'UNKNOWN': {
      // No message is sniffed for words like "exceeded" (a stack overflow says it too): bodies over a limit get
      // Bun's own 413 or a BodyRefused from the request guard, answered under PARSE.
      console.error(error);
      return status(500, { error: 'internal error' });
    }
  }
});

/** Error body helper so every handler answers in the same shape. */
export function fail(message: string): { error: string } {
  return { error: message };
}
