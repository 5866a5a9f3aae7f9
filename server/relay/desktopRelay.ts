import { DesktopFrame, frame, splitFrame } from '../protocol/desktop.ts';

/** The server's copy of a session's screen, kept by decoding the agent's stream (never re-encoding it). */
export interface StreamPicture {
  /** Applies one agent update; throws on a malformed one. */
  apply(update: Uint8Array): void;
  /** Resets the decoding context as the agent's encoder did (entropy and tile cache; the picture stays). */
  refresh(): void;
  /** A self-contained key message that brings a fresh decoder to the current picture; null before the first. */
  keyframe(): Uint8Array | null;
}

/** Where a viewer's frames go: a WebSocket, or the recorder. */
export interface ViewerSink {
  /** Bytes handed over but not yet taken by the network. */
  buffered(): number;
  send(frame: Uint8Array): void;
}

interface ViewerState {
  synced: boolean;
  /** The picture version the last keyframe sent to this viewer showed (to skip a second, identical one). */
  shown: number;
}

export interface RelayOptions {
  /** A viewer with more than this queued is behind: its frames are dropped until it is resynchronised. */
  maxBufferedBytes: number;
  /** Asks the agent to refresh its encoder context (a Refresh frame comes back). */
  requestRefresh(): void;
}

/**
 * One session's desktop stream: the agent's frames go unchanged to every viewer that is in sync. A viewer that
 * joins late or falls behind gets a server-made keyframe of the current picture at once (so it sees the screen
 * without waiting), then is brought in sync at the agent's next refresh point: a keyframe of the picture as it
 * was just before the refresh (skipped when that is what it already shows), then the Refresh frame and
 * everything after it, which it can decode because the agent's context restarted there. A slow viewer never
 * slows the agent or the other viewers: what it would receive late is dropped, and the latest screen wins.
 */
export class DesktopRelay {
  private viewers = new Map<ViewerSink, ViewerState>();
  private version = 0;
  private refreshAsked = false;
  private started = false;

  constructor(
    private picture: StreamPicture,
    private options: RelayOptions,
  ) {}

  get viewerCount(): number {
    return this.viewers.size;
  }

  addViewer(sink: ViewerSink): void {
    this.viewers.set(sink, { synced: false, shown: -1 });
    this.resync(sink);
  }

  removeViewer(sink: ViewerSink): void {
    this.viewers.delete(sink);
  }

  /** Takes a viewer out of sync (joined late, fell behind, or the recorder wants a seek point). */
  resync(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (!state) return;
    state.synced = false;
    if (this.started && sink.buffered() <= this.options.maxBufferedBytes) this.sendKeyframe(sink, state);
    this.askRefresh();
  }

  /** The viewer's socket drained: if it is waiting for a resync, it can have one now. */
  drained(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (state && !state.synced) this.askRefresh();
  }

  /** Handles one binary frame from the agent; returns why it is malformed, or null. */
  fromAgent(data: Uint8Array): string | null {
    const parts = splitFrame(data);
    if (typeof parts === 'string') return parts;
    const { kind, payload } = parts;
    try {
      switch (kind) {
        case DesktopFrame.Update:
          if (!this.started) return 'an update before the first keyframe';
          this.picture.apply(payload);
          this.version++;
          this.forward(data, (s) => s.synced);
          return null;
        case DesktopFrame.Keyframe:
          // A new epoch from the agent (first picture, size change, reset) is self-contained: everyone is in sync.
          this.picture.apply(payload);
          this.started = true;
          this.version++;
          for (const state of this.viewers.values()) state.synced = true;
          this.refreshAsked = false;
          this.forward(data, () => true);
          return null;
        case DesktopFrame.Refresh:
          if (!this.started) return 'a refresh before the first keyframe';
          this.refreshAsked = false;
          for (const [sink, state] of this.viewers) {
            if (state.synced || sink.buffered() > this.options.maxBufferedBytes) continue;
            if (state.shown !== this.version) this.sendKeyframe(sink, state);
            state.synced = true;
          }
          this.picture.refresh();
          if (payload.length) {
            this.picture.apply(payload);
            this.version++;
          }
          this.forward(data, (s) => s.synced);
          if ([...this.viewers.values()].some((s) => !s.synced)) this.askRefresh();
          return null;
        case DesktopFrame.CursorShape:
        case DesktopFrame.CursorPosition:
          this.forward(data, () => true);
          return null;
        default:
          return `frame kind ${kind} is not for agents to send`;
      }
    } catch (e) {
      return `malformed update: ${(e as Error).message}`;
    }
  }

  private sendKeyframe(sink: ViewerSink, state: ViewerState): void {
    const key = this.picture.keyframe();
    if (!key) return;
    sink.send(frame(DesktopFrame.Keyframe, key));
    state.shown = this.version;
  }

  private forward(data: Uint8Array, to: (s: ViewerState) => boolean): void {
    for (const [sink, state] of this.viewers) {
      if (!to(state)) continue;
      if (sink.buffered() > this.options.maxBufferedBytes) {
        // Behind: drop instead of queueing stale frames; it is resynchronised once its socket drains.
        state.synced = false;
        continue;
      }
      sink.send(data);
    }
  }

  private askRefresh(): void {
    if (this.refreshAsked || !this.started) return;
    this.refreshAsked = true;
    this.options.requestRefresh();
  }
}
