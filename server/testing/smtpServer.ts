// A real SMTP server for tests: Debian's python3-aiosmtpd on a free loopback port, printing every message
// it receives to stdout, where the test reads it.
import { spawn, type ChildProcess } from 'node:child_process';

export interface TestSmtp {
  port: number;
  /** Everything received so far (headers and bodies). */
  received(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export async function startSmtp(): Promise<TestSmtp> {
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/python3', ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // Ready when it accepts a connection.
  for (let i = 0; i < 100; i++) {
    try {
      const s = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } });
      s.end();
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`aiosmtpd exited: ${output}`);
      await Bun.sleep(50);
    }
  }
  return {
    port,
    received: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}
