// The agent's side of a support session: what the server asks for, checked against what the user allows.
//
// Every server message arrives here already parsed (AgentConnection uses parseServerMessage), but the server is
// still not trusted with consent: input without 'control', a desktop without 'view', clipboard traffic without
// 'clipboard' are refused HERE, answered with `refused`, and never reach the screen, XTest or the clipboard. Taking
// a capability back stops what it allowed at once: the desktop stream stops with 'view', every key and button held
// is released with 'control' (also on disconnect and session end: no stuck keys), the clipboard watch ends with
// 'clipboard'.
import { openCapture, openInput, type InputInjector, type Rect, type ScreenCapture } from '../../native/capture.ts';
import {
  CAPABILITIES,
  checkPushUrl,
  MAX_AGENT_CHAT_CHARS,
  type AgentChatEntry,
  type AgentMessage,
  type Capability,
  type SessionPerson,
} from '../../server/protocol/agent.ts';
import type { InputEvent } from '../../server/protocol/desktop.ts';
import type { RecordingPolicy } from '../../server/protocol/recording.ts';
import type { AgentConnection, AgentState, SessionMessage } from '../connection.ts';
import { DesktopStream, type DesktopStreamOptions } from '../desktop/desktopStream.ts';
import { applyInput } from '../desktop/inputApplier.ts';
import { AckedSink } from './ackedSink.ts';
import { ClipboardBridge } from './clipboardBridge.ts';
import { Consent, type ConsentChange } from './consent.ts';
import { CAPABILITY_LABELS, denyEverything, type ConsentPrompt, type ConsentQuestion } from './consentPrompt.ts';
import { monitorsMessage } from './monitorList.ts';
import { xdgOpen, type UrlOpener } from './urlOpener.ts';
import type { SessionLogFile } from './sessionLogFile.ts';

export interface SessionControllerOptions {
  connection: AgentConnection;
  /** X display to capture and drive (default $DISPLAY). */
  display?: string;
  /** Capabilities the device allows without asking (--allow). */
  allow?: readonly Capability[];
  /** How the user is asked (default: nobody can be asked, so the answer is no). See setPrompt(). */
  prompt?: ConsentPrompt;
  log?: (line: string) => void;
  /** Desktop stream tuning (tests: maxFps, idle timings). */
  stream?: Pick<DesktopStreamOptions, 'maxFps' | 'idleFps' | 'idleAfterMs' | 'busyPollMs' | 'encoderOptions' | 'adaptiveBudget' | 'budgetMs'>;
  /** The server ended the session (everything is stopped and released by then). */
  onEnded?: () => void;
  /** Opens an address an engineer pushed (default: xdg-open on the agent's display). */
  openUrl?: UrlOpener;
  /** The user's own copy of the session log: every event that matters to them, one line each (see note()). */
  journal?: Pick<SessionLogFile, 'open' | 'write' | 'path'>;
}

/** What the local window shows. */
export interface SessionSnapshot {
  connection: AgentState;
  session: { id: number; desk: string; recording: RecordingPolicy } | null;
  /** The server records the screen right now (it says when it starts and stops). */
  recordingNow: boolean;
  capabilities: { capability: Capability; label: string; granted: boolean }[];
  /** Questions waiting for the user's answer. */
  questions: ConsentQuestion[];
  /** Everyone who asked this machine for something (the server names them). */
  people: string[];
  /** The screen is being streamed right now. */
  watching: boolean;
  ended: boolean;
  /** Addresses an engineer opened in the user's browser (oldest first, the last MAX_OPENED). */
  opened: { url: string; at: string }[];
  /** The agent's local copy of the session log (null when it keeps none, or before the session is known). */
  logFile: string | null;
  /** Who is in the session now, as the server last said (empty while not connected). */
  connected: SessionPerson[];
  /** The session's chat the user may see (oldest first, the last MAX_CHAT_KEPT lines). */
  chat: AgentChatEntry[];
  /** Why the server refused the user's last chat line (cleared by the next line that arrives). */
  chatError: string | null;
}

const MAX_WHAT = 256;
/** Addresses the local window lists. */
const MAX_OPENED = 10;
const MAX_REASON = 500;
/** Chat lines the local window keeps. */
const MAX_CHAT_KEPT = 500;

export class SessionController {
  readonly consent: Consent;
  private readonly connection: AgentConnection;
  private readonly log: (line: string) => void;
  private readonly sink: AckedSink;
  private readonly clipboard: ClipboardBridge;
  private prompt: ConsentPrompt;
  private capture: ScreenCapture | null = null;
  private injector: InputInjector | null = null;
  private stream: DesktopStream | null = null;
  /** The server asked for the desktop (desktop-start without a desktop-stop since, on this connection). */
  private desktopWanted = false;
  private monitor: number | 'all' = 'all';
  private readonly questions = new Map<number, ConsentQuestion>();
  private nextQuestion = 1;
  private readonly people = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private endedValue = false;
  private opened: { url: string; at: string }[] = [];
  private readonly opener: UrlOpener;
  private wasOnline = false;
  private connected: SessionPerson[] = [];
  private chat: AgentChatEntry[] = [];
  /** Lines already shown (the history after a reconnect repeats lines the user has). */
  private readonly chatSeen = new Set<string>();
  private chatError: string | null = null;
  private recordingNow = false;

  constructor(private readonly options: SessionControllerOptions) {
    this.connection = options.connection;
    this.log = options.log ?? ((line) => console.log(`${new Date().toISOString()} ${line}`));
    this.prompt = options.prompt ?? denyEverything;
    this.opener = options.openUrl ?? xdgOpen({ display: options.display });
    this.sink = new AckedSink(this.connection);
    this.consent = new Consent((granted) => this.send({ type: 'consent', granted }), options.allow ?? []);
    this.clipboard = new ClipboardBridge({
      display: options.display,
      send: (m) => {
        // The journal gets the size of what leaves the machine, never the text.
        if (m.type === 'clipboard') this.note(`clipboard text sent to the session (${m.text.length} characters)`);
        else if (m.type === 'refused') this.note(`refused ${m.what}: ${m.reason}`);
        return this.send(m);
      },
      log: this.log,
    });
    this.unsubscribe.push(
      this.consent.onChange((change) => this.consentChanged(change)),
      this.connection.onMessage((message) => this.handle(message)),
      this.connection.onState((state) => this.connectionChanged(state)),
    );
    if (this.connection.state === 'online') this.connectionChanged('online');
  }

  /** The local window answers the questions once it is up. */
  setPrompt(prompt: ConsentPrompt): void {
    this.prompt = prompt;
  }

  get ended(): boolean {
    return this.endedValue;
  }

  /** The stream now on the wire (null when the screen is not being sent). */
  get desktop(): DesktopStream | null {
    return this.stream;
  }

  /** Bytes of desktop frames the server has not acknowledged yet (on this connection). */
  get unacknowledgedBytes(): number {
    return this.sink.unacknowledged;
  }

  /** Keys and buttons this agent holds down on the machine right now. */
  heldInputs(): number {
    return this.injector?.heldCount() ?? 0;
  }

  snapshot(): SessionSnapshot {
    return {
      connection: this.connection.state,
      session: this.connection.welcome?.session ?? null,
      recordingNow: this.recordingNow,
      capabilities: CAPABILITIES.map((capability) => ({ capability, label: CAPABILITY_LABELS[capability], granted: this.consent.has(capability) })),
      questions: [...this.questions.values()],
      people: [...this.people],
      watching: this.stream !== null,
      ended: this.endedValue,
      opened: [...this.opened],
      logFile: this.options.journal?.path ?? null,
      connected: [...this.connected],
      chat: [...this.chat],
      chatError: this.chatError,
    };
  }

  /** Calls `listener` whenever the snapshot may have changed; returns a remover. */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The user takes one capability back. */
  revoke(capability: Capability): void {
    this.note(`the user revoked ${capability}`);
    this.consent.revoke(capability);
  }

  /** Stop all: every capability revoked at once, pending questions withdrawn, streaming and input stopped. */
  stopAll(): void {
    this.note(`the user pressed Stop all (revoked: ${this.consent.list().join(', ') || 'nothing was allowed'})`);
    this.withdrawQuestions();
    this.consent.revokeAll();
  }

  /**
   * The user writes in the session's chat. Returns why it cannot be sent, or null; the line shows in the chat when
   * the server has logged it (it comes back like every other line), so the chat never shows what nobody else saw.
   */
  sendChat(raw: unknown): string | null {
    if (typeof raw !== 'string') return 'the message must be text';
    const text = raw.trim();
    if (!text) return 'the message is empty';
    if (text.length > MAX_AGENT_CHAT_CHARS) return `the message is longer than ${MAX_AGENT_CHAT_CHARS} characters`;
    if (this.endedValue) return 'the session has ended';
    if (this.connection.state !== 'online' || !this.connection.welcome?.session) return 'not connected to the session right now';
    if (!this.send({ type: 'chat', text })) return 'not connected to the session right now';
    this.chatError = null;
    this.changed();
    return null;
  }

  /** Stops everything and lets go of the machine: stream, held keys and buttons, clipboard, capture. Idempotent. */
  close(): void {
    this.withdrawQuestions();
    this.stopStream();
    this.desktopWanted = false;
    this.clipboard.stop();
    this.releaseInput();
    this.injector?.close();
    this.injector = null;
    this.capture?.close();
    this.capture = null;
    for (const off of this.unsubscribe.splice(0)) off();
    this.changed();
  }

  /** One server message (public so a test can inject exactly what a forged server would send). */
  handle(message: SessionMessage): void {
    if (this.endedValue) return;
    switch (message.type) {
      case 'desktop-start':
        this.desktopWanted = true;
        if (!this.consent.has('view')) this.refuse('desktop-start', 'the user has not allowed viewing the screen');
        else this.startStream();
        return;
      case 'desktop-stop':
        this.desktopWanted = false;
        this.stopStream();
        return;
      case 'desktop-ack':
        if (!this.sink.ack(message.bytes)) this.log(`ignored a desktop-ack of ${message.bytes} bytes (sent ${this.sink.bytesSent})`);
        return;
      case 'desktop-refresh':
        this.stream?.refresh();
        return;
      case 'desktop-key':
        this.stream?.requestKeyframe();
        return;
      case 'input':
        this.input(message.events);
        return;
      case 'monitor':
        this.chooseMonitor(message.index);
        return;
      case 'clipboard':
        if (!this.consent.has('clipboard')) this.refuse('clipboard', 'the user has not allowed the clipboard');
        else {
          this.note(`clipboard text received from the session (${message.text.length} characters)`);
          void this.clipboard.put(message.text);
        }
        return;
      case 'clipboard-request':
        if (!this.consent.has('clipboard')) this.refuse('clipboard-request', 'the user has not allowed the clipboard');
        else void this.clipboard.sendCurrent();
        return;
      case 'consent-request':
        void this.ask(message.capability, message.by);
        return;
      case 'open-url':
        this.openUrl(message.url);
        return;
      case 'session-ended':
        this.note('the session has ended');
        this.endedValue = true;
        this.close();
        this.options.onEnded?.();
        return;
      case 'participants':
        this.participants(message.people);
        return;
      case 'chat':
        this.chatLines(message.entries);
        return;
      case 'recording':
        if (message.on === this.recordingNow) return;
        this.recordingNow = message.on;
        this.note(message.on ? 'the help desk started recording your screen' : 'the recording of your screen stopped');
        this.changed();
        return;
      case 'error':
        // The server refuses a chat line without closing (empty, too many); anything else closes the connection.
        if (/chat/i.test(message.error)) {
          this.chatError = message.error;
          this.changed();
        }
        this.log(`the server says: ${message.error}`);
        return;
      case 'heartbeat-ack':
        return;
    }
  }

  private participants(people: SessionPerson[]): void {
    const before = new Set(this.connected.map((p) => `${p.role}:${p.name}`));
    const now = new Set(people.map((p) => `${p.role}:${p.name}`));
    for (const p of people) if (!before.has(`${p.role}:${p.name}`)) this.note(`connected now: ${p.name} (${p.role})`);
    for (const p of this.connected) if (!now.has(`${p.role}:${p.name}`)) this.note(`left: ${p.name} (${p.role})`);
    this.connected = people;
    this.changed();
  }

  private chatLines(entries: AgentChatEntry[]): void {
    let added = false;
    for (const e of entries) {
      const key = `${e.at}\u0000${e.from}\u0000${e.text}`;
      if (this.chatSeen.has(key)) continue;
      this.chatSeen.add(key);
      this.chat.push(e);
      this.note(`chat ${e.from}: ${e.text}`);
      added = true;
    }
    if (!added) return;
    if (this.chat.length > MAX_CHAT_KEPT) {
      for (const e of this.chat.splice(0, this.chat.length - MAX_CHAT_KEPT)) this.chatSeen.delete(`${e.at}\u0000${e.from}\u0000${e.text}`);
    }
    this.chatError = null;
    this.changed();
  }

  private send(message: AgentMessage): boolean {
    return this.connection.send(message);
  }

  /** A line for the output log and the user's session log (events the user may want to look back on). */
  private note(line: string): void {
    this.log(line);
    this.options.journal?.write(line);
  }

  /**
   * An engineer opens an address in the user's default browser. Checked again here (the parser already refused
   * anything but http(s)): this is the last check before another program runs. The local window lists it, so the
   * user sees where the page came from.
   */
  private openUrl(raw: string): void {
    const checked = checkPushUrl(raw);
    if ('error' in checked) {
      this.refuse('open-url', checked.error);
      return;
    }
    this.opened = [...this.opened.slice(-(MAX_OPENED - 1)), { url: checked.url, at: new Date().toISOString() }];
    this.note(`opening ${checked.url} in the default browser (asked by the engineer)`);
    this.changed();
    this.opener(checked.url).catch((error: Error) => {
      if (!this.endedValue) this.refuse('open-url', `the browser could not be opened: ${error.message}`);
    });
  }

  private refuse(what: string, reason: string): void {
    this.note(`refused ${what}: ${reason}`);
    this.send({ type: 'refused', what: what.slice(0, MAX_WHAT), reason: reason.slice(0, MAX_REASON) });
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private connectionChanged(state: AgentState): void {
    if (state === 'online') {
      const session = this.connection.welcome?.session ?? null;
      this.options.journal?.open(session?.id ?? null);
      this.wasOnline = true;
      this.note(session ? `connected to the server: session ${session.id}${session.desk ? ` (${session.desk})` : ''}` : 'connected to the server');
      this.sink.reset(); // the server counts acknowledged bytes per connection
      this.consent.send();
      if (this.consent.has('clipboard')) this.startClipboard();
    } else {
      if (this.wasOnline && !this.endedValue) this.note(`disconnected from the server (${state})`);
      this.wasOnline = false;
      this.connected = []; // nobody is connected through a connection that is down; the next welcome restates it
      this.recordingNow = false; // nothing is recorded without the stream; the server says so again if it resumes
      // Whatever the server wanted ends with the connection; nobody may keep a key pressed on a machine nobody sees.
      this.desktopWanted = false;
      this.stopStream();
      this.releaseInput();
    }
    this.changed();
  }

  private consentChanged(change: ConsentChange): void {
    const revoked = change.kind === 'revoke' ? [change.capability] : change.kind === 'revoke-all' ? change.revoked : [];
    if (revoked.includes('view')) this.stopStream();
    if (revoked.includes('control')) this.releaseInput();
    if (revoked.includes('clipboard')) this.clipboard.stop();
    if (change.kind === 'grant') {
      this.note(`${change.capability} allowed`);
      if (change.capability === 'view' && this.desktopWanted) this.startStream();
      if (change.capability === 'clipboard') this.startClipboard();
    }
    this.changed();
  }

  private async ask(capability: Capability, by: string): Promise<void> {
    if (by) this.people.add(by);
    this.note(`${by || 'the server'} asks for ${capability}`);
    if (this.consent.has(capability)) {
      this.note(`${capability} is already allowed: answered at once`);
      this.consent.send(); // already allowed (by the user or on the device): the answer is immediate
      this.changed();
      return;
    }
    if ([...this.questions.values()].some((q) => q.capability === capability)) {
      this.changed(); // the user is being asked already
      return;
    }
    const question: ConsentQuestion = { id: this.nextQuestion++, capability, by };
    this.questions.set(question.id, question);
    this.log(`${by || 'the server'} asks for ${capability}; asking the user`);
    this.changed();
    let allow = false;
    try {
      allow = await this.prompt.ask(question);
    } catch (error) {
      this.log(`asking the user failed: ${(error as Error).message}`);
    }
    if (!this.questions.delete(question.id) || this.endedValue) return; // withdrawn: nothing more to say
    if (allow === true) this.consent.grant(capability);
    else {
      this.note(`the user refused ${capability}`);
      this.consent.refuse(capability);
      this.changed();
    }
  }

  private withdrawQuestions(): void {
    const pending = [...this.questions.keys()];
    this.questions.clear();
    for (const id of pending) this.prompt.withdraw(id);
  }

  private openCapture(): ScreenCapture {
    this.capture ??= openCapture(this.options.display);
    return this.capture;
  }

  private startStream(): void {
    if (this.stream) {
      this.sendMonitors(); // a repeated desktop-start: keep streaming, restate the layout
      return;
    }
    let stream: DesktopStream;
    try {
      stream = new DesktopStream({
        ...this.options.stream,
        sink: this.sink,
        capture: this.openCapture(),
        monitor: this.monitor,
        onError: (error) => this.streamFailed(stream, error),
        onLayoutChange: () => this.sendMonitors(),
      });
    } catch (error) {
      this.refuse('desktop-start', `cannot capture the screen: ${(error as Error).message}`);
      return;
    }
    this.stream = stream;
    this.monitor = stream.currentMonitor;
    this.sendMonitors();
    stream.start();
    this.note('streaming the screen');
    this.changed();
  }

  private stopStream(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    stream.stop();
    this.note('stopped streaming the screen');
    this.changed();
  }

  private streamFailed(stream: DesktopStream, error: Error): void {
    if (this.stream !== stream) return;
    this.stream = null;
    // The capture is likely dead (X server gone): the next desktop-start opens a new one.
    try {
      this.capture?.close();
    } catch {
      // already gone
    }
    this.capture = null;
    this.refuse('desktop', `screen capture stopped: ${error.message}`);
    this.changed();
  }

  private sendMonitors(): void {
    if (!this.capture) return;
    const current = this.stream?.currentMonitor ?? this.monitor;
    this.send(monitorsMessage(this.capture.monitors(), current));
  }

  private chooseMonitor(index: number | 'all'): void {
    if (!this.consent.has('view')) {
      this.refuse('monitor', 'the user has not allowed viewing the screen');
      return;
    }
    try {
      const count = this.openCapture().monitors().length;
      if (index !== 'all' && index >= count) {
        this.refuse('monitor', `there is no monitor ${index} (this machine has ${count})`);
        return;
      }
    } catch (error) {
      this.refuse('monitor', `cannot list the monitors: ${(error as Error).message}`);
      return;
    }
    this.monitor = index;
    this.stream?.setMonitor(index);
    this.sendMonitors();
  }

  /** The streamed region (coordinates of input are relative to it): the stream's, else the chosen monitor. */
  private inputRegion(): Rect {
    if (this.stream) return this.stream.region;
    const capture = this.openCapture();
    const m = this.monitor === 'all' ? undefined : capture.monitors()[this.monitor];
    return m ? { x: m.x, y: m.y, width: m.width, height: m.height } : { x: 0, y: 0, ...capture.size() };
  }

  private input(events: InputEvent[]): void {
    if (!this.consent.has('control')) {
      this.refuse('input', 'the user has not allowed control of the mouse and keyboard');
      return;
    }
    try {
      const region = this.inputRegion();
      this.injector ??= openInput(this.options.display);
      applyInput(this.injector, events, region);
    } catch (error) {
      this.refuse('input', `could not apply the input: ${(error as Error).message}`);
      return;
    }
    this.stream?.activity();
  }

  private releaseInput(): void {
    try {
      this.injector?.releaseAll();
    } catch (error) {
      this.log(`releasing keys and buttons failed: ${(error as Error).message}`);
    }
  }

  private startClipboard(): void {
    try {
      this.clipboard.start();
    } catch (error) {
      this.refuse('clipboard', `cannot open the clipboard: ${(error as Error).message}`);
    }
  }
}
