import type { EngineerStore } from '../engineers/store.ts';
import type { Participants } from './participants.ts';
import type { SessionStore, SupportSession } from './sessionStore.ts';

/**
 * Who may read a session (its summary, log, notes, files after the end): anyone who took part in it, now or
 * earlier (an engineer who transferred it away still reads what they did), admins, and supervisors of its desk.
 */
export function canReadSession(sessions: SessionStore, engineers: EngineerStore, s: SupportSession, engineerId: number): boolean {
  if (s.ownerId === engineerId || sessions.tookPart(s.id, engineerId)) return true;
  const me = engineers.byId(engineerId);
  if (!me) return false;
  if (me.role === 'admin') return true;
  return me.role === 'supervisor' && (s.deskId === null || engineers.deskIds(engineerId).includes(s.deskId));
}

/**
 * Who may act in a session (chat, notes, files, end it): its owner and the engineers working in it now.
 * Supervisors only watch, so they may read but never act.
 */
export function workingSession(sessions: SessionStore, participants: Participants, sessionId: number, engineerId: number): SupportSession | null {
  const s = sessions.get(sessionId);
  const role = s ? participants.roleOf(s.id, engineerId) : null;
  return s && (role === 'owner' || role === 'engineer') ? s : null;
}

/**
 * Which sessions a customer's history may list for this engineer, notes included, as SQL over support_sessions
 * (with its arguments): what canReadSession allows, plus the sessions of the engineer's own desks (the notes are
 * written for the desk's next engineer). The history matches on values the customer typed, so anyone can claim
 * anyone's e-mail: without this scope a request to one desk would list another desk's sessions and their notes.
 */
export function historyScope(engineers: EngineerStore, engineerId: number): { where: string; args: number[] } {
  const me = engineers.byId(engineerId);
  if (!me) return { where: '0', args: [] };
  if (me.role === 'admin') return { where: '1', args: [] };
  const desks = engineers.deskIds(engineerId);
  const inDesks = `desk_id IN (${desks.map(() => '?').join(',') || 'NULL'})`;
  const own = 'owner_id = ? OR id IN (SELECT session_id FROM session_participants WHERE engineer_id = ?)';
  const generic = me.role === 'supervisor' ? ' OR desk_id IS NULL' : '';
  return { where: `(${own} OR ${inDesks}${generic})`, args: [engineerId, engineerId, ...desks] };
}
