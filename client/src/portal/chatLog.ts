// The customer's view of the session log: entries arrive by REST (catch-up) and by socket (live), possibly
// twice or out of order around a reconnect, so they are merged by id.
import { customerSees } from '../../../server/protocol/sessionLog.ts';
import type { SessionLogEntry } from '../../../server/protocol/support.ts';


export function mergeEntries(current: readonly SessionLogEntry[], incoming: readonly SessionLogEntry[]): SessionLogEntry[] {
  const fresh = incoming.filter(customerSees);
  if (!fresh.length) return current as SessionLogEntry[];
  const byId = new Map<number, SessionLogEntry>();
  for (const e of current) byId.set(e.id, e);
  for (const e of fresh) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function lastId(entries: readonly SessionLogEntry[]): number {
  return entries.length ? entries[entries.length - 1]!.id : 0;
}

/** Who wrote a line, from the customer's side. */
export function authorKind(entry: SessionLogEntry): 'me' | 'staff' | 'system' {
  if (entry.actor === 'customer') return entry.kind === 'chat' ? 'me' : 'system';
  if (entry.kind !== 'chat') return 'system';
  return entry.actor === 'system' ? 'system' : 'staff';
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const withDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "14:05" for today, a date and time for older lines. */
export function formatTime(at: string, now = new Date()): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '';
  return date.toDateString() === now.toDateString() ? timeOnly.format(date) : withDay.format(date);
}
