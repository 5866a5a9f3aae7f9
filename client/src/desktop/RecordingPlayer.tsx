// A session's screen recording: play, pause, seek on the timeline (click, drag, arrow keys), 1-8x. Decoding and
// painting run in their own worker, as in the live view; a seek decodes from the seek point before the target and
// paints only the target. Renders nothing when the session has no recording (the server answers 404).
import { createEffect, createMemo, createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { RecordingIndex } from '../../../server/protocol/recording.ts';
import { desktopApi } from '../api/desktop.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { ErrorMessage, Loading } from '../components/ui.tsx';
import { displaySize, type Size } from './coordinates.ts';
import { CursorOverlay } from './cursorOverlay.ts';
import { createDecoderHost, startDecodeWorker, type DecoderHost, type DecoderHostEvents } from './decoderHost.ts';
import { Playback, type PlaybackStatus, type RecordingSource } from './playback.ts';
import { exposePlayerHook } from './testHook.ts';
import { formatTime, fractionOf, keyTarget, positionAt, SPEEDS, type Speed } from './timeline.ts';
import './desktop.css';

export interface RecordingPlayerProps {
  sessionId: number;
  /** Test seams. */
  loadIndex?: (sessionId: number) => Promise<RecordingIndex>;
  source?: RecordingSource;
  createDecoder?: (canvas: HTMLCanvasElement, events: DecoderHostEvents) => DecoderHost;
}

export function RecordingPlayer(props: RecordingPlayerProps) {
  const load = () => (props.loadIndex ?? desktopApi.recording)(props.sessionId).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) return null; // no recording: nothing to show
    throw e;
  });
  const [index, { refetch }] = createResource(() => props.sessionId, load);
  return (
    <Show when={!index.error} fallback={<ErrorMessage error={`The recording could not be loaded: ${errorMessage(index.error)}`} />}>
      <Show when={index.state !== 'pending' || index.latest} fallback={<Loading label="Loading the recording…" />}>
        <Show when={index.latest} keyed>
          {(ix) => (
            <section class="card stack tight" aria-labelledby={`recording-title-${props.sessionId}`}>
              <h2 id={`recording-title-${props.sessionId}`} class="section-title">
                Screen recording
              </h2>
              <Show when={ix.seekPoints.length > 0} fallback={<p class="muted small">The session was recorded, but nothing playable was saved yet.</p>}>
                <Player {...props} index={ix} reload={() => void refetch()} />
              </Show>
            </section>
          )}
        </Show>
      </Show>
    </Show>
  );
}

const defaultDecoder = (canvas: HTMLCanvasElement, events: DecoderHostEvents) => createDecoderHost(startDecodeWorker(), canvas, events);

const STATUS_TEXT: Record<PlaybackStatus, string> = {
  idle: 'Ready',
  seeking: 'Seeking…',
  playing: 'Playing',
  paused: 'Paused',
  ended: 'End of the recording',
  error: 'Playback failed',
};

function Player(props: RecordingPlayerProps & { index: RecordingIndex; reload: () => void }) {
  const [status, setStatus] = createSignal<PlaybackStatus>('idle');
  const [position, setPosition] = createSignal(0);
  const [dragAt, setDragAt] = createSignal<number | null>(null);
  const [speed, setSpeed] = createSignal<Speed>(1);
  const [picture, setPicture] = createSignal<Size>({ width: 0, height: 0 });
  const [viewport, setViewport] = createSignal<Size>({ width: 0, height: 0 });
  const [error, setError] = createSignal<string | null>(null);
  const duration = () => props.index.durationMs;
  const shown = () => dragAt() ?? position();
  const display = createMemo(() => displaySize(picture(), viewport(), 'fit', window.devicePixelRatio || 1));

  let canvas!: HTMLCanvasElement;
  let cursorCanvas!: HTMLCanvasElement;
  let viewportEl!: HTMLDivElement;
  let timeline!: HTMLDivElement;
  let playback!: Playback;
  let cursor!: CursorOverlay;

  onMount(() => {
    cursor = new CursorOverlay(cursorCanvas);
    const decoder = (props.createDecoder ?? defaultDecoder)(canvas, {
      onPaint: (r) => {
        const p = picture();
        if (p.width !== r.width || p.height !== r.height) setPicture({ width: r.width, height: r.height });
      },
      onError: (message) => setError(`A frame of the recording could not be decoded (${message}); it continues at the next seek point.`),
      onFailed: (message) => setError(`The decoder could not start: ${message}`),
    });
    const source: RecordingSource = props.source ?? { stream: (from, signal) => desktopApi.recordingStream(props.sessionId, from, signal) };
    playback = new Playback(
      props.index,
      source,
      {
        frames: (frames, paint) => decoder.frames(frames, paint),
        reset: () => decoder.reset(),
        cursorShape: (s) => cursor.shape(s),
        cursorPosition: (p) => cursor.move(p),
      },
      { now: () => performance.now(), setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as number) },
      () => {
        setStatus(playback.status);
        setPosition(playback.position);
        setSpeed(playback.speed);
        if (playback.status === 'error') setError(playback.error);
      },
    );
    // While playing, the clock moves on its own: refresh the time shown a few times a second.
    const tick = setInterval(() => {
      if (playback.status === 'playing') setPosition(playback.position);
    }, 200);
    const resize = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => measure()) : null;
    const measure = () => setViewport({ width: viewportEl.clientWidth, height: viewportEl.clientHeight });
    resize?.observe(viewportEl);
    measure();
    const unhook = exposePlayerHook({ picture: () => decoder.picture(), position: () => playback.position, status: () => playback.status });
    void playback.seek(0);
    onCleanup(() => {
      playback.dispose();
      decoder.dispose();
      clearInterval(tick);
      resize?.disconnect();
      unhook();
    });
  });
  createEffect(() => {
    const d = display(), p = picture(); // read first: the overlay may not exist on the first run
    cursor?.layout(d, p);
  });

  const seek = (ms: number) => {
    setError(null);
    setPosition(ms);
    void playback.seek(ms);
  };
  const pointerTime = (e: PointerEvent) => positionAt(e.clientX, timeline.getBoundingClientRect(), duration());

  return (
    <section class="desktop player" aria-label="Screen recording" data-testid="recording-player">
      <div class="desktop-viewport" ref={viewportEl}>
        <div class="desktop-surface" style={{ width: `${display().width}px`, height: `${display().height}px` }}>
          <canvas ref={canvas} class="desktop-canvas" data-testid="player-canvas" aria-label="Recorded screen" />
          <canvas ref={cursorCanvas} class="desktop-cursor" aria-hidden="true" />
        </div>
      </div>
      <div class="player-controls">
        <button
          type="button"
          class="button small primary"
          data-testid="player-play"
          aria-label={status() === 'playing' ? 'Pause' : 'Play'}
          onClick={() => playback.toggle()}
        >
          {status() === 'playing' ? 'Pause' : 'Play'}
        </button>
        <div
          ref={timeline}
          class="player-timeline"
          data-testid="player-timeline"
          role="slider"
          tabindex="0"
          aria-label="Position in the recording"
          aria-valuemin={0}
          aria-valuemax={Math.round(duration() / 1000)}
          aria-valuenow={Math.round(shown() / 1000)}
          aria-valuetext={`${formatTime(shown())} of ${formatTime(duration())}`}
          onPointerDown={(e) => {
            timeline.focus();
            try {
              timeline.setPointerCapture(e.pointerId);
            } catch {
              // synthetic event
            }
            setDragAt(pointerTime(e));
          }}
          onPointerMove={(e) => {
            if (dragAt() !== null) setDragAt(pointerTime(e));
          }}
          onPointerUp={(e) => {
            if (dragAt() === null) return;
            setDragAt(null);
            seek(pointerTime(e));
          }}
          onPointerCancel={() => setDragAt(null)}
          onKeyDown={(e) => {
            if (e.key === ' ' || e.key === 'k') {
              e.preventDefault();
              playback.toggle();
              return;
            }
            const to = keyTarget(e.key, e.shiftKey, position(), duration());
            if (to === null) return;
            e.preventDefault();
            seek(to);
          }}
        >
          <div class="player-progress" style={{ width: `${fractionOf(shown(), duration()) * 100}%` }} />
          <div class="player-thumb" style={{ left: `${fractionOf(shown(), duration()) * 100}%` }} />
        </div>
        <span class="player-time" data-testid="player-time" data-position={Math.round(shown())} data-status={status()}>
          {formatTime(shown())} / {formatTime(duration())}
        </span>
        <label class="visually-hidden" for={`player-speed-${props.sessionId}`}>
          Speed
        </label>
        <select
          id={`player-speed-${props.sessionId}`}
          class="desktop-select"
          data-testid="player-speed"
          onChange={(e) => playback.setSpeed(Number(e.currentTarget.value) as Speed)}
        >
          <For each={SPEEDS}>
            {(s) => (
              <option value={s} selected={speed() === s}>
                {s}×
              </option>
            )}
          </For>
        </select>
        <span class="muted small" role="status">
          {STATUS_TEXT[status()]}
        </span>
        <Show when={props.index.live}>
          <button type="button" class="button small" title="The session is still being recorded: load what was recorded since" onClick={() => props.reload()}>
            Load newer
          </button>
        </Show>
      </div>
      <p class="muted small">Space plays or pauses; arrow keys on the timeline move 5 s (with Shift 1 min), Home and End jump to the ends.</p>
      <ErrorMessage error={error()} />
    </section>
  );
}
