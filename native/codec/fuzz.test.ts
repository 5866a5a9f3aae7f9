// Bounded fuzzing run of the C++ decoder (libFuzzer + ASan + UBSan) on the committed seed corpus.
// A longer run: native/codec/fuzz/run.sh 3600 (see native/codec/FORMAT.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const probeDir = mkdtempSync(join(tmpdir(), 'tessera-fuzz-probe-'));
writeFileSync(join(probeDir, 'probe.cc'), 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n');
const probe = spawnSync('clang++', ['-fsanitize=fuzzer,address,undefined', join(probeDir, 'probe.cc'), '-o', join(probeDir, 'probe')], { stdio: 'pipe' });
rmSync(probeDir, { recursive: true, force: true });

describe('decoder fuzzing', () => {
  it('survives 60 s of libFuzzer with AddressSanitizer and UBSan (hostile messages, then encoder round trips)', () => {
    // clang with its fuzzer runtime is a test requirement (.ci/run installs clang and libclang-rt-14-dev).
    expect(probe.status, `clang++ cannot build a libFuzzer target: ${probe.stderr?.toString().slice(-500)}`).toBe(0);
    // Lowest CPU priority: the other test files keep running beside it on this 2-core machine.
    const run = spawnSync('nice', ['-n', '19', 'bash', resolve(root, 'native/codec/fuzz/run.sh'), '60'], { encoding: 'utf8', timeout: 170_000 });
    if (run.status !== 0) console.error(run.stdout, run.stderr.slice(-4000));
    expect(run.status).toBe(0);
    expect(run.stderr.match(/Done \d+ runs/g)?.length).toBe(2);
    // The round-trip corpus (the second DONE line) must hold real pictures, not the few-byte inputs an unseeded
    // libFuzzer with its length ramp was stuck at: average input size above 64 bytes.
    const done = [...run.stderr.matchAll(/DONE .*?corp: (\d+)\/(\d+)(b|Kb|Mb)/g)].at(-1);
    expect(done, 'no final stats from the round-trip fuzzer').toBeTruthy();
    const bytes = Number(done![2]) * { b: 1, Kb: 1024, Mb: 1024 * 1024 }[done![3] as 'b' | 'Kb' | 'Mb'];
    expect(bytes / Number(done![1])).toBeGreaterThan(64);
  }, 180_000);
});
