// Rules about a session's log that the server, the console and the portal share: what the customer sees of it, and
// how it is read in pages (the log of a long session has thousands of lines; no request reads all of them).

/** Entries per page when the caller names no limit, and the most one page may hold. */
export const LOG_PAGE = 500;
export const MAX_LOG_PAGE = 1000;

/** What of the session log the customer sees: the chat, and notices that someone else joined (e.g. an expert). */
export function customerSees(entry: { kind: string; actor: string }): boolean {
  return entry.kind === 'chat' || (entry.kind === 'join' && entry.actor === 'system');
}

/** The same rule as a SQL condition on session_log, so pages of the customer's view are full pages. */
export const CUSTOMER_SEES_SQL = "(kind = 'chat' OR (kind = 'join' AND actor = 'system'))";
