// The decoded pictures of many sessions, driven by a list of operations: the same code runs inside a picture worker
// (server/relay/pictureWorker.ts) and, with no workers configured, on the server's own thread.
import { CodecPicture } from './codecPicture.ts';

/** What the relay thread asks of a picture holder, in order: a request sees every apply sent before it. */
export type PictureOp =
  | { op: 'open'; id: number }
  | { op: 'close'; id: number }
  | { op: 'apply'; id: number; bytes: Uint8Array }
  | { op: 'key'; id: number; req: number }
  | { op: 'rgba'; id: number; req: number };

/** What comes back. `work` reports decode time (ms) per picture since the last report. */
export type PictureReply =
  | { t: 'key'; req: number; message: Uint8Array | null }
  | { t: 'rgba'; req: number; screen: { width: number; height: number; rgba: Uint8Array } | null }
  | { t: 'failed'; id: number; reason: string }
  | { t: 'work'; items: Array<[id: number, ms: number]> }
  /** A batch of operations is done (the relay thread counts what the worker still has to do). */
  | { t: 'done'; seq: number }
  /** The worker has finished what it was doing and will take nothing more (it may be terminated now). */
  | { t: 'stopped' };

export class PictureTable {
  private pictures = new Map<number, CodecPicture>();
  private work = new Map<number, number>();

  /** Runs the operations in order; replies go out through `reply` as they are ready. */
  run(ops: PictureOp[], reply: (r: PictureReply) => void): void {
    for (const o of ops) {
      switch (o.op) {
        case 'open':
          this.pictures.set(o.id, new CodecPicture());
          break;
        case 'close':
          this.pictures.delete(o.id);
          this.work.delete(o.id);
          break;
        case 'apply': {
          const picture = this.pictures.get(o.id);
          if (!picture) break;
          const started = performance.now();
          try {
            picture.apply(o.bytes);
          } catch (error) {
            reply({ t: 'failed', id: o.id, reason: (error as Error).message });
          }
          this.work.set(o.id, (this.work.get(o.id) ?? 0) + performance.now() - started);
          break;
        }
        case 'key':
          reply({ t: 'key', req: o.req, message: this.pictures.get(o.id)?.keyframe() ?? null });
          break;
        case 'rgba':
          reply({ t: 'rgba', req: o.req, screen: this.pictures.get(o.id)?.rgba() ?? null });
          break;
      }
    }
  }

  /** Decode time per picture since the last call (null when nothing was decoded). */
  takeWork(): PictureReply | null {
    if (this.work.size === 0) return null;
    const items = [...this.work];
    this.work.clear();
    return { t: 'work', items };
  }
}
