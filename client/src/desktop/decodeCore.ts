// What the decode worker does, without the worker around it (so it is tested with the real WebAssembly decoder
// and a recording canvas): decode every codec frame in order as it arrives, paint at most once per scheduled
// paint, report per-paint statistics, and hand out the exact current picture on request.
import type { DecodedFrame, WasmDecoder } from '../codec/wasmDecoder.ts';
import { DesktopFrame } from '../../../server/protocol/desktop.ts';
import type { FromWorker, ToWorker } from './workerProtocol.ts';

/** The canvas the worker paints into (an OffscreenCanvas in the browser). */
export interface PaintCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { putImageData(image: ImageData, dx: number, dy: number): void } | null;
}

export interface DecodeCoreOptions {
  loadDecoder(): Promise<WasmDecoder>;
  post(message: FromWorker, transfer?: Transferable[]): void;
  /** Runs the callback before the next paint of the page (requestAnimationFrame in the worker). */
  schedulePaint(callback: () => void): void;
  now(): number;
  /** Builds an ImageData over existing pixels (the decoder's memory); injectable where ImageData is missing. */
  imageData?(pixels: Uint8ClampedArray, width: number, height: number): ImageData;
}

export class DecodeCore {
  private decoder: Promise<WasmDecoder> | null = null;
  private current: DecodedFrame | null = null;
  private canvas: PaintCanvas | null = null;
  private chain: Promise<void> = Promise.resolve();
  private paintScheduled = false;
  private held = false;
  private dirty = false;
  /** After an error only the next success is worth reporting; the decoder refuses everything until a key message. */
  private failing = false;
  private pending = { messages: 0, decodeMs: 0, bytes: 0 };
  private image: { data: Uint8ClampedArray; image: ImageData } | null = null;

  constructor(private readonly options: DecodeCoreOptions) {}

  /** Handles one message from the main thread; messages are applied strictly in order. */
  handle(message: ToWorker): Promise<void> {
    this.chain = this.chain.then(() => this.apply(message)).catch((e: unknown) => {
      this.options.post({ type: 'failed', message: (e as Error).message ?? String(e) });
    });
    return this.chain;
  }

  private async apply(message: ToWorker): Promise<void> {
    switch (message.type) {
      case 'canvas':
        this.canvas = message.canvas as unknown as PaintCanvas;
        this.image = null;
        if (this.current) this.requestPaint();
        return;
      case 'reset': {
        const d = this.decoder;
        this.decoder = null;
        this.current = null;
        this.failing = false;
        (await d)?.dispose();
        return;
      }
      case 'frames':
        await this.decodeAll(message.frames);
        if (message.paint === false) {
          this.held = true;
        } else {
          this.held = false;
          if (this.dirty) this.requestPaint();
        }
        return;
      case 'picture': {
        const frame = this.picture();
        const rgba = frame ? frame.rgba.slice().buffer : new ArrayBuffer(0);
        this.options.post({ type: 'picture', id: message.id, width: frame?.width ?? 0, height: frame?.height ?? 0, rgba }, [rgba]);
        return;
      }
    }
  }

  private load(): Promise<WasmDecoder> {
    this.decoder ??= this.options.loadDecoder();
    return this.decoder;
  }

  private async decodeAll(frames: ArrayBuffer[]): Promise<void> {
    const decoder = await this.load();
    for (const buffer of frames) {
      const bytes = new Uint8Array(buffer);
      const kind = bytes[0];
      if (kind !== DesktopFrame.Update && kind !== DesktopFrame.Keyframe && kind !== DesktopFrame.Refresh) continue;
      const t0 = this.options.now();
      try {
        this.current = decoder.decode(bytes.subarray(1));
        this.failing = false;
        this.dirty = true;
      } catch (e) {
        // The picture the decoder had stays on screen; it accepts nothing until the next key message.
        if (!this.failing) this.options.post({ type: 'error', message: (e as Error).message });
        this.failing = true;
      }
      this.pending.messages++;
      this.pending.decodeMs += this.options.now() - t0;
      this.pending.bytes += bytes.length - 1;
    }
  }

  /** The picture as of the last successful decode, or null (none yet, or its memory moved when the decoder grew). */
  private picture(): DecodedFrame | null {
    const f = this.current;
    if (!f || f.rgba.byteLength !== f.width * f.height * 4) return null;
    return f;
  }

  private requestPaint(): void {
    if (this.paintScheduled) return;
    this.paintScheduled = true;
    this.options.schedulePaint(() => {
      this.paintScheduled = false;
      if (!this.held) this.paint();
    });
  }

  private paint(): void {
    const frame = this.picture();
    if (!frame) return;
    const t0 = this.options.now();
    const canvas = this.canvas;
    if (canvas) {
      if (canvas.width !== frame.width || canvas.height !== frame.height) {
        canvas.width = frame.width;
        canvas.height = frame.height;
      }
      canvas.getContext('2d')?.putImageData(this.imageOver(frame), 0, 0);
    }
    this.dirty = false;
    const { messages, decodeMs, bytes } = this.pending;
    this.pending = { messages: 0, decodeMs: 0, bytes: 0 };
    this.options.post({ type: 'painted', width: frame.width, height: frame.height, messages, decodeMs, bytes, paintMs: this.options.now() - t0 });
  }

  /** An ImageData over the decoder's picture memory, rebuilt only when that memory moved or the size changed. */
  private imageOver(frame: DecodedFrame): ImageData {
    const { rgba, width, height } = frame;
    const cached = this.image;
    if (cached && cached.data.buffer === rgba.buffer && cached.data.byteOffset === rgba.byteOffset && cached.image.width === width && cached.image.height === height)
      return cached.image;
    const data = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength);
    const make = this.options.imageData ?? ((d, w, h) => new ImageData(d as Uint8ClampedArray<ArrayBuffer>, w, h));
    const image = make(data, width, height);
    this.image = { data, image };
    return image;
  }
}
