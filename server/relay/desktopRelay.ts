import { DesktopFrame, frame, splitFrame } from '../protocol/desktop.ts';

/** The server's copy of a session's screen, kept by decoding the agent's stream (never re-encoding it). */
export interface StreamPicture {
  /**
   * Applies one codec message (update, key or refresh: the decoder itself resets its context on a refresh
   * message); throws on a malformed one.
   */
  apply(update: Uint8Array): void;
  /** A self-contained key message that brings a fresh decoder to the current picture; null when there is none. */
  keyframe(): Uint8Array | null;
}

/** Where a viewer's frames go: a WebSocket, or the recorder. */
export interface ViewerSink {
  /** Bytes handed over but not yet taken by the network. */
  buffered(): number;
  /** One binary frame; `keyframe` when a decoder can start from it (a seek point for the recorder). */
  send(frame: Uint8Array, keyframe: boolean): void;
}

interface ViewerState {
  synced: boolean;
  /** The picture version the last keyframe sent to this viewer showed (to skip a second, identical one). */
  shown: number;
  /** Wants a keyframe at the next refresh point without leaving the stream (the recorder's seek points). */
  seekPoint: boolean;
}

export interface RelayOptions {
  /** A viewer with more than this queued is behind: its frames are dropped until it is resynchronised. */
  maxBufferedBytes: number;
  /** Asks the agent to refresh its encoder context (a Refresh frame comes back). */
  requestRefresh(): void;
  /** A refresh asked for but not answered within this long is asked again (default 3 s). */
  refreshRetryMs?: number;
}

// Codec message header (native/codec/FORMAT.md): magic 'T', version 1, flags (bit 0 key, bit 1 refresh).
const CODEC_MAGIC = 0x54;
const CODEC_VERSION = 1;
const FLAG_KEY = 1;
const FLAG_REFRESH = 2;

type Classified = { is: 'key' | 'refresh' | 'update' | 'cursor'; kind: DesktopFrame; payload: Uint8Array } | string;

/** What a frame is, from its kind and (for codec messages) the codec's own flags; a string says why it is bad. */
function classify(data: Uint8Array): Classified {
  const parts = splitFrame(data);
  if (typeof parts === 'string') return parts;
  const { kind, payload } = parts;
  if (kind === DesktopFrame.CursorShape || kind === DesktopFrame.CursorPosition) return { is: 'cursor', kind, payload };
  if (payload.length < 3 || payload[0] !== CODEC_MAGIC || payload[1] !== CODEC_VERSION) return 'not a codec message';
  const flags = payload[2]!;
  const key = (flags & FLAG_KEY) !== 0;
  const refresh = !key && (flags & FLAG_REFRESH) !== 0;
  if (kind === DesktopFrame.Keyframe && !key) return 'a Keyframe frame must carry a codec key message';
  if (kind === DesktopFrame.Refresh && !refresh) return 'a Refresh frame must carry a codec refresh message';
  // An Update frame that carries a key or refresh message is taken for what the codec says it is: the decoders
  // treat it that way whatever the frame kind, so the relay must too or a late joiner would be resynchronised
  // against the wrong point.
  return { is: key ? 'key' : refresh ? 'refresh' : 'update', kind, payload };
}

/**
 * One session's desktop stream: the agent's frames go unchanged to every viewer that is in sync. A viewer that
 * joins late or falls behind gets a server-made keyframe of the current picture at once (so it sees the screen
 * without waiting), then is brought in sync at the agent's next refresh point: a keyframe of the picture as it
 * was just before the refresh (skipped when that is what it already shows), then the Refresh frame and
 * everything after it, which it can decode because the agent's context restarted there. A slow viewer never
 * slows the agent or the other viewers: what it would receive late is dropped, and the latest screen wins.
 *
 * The stream of one agent connection must start with a key message; the picture survives the agent going away
 * (viewers keep a frozen picture, late joiners still get it) and is replaced by the next connection's keyframe.
 */
export class DesktopRelay {
  private viewers = new Map<ViewerSink, ViewerState>();
  private versionValue = 0;
  private refreshAskedAt: number | null = null;
  /** A picture exists (some agent connection sent a keyframe). */
  private hasPicture = false;
  /** The current agent connection has sent its keyframe: updates and refreshes may follow. */
  private open = false;
  private keyCache: { version: number; frame: Uint8Array } | null = null;
  private readonly refreshRetryMs: number;

  constructor(
    private picture: StreamPicture,
    private options: RelayOptions,
  ) {
    this.refreshRetryMs = options.refreshRetryMs ?? 3_000;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Changes of the picture so far (a keyframe of one version shows the same picture as any other of it). */
  get version(): number {
    return this.versionValue;
  }

  /** Whether a viewer currently receives the live stream (false while it waits for a resync). */
  isSynced(sink: ViewerSink): boolean {
    return this.viewers.get(sink)?.synced ?? false;
  }

  addViewer(sink: ViewerSink): void {
    this.viewers.set(sink, { synced: false, shown: -1, seekPoint: false });
    this.resync(sink);
  }

  removeViewer(sink: ViewerSink): void {
    this.viewers.delete(sink);
  }

  /** Takes a viewer out of sync (joined late, fell behind) and shows it the current picture right away. */
  resync(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (!state) return;
    state.synced = false;
    if (sink.buffered() <= this.options.maxBufferedBytes) this.sendKeyframe(sink, state);
    this.askRefresh();
  }

  /** Asks for a keyframe for this (in sync) viewer at the agent's next refresh point: the recorder's seek point. */
  seekPoint(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (!state) return;
    state.seekPoint = true;
    this.askRefresh();
  }

  /** The viewer's socket drained: if it is waiting for a resync and has room now, ask for a refresh point. */
  drained(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (state && !state.synced && sink.buffered() <= this.options.maxBufferedBytes) this.askRefresh();
  }

  /** The agent connection ended: the next one must start with a keyframe; the picture stays for the viewers. */
  agentGone(): void {
    this.open = false;
    this.refreshAskedAt = null;
  }

  /** Handles one binary frame from the agent; returns why it is malformed or out of order, or null. */
  fromAgent(data: Uint8Array): string | null {
    const parts = classify(data);
    if (typeof parts === 'string') return parts;
    try {
      switch (parts.is) {
        case 'cursor':
          this.forward(data, false, () => true);
          return null;
        case 'key':
          // A new epoch from the agent (first picture, size change, reset) is self-contained: everyone is in sync.
          this.picture.apply(parts.payload);
          this.hasPicture = this.open = true;
          this.versionValue++;
          this.refreshAskedAt = null;
          for (const state of this.viewers.values()) {
            state.synced = true;
            state.seekPoint = false;
          }
          this.forward(data, true, () => true);
          return null;
        case 'update':
          if (!this.open) return 'an update before the first keyframe';
          this.picture.apply(parts.payload);
          this.versionValue++;
          this.forward(data, false, (s) => s.synced);
          return null;
        case 'refresh':
          if (!this.open) return 'a refresh before the first keyframe';
          this.refreshPoint();
          this.picture.apply(parts.payload);
          this.versionValue++;
          this.forward(data, false, (s) => s.synced);
          if (this.someoneWaiting()) this.askRefresh();
          return null;
      }
    } catch (e) {
      // The decoder refuses further updates until a key message: so must this connection.
      this.open = false;
      return `malformed update: ${(e as Error).message}`;
    }
  }

  /**
   * Just before the agent's Refresh frame: viewers waiting for a resync get a keyframe of the picture as it is
   * now (the refresh message applies to exactly this picture) and are in sync from the refresh on; viewers that
   * asked for a seek point get one too.
   */
  private refreshPoint(): void {
    this.refreshAskedAt = null;
    for (const [sink, state] of this.viewers) {
      if (state.synced && !state.seekPoint) continue;
      if (!state.synced && sink.buffered() > this.options.maxBufferedBytes) continue;
      if (state.shown !== this.versionValue) this.sendKeyframe(sink, state);
      state.synced = true;
      state.seekPoint = false;
    }
  }

  private someoneWaiting(): boolean {
    for (const [sink, state] of this.viewers)
      if (!state.synced && sink.buffered() <= this.options.maxBufferedBytes) return true;
    return false;
  }

  private sendKeyframe(sink: ViewerSink, state: ViewerState): void {
    if (!this.hasPicture) return;
    if (this.keyCache?.version !== this.versionValue) {
      const key = this.picture.keyframe();
      if (!key) return;
      this.keyCache = { version: this.versionValue, frame: frame(DesktopFrame.Keyframe, key) };
    }
    sink.send(this.keyCache.frame, true);
    state.shown = this.versionValue;
  }

  private forward(data: Uint8Array, keyframe: boolean, to: (s: ViewerState) => boolean): void {
    for (const [sink, state] of this.viewers) {
      if (!to(state)) continue;
      if (sink.buffered() > this.options.maxBufferedBytes) {
        // Behind: drop instead of queueing stale frames; it is resynchronised once its socket drains.
        state.synced = false;
        continue;
      }
      sink.send(data, keyframe);
      if (keyframe) state.shown = this.versionValue;
    }
  }

  private askRefresh(): void {
    if (!this.open) return; // the next connection starts with a keyframe anyway
    const now = performance.now();
    if (this.refreshAskedAt !== null && now - this.refreshAskedAt < this.refreshRetryMs) return;
    this.refreshAskedAt = now;
    this.options.requestRefresh();
  }
}
