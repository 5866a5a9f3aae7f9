// The server's decoded copies of every live desktop, kept off the relay thread: each session's picture lives in one
// of a few worker threads (or, with none configured, on this thread), which decode the agent's stream and make
// keyframes. The relay hands over each codec message and goes on forwarding; keyframes and screenshots come back as
// promises that see exactly the messages handed over before they were asked for (operations run in order).
//
// Overload: a worker that cannot keep up would queue messages without end. While the bytes handed to a worker and
// not yet decoded are over maxBacklogBytes, a session that hands it more stops being decoded (one every 50 ms: its
// picture is "paused", dropped in the worker, no keyframes) until its agent's next key message finds the worker
// caught up (under half the limit). Meanwhile the relay asks the agent for key messages instead of making keyframes,
// and once the worker is well below the limit its paused pictures are brought back one by one (a key message each).
//
// Memory: all decoded pictures together may take budgetBytes (PICTURE_BYTES_PER_PIXEL each pixel). A key message
// whose picture does not fit pauses that picture the same way, before it is decoded; when another picture closes or
// is paused, the oldest waiting ones that now fit are asked for a key message.
import type { StreamPicture } from './desktopRelay.ts';
import { PictureTable, type PictureOp, type PictureReply } from './pictureTable.ts';
import type { Screen } from './screenshot.ts';

export type { Screen };

interface Host {
  send(op: PictureOp, transfer?: ArrayBuffer): void;
  /** Bytes of codec messages handed over and not yet decoded. */
  readonly backlog: number;
  stop(): Promise<void>;
}

/** What the worker gets: one batch of operations, numbered so it can say when it is done with it. */
export interface PictureBatch {
  seq: number;
  ops: PictureOp[];
}
/** What the relay thread posts to a worker: a batch, or the request to stop after the current one. */
export type WorkerMessage = PictureBatch | { stop: true };

/** Runs the table on this thread; replies still arrive later (a microtask), as from a worker. */
class InlineHost implements Host {
  readonly backlog = 0;
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
  private seq = 0;
  private queuedBytes = 0;
  private postedBytes = 0;
  private inFlight = new Map<number, number>();
  private stopping: (() => void) | null = null;
  private closed = false;

  constructor(receive: (r: PictureReply) => void, failed: (error: string) => void, progressed: (host: Host) => void) {
    this.worker = new Worker(workerUrl);
    this.worker.onmessage = (e: MessageEvent<PictureReply>) => {
      if (e.data.t === 'stopped') this.stopping?.();
      else if (e.data.t === 'done') {
        this.postedBytes -= this.inFlight.get(e.data.seq) ?? 0;
        this.inFlight.delete(e.data.seq);
        progressed(this);
      } else receive(e.data);
    };
    this.worker.onerror = (e) => failed(e.message);
    (this.worker as unknown as { unref(): void }).unref(); // a server that forgets to stop its pool can still exit
  }

  get backlog(): number {
    return this.queuedBytes + this.postedBytes;
  }

  send(op: PictureOp, transfer?: ArrayBuffer): void {
    this.queue.push(op);
    if (op.op === 'apply') this.queuedBytes += op.bytes.byteLength;
    if (transfer) this.transfer.push(transfer);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.closed) return;
    const ops = this.queue;
    const transfer = this.transfer;
    this.queue = [];
    this.transfer = [];
    const seq = ++this.seq;
    this.inFlight.set(seq, this.queuedBytes);
    this.postedBytes += this.queuedBytes;
    this.queuedBytes = 0;
    this.worker.postMessage({ seq, ops } satisfies PictureBatch, transfer);
  }

  /**
   * Terminating a worker in the middle of a native call crashes the whole process (Bun: "NAPI FATAL ERROR"), so the
   * worker is asked to stop after what it is doing and terminated once it is idle (or after a bound, if it hangs).
   */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    await new Promise<void>((resolve) => {
      const bound = setTimeout(resolve, STOP_WAIT_MS);
      this.stopping = () => {
        clearTimeout(bound);
        resolve();
      };
      this.worker.postMessage({ stop: true } satisfies WorkerMessage);
    });
    this.worker.terminate();
  }
}

const STOP_WAIT_MS = 5_000;

export interface PictureHooks {
  /** The decoder refused a message (the picture is unusable until the next key message). */
  failed(reason: string): void;
  /** The worker fell too far behind: this picture is not decoded until a key message finds it caught up. */
  paused(): void;
  /** The worker has caught up: a key message from the agent would bring this paused picture back. */
  resumable(): void;
}

/** What a decoded picture costs, per pixel (the native decoder measured 7.6-9.2 bytes a pixel at 1080p and 4K). */
export const PICTURE_BYTES_PER_PIXEL = 9;
const pictureCost = (size: { width: number; height: number }) => size.width * size.height * PICTURE_BYTES_PER_PIXEL;

/** Bytes a worker may have waiting before sessions stop being decoded (about 4 s of 500 busy 1080p desktops). */
export const MAX_BACKLOG_BYTES = 32 * 1024 * 1024;
const PAUSE_EVERY_MS = 50;
/** A caught-up worker brings its paused pictures back one at a time, this far apart (each costs a key message). */
const RESUME_EVERY_MS = 200;

export class PicturePool {
  private hosts: Host[];
  readonly maxBacklogBytes: number;
  /** Memory all decoded pictures may take together (see the note at the top). */
  readonly budgetBytes: number;
  private reservedBytes = 0;
  private reservations = new Map<PoolPicture, number>();
  private pictures = new Map<number, PoolPicture>();
  private waiting = new Map<number, (r: PictureReply) => void>();
  private nextId = 1;
  private nextReq = 1;
  private readonly log: (line: string) => void;

  /** `workers` threads hold the pictures; 0 keeps them on this thread. */
  constructor(
    workers: number,
    options: { maxBacklogBytes?: number; budgetBytes?: number; log?: (line: string) => void } = {},
  ) {
    this.maxBacklogBytes = options.maxBacklogBytes ?? MAX_BACKLOG_BYTES;
    this.budgetBytes = options.budgetBytes ?? Number.POSITIVE_INFINITY;
    this.log = options.log ?? console.error;
    const receive = (r: PictureReply) => this.receive(r);
    this.hosts =
      workers > 0
        ? Array.from({ length: workers }, () => new WorkerHost(receive, (error) => this.workerFailed(error), (host) => this.progressed(host)))
        : [new InlineHost(receive)];
  }

  get workers(): number {
    return this.hosts[0] instanceof WorkerHost ? this.hosts.length : 0;
  }

  /** A new, empty picture. */
  picture(hooks: PictureHooks): PoolPicture {
    const id = this.nextId++;
    // Sessions go round the workers: a session's messages stay in order on its one worker.
    const host = this.hosts[id % this.hosts.length]!;
    const picture = new PoolPicture(this, host, id, hooks);
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

  private lastPauseLog = -Infinity;
  private lastPause = new Map<Host, number>();

  /**
   * @internal Whether a picture of this worker may pause now. One at a time, PAUSE_EVERY_MS apart: the backlog drains
   * only as fast as the worker decodes, so pausing every session that sends meanwhile would stop far more than needed.
   */
  mayPause(host: Host): boolean {
    const now = performance.now();
    if (now - (this.lastPause.get(host) ?? -Infinity) < PAUSE_EVERY_MS) return false;
    this.lastPause.set(host, now);
    return true;
  }

  /** Memory the decoded pictures hold now, as counted against budgetBytes. */
  get decodedBytes(): number {
    return this.reservedBytes;
  }

  /**
   * @internal Counts a picture of this size for `picture` (in place of what it held); false, with nothing counted for
   * it, when that would go over the budget.
   */
  reserve(picture: PoolPicture, size: { width: number; height: number }): boolean {
    const held = this.reservations.get(picture) ?? 0;
    const need = pictureCost(size);
    if (this.reservedBytes - held + need > this.budgetBytes) return false;
    this.reservedBytes += need - held;
    this.reservations.set(picture, need);
    return true;
  }

  /** @internal `picture` holds no decoded picture any more: its room may bring back pictures that waited for it. */
  release(picture: PoolPicture): void {
    const held = this.reservations.get(picture);
    if (held === undefined) return;
    this.reservations.delete(picture);
    this.reservedBytes -= held;
    let room = this.budgetBytes - this.reservedBytes;
    const waiting = [...this.pictures.values()].filter((p) => p.waitingForRoom).sort((a, b) => a.pausedSince - b.pausedSince);
    for (const p of waiting) {
      const cost = pictureCost(p.dimensions!);
      if (cost > room) continue;
      room -= cost;
      p.askToResume();
    }
  }

  private lastBudgetLog = -Infinity;

  /** @internal a picture did not fit the budget: say so in the server's log, at most every 10 s. */
  noteOverBudget(size: { width: number; height: number }): void {
    const now = performance.now();
    if (now - this.lastBudgetLog < 10_000) return;
    this.lastBudgetLog = now;
    this.log(
      `relay: a ${size.width}x${size.height} session screen is not decoded: the decoded screens already take ${Math.round(this.reservedBytes / 1048576)} of ${Math.round(this.budgetBytes / 1048576)} MB (TESSERA_RELAY_PICTURE_MEMORY_MB); its viewers get the agent's key messages meanwhile`,
    );
  }

  /** Pictures not decoded at the moment (overload), of all live ones. */
  get pausedCount(): number {
    let n = 0;
    for (const p of this.pictures.values()) if (p.paused) n++;
    return n;
  }

  /** @internal a picture paused: say so in the server's log, at most every 10 s. */
  notePause(): void {
    const now = performance.now();
    if (now - this.lastPauseLog < 10_000) return;
    this.lastPauseLog = now;
    this.log(
      `relay: ${this.pausedCount + 1} of ${this.pictures.size} session screens paused: a picture worker is over ${Math.round(this.maxBacklogBytes / 1048576)} MB behind (busy sessions are not decoded until their next full picture; more cores or TESSERA_RELAY_WORKERS help)`,
    );
  }

  private lastResume = new Map<Host, number>();

  /** A worker finished a batch: once it is well below its limit, one paused picture of it may come back. */
  private progressed(host: Host): void {
    if (host.backlog > this.maxBacklogBytes / 4) return;
    const now = performance.now();
    if (now - (this.lastResume.get(host) ?? -Infinity) < RESUME_EVERY_MS) return;
    let oldest: PoolPicture | null = null;
    for (const p of this.pictures.values())
      if (p.onHost(host) && p.waitingToResume && !p.overBudget && (!oldest || p.pausedSince < oldest.pausedSince)) oldest = p;
    if (!oldest) return;
    this.lastResume.set(host, now);
    oldest.askToResume();
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
  private pausedValue = false;
  /** When it paused, and whether the agent has been asked for a key message since (see PicturePool.progressed). */
  pausedSince = 0;
  private resumeAsked = false;
  /** Paused because its picture did not fit the memory budget (not because its worker fell behind). */
  overBudget = false;

  constructor(
    private pool: PicturePool,
    private host: Host,
    private id: number,
    private hooks: PictureHooks,
  ) {}

  /** Not decoded at the moment (see the overload note at the top). */
  get paused(): boolean {
    return this.pausedValue;
  }

  /** The picture's size as of the last key message handed over (null before one, or after a refused message). */
  get dimensions(): { width: number; height: number } | null {
    return this.size;
  }

  apply(update: Uint8Array): void {
    const key = keyMessageSize(update);
    this.size = key ?? this.size;
    const limit = this.pool.maxBacklogBytes;
    if (this.pausedValue) {
      // A key message starts the picture afresh: it can resume once the worker has caught up and the picture fits.
      if (!key || this.host.backlog > limit / 2) return;
      if (!this.pool.reserve(this, key)) {
        this.overBudget = true;
        this.resumeAsked = false;
        this.pool.noteOverBudget(key);
        this.hooks.paused(); // the relay took the key message for a resume
        return;
      }
      this.pausedValue = false;
      this.overBudget = false;
      this.resumeAsked = false;
    } else if (this.host.backlog > limit && this.pool.mayPause(this.host)) {
      this.pause();
      this.pool.notePause();
      this.hooks.paused();
      return;
    } else if (key && !this.pool.reserve(this, key)) {
      // Not decoded at all: nothing of this picture is held on the server.
      this.pause();
      this.overBudget = true;
      this.pool.noteOverBudget(key);
      this.hooks.paused();
      return;
    }
    if (this.host instanceof InlineHost) return this.host.send({ op: 'apply', id: this.id, bytes: update });
    // The socket's buffer is not ours to keep past this call; the copy goes to the worker without another copy.
    // (new Uint8Array, not slice(): a Node Buffer's slice() shares memory, and the transfer would detach the frame.)
    const bytes = new Uint8Array(update);
    this.host.send({ op: 'apply', id: this.id, bytes }, bytes.buffer);
  }

  private pause(): void {
    this.pausedValue = true;
    this.overBudget = false;
    this.pausedSince = performance.now();
    this.resumeAsked = false;
    this.host.send({ op: 'open', id: this.id }); // an empty picture in its place: the memory goes back
    this.pool.release(this);
  }

  keyframe(): Promise<Uint8Array | null> {
    if (this.pausedValue) return Promise.resolve(null);
    return this.pool.request(this.host, { op: 'key', id: this.id }, (r) => (r.t === 'key' ? r.message : null));
  }

  /** A copy of the current picture, or null when there is none. */
  rgba(): Promise<Screen | null> {
    if (this.pausedValue) return Promise.resolve(null);
    return this.pool.request(this.host, { op: 'rgba', id: this.id }, (r) => (r.t === 'rgba' ? r.screen : null));
  }

  close(): void {
    this.host.send({ op: 'close', id: this.id });
    this.pool.forget(this.id);
    this.pool.release(this);
  }

  /** @internal */
  onHost(host: Host): boolean {
    return this.host === host;
  }

  /** @internal paused, and the agent not yet asked for the key message that would resume it. */
  get waitingToResume(): boolean {
    return this.pausedValue && !this.resumeAsked;
  }

  /** @internal paused for want of memory, with a known size, and not yet asked to resume. */
  get waitingForRoom(): boolean {
    return this.overBudget && this.waitingToResume && this.size !== null;
  }

  /** @internal */
  askToResume(): void {
    this.resumeAsked = true;
    this.hooks.resumable();
  }

  /** @internal the decoder refused a message. */
  failedNow(reason: string): void {
    this.size = null;
    this.hooks.failed(reason);
  }
}
