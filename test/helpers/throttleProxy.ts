// A TCP proxy on loopback that limits each direction to a byte rate (a token bucket drained every few ms) and can add
// one-way latency: a slow link between two real programs, without root or network namespaces. The queue inside the
// proxy is small (like a modem's buffer): when it is full the proxy stops reading, so the sender's own pacing (not
// the proxy) decides what waits.
import net from 'node:net';

export interface ThrottleOptions {
  /** Where connections go. */
  targetPort: number;
  targetHost?: string;
  /** Bytes per second in each direction. */
  bytesPerSecond: number;
  /** Added one-way delay (ms); default 0. */
  latencyMs?: number;
  /** Bytes the proxy holds per direction before it stops reading (default 8 KiB). */
  queueBytes?: number;
}

export interface ThrottleProxy {
  port: number;
  /** Bytes delivered so far in each direction. */
  stats: { up: number; down: number };
  /** Changes the rate of every connection, live. */
  setRate(bytesPerSecond: number): void;
  close(): Promise<void>;
}

const TICK_MS = 5;

class Direction {
  private chunks: { data: Buffer; readyAt: number }[] = [];
  private queued = 0;
  private tokens = 0;
  private last = performance.now();

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly proxy: { rate: number; latencyMs: number; queueBytes: number },
    private readonly count: (n: number) => void,
  ) {
    from.on('data', (data: Buffer) => {
      this.chunks.push({ data, readyAt: performance.now() + proxy.latencyMs });
      this.queued += data.length;
      if (this.queued >= proxy.queueBytes) from.pause();
    });
  }

  pump(now: number): void {
    // Tokens accrue with time, but an idle link does not save up more than one tick's worth plus a packet.
    this.tokens = Math.min(this.tokens + ((now - this.last) * this.proxy.rate) / 1000, (this.proxy.rate * TICK_MS) / 1000 + 1500);
    this.last = now;
    while (this.chunks.length && this.tokens >= 1) {
      const head = this.chunks[0]!;
      if (head.readyAt > now) break;
      const n = Math.min(head.data.length, Math.floor(this.tokens));
      this.to.write(head.data.subarray(0, n));
      this.count(n);
      this.tokens -= n;
      this.queued -= n;
      if (n === head.data.length) this.chunks.shift();
      else head.data = head.data.subarray(n);
    }
    if (this.queued < this.proxy.queueBytes && this.from.isPaused()) this.from.resume();
  }

  get empty(): boolean {
    return this.chunks.length === 0;
  }
}

export async function startThrottleProxy(options: ThrottleOptions): Promise<ThrottleProxy> {
  const shared = { rate: options.bytesPerSecond, latencyMs: options.latencyMs ?? 0, queueBytes: options.queueBytes ?? 8 * 1024 };
  const stats = { up: 0, down: 0 };
  const pipes = new Set<{ up: Direction; down: Direction; client: net.Socket; server: net.Socket }>();

  const server = net.createServer((client) => {
    client.pause();
    const upstream = net.connect(options.targetPort, options.targetHost ?? '127.0.0.1');
    const pipe = {
      client,
      server: upstream,
      up: new Direction(client, upstream, shared, (n) => (stats.up += n)),
      down: new Direction(upstream, client, shared, (n) => (stats.down += n)),
    };
    pipes.add(pipe);
    upstream.on('connect', () => client.resume());
    const end = () => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  const timer = setInterval(() => {
    const now = performance.now();
    for (const p of pipes) {
      p.up.pump(now);
      p.down.pump(now);
    }
  }, TICK_MS);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stats,
    setRate(bytesPerSecond) {
      shared.rate = bytesPerSecond;
    },
    async close() {
      clearInterval(timer);
      for (const p of pipes) {
        p.client.destroy();
        p.server.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
