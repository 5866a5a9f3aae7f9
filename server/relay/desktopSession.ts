// One support session's live desktop: its bound agent, its viewers, the relay between them, the desktop state the
// agent reported (consent, monitors), and the recorder while the screen is streamed.
import { existsSync } from 'node:fs';
import type { Capability, ConsentState, MonitorInfo, ServerToAgentMessage } from '../protocol/agent.ts';
import type { DesktopServerMessage, InputEvent, ViewerMessage } from '../protocol/desktop.ts';
import type { RecordingEvent, RecordingPolicy } from '../protocol/recording.ts';
import { Recorder } from '../recordings/recorder.ts';
import { DesktopRelay, type ViewerSink } from './desktopRelay.ts';
import type { PicturePool, PoolPicture, Screen } from './picturePool.ts';

/** An agent connection bound to the session. */
export interface AgentLink {
  send(message: ServerToAgentMessage): void;
  close(code: number, reason: string): void;
}

export type ViewerMode = 'control' | 'view';

/** A viewer's socket on /ws/desktop/:sessionId. */
export interface ViewerLink {
  readonly sink: ViewerSink;
  /** Who it is, for the session log ('engineer:<id>' or 'expert:<id>') and by name. */
  readonly actor: string;
  readonly name: string;
  mode: ViewerMode;
  send(message: DesktopServerMessage): void;
  close(code: number, reason: string): void;
}

export interface DesktopSessionHooks {
  /** Writes the session log (and pushes it to the consoles). */
  log(actor: string, text: string, data?: Record<string, unknown>): void;
  /** The recording file of this session (its folder exists). */
  recordingPath(): string;
  /** The desk's recording policy now (an admin's change applies from the next start of the stream). */
  recordingPolicy(): RecordingPolicy;
  /** The recording started or stopped. */
  recordingChanged?(on: boolean): void;
  /** The session's agent connected or went away (the customer's page stops or starts offering the app). */
  agentChanged?(online: boolean): void;
  /** Where the session's decoded picture lives (off the relay thread). */
  pictures: PicturePool;
  maxBufferedBytes: number;
  /** Largest agent screen accepted, in pixels (see RelayOptions.maxPixels). */
  maxScreenPixels?: number;
  seekEveryMs?: number;
  seekDecodeMs?: number;
}

/** An agent silent for longer than this may be replaced by a new connection of the same session (see attachAgent). */
export const AGENT_STALE_MS = 20_000;

export class DesktopSession {
  readonly relay: DesktopRelay;
  private readonly picture: PoolPicture;
  private agent: AgentLink | null = null;
  private agentHeardAt = 0;
  /** desktop-start was sent on the current agent connection (binary frames are accepted from then on). */
  private startSent = false;
  private streaming = false;
  private received = 0;
  private readonly viewers = new Set<ViewerLink>();
  private consent: Capability[] = [];
  /** Capabilities an engineer asked for that the customer has not answered yet (see askConsent). */
  private readonly asked = new Set<Capability>();
  private monitors: MonitorInfo[] = [];
  private monitor: number | 'all' = 'all';
  private recorder: Recorder | null = null;
  /** Viewers whose dropped input was logged already (once per viewer). */
  private readonly refusalLogged = new WeakSet<ViewerLink>();

  constructor(
    readonly id: number,
    private hooks: DesktopSessionHooks,
  ) {
    this.picture = hooks.pictures.picture({
      failed: (reason) => this.pictureFailed(reason),
      paused: () => this.relay.picturePaused(),
      resumable: () => this.relay.pictureResumable(),
    });
    this.relay = new DesktopRelay(this.picture, {
      maxBufferedBytes: hooks.maxBufferedBytes,
      maxPixels: hooks.maxScreenPixels,
      requestRefresh: () => {
        if (this.agent && this.startSent) this.agent.send({ type: 'desktop-refresh' });
      },
      requestKey: () => {
        if (this.agent && this.startSent) this.agent.send({ type: 'desktop-key' });
      },
    });
  }

  /** Nothing is connected: the hub may forget this session. */
  get idle(): boolean {
    return !this.agent && this.viewers.size === 0;
  }

  get viewerLinks(): ReadonlySet<ViewerLink> {
    return this.viewers;
  }

  get isStreaming(): boolean {
    return this.streaming;
  }

  get recording(): boolean {
    return this.recorder?.open ?? false;
  }

  get agentConnected(): boolean {
    return this.agent !== null;
  }

  /**
   * A copy of the screen as the server has it now (for screenshots), or null when there is no current one: no agent,
   * not streamed at the moment, or the customer does not allow viewing (a picture kept from before a revoke is not
   * handed out again).
   */
  async currentScreen(): Promise<Screen | null> {
    if (!this.agent || !this.streaming || !this.consent.includes('view')) return null;
    const screen = await this.picture.rgba();
    // Viewing may have been withdrawn while the copy was made.
    return this.agent && this.streaming && this.consent.includes('view') ? screen : null;
  }

  // ---- the agent ----

  /**
   * Binds an agent connection; returns why it is refused, or null. One live agent per session: a second one is
   * refused, unless the bound one has been silent for AGENT_STALE_MS (an agent that lost its network reconnects
   * before the server notices the old connection is dead; a live agent sends a heartbeat every 15 s).
   */
  attachAgent(link: AgentLink, describe: string): string | null {
    if (this.agent) {
      if (performance.now() - this.agentHeardAt < AGENT_STALE_MS) return 'another agent is already connected to this session';
      const stale = this.agent;
      this.detachAgent(stale);
      stale.close(1001, 'replaced by a new connection of this session’s agent');
    }
    this.agent = link;
    this.agentHeardAt = performance.now();
    this.startSent = false;
    this.streaming = false;
    this.received = 0;
    this.hooks.log('agent', `connected (${describe})`);
    this.broadcast({ type: 'agent', online: true });
    this.hooks.agentChanged?.(true);
    return null;
  }

  /** After the welcome: start streaming at once if someone is already watching. */
  agentReady(link: AgentLink): void {
    if (link === this.agent && this.viewers.size > 0) this.startStreaming();
  }

  agentHeard(link: AgentLink): void {
    if (link === this.agent) this.agentHeardAt = performance.now();
  }

  detachAgent(link: AgentLink): void {
    if (link !== this.agent) return;
    this.stopRecording({ type: 'agent', online: false });
    this.agent = null;
    this.asked.clear(); // a new connection's agent has its own questions; its consent message tells the state
    this.startSent = this.streaming = false;
    this.relay.agentGone();
    this.hooks.log('agent', 'left');
    this.broadcast({ type: 'agent', online: false });
    this.hooks.agentChanged?.(false);
    if (this.consent.length) {
      this.consent = [];
      this.broadcast({ type: 'consent', granted: [] });
    }
  }

  /** One binary desktop frame from the agent; returns why the connection must close, or null. */
  agentFrame(link: AgentLink, data: Uint8Array): string | null {
    if (link !== this.agent) return 'this connection was replaced';
    if (!this.startSent) return 'desktop frames are only accepted after desktop-start';
    this.agentHeardAt = performance.now();
    this.received += data.byteLength;
    // Acknowledge before decoding: the agent paces its next grab on this, and decoding may take a few ms.
    link.send({ type: 'desktop-ack', bytes: this.received });
    return this.relay.fromAgent(data);
  }

  /**
   * The server's decoder refused a message of the agent's stream (found off the relay thread, after the frame went
   * on): the agent connection is closed like one that sent a malformed frame; its next connection starts anew.
   */
  private pictureFailed(reason: string): void {
    this.relay.pictureFailed();
    const agent = this.agent;
    if (!agent) return;
    const error = `malformed update: ${reason}`;
    agent.send({ type: 'error', error });
    agent.close(1008, error.slice(0, 120));
  }

  agentConsent(link: AgentLink, granted: Capability[]): void {
    if (link !== this.agent) return;
    const before = [...this.consent].sort().join(',');
    this.consent = granted;
    const unchanged = [...granted].sort().join(',') === before;
    this.answered(granted, unchanged);
    if (unchanged) return;
    this.hooks.log('agent', granted.length ? `the customer allows: ${granted.join(', ')}` : 'the customer allows nothing (consent withdrawn)', {
      consent: granted,
    });
    this.recorder?.event({ type: 'consent', granted });
    this.broadcast({ type: 'consent', granted });
    // The recording follows the customer's answers at once, both ways ('view', and 'record' under 'ask').
    if (this.streaming) this.startRecording();
    if (this.recorder && !this.mayRecord()) {
      this.stopRecording();
      if (granted.includes('view')) this.hooks.log('system', 'the screen recording stopped: the customer does not allow recording');
    }
  }

  /**
   * Whether the screen may be recorded now: only while the customer lets it be seen (so "recorded now" is never
   * said of a screen nobody sees), by the desk's policy and, under 'ask', the customer's answer.
   */
  private mayRecord(): boolean {
    if (!this.consent.includes('view')) return false;
    const policy = this.hooks.recordingPolicy();
    return policy === 'always' || (policy === 'ask' && this.consent.includes('record'));
  }

  /**
   * Settles the open questions with the agent's consent message. The agent answers every consent-request with one:
   * a granted capability is in it; a refusal (or the user's Stop all, which withdraws the questions) sends the list
   * unchanged. That message does not say which question it answers, so with several open an unchanged list settles
   * them all as "not allowed" (true at that moment); a question still open on the agent settles again when answered.
   */
  private answered(granted: Capability[], unchanged: boolean): void {
    if (this.asked.size === 0) return;
    for (const c of [...this.asked]) if (granted.includes(c)) this.asked.delete(c);
    if (!unchanged || this.asked.size === 0) return;
    const refused = [...this.asked];
    this.asked.clear();
    this.hooks.log('agent', `the customer did not allow ${refused.join(', ')}`, { declined: refused });
  }

  /** What the console's permissions panel shows: agent connected, what the customer allows, questions open. */
  consentState(): ConsentState {
    return {
      agent: this.agent !== null,
      granted: [...this.consent],
      asked: [...this.asked],
      recording: this.hooks.recordingPolicy(),
      recordingNow: this.recording,
    };
  }

  /**
   * An engineer asks the customer for a capability (the agent asks its user and answers with `consent`). Returns
   * why it cannot be asked, or null. Asking again for an open question is allowed (it re-sends it: the agent asks
   * its user only once, and a question the agent lost is asked anew).
   */
  askConsent(actor: string, name: string, capability: Capability): string | null {
    if (!this.agent) return 'the customer’s agent is not connected';
    if (capability === 'record' && this.hooks.recordingPolicy() !== 'ask')
      return `this desk ${this.hooks.recordingPolicy() === 'always' ? 'records every session' : 'does not record sessions'}; there is nothing to ask`;
    if (this.consent.includes(capability)) return `the customer already allows ${capability}`;
    this.asked.add(capability);
    // Shown after the actor's name (console, log.txt): the text must not say it again ("Olga Olga asked for view").
    this.hooks.log(actor, `asked for ${capability}`, { asked: capability });
    this.agent.send({ type: 'consent-request', capability, by: name });
    return null;
  }

  /** Sends one message to the bound agent; false when no agent is connected. */
  sendToAgent(message: ServerToAgentMessage): boolean {
    if (!this.agent) return false;
    this.agent.send(message);
    return true;
  }

  agentMonitors(link: AgentLink, monitors: MonitorInfo[], current: number | 'all'): void {
    if (link !== this.agent) return;
    this.monitors = monitors;
    this.monitor = current;
    this.recorder?.event({ type: 'monitors', monitor: current });
    this.broadcast({ type: 'monitors', monitors, monitor: current });
  }

  agentClipboard(link: AgentLink, text: string): void {
    if (link !== this.agent) return;
    for (const v of this.viewers) if (v.mode === 'control') v.send({ type: 'clipboard', text });
  }

  agentRefused(link: AgentLink, what: string, reason: string): void {
    if (link !== this.agent) return;
    this.hooks.log('agent', `refused ${what}: ${reason}`);
    this.broadcast({ type: 'refused', what, reason });
  }

  // ---- viewers ----

  addViewer(viewer: ViewerLink): void {
    this.viewers.add(viewer);
    viewer.send({
      type: 'hello',
      mode: viewer.mode,
      agent: this.agent !== null,
      consent: this.consent,
      monitors: this.monitors,
      monitor: this.monitor,
    });
    this.relay.addViewer(viewer.sink);
    if (this.agent && !this.streaming) this.startStreaming();
  }

  removeViewer(viewer: ViewerLink): void {
    if (!this.viewers.delete(viewer)) return;
    this.relay.removeViewer(viewer.sink);
    if (this.viewers.size === 0 && this.streaming) this.stopStreaming();
  }

  setMode(viewer: ViewerLink, mode: ViewerMode): void {
    if (viewer.mode === mode) return;
    viewer.mode = mode;
    viewer.send({ type: 'mode', mode });
  }

  viewerMessage(viewer: ViewerLink, m: ViewerMessage): void {
    if (m.type === 'ping') return viewer.send({ type: 'pong', t: m.t });
    if (viewer.mode !== 'control') {
      // View-only participants only watch: the server drops their input (and the agent enforces consent too).
      viewer.send({ type: 'refused', what: m.type, reason: 'you are watching in view-only mode' });
      if (!this.refusalLogged.has(viewer)) {
        this.refusalLogged.add(viewer);
        this.logViewer(viewer, `tried to ${m.type === 'input' ? 'control the screen' : `use ${m.type}`} in view-only mode; dropped`);
      }
      return;
    }
    if (!this.agent) return viewer.send({ type: 'refused', what: m.type, reason: 'the agent is not connected' });
    switch (m.type) {
      case 'input':
        this.agent.send({ type: 'input', events: this.clamp(m.events) });
        return;
      case 'clipboard':
        this.agent.send({ type: 'clipboard', text: m.text });
        this.logViewer(viewer, `sent clipboard text to the remote machine (${m.text.length} characters)`);
        return;
      case 'clipboard-request':
        this.agent.send({ type: 'clipboard-request' });
        return;
      case 'monitor':
        this.agent.send({ type: 'monitor', index: m.index });
        return;
    }
  }

  /**
   * Logs in a viewer's name (an expert's name travels in the entry's data, see support/views.ts). The console and
   * log.txt show the name before the text, so the text never starts with it.
   */
  private logViewer(viewer: ViewerLink, text: string): void {
    this.hooks.log(viewer.actor, text, viewer.actor.startsWith('expert:') ? { expert: viewer.name } : {});
  }

  /** Keeps pointer positions inside the picture (the agent clamps again; out-of-range input is never applied). */
  private clamp(events: InputEvent[]): InputEvent[] {
    const size = this.picture.dimensions;
    if (!size) return events;
    const cx = (x: number) => Math.min(Math.max(x, 0), size.width - 1);
    const cy = (y: number) => Math.min(Math.max(y, 0), size.height - 1);
    return events.map((e) => (e.type === 'pointer' || e.type === 'button' || e.type === 'wheel' ? { ...e, x: cx(e.x), y: cy(e.y) } : e));
  }

  // ---- streaming and recording ----

  private startStreaming(): void {
    if (!this.agent) return;
    this.agent.send({ type: 'desktop-start' });
    this.startSent = this.streaming = true;
    this.startRecording();
  }

  private stopStreaming(): void {
    this.agent?.send({ type: 'desktop-stop' });
    this.streaming = false;
    this.stopRecording();
  }

  private startRecording(): void {
    if (this.recorder || !this.mayRecord()) return;
    let recorder: Recorder;
    let path: string;
    let isNew: boolean;
    try {
      path = this.hooks.recordingPath();
      isNew = !existsSync(path);
      recorder = new Recorder(
        path,
        {
          seekPointDue: () => this.relay.seekPoint(recorder),
          decodeWorkMs: () => this.picture.decodeMs,
          failed: (error) => {
            this.relay.removeViewer(recorder);
            if (this.recorder === recorder) {
              this.recorder = null;
              this.agent?.send({ type: 'recording', on: false });
              this.hooks.recordingChanged?.(false);
            }
            this.hooks.log('system', `the screen recording stopped: ${error.message}`);
          },
        },
        { seekEveryMs: this.hooks.seekEveryMs, seekDecodeMs: this.hooks.seekDecodeMs },
      );
    } catch (error) {
      this.hooks.log('system', `the screen cannot be recorded: ${(error as Error).message}`);
      return;
    }
    this.recorder = recorder;
    recorder.event({ type: 'agent', online: true });
    if (this.consent.length) recorder.event({ type: 'consent', granted: this.consent });
    if (isNew) {
      this.hooks.log('system', 'the screen is being recorded (play it back on this session’s page once the session has ended)', { recording: this.id });
    }
    this.relay.addViewer(recorder);
    this.agent?.send({ type: 'recording', on: true });
    this.hooks.recordingChanged?.(true);
  }

  private stopRecording(last?: RecordingEvent): void {
    const recorder = this.recorder;
    if (!recorder) return;
    this.recorder = null;
    if (last) recorder.event(last);
    this.relay.removeViewer(recorder);
    recorder.close();
    this.agent?.send({ type: 'recording', on: false });
    this.hooks.recordingChanged?.(false);
  }

  // ---- the end ----

  /** The support session ended: the agent is told and let go, viewers are closed, the recording is finished. */
  end(): void {
    const agent = this.agent;
    if (agent) {
      agent.send({ type: 'session-ended' });
      this.detachAgent(agent);
      agent.close(1000, 'the session has ended');
    }
    this.stopRecording();
    for (const v of [...this.viewers]) {
      v.send({ type: 'error', error: 'the session has ended' });
      this.removeViewer(v);
      v.close(1000, 'the session has ended');
    }
  }

  /** The server stops: close files, let connections go. */
  shutdown(): void {
    this.stopRecording();
    this.picture.close();
  }

  private broadcast(message: DesktopServerMessage): void {
    for (const v of this.viewers) v.send(message);
  }
}
