// The live remote desktop of one support session: the picture (decoded and painted in a worker), the remote
// cursor on its own layer, the toolbar, clipboard and statistics, input in control mode, full screen, and the
// reasons there is no picture yet. Talks to the server through DesktopConnection (/ws/desktop/:sessionId).
import { createEffect, createMemo, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { SpecialCombo } from '../../../server/protocol/desktop.ts';
import type { SocketLike } from '../live/reconnectingSocket.ts';
import { toast } from '../lib/toasts.ts';
import { ClipboardPanel } from './ClipboardPanel.tsx';
import { displaySize, toRemote, type ScaleMode, type Size } from './coordinates.ts';
import { CursorOverlay } from './cursorOverlay.ts';
import { createDecoderHost, startDecodeWorker, type DecoderHost, type DecoderHostEvents } from './decoderHost.ts';
import { DesktopConnection } from './desktopConnection.ts';
import { canControl, controlOffered, INITIAL_STATE, viewPhase, type ConnectionState, type DesktopState } from './desktopState.ts';
import { DesktopToolbar, phaseText } from './DesktopToolbar.tsx';
import { attachInput } from './domInput.ts';
import { InputQueue, type Schedule } from './inputQueue.ts';
import { StatsMeter, type DesktopStats } from './statsMeter.ts';
import { StatsOverlay } from './StatsOverlay.tsx';
import { exposeDesktopHook } from './testHook.ts';
import type { ViewerAction } from './viewerShortcuts.ts';
import { viewerShortcut } from './viewerShortcuts.ts';
import './desktop.css';

export interface DesktopViewProps {
  sessionId: number;
  /** Test seams: a fake socket, a decoder without a worker, a synchronous frame scheduler. */
  createSocket?: (url: string) => SocketLike;
  createDecoder?: (canvas: HTMLCanvasElement, events: DecoderHostEvents) => DecoderHost;
  schedule?: Schedule;
}

const defaultDecoder = (canvas: HTMLCanvasElement, events: DecoderHostEvents) => createDecoderHost(startDecodeWorker(), canvas, events);

export function DesktopView(props: DesktopViewProps) {
  const [state, setState] = createSignal<DesktopState>(INITIAL_STATE);
  const [connection, setConnection] = createSignal<ConnectionState>('connecting');
  const [retryIn, setRetryIn] = createSignal<number | null>(null);
  const [picture, setPicture] = createSignal<Size>({ width: 0, height: 0 });
  const [viewport, setViewport] = createSignal<Size>({ width: 0, height: 0 });
  const [scale, setScale] = createSignal<ScaleMode>('fit');
  const [controlling, setControlling] = createSignal(false);
  const [fullscreen, setFullscreen] = createSignal(false);
  const [statsShown, setStatsShown] = createSignal(true);
  const [clipboardOpen, setClipboardOpen] = createSignal(false);
  const [pointerInside, setPointerInside] = createSignal(false);
  const [localCursor, setLocalCursor] = createSignal<string | null>(null);
  const [decoderFailed, setDecoderFailed] = createSignal<string | null>(null);
  const meter = new StatsMeter();
  const [stats, setStats] = createSignal<DesktopStats>(meter.snapshot(performance.now()));

  let section!: HTMLElement;
  let viewportEl!: HTMLDivElement;
  let canvas!: HTMLCanvasElement;
  let cursorCanvas!: HTMLCanvasElement;

  const phase = createMemo(() => viewPhase(state(), connection(), picture().width > 0, retryIn()));
  const display = createMemo(() => displaySize(picture(), viewport(), scale(), window.devicePixelRatio || 1));
  const offered = () => controlOffered(state());
  const allowed = () => canControl(state());

  let decoder!: DecoderHost;
  let conn!: DesktopConnection;
  let cursor!: CursorOverlay;
  const schedule: Schedule = props.schedule ?? ((cb) => requestAnimationFrame(cb));
  const queue = new InputQueue((events) => void conn.input(events), schedule);

  const setControl = (on: boolean) => {
    if (on && !allowed()) return;
    if (!on && controlling()) queue.releaseAll(true);
    setControlling(on);
    if (on) canvas.focus({ preventScroll: true });
  };
  // The server took control away, the customer withdrew consent, or the connection dropped: back to watching.
  createEffect(
    on(
      () => allowed() && connection() === 'open',
      (ok) => {
        if (ok || !controlling()) return;
        if (connection() === 'open') queue.releaseAll(true);
        else queue.forget();
        setControlling(false);
      },
    ),
  );

  const toggleFullscreen = async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await section.requestFullscreen();
    } catch {
      toast('Full screen is not available here.', 'error');
    }
  };
  const doAction = (action: ViewerAction) => {
    switch (action) {
      case 'fullscreen':
        void toggleFullscreen();
        return;
      case 'toggle-control':
        setControl(!controlling());
        return;
      case 'toggle-scale':
        setScale((s) => (s === 'fit' ? '1:1' : 'fit'));
        return;
      case 'toggle-stats':
        setStatsShown((s) => !s);
        return;
      case 'clipboard':
        setClipboardOpen(true);
        queueMicrotask(() => section.querySelector<HTMLTextAreaElement>('[data-testid="clipboard-in"]')?.focus());
        return;
    }
  };

  onMount(() => {
    cursor = new CursorOverlay(cursorCanvas);
    decoder = (props.createDecoder ?? defaultDecoder)(canvas, {
      onPaint: (r) => {
        meter.painted(performance.now(), r.messages, r.decodeMs, r.width, r.height, r.paintMs);
        const p = picture();
        if (p.width !== r.width || p.height !== r.height) setPicture({ width: r.width, height: r.height });
      },
      onError: () => conn.resync(),
      onFailed: (message) => setDecoderFailed(message),
    });
    conn = new DesktopConnection({
      sessionId: props.sessionId,
      decoder,
      meter,
      createSocket: props.createSocket,
      onState: (s) => {
        const before = state();
        setState(s);
        if (s.refused && s.refused !== before.refused) toast(`The customer’s machine refused: ${s.refused.what} (${s.refused.reason}).`, 'error', 6000);
        if (s.clipboard !== null && s.clipboard !== before.clipboard) setClipboardOpen(true);
      },
      onConnection: (c, retry) => {
        setConnection(c);
        setRetryIn(retry);
      },
      onCursorShape: (shape) => {
        cursor.shape(shape);
        setLocalCursor(cursor.cssCursor());
      },
      onCursorPosition: (position) => cursor.move(position),
    });
    const detach = attachInput(canvas, {
      queue,
      remote: (x, y) => (picture().width > 0 ? toRemote(x, y, canvas.getBoundingClientRect(), picture()) : null),
      controlling: () => controlling() && connection() === 'open',
      onShortcut: doAction,
    });
    // Shortcuts also work while a toolbar control has the focus.
    const onSectionKey = (e: KeyboardEvent) => {
      const action = viewerShortcut(e);
      if (!action) return;
      e.preventDefault();
      doAction(action);
    };
    section.addEventListener('keydown', onSectionKey);
    const onFullscreen = () => setFullscreen(document.fullscreenElement === section);
    document.addEventListener('fullscreenchange', onFullscreen);
    const onHidden = () => {
      if (document.visibilityState === 'hidden' && controlling()) queue.releaseAll(true);
    };
    document.addEventListener('visibilitychange', onHidden);
    const resize = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => measure()) : null;
    const measure = () => setViewport({ width: viewportEl.clientWidth, height: viewportEl.clientHeight });
    resize?.observe(viewportEl);
    measure();
    const timer = setInterval(() => setStats(meter.snapshot(performance.now())), 500);
    const unhook = exposeDesktopHook({ picture: () => decoder.picture(), stats: () => meter.snapshot(performance.now()) });
    conn.start();
    onCleanup(() => {
      if (controlling()) queue.releaseAll(true);
      conn.stop();
      decoder.dispose();
      detach();
      section.removeEventListener('keydown', onSectionKey);
      document.removeEventListener('fullscreenchange', onFullscreen);
      document.removeEventListener('visibilitychange', onHidden);
      resize?.disconnect();
      clearInterval(timer);
      unhook();
    });
  });

  createEffect(() => {
    const d = display(), p = picture(); // read first: the overlay may not exist on the first run
    cursor?.layout(d, p);
  });
  // In control mode the local pointer takes the remote cursor's shape, so the overlay (which lags by a round
  // trip) is hidden while the pointer is over the picture.
  createEffect(() => {
    const hidden = controlling() && pointerInside();
    cursor?.setHidden(hidden);
  });

  // In full screen and in control, the browser hands Escape, Alt+Tab and the like to the page (Keyboard Lock API;
  // holding Escape still leaves full screen).
  createEffect(() => {
    const keyboard = (navigator as Navigator & { keyboard?: { lock?(): Promise<void>; unlock?(): void } }).keyboard;
    if (fullscreen() && controlling()) keyboard?.lock?.().catch(() => {});
    else keyboard?.unlock?.();
  });

  const send = (combo: SpecialCombo) => {
    queue.combo(combo);
    canvas.focus({ preventScroll: true });
  };

  return (
    <section
      class="desktop"
      classList={{ fullscreen: fullscreen(), controlling: controlling() }}
      ref={section}
      aria-label="Remote screen"
      data-testid="desktop"
    >
      <DesktopToolbar
        phase={phase()}
        controlOffered={offered()}
        canControl={allowed()}
        controlling={controlling()}
        onToggleControl={() => setControl(!controlling())}
        scale={scale()}
        onToggleScale={() => doAction('toggle-scale')}
        monitors={state().monitors}
        monitor={state().monitor}
        onMonitor={(index) => conn.send({ type: 'monitor', index })}
        onCombo={send}
        clipboardOpen={clipboardOpen()}
        onToggleClipboard={() => setClipboardOpen((o) => !o)}
        statsShown={statsShown()}
        onToggleStats={() => doAction('toggle-stats')}
        fullscreen={fullscreen()}
        onToggleFullscreen={() => void toggleFullscreen()}
      />
      <div class="desktop-viewport" classList={{ scroll: scale() === '1:1' }} ref={viewportEl}>
        <div class="desktop-surface" style={{ width: `${display().width}px`, height: `${display().height}px` }}>
          <canvas
            ref={canvas}
            class="desktop-canvas"
            data-testid="desktop-canvas"
            tabindex="0"
            aria-label={controlling() ? 'Remote screen (you are in control: keys and mouse go to the customer’s machine)' : 'Remote screen (view only)'}
            style={{ cursor: controlling() ? (localCursor() ?? 'default') : 'default' }}
            onPointerEnter={() => setPointerInside(true)}
            onPointerLeave={() => setPointerInside(false)}
          />
          <canvas ref={cursorCanvas} class="desktop-cursor" aria-hidden="true" />
        </div>
        <Show when={phase().kind !== 'live'}>
          <div class="desktop-empty" classList={{ over: picture().width > 0 }} role="status">
            <p>{decoderFailed() ? `The desktop decoder could not start: ${decoderFailed()}` : phaseText(phase())}</p>
            <Show when={phase().kind === 'waiting-agent'}>
              <p class="muted small">The picture appears as soon as the Tessera agent on the customer’s machine is connected to this session.</p>
            </Show>
            <Show when={phase().kind === 'waiting-consent'}>
              <p class="muted small">The customer is asked on their machine; the picture appears once they allow it.</p>
            </Show>
          </div>
        </Show>
        <StatsOverlay stats={stats()} shown={statsShown()} />
      </div>
      <Show when={clipboardOpen()}>
        <ClipboardPanel
          received={state().clipboard}
          allowed={state().consent.includes('clipboard')}
          controlling={controlling()}
          onSend={(text) => {
            if (conn.send({ type: 'clipboard', text })) toast('Sent to the remote clipboard.');
          }}
          onType={(text) => {
            queue.text(text);
            canvas.focus({ preventScroll: true });
          }}
          onRequest={() => conn.send({ type: 'clipboard-request' })}
        />
      </Show>
    </section>
  );
}
