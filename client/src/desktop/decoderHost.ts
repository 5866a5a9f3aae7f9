// The main thread's side of the decode worker: hands it the canvas (transferControlToOffscreen) and the frames
// (transferred, never copied), hears its paints and errors, and fetches the exact current picture on request.
import type { DecoderPort } from './desktopConnection.ts';
import type { FromWorker, ToWorker } from './workerProtocol.ts';

export interface Picture {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface PaintReport {
  width: number;
  height: number;
  messages: number;
  decodeMs: number;
  bytes: number;
  paintMs: number;
}

export interface DecoderHost extends DecoderPort {
  /** Frames in one batch; paint: false decodes without showing (a seek on the way to its target). */
  frames(frames: ArrayBuffer[], paint?: boolean): void;
  picture(): Promise<Picture>;
  dispose(): void;
}

export interface DecoderHostEvents {
  onPaint(report: PaintReport): void;
  /** The decoder refused a frame (the picture stays until a key message). */
  onError(message: string): void;
  /** The decoder could not be loaded at all. */
  onFailed(message: string): void;
}

/** The part of Worker this uses (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  terminate(): void;
}

export function startDecodeWorker(): WorkerLike {
  return new Worker(new URL('../codec/decodeWorker.ts', import.meta.url), { type: 'module', name: 'tessera-decoder' }) as unknown as WorkerLike;
}

/** Connects a worker to a canvas; the canvas can no longer be drawn on from the page afterwards. */
export function createDecoderHost(worker: WorkerLike, canvas: HTMLCanvasElement | null, events: DecoderHostEvents): DecoderHost {
  let nextId = 1;
  const waiting = new Map<number, (p: Picture) => void>();
  worker.onmessage = (event) => {
    const m = event.data;
    switch (m.type) {
      case 'painted':
        events.onPaint(m);
        return;
      case 'error':
        events.onError(m.message);
        return;
      case 'failed':
        events.onFailed(m.message);
        return;
      case 'picture': {
        const resolve = waiting.get(m.id);
        waiting.delete(m.id);
        resolve?.({ width: m.width, height: m.height, rgba: new Uint8Array(m.rgba) });
        return;
      }
    }
  };
  if (canvas) {
    const offscreen = canvas.transferControlToOffscreen();
    worker.postMessage({ type: 'canvas', canvas: offscreen }, [offscreen]);
  }
  return {
    frames(frames, paint = true) {
      worker.postMessage({ type: 'frames', frames, paint }, frames);
    },
    reset() {
      worker.postMessage({ type: 'reset' });
    },
    picture() {
      const id = nextId++;
      return new Promise<Picture>((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ type: 'picture', id });
      });
    },
    dispose() {
      worker.onmessage = null;
      worker.terminate();
      for (const resolve of waiting.values()) resolve({ width: 0, height: 0, rgba: new Uint8Array(0) });
      waiting.clear();
    },
  };
}
