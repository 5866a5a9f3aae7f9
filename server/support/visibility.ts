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
