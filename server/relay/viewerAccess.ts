import type { EngineerStore } from '../engineers/store.ts';
import type { Experts } from '../support/experts.ts';
import type { Participants } from '../support/participants.ts';
import type { SessionStore } from '../support/sessionStore.ts';
import { canReadSession } from '../support/visibility.ts';
import type { ViewerMode } from './desktopSession.ts';

/**
 * Who opened a viewer socket: an engineer (console login) or an outside expert (their session-scoped login). An
 * engineer's viewer keeps the login it was opened with: when that login ends (sign-out, expiry, reset), so does the
 * viewer, not only when the engineer is disabled.
 */
export type ViewerIdentity = { kind: 'engineer'; engineerId: number; loginToken?: string } | { kind: 'expert'; loginToken: string };

/** Console logins, as far as viewers need them: whose a login is while it lasts. */
export interface LoginLookup {
  engineerId(token: string): number | null;
}

export interface ViewerGrant {
  mode: ViewerMode;
  actor: string;
  name: string;
}

/** The value of one cookie in a Cookie header, or ''. */
export function cookieValue(header: string | null, name: string): string {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return '';
      }
    }
  }
  return '';
}

/**
 * Who may see a session's live screen, and how: the owner, the engineers working in it and its outside expert
 * control it; supervisors and anyone else who may read the session (admins, engineers who took part earlier) only
 * watch. Asked again whenever the session changes, so a transfer or a leave changes the mode at once.
 */
export class ViewerAccess {
  constructor(
    private sessions: SessionStore,
    private participants: Participants,
    private engineers: EngineerStore,
    private experts: Experts,
    private logins?: LoginLookup,
  ) {}

  grant(sessionId: number, who: ViewerIdentity): ViewerGrant | null {
    const s = this.sessions.get(sessionId);
    if (!s || s.status === 'ended') return null;
    if (who.kind === 'expert') {
      const inv = this.experts.byLogin(who.loginToken);
      if (!inv || inv.sessionId !== s.id || s.status !== 'active') return null;
      return { mode: 'control', actor: `expert:${inv.id}`, name: inv.name };
    }
    if (who.loginToken !== undefined && this.logins && this.logins.engineerId(who.loginToken) !== who.engineerId) return null;
    const engineer = this.engineers.byId(who.engineerId);
    if (!engineer || engineer.disabled) return null;
    const name = engineer.nickname || engineer.displayName;
    const role = this.participants.roleOf(s.id, engineer.id);
    if (role === 'owner' || role === 'engineer') return { mode: 'control', actor: `engineer:${engineer.id}`, name };
    if (canReadSession(this.sessions, this.engineers, s, engineer.id)) return { mode: 'view', actor: `engineer:${engineer.id}`, name };
    return null;
  }
}
