import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startThrottleProxy, type ThrottleProxy } from './helpers/throttleProxy.ts';

// The slow-link tests and the desktop benchmark rest on this proxy really holding the rate.
describe('throttle proxy', () => {
  let proxy: ThrottleProxy | null = null;
  let sink: net.Server | null = null;
  afterEach(async () => {
    await proxy?.close();
    sink?.close();
  });

  it('delivers every byte in order at about the configured rate', async () => {
    const received: Buffer[] = [];
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const total = 90 * 1024;
    sink = net.createServer((s) => {
      s.on('data', (d: Buffer) => {
        received.push(d);
        if (received.reduce((n, b) => n + b.length, 0) >= total) done();
      });
    });
    await new Promise<void>((r) => sink!.listen(0, '127.0.0.1', r));
    proxy = await startThrottleProxy({ targetPort: (sink.address() as net.AddressInfo).port, bytesPerSecond: 30 * 1024 });
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i++) payload[i] = (i * 7 + (i >> 8)) & 255;
    const started = performance.now();
    const client = net.connect(proxy.port, '127.0.0.1');
    client.write(payload);
    await all;
    const seconds = (performance.now() - started) / 1000;
    client.destroy();
    expect(Buffer.concat(received).equals(payload)).toBe(true);
    // 90 KiB at 30 KiB/s: 3 s (the first tick's burst makes it a little less).
    expect(seconds).toBeGreaterThan(2.6);
    expect(seconds).toBeLessThan(4.5);
    expect(proxy.stats.up).toBe(total);
  });
});
