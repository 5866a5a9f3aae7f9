import { DesktopFrame, frame, splitFrame } from '../protocol/desktop.ts';
import { keyMessageSize } from './picturePool.ts';

/** The server's copy of a session's screen, kept by decoding the agent's stream (never re-encoding it). */
export interface StreamPicture {
  /**
   * Hands over one codec message (update, key or refresh: the decoder itself resets its context on a refresh
   * message). Decoding may happen later, elsewhere: a message the decoder refuses is reported by the picture's owner.
   */
  apply(update: Uint8Array): void;
  /**
   * A self-contained key message that brings a fresh decoder to the picture as of every message handed over so
   * far; null when there is none (no key message yet, or one was refused since).
   */
  keyframe(): Promise<Uint8Array | null>;
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
  /**
   * Waiting for the keyframe of a refresh point (version): the frames from the refresh on are held, in order, and
   * follow the keyframe. `wasSynced`: it was in the stream already (a seek point), so without a keyframe the held
   * frames still go.
   */
  pending: { version: number; frames: Uint8Array[]; bytes: number; wasSynced: boolean } | null;
}

export interface RelayOptions {
  /** A viewer with more than this queued is behind: its frames are dropped until it is resynchronised. */
  maxBufferedBytes: number;
  /** Asks the agent to refresh its encoder context (a Refresh frame comes back). */
  requestRefresh(): void;
  /** Asks the agent for a key message (a Keyframe frame comes back): used while the picture is paused. */
  requestKey(): void;
  /** A refresh asked for but not answered within this long is asked again (default 3 s). */
  refreshRetryMs?: number;
  /**
   * Largest screen (width x height) a key message may declare; a larger one is refused before anything holds it (a
   * 13 KB key message of an 8K screen would make the server and every viewer hold hundreds of MB).
   */
  maxPixels?: number;
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
 * joins late or falls behind gets a server-made keyframe of the current picture as soon as it is made (so it sees
 * the screen without waiting), then is brought in sync at the agent's next refresh point: a keyframe of the picture
 * as it was just before the refresh (skipped when that is what it already shows), then the Refresh frame and
 * everything after it, which it can decode because the agent's context restarted there. Keyframes are made off this
 * thread (see picturePool.ts); the frames that arrive meanwhile are held for that viewer and follow its keyframe. A
 * slow viewer never slows the agent or the other viewers: what it would receive late is dropped, and the latest
 * screen wins.
 *
 * The stream of one agent connection must start with a key message; the picture survives the agent going away
 * (viewers keep a frozen picture, late joiners still get it) and is replaced by the next connection's keyframe.
 */
export class DesktopRelay {
  private viewers = new Map<ViewerSink, ViewerState>();
  private versionValue = 0;
  /** Agent key messages so far: a keyframe made before the latest one shows an older epoch. */
  private epoch = 0;
  private refreshAskedAt: number | null = null;
  /** A picture exists (some agent connection sent a keyframe). */
  private hasPicture = false;
  /** The current agent connection has sent its keyframe: updates and refreshes may follow. */
  private open = false;
  /** The picture is not decoded at the moment (server overload): only the agent's key messages bring viewers in. */
  private paused = false;
  private keyCache: { version: number; frame: Promise<Uint8Array | null> } | null = null;
  private readonly refreshRetryMs: number;
  /** Held frames beyond this for an in-sync viewer (the recorder) go out without their seek point. */
  private readonly maxHeldBytes: number;

  constructor(
    private picture: StreamPicture,
    private options: RelayOptions,
  ) {
    this.refreshRetryMs = options.refreshRetryMs ?? 3_000;
    this.maxHeldBytes = Math.max(options.maxBufferedBytes * 64, 4 * 1024 * 1024);
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
    const state = this.viewers.get(sink);
    return state !== undefined && state.synced && state.pending === null;
  }

  addViewer(sink: ViewerSink): void {
    this.viewers.set(sink, { synced: false, shown: -1, seekPoint: false, pending: null });
    this.resync(sink);
  }

  removeViewer(sink: ViewerSink): void {
    this.viewers.delete(sink);
  }

  /** Takes a viewer out of sync (joined late, fell behind) and shows it the current picture as soon as it can. */
  resync(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (!state) return;
    state.synced = false;
    state.pending = null;
    if (sink.buffered() <= this.options.maxBufferedBytes) this.showCurrent(sink, state);
    this.askRefresh();
  }

  /** Asks for a keyframe for this (in sync) viewer at the agent's next refresh point: the recorder's seek point. */
  seekPoint(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (!state || this.paused) return; // no keyframe to make; not worth a key message of the agent's either
    state.seekPoint = true;
    this.askRefresh();
  }

  /** The viewer's socket drained: if it is waiting for a resync and has room now, ask for a refresh point. */
  drained(sink: ViewerSink): void {
    const state = this.viewers.get(sink);
    if (state && !state.synced && !state.pending && sink.buffered() <= this.options.maxBufferedBytes) this.askRefresh();
  }

  /** The agent connection ended: the next one must start with a keyframe; the picture stays for the viewers. */
  agentGone(): void {
    this.open = false;
    this.refreshAskedAt = null;
  }

  /**
   * The picture refused a message the agent sent (reported later than the frame, which has gone on to the viewers:
   * their decoders refuse it too). No keyframe can be made until the next key message.
   */
  pictureFailed(): void {
    this.open = false;
    this.keyCache = null;
    this.refreshAskedAt = null;
  }

  /**
   * The server stopped decoding this stream for now (its picture worker fell behind, see picturePool.ts): no server
   * keyframes until a key message of the agent resumes it; waiting viewers are brought in by such a key message.
   */
  picturePaused(): void {
    // Viewers waiting now find no keyframe at their refresh point and ask for a key message then.
    this.paused = true;
    this.keyCache = null;
  }

  /** The paused picture can resume: the agent's next key message brings it back (and every viewer with it). */
  pictureResumable(): void {
    if (this.paused && this.open) this.options.requestKey();
  }

  /** Handles one binary frame from the agent; returns why it is malformed or out of order, or null. */
  fromAgent(data: Uint8Array): string | null {
    const parts = classify(data);
    if (typeof parts === 'string') return parts;
    switch (parts.is) {
      case 'cursor':
        this.forward(data, false, () => true);
        return null;
      case 'key': {
        const size = keyMessageSize(parts.payload);
        if (size && this.options.maxPixels !== undefined && size.width * size.height > this.options.maxPixels)
          return `screen ${size.width}x${size.height} is larger than this server accepts (${this.options.maxPixels} pixels at most)`;
        // A new epoch from the agent (first picture, size change, reset) is self-contained: everyone is in sync.
        this.paused = false; // the picture may resume with it (else picturePaused comes again at once)
        this.picture.apply(parts.payload);
        this.hasPicture = this.open = true;
        this.versionValue++;
        this.epoch++;
        this.refreshAskedAt = null;
        for (const [sink, state] of this.viewers) {
          // Frames held for a seek point were part of the stream: they go, without the seek point.
          if (state.pending?.wasSynced) for (const f of state.pending.frames) sink.send(f, false);
          state.pending = null;
          state.synced = true;
          state.seekPoint = false;
        }
        this.forward(data, true, () => true);
        return null;
      }
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
  }

  /**
   * Just before the agent's Refresh frame: viewers waiting for a resync, and those that asked for a seek point, are
   * to get a keyframe of the picture as it is now (the refresh message applies to exactly this picture) and then
   * the stream from the refresh on, held for them until the keyframe is made.
   */
  private refreshPoint(): void {
    this.refreshAskedAt = null;
    const version = this.versionValue;
    let wanted = false;
    for (const [sink, state] of this.viewers) {
      if (state.pending) continue; // its keyframe is on the way; the frames it holds include this refresh
      if (state.synced && !state.seekPoint) continue;
      if (!state.synced && sink.buffered() > this.options.maxBufferedBytes) continue;
      state.pending = { version, frames: [], bytes: 0, wasSynced: state.synced };
      state.seekPoint = false;
      wanted = true;
    }
    if (!wanted) return;
    const epoch = this.epoch;
    void this.keyframeOf(version).then((key) => this.settle(version, epoch, key));
  }

  /** The keyframe of a refresh point is ready (or cannot be made): release what its viewers held. */
  private settle(version: number, epoch: number, key: Uint8Array | null): void {
    for (const [sink, state] of this.viewers) {
      const pending = state.pending;
      if (!pending || pending.version !== version) continue;
      state.pending = null;
      if (key && epoch === this.epoch) {
        if (state.shown !== version) {
          sink.send(key, true);
          state.shown = version;
        }
      } else if (!pending.wasSynced) {
        state.synced = false; // no picture to start from: it waits for the next refresh point
        continue;
      }
      for (const f of pending.frames) sink.send(f, false);
      state.synced = true;
    }
    if (this.someoneWaiting()) this.askRefresh();
  }

  private someoneWaiting(): boolean {
    for (const [sink, state] of this.viewers)
      if (!state.synced && !state.pending && sink.buffered() <= this.options.maxBufferedBytes) return true;
    return false;
  }

  /** Sends a viewer out of sync a keyframe of the current picture once it is made (a picture to look at meanwhile). */
  private showCurrent(sink: ViewerSink, state: ViewerState): void {
    if (!this.hasPicture || this.paused) return;
    const version = this.versionValue;
    const epoch = this.epoch;
    void this.keyframeOf(version).then((key) => {
      // Too late if the viewer left, got in sync (an agent keyframe, a refresh point) or shows this picture already.
      if (!key || epoch !== this.epoch || this.viewers.get(sink) !== state) return;
      if (state.synced || state.pending || state.shown >= version) return;
      if (sink.buffered() > this.options.maxBufferedBytes) return;
      sink.send(key, true);
      state.shown = version;
    });
  }

  /** The framed keyframe of the picture at `version`, which must be the current one: made once per version. */
  private keyframeOf(version: number): Promise<Uint8Array | null> {
    if (this.keyCache?.version !== version) {
      const made = this.picture.keyframe().then((key) => (key ? frame(DesktopFrame.Keyframe, key) : null));
      this.keyCache = { version, frame: made };
    }
    return this.keyCache.frame;
  }

  private forward(data: Uint8Array, keyframe: boolean, to: (s: ViewerState) => boolean): void {
    for (const [sink, state] of this.viewers) {
      if (state.pending) {
        this.hold(sink, state, data);
        continue;
      }
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

  private hold(sink: ViewerSink, state: ViewerState, data: Uint8Array): void {
    const pending = state.pending!;
    pending.frames.push(new Uint8Array(data)); // kept past the socket's callback: a copy
    pending.bytes += data.byteLength;
    if (pending.wasSynced) {
      if (pending.bytes <= this.maxHeldBytes) return;
      // The keyframe is far too slow: the stream goes on without this seek point.
      for (const f of pending.frames) sink.send(f, false);
      state.pending = null;
    } else if (pending.bytes > this.options.maxBufferedBytes) {
      // More than the viewer could take at once: it waits for a later refresh point instead.
      state.pending = null;
      state.synced = false;
    }
  }

  /** Asks for the agent's next refresh point, or for a key message while the picture is paused. */
  private askRefresh(): void {
    if (!this.open) return; // the next connection starts with a keyframe anyway
    const now = performance.now();
    if (this.refreshAskedAt !== null && now - this.refreshAskedAt < this.refreshRetryMs) return;
    this.refreshAskedAt = now;
    if (this.paused) this.options.requestKey();
    else this.options.requestRefresh();
  }
}
