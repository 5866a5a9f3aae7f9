// npm run bench:desktop -- [--json FILE] [--relay-steps 50,200,500] [--relay-scenarios all|web-scroll,...] [--skip-relay]
//                           [--skip-browser] [--skip-links]
// The live desktop's benchmark (issue 4): glass-to-glass latency, scripted workloads over an unthrottled and a
// 30 KB/s link, and relay capacity. Every figure is printed beside its goal from the same run.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { benchScenarios } from './corpus.ts';
import { glassToGlass } from './desktop/glassToGlass.ts';
import { relayCapacity, type RelayStep, type SeekCost } from './desktop/relayCapacity.ts';
import { runLink, type LinkResult } from './desktop/workloads.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(name);

const json = option('--json');
const steps = (option('--relay-steps') ?? '50,200,500').split(',').map(Number);
if (steps.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--relay-steps: a comma-separated list of session counts');
// The relay's sessions replay every corpus scenario in turn (a desk's mix of desktops), or the ones named.
const corpus = new Map(benchScenarios().map((dir) => [basename(dir), dir]));
const scenarioOption = option('--relay-scenarios') ?? 'all';
const scenarios = scenarioOption === 'all' ? [...corpus.keys()] : scenarioOption.split(',');
const unknown = scenarios.filter((name) => !corpus.has(name));
if (unknown.length) throw new Error(`--relay-scenarios: no recording named ${unknown.join(', ')}`);

const out: {
  glassToGlassMsP50?: number;
  glassToGlassMsP95?: number;
  throttled?: { kbps: number; maxLagMs: number; finalExact: boolean; firstPictureMs: number };
  links?: LinkResult[];
  relay?: RelayStep[];
  relayScenarios?: string[];
  recordingSeek?: SeekCost;
} = {};

if (!flag('--skip-browser')) {
  const g = await glassToGlass();
  out.glassToGlassMsP50 = g.p50Ms;
  out.glassToGlassMsP95 = g.p95Ms;
}

if (!flag('--skip-links')) {
  const unthrottled = await runLink(null);
  const slow = await runLink(30 * 1024);
  out.links = [unthrottled, slow];
  out.throttled = {
    kbps: Math.max(...slow.workloads.map((w) => w.kbps)),
    maxLagMs: Math.max(...slow.workloads.map((w) => w.maxLagMs)),
    finalExact: slow.workloads.every((w) => w.finalExact),
    firstPictureMs: slow.firstPictureMs,
  };
  console.log(`30 KB/s link: first picture ${slow.firstPictureMs} ms (goal < 2000), max lag ${out.throttled.maxLagMs} ms (goal < 2000), exact: ${out.throttled.finalExact}`);
}

if (!flag('--skip-relay')) {
  const relay = await relayCapacity({ scenarioDirs: scenarios.map((name) => corpus.get(name)!), steps });
  out.relay = relay.steps;
  out.relayScenarios = scenarios;
  out.recordingSeek = relay.seek;
  const ok = out.relay.filter((s) => s.p99AddedMs < 20);
  console.log(`relay: ${ok.length ? `p99 added latency under 20 ms up to ${ok.at(-1)!.sessions} sessions` : 'p99 added latency over 20 ms at every step'} (goal: 500 sessions)`);
}

if (json) writeFileSync(json, JSON.stringify(out, null, 2));
process.exit(0);
