// Screen capture, input injection and clipboard of the machine the agent runs on (native/capture, X11 first).
// Loads the addon with a literal require so `bun build --compile` can see and embed the .node file.

/** A rectangle in desktop coordinates (the X root window; all monitors together). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Monitor extends Rect {
  /** XRandR monitor name, e.g. "DP-1" ("screen" when the system tells no monitors). */
  name: string;
  primary: boolean;
}

/**
 * One captured picture: BGRX (byte 0 blue, 1 green, 2 red, 3 undefined), rows `stride` bytes apart, its top-left
 * corner at (x, y) of the desktop. `data` is the capture's own buffer, reused by the next grab() (no copy, no
 * allocation per frame): encode or copy it before grabbing again. It stays valid (though overwritten) after a
 * resolution change or close().
 */
export interface CapturedFrame extends Rect {
  stride: number;
  data: Uint8Array;
}

export interface CursorShape {
  width: number;
  height: number;
  /** The hot spot (the pixel that points), from the shape's top-left corner. */
  hotX: number;
  hotY: number;
  /** The cursor theme's name ("left_ptr", "xterm"...) or "". */
  name: string;
  /** RGBA with straight (not premultiplied) alpha, width * 4 bytes a row. */
  rgba: Uint8Array;
}

export interface CursorInfo {
  /** Pointer position in desktop coordinates. */
  x: number;
  y: number;
  /** Changes whenever the shape changes (0 when the system can't tell shapes). */
  serial: number;
  /** Present when the shape changed since the last cursor() that returned one (or when forced). */
  shape?: CursorShape;
}

export interface ScreenCapture {
  readonly display: string;
  /** Size of the whole desktop, after any resolution change. */
  size(): { width: number; height: number };
  /** Monitors (never empty); a viewer picks one of them or the whole desktop. */
  monitors(): Monitor[];
  /** Increases whenever the desktop size or the monitor layout changes. */
  layoutVersion(): number;
  /** Captures the region (clipped to the desktop; throws when nothing is left) or the whole desktop. */
  grab(region?: Rect): CapturedFrame;
  /** Pointer position, and the shape when it changed (or `forceShape`: for a viewer that just joined). */
  cursor(forceShape?: boolean): CursorInfo;
  close(): void;
}

export interface CaptureOptions {
  /** Use MIT-SHM (default true); false forces the slower copy path that remote X servers get. */
  shm?: boolean;
}

/** 1 left, 2 middle, 3 right, 4/5 wheel up/down, 6/7 wheel left/right, 8/9 back/forward. */
export type MouseButton = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export interface InputInjector {
  /** Moves the pointer to desktop coordinates, clamped to the desktop. */
  move(x: number, y: number): void;
  button(button: MouseButton, down: boolean): void;
  /** Wheel clicks: dy > 0 scrolls down, dx > 0 scrolls right (at most 100 each per call). */
  wheel(dx: number, dy: number): void;
  /**
   * A key by X keysym (what RFB/VNC and the viewer's key mapping send); modifiers are keys too (Shift_L 0xffe1,
   * Control_L 0xffe3, Alt_L 0xffe9, Super_L 0xffeb). Works whatever the agent's layout is; a keysym no key makes
   * is put on a spare key first.
   */
  key(keysym: number, down: boolean): void;
  /** Types text, any Unicode (newline is Return, tab is Tab), whatever the keyboard layout. */
  type(text: string): void;
  /** A key combination by name: one of SPECIAL_KEY_COMBOS or any 'mod+mod+key' of KEY_NAMES (e.g. 'ctrl+shift+t'). */
  combo(name: string): void;
  /** Releases every key and button this injector holds (viewer lost focus, control revoked, disconnect). */
  releaseAll(): void;
  /** Keys and buttons currently held down by this injector. */
  heldCount(): number;
  /** Releases everything held, then closes. */
  close(): void;
}

export interface ClipboardOptions {
  /** Largest text taken from or put on the clipboard, in UTF-8 bytes (default 1 MiB). */
  maxBytes?: number;
  /** Report changes made by other programs to onChange listeners (default true). */
  watch?: boolean;
}

export interface ClipboardChange {
  /** The new clipboard text, or null when it was over the size limit. */
  text: string | null;
  tooLarge: boolean;
}

export interface Clipboard {
  readonly maxBytes: number;
  /** The clipboard text; null when the clipboard is empty or holds no text. Rejects when over maxBytes. */
  get(): Promise<string | null>;
  /**
   * Puts text on the clipboard (this process then owns it until another program takes it); resolves once it does.
   * Throws at once when the text is over maxBytes.
   */
  set(text: string): Promise<void>;
  /** Called when another program changes the clipboard (only when it differs from the last text seen or set). */
  onChange(listener: (change: ClipboardChange) => void): () => void;
  close(): void;
}

interface NativeCapture {
  bounds(): Rect;
  monitors(): Monitor[];
  layoutVersion(): number;
  grab(region?: Rect): CapturedFrame;
  cursor(forceShape?: boolean): CursorInfo;
  close(): void;
}

interface NativeInput {
  move(x: number, y: number): void;
  button(button: number, down: boolean): void;
  wheel(dx: number, dy: number): void;
  key(keysym: number, down: boolean): void;
  type(text: string): void;
  chord(keysyms: number[]): void;
  releaseAll(): void;
  heldCount(): number;
  close(): void;
}

type ClipboardEventKind = 'text' | 'change' | 'error';

interface NativeClipboard {
  request(id: number): void;
  set(id: number, text: string): void;
  close(): void;
}

interface CaptureAddon {
  captureBackend: string;
  ScreenCapture: new (display: string | undefined, options: CaptureOptions) => NativeCapture;
  InputInjector: new (display: string | undefined) => NativeInput;
  Clipboard: new (
    display: string | undefined,
    maxBytes: number,
    watch: boolean,
    onEvent: (kind: ClipboardEventKind, id: number, text: string, flag: boolean) => void,
  ) => NativeClipboard;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const addon: CaptureAddon = require('../build/Release/tessera.node');

/** The backend compiled into this build: 'x11', or 'none' on an OS without one yet. */
export const captureBackend: string = addon.captureBackend;

function displayName(display: string | undefined): string {
  const name = display ?? process.env.DISPLAY;
  if (name === undefined || name === '') throw new Error('no X display: pass one (e.g. ":0") or set DISPLAY');
  if (typeof name !== 'string') throw new TypeError('display must be a string');
  return name;
}

export function openCapture(display?: string, options: CaptureOptions = {}): ScreenCapture {
  const name = displayName(display);
  const native = new addon.ScreenCapture(name, { shm: options.shm ?? true });
  return {
    display: name,
    size() {
      const { width, height } = native.bounds();
      return { width, height };
    },
    monitors: () => native.monitors(),
    layoutVersion: () => native.layoutVersion(),
    grab: (region) => native.grab(region),
    cursor: (forceShape = false) => native.cursor(forceShape),
    close: () => native.close(),
  };
}

/** X keysyms of the keys the console's special-keys menu and combo() name. */
export const KEY_NAMES: Readonly<Record<string, number>> = Object.freeze({
  ctrl: 0xffe3,
  control: 0xffe3,
  shift: 0xffe1,
  alt: 0xffe9,
  altgr: 0xfe03,
  win: 0xffeb,
  super: 0xffeb,
  meta: 0xffe7,
  del: 0xffff,
  delete: 0xffff,
  esc: 0xff1b,
  escape: 0xff1b,
  tab: 0xff09,
  enter: 0xff0d,
  return: 0xff0d,
  space: 0x20,
  backspace: 0xff08,
  insert: 0xff63,
  home: 0xff50,
  end: 0xff57,
  pageup: 0xff55,
  pagedown: 0xff56,
  up: 0xff52,
  down: 0xff54,
  left: 0xff51,
  right: 0xff53,
  print: 0xff61,
  printscreen: 0xff61,
  menu: 0xff67,
  pause: 0xff13,
  ...Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`f${i + 1}`, 0xffbe + i])),
});

/** The special-keys menu: combinations a viewer can't send itself because its own system takes them. */
export const SPECIAL_KEY_COMBOS: readonly { id: string; label: string }[] = Object.freeze([
  { id: 'ctrl+alt+del', label: 'Ctrl+Alt+Del' },
  { id: 'ctrl+shift+esc', label: 'Task manager (Ctrl+Shift+Esc)' },
  { id: 'alt+tab', label: 'Switch window (Alt+Tab)' },
  { id: 'alt+shift+tab', label: 'Switch window back (Alt+Shift+Tab)' },
  { id: 'alt+f4', label: 'Close window (Alt+F4)' },
  { id: 'win', label: 'Start menu (Win)' },
  { id: 'ctrl+esc', label: 'Start menu (Ctrl+Esc)' },
  { id: 'win+l', label: 'Lock screen (Win+L)' },
  { id: 'win+d', label: 'Show desktop (Win+D)' },
  { id: 'win+e', label: 'File explorer (Win+E)' },
  { id: 'win+r', label: 'Run (Win+R)' },
  { id: 'print', label: 'Print Screen' },
  { id: 'alt+print', label: 'Print window (Alt+Print Screen)' },
]);

/** The names server/protocol/desktop.ts SPECIAL_COMBOS uses on the wire. */
const COMBO_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'ctrl-alt-del': 'ctrl+alt+del',
  'alt-tab': 'alt+tab',
  'alt-f4': 'alt+f4',
  super: 'win',
  'ctrl-esc': 'ctrl+esc',
  'print-screen': 'print',
  'ctrl-shift-esc': 'ctrl+shift+esc',
});

/**
 * Keysyms of a combination name such as 'ctrl+alt+del' or 'ctrl+shift+t' (keys in press order); the protocol's
 * names ('ctrl-alt-del', 'super', 'print-screen'...) work too.
 */
export function comboKeysyms(name: string): number[] {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) throw new TypeError('combo must be a name like "ctrl+alt+del"');
  const parts = (COMBO_ALIASES[name.toLowerCase()] ?? name.toLowerCase()).split('+');
  if (parts.length > 8) throw new RangeError('a key combination has 1 to 8 keys');
  return parts.map((part) => {
    const named = KEY_NAMES[part];
    if (named !== undefined) return named;
    const chars = [...part];
    const code = chars.length === 1 ? chars[0]!.codePointAt(0)! : -1;
    if (code > 0x20 && code < 0x7f) return code; // a printable ASCII key: its keysym is its code
    throw new RangeError(`unknown key "${part}" in combo "${name}"`);
  });
}

export function openInput(display?: string): InputInjector {
  const native = new addon.InputInjector(displayName(display));
  return {
    move: (x, y) => native.move(x, y),
    button: (button, down) => native.button(button, down),
    wheel: (dx, dy) => native.wheel(dx, dy),
    key: (keysym, down) => native.key(keysym, down),
    type: (text) => native.type(text),
    combo: (name) => native.chord(comboKeysyms(name)),
    releaseAll: () => native.releaseAll(),
    heldCount: () => native.heldCount(),
    close: () => native.close(),
  };
}

export function openClipboard(display?: string, options: ClipboardOptions = {}): Clipboard {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const watch = options.watch ?? true;
  const pending = new Map<number, { resolve: (text: string | null) => void; reject: (error: Error) => void }>();
  const listeners = new Set<(change: ClipboardChange) => void>();
  let nextId = 1;
  let closed = false;
  const native = new addon.Clipboard(displayName(display), maxBytes, watch, (kind, id, text, flag) => {
    if (closed) return;
    if (kind === 'change') {
      const change: ClipboardChange = flag ? { text: null, tooLarge: true } : { text, tooLarge: false };
      for (const listener of [...listeners]) listener(change);
      return;
    }
    const request = pending.get(id);
    if (!request) return;
    pending.delete(id);
    if (kind === 'error') request.reject(new Error(text));
    else request.resolve(flag ? null : text);
  });
  return {
    maxBytes,
    get() {
      if (closed) return Promise.reject(new Error('clipboard: closed'));
      const id = nextId++;
      return new Promise<string | null>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        try {
          native.request(id);
        } catch (error) {
          pending.delete(id);
          reject(error as Error);
        }
      });
    },
    set(text) {
      if (typeof text !== 'string') throw new TypeError('clipboard text must be a string');
      const id = nextId++;
      native.set(id, text); // throws over maxBytes or when closed
      return new Promise<void>((resolve, reject) => pending.set(id, { resolve: () => resolve(), reject }));
    },
    onChange(listener) {
      if (!watch) throw new Error('clipboard: opened with watch: false');
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      native.close();
      for (const request of pending.values()) request.reject(new Error('clipboard: closed'));
      pending.clear();
      listeners.clear();
    },
  };
}
