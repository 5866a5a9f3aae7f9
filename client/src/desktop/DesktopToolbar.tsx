// The viewer's toolbar: connection state, view/control, scale, monitor, special keys, clipboard, stats, full
// screen and the list of keyboard shortcuts.
import { For, Show } from 'solid-js';
import type { MonitorInfo } from '../../../server/protocol/agent.ts';
import { SPECIAL_COMBOS, type SpecialCombo } from '../../../server/protocol/desktop.ts';
import type { ScaleMode } from './coordinates.ts';
import { PHASE_TEXT, type Phase } from './desktopState.ts';
import { VIEWER_SHORTCUTS } from './viewerShortcuts.ts';

export const COMBO_LABELS: Record<SpecialCombo, string> = {
  'ctrl-alt-del': 'Ctrl+Alt+Del',
  'alt-tab': 'Alt+Tab',
  'alt-f4': 'Alt+F4',
  super: 'Windows / Super key',
  'ctrl-esc': 'Ctrl+Esc',
  'print-screen': 'Print Screen',
  'ctrl-shift-esc': 'Ctrl+Shift+Esc',
};

export function monitorLabel(m: MonitorInfo, index: number): string {
  return `${index + 1}: ${m.name || 'Monitor'} (${m.width}×${m.height}${m.primary ? ', primary' : ''})`;
}

export function phaseText(phase: Phase): string {
  if (phase.kind === 'reconnecting' && phase.retryInMs !== null && phase.retryInMs >= 1000)
    return `Connection lost; reconnecting in ${Math.ceil(phase.retryInMs / 1000)} s…`;
  return PHASE_TEXT[phase.kind];
}

const PHASE_TONE: Record<Phase['kind'], string> = {
  connecting: 'warn',
  reconnecting: 'danger',
  'waiting-agent': 'warn',
  'waiting-consent': 'warn',
  'waiting-picture': 'warn',
  live: 'ok',
  closed: 'danger',
};

export interface ToolbarProps {
  phase: Phase;
  controlOffered: boolean;
  canControl: boolean;
  controlling: boolean;
  onToggleControl(): void;
  scale: ScaleMode;
  onToggleScale(): void;
  monitors: MonitorInfo[];
  monitor: number | 'all';
  onMonitor(index: number | 'all'): void;
  onCombo(combo: SpecialCombo): void;
  clipboardOpen: boolean;
  onToggleClipboard(): void;
  statsShown: boolean;
  onToggleStats(): void;
  fullscreen: boolean;
  onToggleFullscreen(): void;
}

export function DesktopToolbar(props: ToolbarProps) {
  const controlTitle = () =>
    !props.controlOffered
      ? 'You are watching: only the engineers working the session can take control.'
      : !props.canControl
        ? 'The customer has not allowed control yet.'
        : props.controlling
          ? 'Stop controlling and only watch (Ctrl+Alt+Shift+V)'
          : 'Control the remote machine with your mouse and keyboard (Ctrl+Alt+Shift+V)';
  return (
    <div class="desktop-toolbar" role="toolbar" aria-label="Remote desktop">
      <span class={`desktop-state ${PHASE_TONE[props.phase.kind]}`} data-testid="desktop-state" data-state={props.phase.kind} role="status" aria-live="polite">
        <span class={`dot ${PHASE_TONE[props.phase.kind]}`} aria-hidden="true" />
        {phaseText(props.phase)}
      </span>
      <span class="desktop-toolbar-spacer" />
      <button
        type="button"
        class={`button small${props.controlling ? ' primary' : ''}`}
        data-testid="desktop-mode-toggle"
        data-mode={props.controlling ? 'control' : 'view'}
        aria-pressed={props.controlling}
        disabled={!props.canControl && !props.controlling}
        title={controlTitle()}
        onClick={() => props.onToggleControl()}
      >
        {props.controlling ? 'Controlling' : props.controlOffered ? 'View only: take control' : 'View only'}
      </button>
      <button type="button" class="button small" aria-pressed={props.scale === '1:1'} title="Fit to the window or show actual size (Ctrl+Alt+Shift+S)" onClick={() => props.onToggleScale()}>
        {props.scale === 'fit' ? 'Fit' : '1:1'}
      </button>
      <Show when={props.monitors.length > 0}>
        <label class="visually-hidden" for="desktop-monitor">
          Monitor
        </label>
        <select
          id="desktop-monitor"
          class="desktop-select"
          data-testid="monitor-picker"
          disabled={!props.controlOffered || props.monitors.length < 2}
          title={props.controlOffered ? 'Which monitor to show' : 'Only the engineers working the session choose the monitor'}
          onChange={(e) => {
            const v = e.currentTarget.value;
            props.onMonitor(v === 'all' ? 'all' : Number(v));
          }}
        >
          <option value="all" selected={props.monitor === 'all'}>
            All monitors
          </option>
          <For each={props.monitors}>
            {(m, i) => (
              <option value={String(i())} selected={props.monitor === i()}>
                {monitorLabel(m, i())}
              </option>
            )}
          </For>
        </select>
      </Show>
      <label class="visually-hidden" for="desktop-special-keys">
        Send special keys
      </label>
      <select
        id="desktop-special-keys"
        class="desktop-select"
        data-testid="special-keys"
        value=""
        disabled={!props.controlling}
        title={props.controlling ? 'Send a key combination the browser would keep for itself' : 'Take control to send keys'}
        onChange={(e) => {
          const v = e.currentTarget.value as SpecialCombo | '';
          e.currentTarget.value = '';
          if (v) props.onCombo(v);
        }}
      >
        <option value="">Send keys…</option>
        <For each={SPECIAL_COMBOS}>{(c) => <option value={c}>{COMBO_LABELS[c]}</option>}</For>
      </select>
      <button type="button" class="button small" aria-pressed={props.clipboardOpen} title="Clipboard (Ctrl+Alt+Shift+C)" onClick={() => props.onToggleClipboard()}>
        Clipboard
      </button>
      <button type="button" class="button small" aria-pressed={props.statsShown} title="Statistics (Ctrl+Alt+Shift+I)" onClick={() => props.onToggleStats()}>
        Stats
      </button>
      <button type="button" class="button small" aria-pressed={props.fullscreen} title="Full screen (Ctrl+Alt+Shift+F)" onClick={() => props.onToggleFullscreen()}>
        {props.fullscreen ? 'Exit full screen' : 'Full screen'}
      </button>
      <details class="desktop-help">
        <summary class="button small">Shortcuts</summary>
        <div class="desktop-help-body">
          <ul>
            <For each={VIEWER_SHORTCUTS}>
              {(s) => (
                <li>
                  <kbd>{s.keys}</kbd> {s.label}
                </li>
              )}
            </For>
          </ul>
          <p class="muted small">In control mode every other key goes to the remote machine. Click the picture to give it the keyboard.</p>
        </div>
      </details>
    </div>
  );
}
