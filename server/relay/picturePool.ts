// The server's decoded copies of every live desktop, kept off the relay thread: each session's picture lives in one
// of a few worker threads (or, with none configured, on this thread), which decode the agent's stream and make
// keyframes. The relay hands over each codec message and goes on forwarding; keyframes and screenshots come back as
// promises that see exactly the messages handed over before they were asked for (operations run in order).
import type { StreamPicture } from './desktopRelay.ts';
import { PictureTable, type PictureOp, type PictureReply } from './pictureTable.ts';

export interface Screen {
  width: number;
  height: number;
  /** RGBA, rows width*4 bytes apart, alpha 255. */
  rgba: Uint8Array;
}

interface Host {
  send(op: PictureOp, transfer?: ArrayBuffer): void;
  stop(): Promise<void>;
}

/** Runs the table on this thread; replies still arrive later (a microtask), as from a worker. */
class InlineHost implements Host {
  private table = new PictureTable();
  constructor(private receive: (r: PictureReply) => void) {}

  send(op: PictureOp): void {
    const replies: PictureReply[] = [];
    this.table.run([op], (r) => replies.push(r));
    const work = op.op === 'apply' ? this.table.takeWork() : null;
    if (work) replies.push(work);
    if (replies.length) queueMicrotask(() => replies.forEach(this.receive));
  }

  async stop(): Promise<void> {}
}

// Where the worker's code is: beside this file, or inside the single binary, where each entrypoint lives at its path
// relative to the main one (see server/compiled.ts).
let workerUrl = new URL('./pictureWorker.ts', import.meta.url).href;

/** The single binary's entry registers where its embedded picture worker is. */
export function useEmbeddedPictureWorker(url: string): void {
  workerUrl = url;
}

/** One worker thread; operations of one event-loop turn go over in one message. */
class WorkerHost implements Host {
  private worker: Worker;
  private queue: PictureOp[] = [];
  private transfer: ArrayBuffer[] = [];
  private scheduled = false;

  constructor(receive: (r: PictureReply) => void, failed: (error: string) => void) {
    this.worker = new Worker(workerUrl);
    this.worker.onmessage = (e: MessageEvent<PictureReply>) => receive(e.data);
    this.worker.onerror = (e) => failed(e.message);
    (this.worker as unknown as { unref(): void }).unref(); // a server that forgets to stop its pool can still exit
  }

  send(op: PictureOp, transfer?: ArrayBuffer): void {
    this.queue.push(op);
    if (transfer) this.transfer.push(transfer);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const ops = this.queue;
    const transfer = this.transfer;
    this.queue = [];
    this.transfer = [];
    this.worker.postMessage(ops, transfer);
  }

  async stop(): Promise<void> {
    this.worker.terminate();
  }
}

export class PicturePool {
  private hosts: Host[];
  private pictures = new Map<number, PoolPicture>();
  private waiting = new Map<number, (r: PictureReply) => void>();
  private nextId = 1;
  private nextReq = 1;

  /** `workers` threads hold the pictures; 0 keeps them on this thread. */
  constructor(workers: number, private log: (line: string) => void = console.error) {
    const receive = (r: PictureReply) => this.receive(r);
    this.hosts =
      workers > 0
        ? Array.from({ length: workers }, () => new WorkerHost(receive, (error) => this.workerFailed(error)))
        : [new InlineHost(receive)];
  }

  get workers(): number {
    return this.hosts[0] instanceof WorkerHost ? this.hosts.length : 0;
  }

  /** A new, empty picture; `failed` hears of a message its decoder refused (the picture is unusable until a key). */
  picture(failed: (reason: string) => void): PoolPicture {
    const id = this.nextId++;
    // Sessions go round the workers: a session's messages stay in order on its one worker.
    const host = this.hosts[id % this.hosts.length]!;
    const picture = new PoolPicture(this, host, id, failed);
    this.pictures.set(id, picture);
    host.send({ op: 'open', id });
    return picture;
  }

  /** Stops the workers; open requests resolve to null. */
  async stop(): Promise<void> {
    for (const resolve of this.waiting.values()) resolve({ t: 'key', req: 0, message: null });
    this.waiting.clear();
    await Promise.all(this.hosts.map((h) => h.stop()));
  }

  /** @internal */
  request<T>(host: Host, op: { op: 'key' | 'rgba'; id: number }, pick: (r: PictureReply) => T): Promise<T> {
    const req = this.nextReq++;
    return new Promise<T>((resolve) => {
      this.waiting.set(req, (r) => resolve(pick(r)));
      host.send({ ...op, req });
    });
  }

  /** @internal */
  forget(id: number): void {
    this.pictures.delete(id);
  }

  private receive(r: PictureReply): void {
    switch (r.t) {
      case 'key':
      case 'rgba': {
        const resolve = this.waiting.get(r.req);
        this.waiting.delete(r.req);
        resolve?.(r);
        return;
      }
      case 'failed':
        this.pictures.get(r.id)?.failedNow(r.reason);
        return;
      case 'work':
        for (const [id, ms] of r.items) {
          const p = this.pictures.get(id);
          if (p) p.decodeMs += ms;
        }
    }
  }

  private workerFailed(error: string): void {
    // A bug in the worker, not bad input (the decoder reports that as 'failed'): what it was asked for cannot come.
    this.log(`picture worker error: ${error}`);
    for (const resolve of this.waiting.values()) resolve({ t: 'key', req: 0, message: null });
    this.waiting.clear();
  }
}

// Codec message header (native/codec/FORMAT.md): magic, version, flags, rawLength varint, then for key messages
// width and height varints.
function varint(bytes: Uint8Array, at: number): [value: number, next: number] | null {
  let value = 0;
  for (let i = 0; i < 5 && at + i < bytes.length; i++) {
    const b = bytes[at + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  return null;
}

/** The picture size a key message declares (null for other messages or a header that does not parse). */
export function keyMessageSize(message: Uint8Array): { width: number; height: number } | null {
  if (message.length < 4 || (message[2]! & 1) === 0) return null;
  const raw = varint(message, 3);
  const w = raw && varint(message, raw[1]);
  const h = w && varint(message, w[1]);
  return w && h && w[0] > 0 && h[0] > 0 ? { width: w[0], height: h[0] } : null;
}

/** One session's picture in the pool. */
export class PoolPicture implements StreamPicture {
  /** Milliseconds of decoding so far (reported by the worker a few times a second). */
  decodeMs = 0;
  private size: { width: number; height: number } | null = null;

  constructor(
    private pool: PicturePool,
    private host: Host,
    private id: number,
    private failed: (reason: string) => void,
  ) {}

  /** The picture's size as of the last key message handed over (null before one, or after a refused message). */
  get dimensions(): { width: number; height: number } | null {
    return this.size;
  }

  apply(update: Uint8Array): void {
    this.size = keyMessageSize(update) ?? this.size;
    if (this.host instanceof InlineHost) return this.host.send({ op: 'apply', id: this.id, bytes: update });
    // The socket's buffer is not ours to keep past this call; the copy goes to the worker without another copy.
    // (new Uint8Array, not slice(): a Node Buffer's slice() shares memory, and the transfer would detach the frame.)
    const bytes = new Uint8Array(update);
    this.host.send({ op: 'apply', id: this.id, bytes }, bytes.buffer);
  }

  keyframe(): Promise<Uint8Array | null> {
    return this.pool.request(this.host, { op: 'key', id: this.id }, (r) => (r.t === 'key' ? r.message : null));
  }

  /** A copy of the current picture, or null when there is none. */
  rgba(): Promise<Screen | null> {
    return this.pool.request(this.host, { op: 'rgba', id: this.id }, (r) => (r.t === 'rgba' ? r.screen : null));
  }

  close(): void {
    this.host.send({ op: 'close', id: this.id });
    this.pool.forget(this.id);
  }

  /** @internal the decoder refused a message. */
  failedNow(reason: string): void {
    this.size = null;
    this.failed(reason);
  }
}
