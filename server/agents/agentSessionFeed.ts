// What a bound agent's user sees of their session besides the desktop: who is connected now, and the chat. The agent
// gets exactly what the customer's portal gets (protocol/sessionLog.ts customerSees decides), and its user's chat lines go through the
// same journal as the portal's POST /api/portal/session/chat, rate-limited the same way.
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { RateLimiter } from '../http/rateLimiter.ts';
import {
  MAX_AGENT_CHAT_CHARS,
  MAX_CHAT_ENTRIES,
  MAX_PARTICIPANTS,
  MAX_PERSON_NAME,
  type AgentChatEntry,
  type SessionPerson,
} from '../protocol/agent.ts';
import { customerSees } from '../protocol/sessionLog.ts';
import type { SessionLogEntry } from '../protocol/support.ts';
import type { AgentLink } from '../relay/desktopSession.ts';
import { IdentityFields } from '../support/identityFields.ts';
import { SessionJournal } from '../support/journal.ts';
import { Participants } from '../support/participants.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { SupportViews } from '../support/views.ts';

const MINUTE = 60_000;
/** Server chat lines may carry a little more than a customer's (a pushed address and its note); never more than this. */
const MAX_ENTRY_TEXT = MAX_AGENT_CHAT_CHARS + 4096;

interface Fed {
  link: AgentLink;
  /** The people last sent, as JSON: a change is sent, a repeat is not. */
  people: string;
}

export class AgentSessionFeed {
  private readonly sessions: SessionStore;
  private readonly participants: Participants;
  private readonly views: SupportViews;
  private readonly journal: SessionJournal;
  /** The portal's limit for the customer's chat (60 lines a minute per session). */
  private readonly chatLimiter = new RateLimiter(60, 100_000, MINUTE);
  /** Agents that were welcomed into a session, by session id (one live agent per session, see DesktopSession). */
  private readonly fed = new Map<number, Fed>();
  private readonly off: (() => void)[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly auth: Auth,
  ) {
    this.sessions = new SessionStore(ctx.db);
    this.participants = new Participants(ctx.db);
    this.views = new SupportViews(new IdentityFields(ctx.db), auth.engineers, this.participants);
    this.journal = new SessionJournal(ctx, this.sessions, this.views);
    this.off.push(
      ctx.events.on('session-log', ({ sessionId, entry }) => {
        const fed = this.fed.get(sessionId);
        if (!fed) return;
        if (customerSees(entry)) fed.link.send({ type: 'chat', entries: [this.chatEntry(entry)] });
        // An expert joining or being removed is logged, not announced as support-changed.
        this.sendPeople(sessionId, fed, false);
      }),
      ctx.events.on('support-changed', () => {
        for (const [sessionId, fed] of this.fed) this.sendPeople(sessionId, fed, false);
      }),
    );
  }

  /** Right after the welcome: who is connected, and the chat so far (its last MAX_CHAT_ENTRIES lines). */
  welcome(sessionId: number, link: AgentLink): void {
    const fed: Fed = { link, people: '' };
    this.fed.set(sessionId, fed);
    this.sendPeople(sessionId, fed, true);
    const s = this.sessions.get(sessionId);
    if (!s) return;
    const customer = this.views.customerName(s);
    const history = this.sessions
      .lastCustomerEntries(sessionId, MAX_CHAT_ENTRIES)
      .map((e) => this.chatEntry(this.views.logEntry(e, customer)));
    if (history.length) link.send({ type: 'chat', entries: history });
  }

  /** The agent's connection closed (or was replaced): nothing more goes to it. */
  forget(sessionId: number, link: AgentLink): void {
    if (this.fed.get(sessionId)?.link === link) this.fed.delete(sessionId);
  }

  /**
   * The agent's user writes in the chat: logged as the customer's line (everyone following the session sees it,
   * the agent too). Returns why it is refused (nothing is written then), or null.
   */
  chat(sessionId: number, link: AgentLink, text: string): string | null {
    if (this.fed.get(sessionId)?.link !== link) return 'chat needs an agent bound to a session';
    const s = this.sessions.get(sessionId);
    if (!s || s.status === 'ended') return 'the session has ended';
    const trimmed = text.trim();
    if (!trimmed) return 'the chat message is empty';
    if (trimmed.length > MAX_AGENT_CHAT_CHARS) return `the chat message is longer than ${MAX_AGENT_CHAT_CHARS} characters`;
    const wait = this.chatLimiter.hit(`session:${sessionId}`);
    if (wait) return `too many chat messages; try again in ${wait} s`;
    this.journal.write(sessionId, 'customer', 'chat', trimmed);
    return null;
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
    this.fed.clear();
  }

  /** Who the customer sees in the session now: themselves, engineers, supervisors watching, outside experts. */
  people(sessionId: number): SessionPerson[] {
    const s = this.sessions.get(sessionId);
    if (!s) return [];
    const cut = (name: string) => name.slice(0, MAX_PERSON_NAME) || '?';
    const out: SessionPerson[] = [{ name: cut(this.views.customerName(s)), role: 'customer' }];
    if (s.status !== 'ended') {
      for (const p of this.participants.list(sessionId)) {
        out.push({ name: cut(this.engineerName(p.engineerId)), role: p.role });
      }
      for (const name of this.experts(sessionId)) out.push({ name: cut(name), role: 'expert' });
    }
    return out.slice(0, MAX_PARTICIPANTS);
  }

  private engineerName(id: number): string {
    // As SupportViews names them: nickname, else display name.
    const e = this.auth.engineers.byId(id);
    return e ? e.nickname || e.displayName : 'Engineer';
  }

  /**
   * Outside experts with a live login to the session (support/experts.ts: logins are revoked when no engineer is
   * left or the session ends). Read here because Experts has no listing of its own.
   */
  private experts(sessionId: number): string[] {
    return this.ctx.db
      .query<{ name: string }, [number, string]>(
        `SELECT DISTINCT i.name FROM expert_logins l JOIN expert_invitations i ON i.id = l.invitation_id
         WHERE l.session_id = ? AND l.revoked_at IS NULL AND l.expires_at > ? ORDER BY i.id`,
      )
      .all(sessionId, new Date().toISOString())
      .map((r) => r.name);
  }

  private sendPeople(sessionId: number, fed: Fed, always: boolean): void {
    const people = this.people(sessionId);
    const json = JSON.stringify(people);
    if (!always && json === fed.people) return;
    fed.people = json;
    fed.link.send({ type: 'participants', people });
  }

  private chatEntry(e: SessionLogEntry): AgentChatEntry {
    return { at: e.at, from: e.name.slice(0, 256), text: e.text.slice(0, MAX_ENTRY_TEXT) };
  }
}
