// Where the remote picture sits on the page and how a pointer position maps back to remote pixels.
//
// The canvas element is always given the CSS size the picture is shown at (never stretched by CSS rules), so
// one mapping serves both modes: "fit" shrinks the picture into the viewport, "1:1" shows one remote pixel per
// device pixel inside a scrolling box. getBoundingClientRect() already includes the scroll offset, so the pointer
// maps the same way in both.

export type ScaleMode = 'fit' | '1:1';

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** CSS size of the canvas for a picture in a viewport. Fit never enlarges (an enlarged desktop is only blurrier). */
export function displaySize(picture: Size, viewport: Size, mode: ScaleMode, devicePixelRatio = 1): Size {
  if (picture.width <= 0 || picture.height <= 0) return { width: 0, height: 0 };
  const dpr = devicePixelRatio > 0 ? devicePixelRatio : 1;
  const natural = { width: picture.width / dpr, height: picture.height / dpr };
  if (mode === '1:1') return natural;
  if (viewport.width <= 0 || viewport.height <= 0) return natural;
  const scale = Math.min(1, viewport.width / natural.width, viewport.height / natural.height);
  return { width: natural.width * scale, height: natural.height * scale };
}

/** The remote pixel under a pointer at (clientX, clientY), clamped to the picture. */
export function toRemote(clientX: number, clientY: number, canvas: Rect, picture: Size): { x: number; y: number } {
  if (canvas.width <= 0 || canvas.height <= 0 || picture.width <= 0 || picture.height <= 0) return { x: 0, y: 0 };
  const x = Math.floor(((clientX - canvas.left) * picture.width) / canvas.width);
  const y = Math.floor(((clientY - canvas.top) * picture.height) / canvas.height);
  return { x: clamp(x, 0, picture.width - 1), y: clamp(y, 0, picture.height - 1) };
}

/** CSS offset inside the canvas of a remote point (for the cursor overlay), and the CSS size of one remote pixel. */
export function toCss(x: number, y: number, canvas: Size, picture: Size): { left: number; top: number; scale: number } {
  if (picture.width <= 0 || picture.height <= 0) return { left: 0, top: 0, scale: 1 };
  const scale = canvas.width / picture.width;
  return { left: x * scale, top: y * (canvas.height / picture.height), scale };
}

/** Clamps to [min, max]; anything not a number becomes min (the server refuses non-integer coordinates). */
function clamp(v: number, min: number, max: number): number {
  if (!Number.isFinite(v)) return min;
  return v < min ? min : v > max ? max : v;
}
