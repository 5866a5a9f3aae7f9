import type { AppContext } from '../context.ts';
import type { SessionLogEntry } from '../protocol/support.ts';
import type { SessionStore } from './sessionStore.ts';
import type { SupportViews } from './views.ts';

/**
 * Writes a session's log and tells everyone who follows the session live (engineers' consoles; the portal
 * passes on what the customer sees, see protocol/sessionLog.ts customerSees). Every feature writes through here, so nothing is logged without being pushed.
 */
export class SessionJournal {
  constructor(
    private ctx: AppContext,
    private sessions: SessionStore,
    private views: SupportViews,
  ) {}

  write(sessionId: number, actor: string, kind: string, text: string, data: Record<string, unknown> = {}): SessionLogEntry {
    const s = this.sessions.get(sessionId);
    const entry = this.views.logEntry(this.sessions.log(sessionId, actor, kind, text, data), s ? this.views.customerName(s) : 'Customer');
    this.ctx.events.emit('session-log', { sessionId, entry });
    return entry;
  }
}
