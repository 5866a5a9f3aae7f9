// The viewer's own keyboard shortcuts. All use Ctrl+Alt+Shift so they never collide with what an engineer types
// into the remote machine; they are matched by physical key (KeyboardEvent.code), whatever the keyboard layout.

export type ViewerAction = 'fullscreen' | 'toggle-control' | 'toggle-scale' | 'toggle-stats' | 'clipboard';

export const VIEWER_SHORTCUTS: readonly { code: string; keys: string; action: ViewerAction; label: string }[] = [
  { code: 'KeyF', keys: 'Ctrl+Alt+Shift+F', action: 'fullscreen', label: 'Full screen on/off' },
  { code: 'KeyV', keys: 'Ctrl+Alt+Shift+V', action: 'toggle-control', label: 'Switch between view only and control' },
  { code: 'KeyS', keys: 'Ctrl+Alt+Shift+S', action: 'toggle-scale', label: 'Fit to window / actual size (1:1)' },
  { code: 'KeyI', keys: 'Ctrl+Alt+Shift+I', action: 'toggle-stats', label: 'Show or hide the statistics' },
  { code: 'KeyC', keys: 'Ctrl+Alt+Shift+C', action: 'clipboard', label: 'Open the clipboard panel' },
];

export interface ShortcutKey {
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/** The viewer action a key press asks for, or null when the key is for the remote machine (or the page). */
export function viewerShortcut(event: ShortcutKey): ViewerAction | null {
  if (!(event.ctrlKey && event.altKey && event.shiftKey) || event.metaKey) return null;
  return VIEWER_SHORTCUTS.find((s) => s.code === event.code)?.action ?? null;
}
