// The remote mouse cursor, drawn on its own small canvas over the picture (it is never part of the decoded
// picture, so it moves without re-encoding anything). Shapes are kept by serial, so switching back to a cursor
// seen before needs no new shape.
import type { Size } from './coordinates.ts';
import type { CursorPosition, CursorShape } from './frameRouter.ts';

const MAX_SHAPES = 32;

export class CursorOverlay {
  private shapes = new Map<number, CursorShape>();
  private drawn: number | null = null;
  private position: CursorPosition | null = null;
  private display: Size = { width: 0, height: 0 };
  private picture: Size = { width: 0, height: 0 };
  private hidden = false;
  private dataUrl: string | null = null;

  constructor(private readonly el: HTMLCanvasElement) {
    el.style.display = 'none';
  }

  shape(shape: CursorShape): void {
    this.shapes.delete(shape.serial);
    this.shapes.set(shape.serial, shape);
    if (this.shapes.size > MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value!);
    // The agent sends a shape just before the position that uses it; draw it at once so it is never a frame late.
    this.draw(shape.serial, true);
    this.place();
  }

  move(position: CursorPosition): void {
    this.position = position;
    this.draw(position.serial, false);
    this.place();
  }

  /** Where the picture is shown (CSS pixels) and how big it is (remote pixels). */
  layout(display: Size, picture: Size): void {
    this.display = display;
    this.picture = picture;
    this.place();
  }

  /** Hides the overlay (the local pointer shows the shape itself while it is over the picture in control mode). */
  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    this.place();
  }

  /** A CSS cursor value showing the current remote shape, or null when there is none. */
  cssCursor(): string | null {
    const shape = this.drawn === null ? undefined : this.shapes.get(this.drawn);
    if (!shape || !this.dataUrl) return null;
    return `url(${this.dataUrl}) ${shape.hotX} ${shape.hotY}, default`;
  }

  private draw(serial: number, force: boolean): void {
    if (!force && this.drawn === serial) return;
    const shape = this.shapes.get(serial);
    if (!shape) return;
    this.drawn = serial;
    this.el.width = shape.width;
    this.el.height = shape.height;
    const ctx = this.el.getContext('2d');
    if (ctx && typeof ImageData !== 'undefined') {
      ctx.putImageData(new ImageData(shape.rgba as Uint8ClampedArray<ArrayBuffer>, shape.width, shape.height), 0, 0);
      try {
        this.dataUrl = this.el.toDataURL('image/png');
      } catch {
        this.dataUrl = null;
      }
    }
  }

  private place(): void {
    const s = this.style();
    const style = this.el.style;
    if (!s) {
      style.display = 'none';
      return;
    }
    style.display = 'block';
    style.left = `${s.left}px`;
    style.top = `${s.top}px`;
    style.width = `${s.width}px`;
    style.height = `${s.height}px`;
  }

  /** CSS box of the cursor inside the picture's box, or null when nothing is to be shown. */
  style(): { left: number; top: number; width: number; height: number } | null {
    const p = this.position;
    const shape = this.drawn === null ? undefined : this.shapes.get(this.drawn);
    if (this.hidden || !p || !p.visible || !shape || this.picture.width <= 0 || this.display.width <= 0) return null;
    const sx = this.display.width / this.picture.width;
    const sy = this.display.height / this.picture.height;
    return { left: (p.x - shape.hotX) * sx, top: (p.y - shape.hotY) * sy, width: shape.width * sx, height: shape.height * sy };
  }
}
