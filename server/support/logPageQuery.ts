import { t } from 'elysia';
import { MAX_LOG_PAGE } from '../protocol/sessionLog.ts';

/** `?after=ID&limit=N`: the page of a session's log after entry ID (every log endpoint pages the same way). */
export const logPageQuery = t.Object({
  after: t.Optional(t.Integer({ minimum: 0 })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: MAX_LOG_PAGE })),
});
