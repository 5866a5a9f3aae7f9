import { describe, expect, it } from 'vitest';
import { displaySize, toCss, toRemote } from './coordinates.ts';

const fullHd = { width: 1920, height: 1080 };

describe('displaySize', () => {
  it('fits a large picture into the viewport keeping its aspect ratio', () => {
    expect(displaySize(fullHd, { width: 960, height: 800 }, 'fit')).toEqual({ width: 960, height: 540 });
    expect(displaySize(fullHd, { width: 2000, height: 540 }, 'fit')).toEqual({ width: 960, height: 540 });
  });

  it('never enlarges a small picture in fit mode', () => {
    expect(displaySize({ width: 800, height: 600 }, { width: 1600, height: 1200 }, 'fit')).toEqual({ width: 800, height: 600 });
  });

  it('shows one remote pixel per device pixel at 1:1', () => {
    expect(displaySize(fullHd, { width: 500, height: 500 }, '1:1')).toEqual(fullHd);
    expect(displaySize(fullHd, { width: 500, height: 500 }, '1:1', 2)).toEqual({ width: 960, height: 540 });
  });

  it('is empty without a picture', () => {
    expect(displaySize({ width: 0, height: 0 }, { width: 500, height: 500 }, 'fit')).toEqual({ width: 0, height: 0 });
  });
});

describe('toRemote', () => {
  it('maps through the fit scale', () => {
    const canvas = { left: 100, top: 50, width: 960, height: 540 };
    expect(toRemote(100, 50, canvas, fullHd)).toEqual({ x: 0, y: 0 });
    expect(toRemote(100 + 480, 50 + 270, canvas, fullHd)).toEqual({ x: 960, y: 540 });
    expect(toRemote(100 + 959.9, 50 + 539.9, canvas, fullHd)).toEqual({ x: 1919, y: 1079 });
  });

  it('maps 1:1 with the box scrolled (the canvas rect moves up and left by the scroll offset)', () => {
    // Scrolled by (700, 300): the canvas's left edge is 700 px left of the viewport's.
    const canvas = { left: 20 - 700, top: 80 - 300, width: 1920, height: 1080 };
    expect(toRemote(20, 80, canvas, fullHd)).toEqual({ x: 700, y: 300 });
    expect(toRemote(20 + 15, 80 + 2, canvas, fullHd)).toEqual({ x: 715, y: 302 });
  });

  it('clamps positions outside the picture to its edge (a drag leaving the canvas)', () => {
    const canvas = { left: 0, top: 0, width: 960, height: 540 };
    expect(toRemote(-50, -1, canvas, fullHd)).toEqual({ x: 0, y: 0 });
    expect(toRemote(5000, 5000, canvas, fullHd)).toEqual({ x: 1919, y: 1079 });
    expect(toRemote(Number.NaN, Number.POSITIVE_INFINITY, canvas, fullHd)).toEqual({ x: 0, y: 0 });
  });

  it('is the inverse of toCss for the cursor overlay', () => {
    const shown = { width: 960, height: 540 };
    const css = toCss(1000, 500, shown, fullHd);
    expect(css).toEqual({ left: 500, top: 250, scale: 0.5 });
    expect(toRemote(css.left, css.top, { left: 0, top: 0, ...shown }, fullHd)).toEqual({ x: 1000, y: 500 });
  });
});
