// Relay capacity: N live sessions through one real server process, each with one agent and two viewers, the
// agents replaying real recorded desktop streams (pre-encoded once with the real encoder; the sessions take the
// scenarios in turn). Measures the server's CPU and memory and the relay's added latency: every agent tick also
// sends a tiny cursor frame stamped with its send time, and the viewers (in this process, same clock) record when
// it arrives. Every session is recorded; at the end the recordings' seek points are checked for what seeking costs.
import { join } from 'node:path';
import { createDecoder, createEncoder } from '../../native/index.ts';
import { AGENT_PROTOCOL_VERSION } from '../../server/protocol/agent.ts';
import { DesktopFrame, frame } from '../../server/protocol/desktop.ts';
import { RecordKind } from '../../server/protocol/recording.ts';
import { readRecording } from '../../server/recordings/recordingFile.ts';
import { TestClient } from '../../server/testing/startTestServer.ts';
import { startServer } from '../../test/helpers/server.ts';
import { readScenario } from '../corpus.ts';
import { availableMb, cpuSeconds, percentile, rssMb } from './processStats.ts';

export interface RelayStep {
  sessions: number;
  viewers: number;
  cpuPercent: number;
  p50AddedMs: number;
  p99AddedMs: number;
  serverRssMb: number;
  /** CPU of this load generator (agents and viewers), % of one core: near 100 means it, not the server, limits. */
  clientCpuPercent: number;
  /** kB/s each viewer received (codec and cursor frames). */
  kbpsPerViewer: number;
  /** Key messages the server asked agents for during the step: it had paused their pictures (overload). */
  keyRequests: number;
  /** The server's last word on paused pictures (its log line), if it paused any so far. */
  paused?: string;
  /** Why the ramp stopped here, if it did. */
  stopped?: string;
}

/** What seeking in the sessions' recordings costs: decoding from a seek point to just before the next one. */
export interface SeekCost {
  recordings: number;
  /** Seek points per recorded minute, over all sampled recordings. */
  seekPointsPerMinute: number;
  /** The worst seek: native decode ms from a seek point to the last picture before the next one. */
  worstDecodeMs: number;
  worstScenario: string;
}

interface Stream {
  name: string;
  /** The first pass over the scenario, framed: [0] is a Keyframe frame. */
  messages: Uint8Array[];
  /**
   * Every later pass: [0] is a refresh message (from the last frame back to the first, fresh context), then the
   * updates that follow it. A refresh resets the context, so every pass after the first is byte-identical and the
   * stream can loop for ever; it is also where the agent answers the server's refresh requests, like a real agent
   * (only later: at the end of the pass), so the server makes its keyframes for late joiners and seek points.
   */
  loop: Uint8Array[];
  fps: number;
  bytesPerSecond: number;
}

/** Encodes a corpus scenario once; every simulated agent replays it (each server-side decoder gets a valid stream). */
export async function encodeStream(scenarioDir: string, limit = 200): Promise<Stream> {
  const encoder = createEncoder();
  const pass = async () => {
    const out: Uint8Array[] = [];
    for await (const f of readScenario(scenarioDir, { limit })) {
      const m = encoder.encode(f.rgba, f.width, f.height, f.width * 4, 'rgba');
      out.push(m ? m.slice() : new Uint8Array(0));
      fps = f.fps;
    }
    return out;
  };
  let fps = 10;
  const messages = await pass();
  encoder.refresh();
  const loop = await pass();
  if (loop[0]!.length === 0) throw new Error('the refresh pass did not start with a refresh message');
  const steady = loop.reduce((n, m) => n + m.length, 0);
  // Framed once here, so the load generator only sends (empty entries: nothing changed in that frame).
  const framed = (list: Uint8Array[], first: DesktopFrame) => list.map((m, i) => (m.length ? frame(i === 0 ? first : DesktopFrame.Update, m) : m));
  return {
    name: scenarioDir.split('/').filter(Boolean).pop()!,
    messages: framed(messages, DesktopFrame.Keyframe),
    loop: framed(loop, DesktopFrame.Refresh),
    fps,
    bytesPerSecond: (steady * fps) / loop.length,
  };
}

const CURSOR = DesktopFrame.CursorPosition;

class BenchSession {
  agent!: WebSocket;
  viewers: WebSocket[] = [];
  position = 0;
  looping = false;
  nextAt = 0;
  started = false;
  seq = 0;
  sentAt = new Float64Array(1024);

  constructor(
    readonly index: number,
    readonly id: number,
    readonly stream: Stream,
    readonly latencies: number[],
    readonly counters: { bytes: number; keyRequests: number },
  ) {}

  async connect(base: string, token: string, cookie: string): Promise<void> {
    const ws = base.replace(/^http/, 'ws');
    this.agent = new WebSocket(`${ws}/ws/agent`);
    this.agent.binaryType = 'arraybuffer';
    const welcomed = new Promise<void>((resolve, reject) => {
      this.agent.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        const m = JSON.parse(e.data) as { type: string };
        if (m.type === 'welcome') resolve();
        else if (m.type === 'desktop-start') this.start();
        else if (m.type === 'desktop-stop') this.started = false;
        // desktop-key (the server paused its picture under overload): the pass starts over from its key message.
        else if (m.type === 'desktop-key') {
          this.counters.keyRequests++;
          this.position = 0;
          this.looping = false;
        }
        // desktop-refresh: answered at the end of the current pass, where the replayed stream refreshes anyway.
        else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
      });
      this.agent.addEventListener('close', (e) => reject(new Error(`agent closed ${e.code} ${e.reason}`)));
    });
    this.agent.addEventListener('open', () => {
      this.agent.send(JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, version: 'bench', os: 'linux', hostname: `bench-${this.index}`, session: token }));
    });
    await welcomed;
    this.agent.send(JSON.stringify({ type: 'consent', granted: ['view', 'control'] }));
    for (let v = 0; v < 2; v++) {
      const viewer = new WebSocket(`${ws}/ws/desktop/${this.id}`, { headers: { cookie } } as unknown as string[]);
      viewer.binaryType = 'arraybuffer';
      viewer.addEventListener('message', (e) => {
        if (typeof e.data === 'string') return;
        const bytes = new Uint8Array(e.data as ArrayBuffer);
        this.counters.bytes += bytes.length;
        if (bytes[0] === CURSOR && bytes.length === 14) {
          const seq = new DataView(bytes.buffer).getInt32(1, true);
          const sent = this.sentAt[seq & 1023]!;
          if (sent > 0) this.latencies.push(performance.now() - sent);
        }
      });
      await new Promise<void>((resolve, reject) => {
        viewer.addEventListener('open', () => resolve());
        viewer.addEventListener('close', (e) => reject(new Error(`viewer closed ${e.code} ${e.reason}`)));
      });
      this.viewers.push(viewer);
    }
  }

  private start(): void {
    this.started = true;
    this.position = 0;
    this.looping = false;
    // Spread the sessions' ticks over the frame interval, as independent desktops would be.
    this.nextAt = performance.now() + Math.random() * (1000 / this.stream.fps);
  }

  /** Sends what is due: the next codec message and a stamped cursor frame. */
  tick(now: number): void {
    if (!this.started || now < this.nextAt || this.agent.readyState !== WebSocket.OPEN) return;
    this.nextAt += 1000 / this.stream.fps;
    if (this.nextAt < now) this.nextAt = now;
    const i = this.position;
    const pass = this.looping ? this.stream.loop : this.stream.messages;
    const message = pass[i]!;
    if (message.length) this.agent.send(message);
    if (++this.position === pass.length) {
      this.position = 0;
      this.looping = true;
    }
    const payload = new Uint8Array(13);
    const view = new DataView(payload.buffer);
    const seq = this.seq++;
    view.setInt32(0, seq, true);
    view.setInt32(4, this.index, true);
    view.setUint8(8, 1);
    this.sentAt[seq & 1023] = performance.now();
    this.agent.send(frame(CURSOR, payload));
  }

  close(): void {
    for (const v of this.viewers) v.close();
    this.agent.close();
  }
}

export interface RelayOptions {
  /** Session i replays scenario i modulo the list. */
  scenarioDirs: string[];
  steps: number[];
  measureSeconds?: number;
  log?: (line: string) => void;
}

export async function relayCapacity(options: RelayOptions): Promise<{ steps: RelayStep[]; seek: SeekCost }> {
  const log = options.log ?? ((l: string) => console.log(l));
  const streams: Stream[] = [];
  for (const dir of options.scenarioDirs) streams.push(await encodeStream(dir));
  for (const st of streams)
    log(`relay: replaying ${st.name} (${st.messages.length} messages a pass at ${st.fps} fps, ${(st.bytesPerSecond / 1024).toFixed(1)} kB/s in the looping passes)`);
  // Every agent of the bench comes from loopback: the per-address cap (meant for strangers) would stop it at 100.
  const server = await startServer({ env: { TESSERA_AGENT_CONNECTIONS_PER_ADDRESS: '0' } });
  const admin = new TestClient(server.url);
  const setup = await admin.post('/api/setup', { token: server.setupToken, username: 'admin', displayName: 'Bench Admin', password: 'bench password 1234' });
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.text}`);

  const latencies: number[] = [];
  const counters = { bytes: 0, keyRequests: 0 };
  const sessions: BenchSession[] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    for (const s of sessions) s.tick(now);
  }, 2);
  const results: RelayStep[] = [];
  try {
    for (const target of options.steps) {
      let stopped: string | undefined;
      while (sessions.length < target) {
        if (availableMb() < 1500) {
          stopped = `memory: ${availableMb().toFixed(0)} MB left on the machine`;
          break;
        }
        const created = await admin.post('/api/sessions/code', {});
        if (created.status !== 200) throw new Error(`session: ${created.text}`);
        const id = created.json.sessionId as number;
        const token = await admin.post(`/api/support/sessions/${id}/agent-token`, {});
        if (token.status !== 200) throw new Error(`agent token: ${token.text}`);
        const s = new BenchSession(sessions.length, id, streams[sessions.length % streams.length]!, latencies, counters);
        await s.connect(server.url, token.json.token as string, admin.cookieHeader);
        sessions.push(s);
      }
      await Bun.sleep(3000); // warm up: first keyframes out, steady state
      latencies.length = 0;
      counters.bytes = 0;
      counters.keyRequests = 0;
      const cpu0 = cpuSeconds(server.pid);
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      await Bun.sleep((options.measureSeconds ?? 10) * 1000);
      const seconds = (performance.now() - t0) / 1000;
      const step: RelayStep = {
        sessions: sessions.length,
        viewers: sessions.length * 2,
        cpuPercent: Math.round(((cpuSeconds(server.pid) - cpu0) / seconds) * 1000) / 10,
        p50AddedMs: round2(percentile(latencies, 50)),
        p99AddedMs: round2(percentile(latencies, 99)),
        serverRssMb: Math.round(rssMb(server.pid)),
        clientCpuPercent: Math.round(((process.cpuUsage(client0).user + process.cpuUsage(client0).system) / 1e6 / seconds) * 1000) / 10,
        kbpsPerViewer: round2(counters.bytes / 1024 / seconds / (sessions.length * 2)),
        keyRequests: counters.keyRequests,
        ...pausedNote(server.output()),
        ...(stopped ? { stopped } : {}),
      };
      results.push(step);
      log(`relay: ${step.sessions} sessions x 2 viewers: server CPU ${step.cpuPercent} % (load generator ${step.clientCpuPercent} %), added latency p50 ${step.p50AddedMs} ms / p99 ${step.p99AddedMs} ms, RSS ${step.serverRssMb} MB, ${step.kbpsPerViewer} kB/s per viewer, ${step.keyRequests} key requests${step.paused ? ` (server: ${step.paused})` : ''}${stopped ? ` (stopped: ${stopped})` : ''}`);
      if (stopped) break;
    }
  } finally {
    clearInterval(timer);
    for (const s of sessions) s.close();
  }
  try {
    await Bun.sleep(500); // the recorders close their files
    const seek = seekCost(server.dataDir, sessions.slice(0, 4 * streams.length));
    log(`recordings: ${seek.seekPointsPerMinute} seek points per recorded minute; worst seek ${seek.worstDecodeMs} ms of native decoding (${seek.worstScenario}; goal: seek to any second within 1 s)`);
    return { steps: results, seek };
  } finally {
    await server.stop();
  }
}

/**
 * Plays the sampled sessions' recordings as the player seeks: from each seek point, every picture up to the last
 * one before the next seek point (the worst target that seek point serves), timing the decoding.
 */
function seekCost(dataDir: string, sample: BenchSession[]): SeekCost {
  let worst = 0;
  let worstScenario = '';
  let points = 0;
  let minutes = 0;
  for (const s of sample) {
    const { records } = readRecording(join(dataDir, 'recordings', `${s.id}.tsr`));
    if (records.length < 2) continue;
    minutes += (records.at(-1)!.timeMs - records[0]!.timeMs) / 60_000;
    const keys = records.flatMap((r, i) => (r.kind === RecordKind.Keyframe ? [i] : []));
    points += keys.length;
    keys.forEach((start, k) => {
      const end = keys[k + 1] ?? records.length;
      const decoder = createDecoder();
      const t0 = performance.now();
      for (let i = start; i < end; i++) {
        const r = records[i]!;
        const kind = r.payload[0];
        if (r.kind === RecordKind.Event || (kind !== DesktopFrame.Update && kind !== DesktopFrame.Keyframe && kind !== DesktopFrame.Refresh)) continue;
        decoder.apply(r.payload.subarray(1));
      }
      const ms = performance.now() - t0;
      if (ms > worst) {
        worst = ms;
        worstScenario = s.stream.name;
      }
    });
  }
  return { recordings: sample.length, seekPointsPerMinute: round2(points / Math.max(minutes, 1e-9)), worstDecodeMs: round2(worst), worstScenario };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** "N of M session screens paused", from the server's last overload log line. */
function pausedNote(output: string): { paused?: string } {
  const m = [...output.matchAll(/relay: (\d+ of \d+ session screens paused)/g)].at(-1);
  return m ? { paused: m[1]! } : {};
}
