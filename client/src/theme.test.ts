// The palette against WCAG 2.2 AA, in light and in dark: text 4.5:1 on the backgrounds it is set on (1.4.3), and
// 3:1 for what shows a control or its focus (1.4.11). axe checks text on the pages it visits; these pairs also
// cover the ones no page shows at the moment (a focus ring, an unlit star, a danger button in dark mode).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(resolve(import.meta.dirname, 'theme.css'), 'utf8');

function tokens(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

const light = tokens(css.slice(css.indexOf(':root'), css.indexOf('@media (prefers-color-scheme: dark)')));
const dark = { ...light, ...tokens(css.slice(css.indexOf('@media (prefers-color-scheme: dark)'))) };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const SURFACES = ['bg', 'surface', 'surface-2'];
/** [foreground, backgrounds, least ratio] */
const PAIRS: Array<[string, string[], number]> = [
  ['text', [...SURFACES, 'accent-soft'], 4.5],
  ['muted', [...SURFACES, 'accent-soft'], 4.5],
  // Links, the active navigation item, avatar initials and info badges: accent text, also on its soft tint.
  ['accent', [...SURFACES, 'accent-soft'], 4.5],
  // Primary buttons and the customer's own chat bubbles.
  ['accent-text', ['accent'], 4.5],
  ['danger-text', ['danger'], 4.5],
  ['danger', ['danger-soft', 'surface'], 4.5],
  ['ok', ['ok-soft', 'surface'], 4.5],
  ['warn', ['warn-soft', 'surface'], 4.5],
  ['focus-ring', [...SURFACES, 'accent-soft'], 3],
  ['control-border', ['surface'], 3],
  ['star', ['surface'], 3],
];

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s palette', (_name, palette) => {
  it.each(PAIRS)('%s reaches its ratio on each background', (fg, backgrounds, least) => {
    const shortfalls = backgrounds
      .map((bg) => ({ bg, ratio: contrast(palette[fg]!, palette[bg]!) }))
      .filter((r) => !(r.ratio >= least))
      .map((r) => `${fg} ${palette[fg]} on ${r.bg} ${palette[r.bg]}: ${r.ratio.toFixed(2)} < ${least}`);
    expect(shortfalls).toEqual([]);
  });
});

describe('focus', () => {
  it('is a solid ring, not a translucent glow', () => {
    expect(css).toMatch(/:focus-visible\s*{\s*outline:\s*2px solid var\(--focus-ring\)/);
    expect(css).not.toMatch(/--focus:[^;]*rgba/);
  });
});
