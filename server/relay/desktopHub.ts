// Every live desktop on this server, by support session: binds agents by join token, attaches viewers with the mode
// their role gives them, and follows the sessions (an ended session lets its agent and viewers go; a transfer
// changes modes).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { DeskStore } from '../desks/store.ts';
import { JoinTokens } from '../agents/joinTokens.ts';
import { TokenBucket } from '../http/tokenBucket.ts';
import { recordingPath } from '../recordings/paths.ts';
import { RecordingPolicies } from '../recordings/policy.ts';
import type { RecordingPolicy } from '../protocol/recording.ts';
import { Experts } from '../support/experts.ts';
import { IdentityFields } from '../support/identityFields.ts';
import { SessionJournal } from '../support/journal.ts';
import { Participants } from '../support/participants.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { SupportViews } from '../support/views.ts';
import { DesktopSession, type AgentLink, type ViewerLink } from './desktopSession.ts';
import { PicturePool, type Screen } from './picturePool.ts';
import { ViewerAccess, type ViewerGrant, type ViewerIdentity } from './viewerAccess.ts';

/** Agent connections to one session: a burst, then one every 3 s (each is logged, with its leaving). */
export const AGENT_BINDS = { burst: 60, perSecond: 1 / 3 };

export class DesktopHub {
  private live = new Map<number, DesktopSession>();
  private readonly sessions: SessionStore;
  private readonly journal: SessionJournal;
  private readonly tokens: JoinTokens;
  private readonly desks: DeskStore;
  readonly access: ViewerAccess;
  readonly policies: RecordingPolicies;
  /** Viewer links and who they are, to ask again when the session changes. */
  private identities = new WeakMap<ViewerLink, ViewerIdentity>();
  private followUp: ReturnType<typeof setTimeout> | null = null;
  /** Asks again, now and then, whether each viewer may still see its session (a login can end without an event). */
  private recheck: ReturnType<typeof setInterval> | null = null;
  /** `${sessionId}:${actor}:${mode}` already logged: a console that reconnects is not logged again. */
  private announced = new Set<string>();
  private readonly pictures: PicturePool;
  /** Agent connections per session (a real agent reconnects after a network loss, with backoff). */
  private readonly binds = new Map<number, TokenBucket>();

  constructor(
    private ctx: AppContext,
    private auth: Auth,
  ) {
    this.pictures = new PicturePool(ctx.config.relayWorkers, { budgetBytes: ctx.config.relayPictureMemoryMB * 1024 * 1024 });
    this.sessions = new SessionStore(ctx.db);
    const participants = new Participants(ctx.db);
    this.journal = new SessionJournal(ctx, this.sessions, new SupportViews(new IdentityFields(ctx.db), auth.engineers, participants));
    this.tokens = new JoinTokens(ctx.db);
    this.desks = new DeskStore(ctx.db, 'desks');
    this.policies = new RecordingPolicies(ctx.db);
    this.access = new ViewerAccess(this.sessions, participants, auth.engineers, new Experts(ctx.db), auth.sessions);
    // Listeners of these events in other features (e.g. experts removed when a session is unstaffed) may run after
    // this one: look at the sessions once they all have.
    const later = () => {
      this.followUp ??= setTimeout(() => {
        this.followUp = null;
        this.follow();
      }, 0);
    };
    ctx.events.on('support-changed', later);
    ctx.events.on('session-unstaffed', later);
    // Their logins are already gone when this fires: their viewers go at once, not at the next recheck.
    ctx.events.on('engineer-logins-ended', (engineerId) => this.closeViewersOf(engineerId, 'your sign-in was ended by an administrator'));
    // Sign-out and expiry send no event: the periodic look catches them.
    this.recheck = setInterval(() => this.follow(), ctx.config.viewerLoginCheckSeconds * 1000);
    this.recheck.unref?.();
  }

  /** The live desktop of a session, if something is connected to it. */
  get(sessionId: number): DesktopSession | undefined {
    return this.live.get(sessionId);
  }

  /** The session's current screen (see DesktopSession.currentScreen), or null when there is none. */
  async screen(sessionId: number): Promise<Screen | null> {
    return (await this.live.get(sessionId)?.currentScreen()) ?? null;
  }

  private session(sessionId: number): DesktopSession {
    let s = this.live.get(sessionId);
    if (!s) {
      s = new DesktopSession(sessionId, {
        log: (actor, text, data) => this.journal.write(sessionId, actor, 'operation', text, data),
        recordingPath: () => {
          const path = recordingPath(this.ctx.config, sessionId);
          mkdirSync(join(path, '..'), { recursive: true });
          return path;
        },
        recordingPolicy: () => this.policies.of(this.sessions.get(sessionId)?.deskId ?? null),
        recordingChanged: (on) => this.ctx.events.emit('recording-changed', { sessionId, on }),
        agentChanged: (online) => this.ctx.events.emit('session-agent-changed', { sessionId, online }),
        pictures: this.pictures,
        maxBufferedBytes: this.ctx.config.viewerBufferBytes,
        maxScreenPixels: this.ctx.config.maxScreenPixels,
        seekEveryMs: this.ctx.config.recordingKeyframeSeconds * 1000,
        seekDecodeMs: this.ctx.config.recordingSeekDecodeMs,
      });
      this.live.set(sessionId, s);
    }
    return s;
  }

  private release(s: DesktopSession): void {
    if (s.idle && this.live.get(s.id) === s) {
      s.shutdown();
      this.live.delete(s.id);
    }
  }

  // ---- agents ----

  /**
   * Binds an agent connection to the session of its join token. Returns the session and what the welcome tells
   * the agent, or why it is refused (unknown or expired token, ended session, another agent already connected).
   */
  bindAgent(token: string, link: AgentLink, describe: string): { session: DesktopSession; welcome: { id: number; desk: string; recording: RecordingPolicy } } | { error: string } {
    const sessionId = this.tokens.sessionOf(token);
    if (sessionId === null) return { error: 'unknown or expired session token' };
    // Each connection is logged: a token that reconnects in a loop must not fill the session's log.
    let binds = this.binds.get(sessionId);
    if (!binds) {
      if (this.binds.size > 10_000) this.binds.clear(); // bounded: ended sessions are dropped in follow(), most sooner
      this.binds.set(sessionId, (binds = new TokenBucket(AGENT_BINDS.burst, AGENT_BINDS.perSecond)));
    }
    if (!binds.take()) return { error: 'too many agent connections to this session; wait a minute' };
    const support = this.sessions.get(sessionId)!;
    const s = this.session(sessionId);
    const refusal = s.attachAgent(link, describe);
    if (refusal) {
      this.release(s);
      return { error: refusal };
    }
    const desk = support.deskId === null ? '' : (this.desks.get(support.deskId)?.name ?? '');
    return { session: s, welcome: { id: sessionId, desk, recording: this.policies.of(support.deskId) } };
  }

  unbindAgent(s: DesktopSession, link: AgentLink): void {
    s.detachAgent(link);
    this.release(s);
  }

  // ---- viewers ----

  /** What this identity may do in the session's live desktop, or null when it may not see it. */
  grant(sessionId: number, who: ViewerIdentity): ViewerGrant | null {
    return this.access.grant(sessionId, who);
  }

  /** Attaches a viewer (its access was checked with grant()); logs who watches, once per person and mode. */
  addViewer(sessionId: number, viewer: ViewerLink, who: ViewerIdentity): DesktopSession {
    const s = this.session(sessionId);
    this.identities.set(viewer, who);
    const key = `${sessionId}:${viewer.actor}:${viewer.mode}`;
    if (!this.announced.has(key)) {
      if (this.announced.size > 10_000) this.announced.clear(); // bounded: at worst someone is logged twice
      this.announced.add(key);
      const how = viewer.mode === 'control' ? 'opened the remote screen' : 'is watching the remote screen (view only)';
      this.journal.write(sessionId, viewer.actor, 'operation', how, viewer.actor.startsWith('expert:') ? { expert: viewer.name } : {});
    }
    s.addViewer(viewer);
    return s;
  }

  removeViewer(s: DesktopSession, viewer: ViewerLink): void {
    s.removeViewer(viewer);
    this.release(s);
  }

  /** Closes every viewer an engineer has open, in every session (their access ended with their logins). */
  closeViewersOf(engineerId: number, reason: string): void {
    for (const s of [...this.live.values()]) {
      for (const viewer of [...s.viewerLinks]) {
        const who = this.identities.get(viewer);
        if (who?.kind !== 'engineer' || who.engineerId !== engineerId) continue;
        viewer.send({ type: 'error', error: reason });
        this.removeViewer(s, viewer);
        viewer.close(4001, reason);
      }
    }
  }

  // ---- following the sessions ----

  /** Ends desktops of ended sessions; gives viewers the mode their role now allows (or closes them). */
  follow(): void {
    for (const s of [...this.live.values()]) {
      const support = this.sessions.get(s.id);
      if (!support || support.status === 'ended') {
        s.end();
        this.release(s);
        for (const key of this.announced) if (key.startsWith(`${s.id}:`)) this.announced.delete(key);
        this.binds.delete(s.id);
        continue;
      }
      for (const viewer of [...s.viewerLinks]) {
        const who = this.identities.get(viewer);
        const grant = who ? this.access.grant(s.id, who) : null;
        if (!grant) {
          const signedOut = who?.kind === 'engineer' && who.loginToken !== undefined && this.auth.sessions.engineerId(who.loginToken) !== who.engineerId;
          viewer.send({ type: 'error', error: signedOut ? 'your sign-in has ended' : 'you no longer have access to this session' });
          this.removeViewer(s, viewer);
          if (signedOut) viewer.close(4001, 'your sign-in has ended');
          else viewer.close(1008, 'no longer allowed to see this session');
        } else s.setMode(viewer, grant.mode);
      }
    }
  }

  /** The server stops: finish recordings. */
  stop(): void {
    if (this.followUp) clearTimeout(this.followUp);
    if (this.recheck) clearInterval(this.recheck);
    for (const s of this.live.values()) s.shutdown();
    this.live.clear();
    void this.pictures.stop();
  }
}
