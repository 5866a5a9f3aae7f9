// The bystander: a separate process that keeps asking the server for something small, one request at a time, and
// prints `<wall ms> <latency ms> <status>` per answer. A request the server stalls shows as one long latency, and
// the next one waits for it, so the worst latency is the worst stall any other user saw. Runs until stdin closes or
// the time given runs out (bounded on its own).
//   bun bench/hostile/probe.ts URL COOKIE SECONDS
const [base, cookie, seconds] = process.argv.slice(2);
if (!base || cookie === undefined || !seconds) throw new Error('usage: probe.ts URL COOKIE SECONDS');
const until = Date.now() + Number(seconds) * 1000;
const paths = ['/api/health', '/api/sessions/live'];
let stop = false;
export {};
process.stdin.on('close', () => (stop = true));
process.stdin.resume();
for (let i = 0; !stop && Date.now() < until; i++) {
  const started = performance.now();
  const wall = Date.now();
  let status = 0;
  try {
    const res = await fetch(base + paths[i % paths.length]!, { headers: { cookie }, signal: AbortSignal.timeout(60_000) });
    await res.arrayBuffer();
    status = res.status;
  } catch {
    status = -1;
  }
  process.stdout.write(`${wall} ${(performance.now() - started).toFixed(2)} ${status}\n`);
  await Bun.sleep(10);
}
process.exit(0);
