// Bounded fuzzing run of the C++ decoder (libFuzzer + ASan + UBSan) on the committed seed corpus.
// A longer run: native/codec/fuzz/run.sh 3600 (see native/codec/FORMAT.md).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const probe = spawnSync('bash', ['-c', 'echo "int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}" | clang++ -x c++ -fsanitize=fuzzer,address,undefined - -o /dev/null'], { stdio: 'pipe' });
const canFuzz = probe.status === 0;

describe('decoder fuzzing', () => {
  it.skipIf(!canFuzz)('survives 60 s of libFuzzer with AddressSanitizer and UBSan', () => {
    const run = spawnSync('bash', [resolve(root, 'native/codec/fuzz/run.sh'), '60'], { encoding: 'utf8', timeout: 170_000 });
    if (run.status !== 0) console.error(run.stdout, run.stderr.slice(-4000));
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/Done \d+ runs/);
  }, 180_000);
});
