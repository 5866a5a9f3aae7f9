// Browser keyboard events -> X keysyms (what the agent's XTest layer and RFB/VNC speak). The keysym comes from
// KeyboardEvent.key, so the customer's machine receives the character the engineer's keyboard layout made (not a
// physical key position); KeyboardEvent.code only tells left from right modifiers and keypad keys apart.

/** The part of a KeyboardEvent the mapping reads (tests pass plain objects). */
export interface KeyLike {
  key: string;
  code: string;
}

export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Clear: 0xff0b,
  Return: 0xff0d,
  Pause: 0xff13,
  Scroll_Lock: 0xff14,
  Escape: 0xff1b,
  Home: 0xff50,
  Left: 0xff51,
  Up: 0xff52,
  Right: 0xff53,
  Down: 0xff54,
  Page_Up: 0xff55,
  Page_Down: 0xff56,
  End: 0xff57,
  Print: 0xff61,
  Insert: 0xff63,
  Menu: 0xff67,
  Help: 0xff6a,
  Num_Lock: 0xff7f,
  KP_Enter: 0xff8d,
  KP_Multiply: 0xffaa,
  KP_Add: 0xffab,
  KP_Separator: 0xffac,
  KP_Subtract: 0xffad,
  KP_Decimal: 0xffae,
  KP_Divide: 0xffaf,
  KP_0: 0xffb0,
  KP_Equal: 0xffbd,
  F1: 0xffbe,
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  Control_L: 0xffe3,
  Control_R: 0xffe4,
  Caps_Lock: 0xffe5,
  Meta_L: 0xffe7,
  Meta_R: 0xffe8,
  Alt_L: 0xffe9,
  Alt_R: 0xffea,
  Super_L: 0xffeb,
  Super_R: 0xffec,
  ISO_Level3_Shift: 0xfe03,
  Delete: 0xffff,
} as const;

/** Keys named by KeyboardEvent.key that have one keysym whatever side they are on. */
const NAMED: Record<string, number> = {
  Backspace: XK.BackSpace,
  Tab: XK.Tab,
  Clear: XK.Clear,
  Enter: XK.Return,
  Pause: XK.Pause,
  ScrollLock: XK.Scroll_Lock,
  Escape: XK.Escape,
  Home: XK.Home,
  ArrowLeft: XK.Left,
  ArrowUp: XK.Up,
  ArrowRight: XK.Right,
  ArrowDown: XK.Down,
  PageUp: XK.Page_Up,
  PageDown: XK.Page_Down,
  End: XK.End,
  PrintScreen: XK.Print,
  Insert: XK.Insert,
  ContextMenu: XK.Menu,
  Help: XK.Help,
  NumLock: XK.Num_Lock,
  CapsLock: XK.Caps_Lock,
  Delete: XK.Delete,
  AltGraph: XK.ISO_Level3_Shift,
};

/** Modifier keys: [left keysym, right keysym]; KeyboardEvent.code ends in "Right" for the right one. */
const MODIFIERS: Record<string, readonly [number, number]> = {
  Shift: [XK.Shift_L, XK.Shift_R],
  Control: [XK.Control_L, XK.Control_R],
  Alt: [XK.Alt_L, XK.Alt_R],
  Meta: [XK.Super_L, XK.Super_R],
  OS: [XK.Super_L, XK.Super_R],
  Super: [XK.Super_L, XK.Super_R],
};

/** Keypad keys by KeyboardEvent.code, used while they produce their character (Num Lock on). */
const KEYPAD: Record<string, number> = {
  NumpadEnter: XK.KP_Enter,
  NumpadMultiply: XK.KP_Multiply,
  NumpadAdd: XK.KP_Add,
  NumpadComma: XK.KP_Separator,
  NumpadSubtract: XK.KP_Subtract,
  NumpadDecimal: XK.KP_Decimal,
  NumpadDivide: XK.KP_Divide,
  NumpadEqual: XK.KP_Equal,
};

/** The keysym of one Unicode character: Latin-1 maps to itself, everything else to 0x01000000 + code point. */
export function unicodeKeysym(codePoint: number): number | null {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return null; // control characters
  if (codePoint <= 0xff) return codePoint;
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return null;
  return 0x01000000 + codePoint;
}

/** True for the keys whose keysym is a modifier (Shift, Control, Alt, Super, AltGr). */
export function isModifierKey(key: string): boolean {
  return key in MODIFIERS || key === 'AltGraph';
}

/**
 * The X keysym for a key event, or null when there is nothing to send (a dead key, whose composed character
 * arrives with the next key; an unidentified key; a control character).
 */
export function keysymFor(event: KeyLike): number | null {
  const { key, code } = event;
  const modifier = MODIFIERS[key];
  if (modifier) return code.endsWith('Right') ? modifier[1] : modifier[0];
  if (code.startsWith('Numpad')) {
    const pad = KEYPAD[code];
    if (pad !== undefined && key !== 'Unidentified') return pad;
    if (/^[0-9]$/.test(key) && /^Numpad[0-9]$/.test(code)) return XK.KP_0 + Number(key);
  }
  const named = NAMED[key];
  if (named !== undefined) return named;
  const fn = /^F([1-9]|[12][0-9]|3[0-5])$/.exec(key);
  if (fn) return XK.F1 + Number(fn[1]) - 1;
  // One character (possibly outside the BMP, so two UTF-16 units): its own keysym.
  const cp = key.codePointAt(0);
  if (cp !== undefined && String.fromCodePoint(cp).length === key.length) return unicodeKeysym(cp);
  return null;
}
