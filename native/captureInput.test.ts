// Input injection and clipboard against a real X server (Xvfb) with real programs: xev logs what clicks, drags,
// wheel and keys arrive; text typed into xterm lands in a file; xclip is the other side of the clipboard.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comboKeysyms, openClipboard, openInput, SPECIAL_KEY_COMBOS, type InputInjector } from './capture.ts';
import { SPECIAL_COMBOS } from '../server/protocol/desktop.ts';
import { copyWithXclip, parseXev, runX, spawnX, startXvfb, waitUntil, type Started, type XServer } from './captureTesting.ts';

let x: XServer;
let dir: string;

beforeAll(async () => {
  x = await startXvfb(1280, 800);
  dir = mkdtempSync(join(tmpdir(), 'tessera-input-'));
});

afterAll(async () => {
  await x?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// xev's window at (600, 400) (inner window 2 px further), 300x200.
async function startXev(): Promise<Started> {
  const xev = spawnX(x, 'xev', ['-geometry', '300x200+600+400', '-event', 'button', '-event', 'mouse', '-event', 'keyboard']);
  await waitUntil(() => xev.output().includes('Outer window is'), 'xev to start');
  await waitUntil(async () => (await runX(x, 'xwininfo', ['-root', '-tree'])).toString().includes('300x200+600+400'), 'xev mapped');
  return xev;
}

const events = (xev: Started) => parseXev(xev.output());

describe('input injection (XTest)', () => {
  let input: InputInjector;
  let xev: Started;

  beforeAll(async () => {
    input = openInput(x.display);
    xev = await startXev();
  });

  afterAll(() => {
    input?.close();
    xev?.stop();
  });

  it('clicks, drags and scrolls both wheel axes where asked', async () => {
    input.move(700, 450);
    input.button(1, true);
    input.button(1, false);
    input.button(3, true);
    input.button(3, false);
    // Drag from (650, 420) to (750, 500) with the left button held.
    input.move(650, 420);
    input.button(1, true);
    input.move(700, 460);
    input.move(750, 500);
    input.button(1, false);
    input.wheel(0, 2); // down twice
    input.wheel(0, -1); // up
    input.wheel(-1, 0); // left
    input.wheel(3, 0); // right x3
    await waitUntil(() => events(xev).filter((e) => e.type === 'ButtonRelease' && e.button === 7).length === 3, 'the wheel clicks');
    const presses = events(xev).filter((e) => e.type === 'ButtonPress');
    expect(presses.map((e) => e.button)).toEqual([1, 3, 1, 5, 5, 4, 6, 7, 7, 7]);
    expect(presses[0]).toMatchObject({ rootX: 700, rootY: 450 });
    expect(presses[2]).toMatchObject({ rootX: 650, rootY: 420 });
    const dragMotion = events(xev).filter((e) => e.type === 'MotionNotify' && e.state & 0x100); // Button1Mask held
    expect(dragMotion.map((e) => [e.rootX, e.rootY])).toEqual([[700, 460], [750, 500]]);
    const release = events(xev).filter((e) => e.type === 'ButtonRelease' && e.button === 1).at(-1);
    expect(release).toMatchObject({ rootX: 750, rootY: 500 });
    expect(input.heldCount()).toBe(0);
  });

  it('sends keys by keysym with modifiers, sends combos, and releaseAll lets go of everything held', async () => {
    input.move(700, 450); // focus follows the pointer (no window manager)
    const before = events(xev).length;
    input.key(0xffe1, true); // Shift_L
    input.key(0x41, true); // A (with Shift held: no extra modifier games)
    input.key(0x41, false);
    input.key(0xffe1, false);
    input.combo('ctrl+alt+del');
    // Held keys and a held button, then releaseAll (the viewer lost focus).
    input.key(0xffe3, true); // Control_L
    input.key(0x78, true); // x
    input.button(2, true);
    expect(input.heldCount()).toBe(3);
    input.releaseAll();
    expect(input.heldCount()).toBe(0);
    input.releaseAll(); // nothing left: no-op
    await waitUntil(() => events(xev).slice(before).filter((e) => e.type === 'ButtonRelease' && e.button === 2).length === 1, 'the releases');
    const keys = events(xev)
      .slice(before)
      .filter((e) => e.type === 'KeyPress' || e.type === 'KeyRelease')
      .map((e) => `${e.type === 'KeyPress' ? '+' : '-'}${e.keysymName}`);
    expect(keys).toEqual([
      '+Shift_L', '+A', '-A', '-Shift_L',
      '+Control_L', '+Alt_L', '+Delete', '-Delete', '-Alt_L', '-Control_L',
      '+Control_L', '+x', '-x', '-Control_L', // releaseAll: ordinary keys first, then modifiers
    ]);
  });

  it('types a keysym the keyboard has no key for by mapping a spare key, and restores it on close', async () => {
    const own = openInput(x.display);
    const before = events(xev).length;
    own.key(0x10020ac, true); // U+20AC EURO SIGN as a Unicode keysym: not on the US keymap
    own.key(0x10020ac, false);
    await waitUntil(() => events(xev).slice(before).some((e) => e.type === 'KeyRelease'), 'the key');
    const press = events(xev).slice(before).find((e) => e.type === 'KeyPress');
    expect(press?.keysym).toBe(0x10020ac);
    expect((await runX(x, 'xmodmap', ['-pke'])).toString()).toMatch(/EuroSign|U20AC/);
    own.close();
    expect((await runX(x, 'xmodmap', ['-pke'])).toString()).not.toMatch(/EuroSign|U20AC/);
  });

  it('types any Unicode text into a real application (xterm), whatever the layout has', async () => {
    const file = join(dir, 'typed.txt');
    const term = spawnX(
      x,
      'xterm',
      ['-u8', '-geometry', '80x10+20+20', '-fa', 'DejaVu Sans Mono', '-fs', '10', '-e', 'sh', '-c', `stty -echo; cat > '${file}'`],
      { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    );
    try {
      await waitUntil(async () => (await runX(x, 'xwininfo', ['-root', '-tree'])).toString().includes('+20+20'), 'xterm mapped');
      input.move(200, 60);
      await new Promise((r) => setTimeout(r, 300)); // xterm opens its pty and starts cat
      const text = 'Hello, wörld! ß€ Привет 你好 ✓ émoji 😀 ~!@#$%^&*()_+{}|:"<>? AZaz09\tend';
      input.type(`${text}\n`);
      // Keysyms typed with the viewer's own Shift (the RFB way), and a Return by keysym.
      input.key(0xffe1, true);
      input.key(0x51, true); // Q
      input.key(0x51, false);
      input.key(0xffe1, false);
      input.key(0x71, true); // q
      input.key(0x71, false);
      input.key(0xff0d, true);
      input.key(0xff0d, false);
      await waitUntil(() => {
        try {
          return readFileSync(file, 'utf8').split('\n').length >= 3;
        } catch {
          return false;
        }
      }, 'the typed text in the file', 5000);
      expect(readFileSync(file, 'utf8')).toBe(`${text}\nQq\n`);
    } finally {
      term.stop();
    }
  });

  it('follows a layout change and types through it, using Shift and AltGr where the layout puts a character', async () => {
    // German layout: z and y swapped, @ is AltGr+q, € is AltGr+e, { is AltGr+7, ü has its own key.
    await runX(x, 'setxkbmap', ['-layout', 'de']);
    try {
      input.move(700, 450); // over xev
      await new Promise((r) => setTimeout(r, 100)); // the injector reads the new keymap on its next call
      const before = events(xev).length;
      input.type('@');
      await waitUntil(() => events(xev).slice(before).some((e) => e.type === 'KeyRelease' && e.keysymName === 'at'), 'the @');
      const at = events(xev).slice(before).find((e) => e.type === 'KeyPress' && e.keysymName === 'at');
      expect(at?.state).toBe(0x80); // Mod5 = ISO_Level3_Shift (AltGr): the layout's own key, no spare key
      expect((await runX(x, 'xmodmap', ['-pke'])).toString()).toMatch(/keycode +24 = q Q q Q at/);

      const file = join(dir, 'typed-de.txt');
      const term = spawnX(
        x,
        'xterm',
        ['-u8', '-geometry', '60x5+20+300', '-fa', 'DejaVu Sans Mono', '-fs', '10', '-e', 'sh', '-c', `stty -echo; cat > '${file}'`],
        { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      );
      try {
        await waitUntil(async () => (await runX(x, 'xwininfo', ['-root', '-tree'])).toString().includes('+20+300'), 'xterm mapped');
        input.move(150, 330);
        await new Promise((r) => setTimeout(r, 300));
        const text = 'zy ZY @€{}[]|<> üÜöäß ~ Grüße, 世界';
        input.type(`${text}\n`);
        await waitUntil(() => {
          try {
            return readFileSync(file, 'utf8').endsWith('\n');
          } catch {
            return false;
          }
        }, 'the typed text', 5000);
        expect(readFileSync(file, 'utf8')).toBe(`${text}\n`);
      } finally {
        term.stop();
      }
    } finally {
      await runX(x, 'setxkbmap', ['-layout', 'us']);
    }
  });

  it('names the special key combos and rejects bad arguments with clear errors', () => {
    for (const { id } of SPECIAL_KEY_COMBOS) expect(comboKeysyms(id).length).toBeGreaterThan(0);
    for (const name of SPECIAL_COMBOS) expect(comboKeysyms(name).length).toBeGreaterThan(0); // the wire's names
    expect(comboKeysyms('ctrl-alt-del')).toEqual(comboKeysyms('ctrl+alt+del'));
    expect(comboKeysyms('super')).toEqual([0xffeb]);
    expect(comboKeysyms('ctrl+alt+del')).toEqual([0xffe3, 0xffe9, 0xffff]);
    expect(comboKeysyms('Ctrl+Shift+T')).toEqual([0xffe3, 0xffe1, 0x74]);
    expect(comboKeysyms('win+f4')).toEqual([0xffeb, 0xffc1]);
    expect(() => input.combo('ctrl+nope')).toThrow(/unknown key "nope"/);
    expect(() => input.combo('')).toThrow(/combo must be/);
    expect(() => input.combo('a+b+c+d+e+f+g+h+i')).toThrow(/1 to 8 keys/);
    expect(() => input.button(10 as never, true)).toThrow(/button must be an integer from 1 to 9/);
    expect(() => input.button(1, 'yes' as never)).toThrow(/down must be a boolean/);
    expect(() => input.key(0, true)).toThrow(/keysym must be an integer/);
    expect(() => input.key(0x2000000, true)).toThrow(/keysym must be an integer/);
    expect(() => input.key(1.5, true)).toThrow(/keysym must be an integer/);
    expect(() => input.move(Number.NaN, 1)).toThrow(/x must be a finite number/);
    expect(() => input.move('1' as never, 1)).toThrow(/x must be a number/);
    expect(() => input.wheel(0, Number.POSITIVE_INFINITY)).toThrow(/dy must be a finite number/);
    expect(() => input.type(42 as never)).toThrow(/text must be a string/);
    expect(() => input.type('x'.repeat(65_537))).toThrow(/longer than 65536/);
    expect(() => openInput(':986')).toThrow(/cannot open X display ':986'/);
    const closed = openInput(x.display);
    closed.close();
    expect(() => closed.move(1, 1)).toThrow(/input: closed/);
  });
});

describe('clipboard (CLIPBOARD selection)', () => {
  it('puts text on the clipboard for other programs, and reads and watches what they put there', async () => {
    const clipboard = openClipboard(x.display, { maxBytes: 4 * 1024 * 1024 });
    const changes: (string | null)[] = [];
    clipboard.onChange((change) => changes.push(change.text));
    try {
      const ours = 'tëxt ✓ 你好\nsecond line';
      await clipboard.set(ours);
      expect(await clipboard.get()).toBe(ours);
      const pasted = await runX(x, 'xclip', ['-selection', 'clipboard', '-o', '-t', 'UTF8_STRING']);
      expect(pasted.toString('utf8')).toBe(ours);
      const targets = (await runX(x, 'xclip', ['-selection', 'clipboard', '-o', '-t', 'TARGETS'])).toString();
      expect(targets).toMatch(/UTF8_STRING/);

      // Another program copies: we are told, and get() reads it.
      await copyWithXclip(x, 'from xclip ✓');
      await waitUntil(() => changes.includes('from xclip ✓'), 'the change notification');
      expect(await clipboard.get()).toBe('from xclip ✓');

      // Large text (xclip sends it with the INCR protocol above ~1 MB).
      const big = 'line of clipboard text 0123456789\n'.repeat(40_000); // 1.36 MB
      await copyWithXclip(x, big);
      await waitUntil(() => changes.at(-1)?.length === big.length, 'the big change', 10_000);
      expect(await clipboard.get()).toBe(big);
      expect(changes.every((c) => c !== ours)).toBe(true); // our own set() is not reported back
      await clipboard.set('back to us');
      expect((await runX(x, 'xclip', ['-selection', 'clipboard', '-o', '-t', 'UTF8_STRING'])).toString()).toBe('back to us');
    } finally {
      clipboard.close();
    }
  });

  it('enforces the size limit both ways', async () => {
    const clipboard = openClipboard(x.display, { maxBytes: 1000 });
    const changes: { text: string | null; tooLarge: boolean }[] = [];
    clipboard.onChange((change) => changes.push(change));
    try {
      expect(() => clipboard.set('x'.repeat(1001))).toThrow(/1001 bytes is over the 1000 byte limit/);
      await clipboard.set('€'.repeat(333)); // 999 bytes in UTF-8
      expect(await clipboard.get()).toBe('€'.repeat(333));
      await copyWithXclip(x, 'y'.repeat(5000));
      await waitUntil(() => changes.some((c) => c.tooLarge), 'a too-large change');
      expect(changes.at(-1)).toEqual({ text: null, tooLarge: true });
      await expect(clipboard.get()).rejects.toThrow(/over the 1000 byte limit/);
      await copyWithXclip(x, 'small');
      await waitUntil(() => changes.at(-1)?.text === 'small', 'a small change');
    } finally {
      clipboard.close();
    }
    await expect(clipboard.get()).rejects.toThrow(/closed/);
    expect(() => openClipboard(x.display, { maxBytes: 0 })).toThrow(/maxBytes must be an integer/);
    const quiet = openClipboard(x.display, { watch: false });
    expect(() => quiet.onChange(() => {})).toThrow(/watch: false/);
    quiet.close();
  });
});
