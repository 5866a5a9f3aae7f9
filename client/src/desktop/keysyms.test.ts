import { describe, expect, it } from 'vitest';
import { isModifierKey, keysymFor, unicodeKeysym, XK } from './keysyms.ts';

const k = (key: string, code = '') => keysymFor({ key, code });

describe('keysymFor', () => {
  it('maps ASCII letters, digits and punctuation to their own code', () => {
    expect(k('a', 'KeyA')).toBe(0x61);
    expect(k('z', 'KeyZ')).toBe(0x7a);
    expect(k('7', 'Digit7')).toBe(0x37);
    expect(k(' ', 'Space')).toBe(0x20);
    expect(k('/', 'Slash')).toBe(0x2f);
  });

  it('maps shifted characters to the character the layout produced, not the key', () => {
    expect(k('A', 'KeyA')).toBe(0x41);
    expect(k('!', 'Digit1')).toBe(0x21);
    expect(k('?', 'Slash')).toBe(0x3f);
    // A German layout's Shift+7 is "/": the keysym follows the character.
    expect(k('/', 'Digit7')).toBe(0x2f);
  });

  it('maps Latin-1 characters to themselves and everything else to 0x01000000 + code point', () => {
    expect(k('é', 'Digit2')).toBe(0xe9);
    expect(k('ß', 'Minus')).toBe(0xdf);
    expect(k('£')).toBe(0xa3);
    expect(k('ф', 'KeyA')).toBe(0x01000444); // Russian layout
    expect(k('€', 'KeyE')).toBe(0x010020ac);
    expect(k('ś')).toBe(0x0100015b);
    expect(k('あ')).toBe(0x01003042);
    expect(k('😀')).toBe(0x0101f600); // outside the BMP: two UTF-16 units, one character
  });

  it('maps named keys', () => {
    expect(k('Enter', 'Enter')).toBe(XK.Return);
    expect(k('Backspace', 'Backspace')).toBe(XK.BackSpace);
    expect(k('Tab', 'Tab')).toBe(XK.Tab);
    expect(k('Escape', 'Escape')).toBe(XK.Escape);
    expect(k('Delete', 'Delete')).toBe(XK.Delete);
    expect(k('ArrowLeft', 'ArrowLeft')).toBe(0xff51);
    expect(k('ArrowDown', 'ArrowDown')).toBe(0xff54);
    expect(k('PageUp', 'PageUp')).toBe(0xff55);
    expect(k('Home', 'Home')).toBe(0xff50);
    expect(k('End', 'End')).toBe(0xff57);
    expect(k('Insert', 'Insert')).toBe(0xff63);
    expect(k('CapsLock', 'CapsLock')).toBe(0xffe5);
    expect(k('ContextMenu', 'ContextMenu')).toBe(0xff67);
    expect(k('PrintScreen', 'PrintScreen')).toBe(0xff61);
  });

  it('maps function keys F1..F35', () => {
    expect(k('F1', 'F1')).toBe(0xffbe);
    expect(k('F5', 'F5')).toBe(0xffc2);
    expect(k('F12', 'F12')).toBe(0xffc9);
    expect(k('F24', 'F24')).toBe(0xffd5);
    expect(k('F35')).toBe(0xffe0);
    expect(k('F36')).toBeNull();
  });

  it('tells left and right modifiers apart by code', () => {
    expect(k('Shift', 'ShiftLeft')).toBe(XK.Shift_L);
    expect(k('Shift', 'ShiftRight')).toBe(XK.Shift_R);
    expect(k('Control', 'ControlLeft')).toBe(XK.Control_L);
    expect(k('Control', 'ControlRight')).toBe(XK.Control_R);
    expect(k('Alt', 'AltLeft')).toBe(XK.Alt_L);
    expect(k('Alt', 'AltRight')).toBe(XK.Alt_R);
    expect(k('Meta', 'MetaLeft')).toBe(XK.Super_L);
    expect(k('Meta', 'MetaRight')).toBe(XK.Super_R);
    expect(k('AltGraph', 'AltRight')).toBe(XK.ISO_Level3_Shift);
    expect(isModifierKey('Shift')).toBe(true);
    expect(isModifierKey('AltGraph')).toBe(true);
    expect(isModifierKey('a')).toBe(false);
  });

  it('uses keypad keysyms for keypad digits and operators, the named key when Num Lock is off', () => {
    expect(k('5', 'Numpad5')).toBe(XK.KP_0 + 5);
    expect(k('+', 'NumpadAdd')).toBe(XK.KP_Add);
    expect(k('Enter', 'NumpadEnter')).toBe(XK.KP_Enter);
    expect(k('.', 'NumpadDecimal')).toBe(XK.KP_Decimal);
    expect(k('Home', 'Numpad7')).toBe(XK.Home);
  });

  it('sends nothing for dead keys, unidentified keys and control characters', () => {
    expect(k('Dead', 'BracketLeft')).toBeNull();
    expect(k('Unidentified', '')).toBeNull();
    expect(k('\u0007')).toBeNull();
    expect(k('Process', 'KeyA')).toBeNull();
    expect(unicodeKeysym(0x85)).toBeNull();
    expect(unicodeKeysym(0xd800)).toBeNull();
  });
});
