// Hostile-input benchmark: replays three attacks from the hardening review against a real server process started
// as `npm start` starts it (no NODE_ENV forced from outside), while a bystander process (bench/hostile/probe.ts)
// keeps asking for small things one at a time. Prints, per phase, the bystander's latencies (the worst is the worst
// stall another user saw), what the attack achieved, and the CPU of the server and of this load generator.
// Goal: no request or message stalls another session by more than 100 ms.
//   npm run bench:hostile            (about a minute)
//   npm run bench:hostile -- --json out.json
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_PROTOCOL_VERSION } from '../server/protocol/agent.ts';
import { TestClient } from '../server/testing/startTestServer.ts';
import { bunExecutable, REPO_DIR, startServer } from '../test/helpers/server.ts';
import { cpuSeconds, percentile, rssMb } from './desktop/processStats.ts';

const GOAL_MS = 100;
const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

interface Sample {
  wall: number;
  ms: number;
  status: number;
}
interface Phase {
  name: string;
  attack: string;
  result: string;
  start: number;
  end: number;
  serverCpuPercent: number;
  generatorCpuPercent: number;
  serverRssMb: number;
}

/** A string of `depth` nested arrays: about 2 bytes a level, the shape that froze the server. */
function nestedJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

async function phase(name: string, serverPid: number, fn: () => Promise<{ attack: string; result: string }>): Promise<Phase> {
  const cpu0 = cpuSeconds(serverPid);
  const self0 = process.cpuUsage();
  const start = Date.now();
  const { attack, result } = await fn();
  await Bun.sleep(500); // let a stall that the attack left behind show in the bystander's samples
  const end = Date.now();
  const seconds = (end - start) / 1000;
  const self = process.cpuUsage(self0);
  return {
    name,
    attack,
    result,
    start,
    end,
    serverCpuPercent: ((cpuSeconds(serverPid) - cpu0) / seconds) * 100,
    generatorCpuPercent: ((self.user + self.system) / 1e6 / seconds) * 100,
    serverRssMb: rssMb(serverPid),
  };
}

const server = await startServer({ env: { NODE_ENV: '' } });
const admin = new TestClient(server.url);
const password = 'bench password 1234';
let ok = true;
try {
  const setup = await admin.post('/api/setup', { token: server.setupToken, username: 'admin', displayName: 'Bench Admin', password });
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.text}`);
  if (!admin.cookieHeader) await admin.post('/api/auth/login', { username: 'admin', password });
  const victim = await admin.post('/api/engineers', { username: 'victim', displayName: 'Victim', password, role: 'engineer', deskIds: [1], stationIds: [] });
  if (victim.status !== 200) throw new Error(`engineer: ${victim.text}`);

  const probe = spawn(bunExecutable(), [join(REPO_DIR, 'bench/hostile/probe.ts'), server.url, admin.cookieHeader, '300'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const samples: Sample[] = [];
  let pending = '';
  probe.stdout!.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const l of lines) {
      const [wall, ms, status] = l.split(' ').map(Number);
      samples.push({ wall: wall!, ms: ms!, status: status! });
    }
  });

  const phases: Phase[] = [];
  phases.push(
    await phase('quiet', server.pid, async () => {
      await Bun.sleep(3000);
      return { attack: 'none (baseline)', result: '' };
    }),
  );

  phases.push(
    await phase('deep JSON', server.pid, async () => {
      const body = `{"channel":"chat","deskId":1,"fields":{"1":${nestedJson(75_000)}}}`;
      const statuses: number[] = [];
      for (let round = 0; round < 5; round++)
        statuses.push(
          ...(await Promise.all(
            Array.from({ length: 4 }, async () => {
              const res = await fetch(`${server.url}/api/portal/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(120_000) }).catch(() => null);
              await res?.arrayBuffer();
              return res?.status ?? -1;
            }),
          )),
        );
      return { attack: `20 unauthenticated POST /api/portal/requests, ${(body.length / 1024).toFixed(0)} KB nested 75,000 deep, 4 at a time`, result: `answers ${tally(statuses)}` };
    }),
  );

  phases.push(
    await phase('agent flood', server.pid, async () => {
      // An engineer's access-code session: the agent is bound to a live session, as after a take.
      const created = await admin.post('/api/sessions/code', {});
      if (created.status !== 200) throw new Error(`session: ${created.text}`);
      const id = created.json.sessionId as number;
      const token = await admin.post(`/api/support/sessions/${id}/agent-token`, {});
      if (token.status !== 200) throw new Error(`agent token: ${token.text}`);
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/agent`);
      let closed = '';
      const done = new Promise<void>((r) => ws.addEventListener('close', (e) => ((closed = `${e.code} ${e.reason}`), r())));
      await new Promise<void>((r, j) => (ws.addEventListener('open', () => r()), ws.addEventListener('error', () => j(new Error('agent socket failed')))));
      ws.send(JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, version: 'bench', os: 'linux', hostname: 'flood', session: token.json.token }));
      await Bun.sleep(300);
      let sent = 0;
      for (; sent < 30_000 && ws.readyState === WebSocket.OPEN; sent++) {
        ws.send(JSON.stringify(sent % 2 ? { type: 'chat', text: `flood ${sent}` } : { type: 'refused', what: 'control', reason: `flood ${sent}` }));
        if (sent % 500 === 0) await Bun.sleep(0);
      }
      ws.close();
      await Promise.race([done, Bun.sleep(5000)]);
      const log = await admin.get(`/api/sessions/${id}/log`);
      const rows = Array.isArray(log.json) ? log.json.length : Array.isArray(log.json?.entries) ? log.json.entries.length : log.json?.total;
      return { attack: `one bound agent sends ${sent} chat/refused messages as fast as it can`, result: `agent closed: ${closed || 'no'}; session log answers ${log.status}, ${rows ?? '?'} rows on its first page` };
    }),
  );

  phases.push(
    await phase('parallel guesses', server.pid, async () => {
      const guess = (pw: string) =>
        fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'victim', password: pw }) }).then(
          async (r) => (await r.arrayBuffer(), r.status),
          () => -1,
        );
      const burst = Array.from({ length: 200 }, (_, i) => guess(i === 60 ? password : `wrong ${i}`));
      const statuses = await Promise.all(burst);
      return { attack: '200 parallel logins for one account, the right password 61st', result: `answers ${tally(statuses)}; the right one got ${statuses[60]}` };
    }),
  );

  probe.stdin!.end();
  await new Promise((r) => probe.once('exit', r));

  console.log(`\nHostile-input benchmark (${new Date().toISOString()}); bystander: one request at a time, /api/health and /api/sessions/live`);
  console.log(`goal: worst bystander latency under an attack <= ${GOAL_MS} ms; anchor: the same bystander in the quiet phase of this run\n`);
  console.log('| phase | bystander requests | p50 ms | p99 ms | worst ms | failed | server CPU % | generator CPU % | server RSS MB | attack | result |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const rows = phases.map((p) => {
    const inPhase = samples.filter((s) => s.wall + s.ms >= p.start && s.wall <= p.end);
    const ms = inPhase.map((s) => s.ms).sort((a, b) => a - b);
    const worst = ms.at(-1) ?? Number.POSITIVE_INFINITY;
    if (p.name !== 'quiet' && worst > GOAL_MS) ok = false;
    const failed = inPhase.filter((s) => s.status !== 200).length;
    console.log(
      `| ${p.name} | ${ms.length} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 99).toFixed(1)} | ${worst.toFixed(1)} | ${failed} | ${p.serverCpuPercent.toFixed(0)} | ${p.generatorCpuPercent.toFixed(0)} | ${p.serverRssMb.toFixed(0)} | ${p.attack} | ${p.result} |`,
    );
    return { ...p, requests: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), worst, failed };
  });
  console.log(`\n${ok ? 'goal met' : 'GOAL MISSED'}: worst stall under attack ${Math.max(...rows.filter((r) => r.name !== 'quiet').map((r) => r.worst)).toFixed(1)} ms`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
} finally {
  await server.stop();
}
process.exit(ok ? 0 : 1);

function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n}x ${s === -1 ? 'no answer' : s}`).join(', ');
}
