// Run first by `npm test`: the tests drive a real browser on a real X server and build fuzzers and WebAssembly, so
// they need Debian packages that `npm install` does not (the addon builds without them). When some are missing,
// this installs them if it can (root with apt-get) and says what it installs; otherwise it stops before any test
// runs, with the exact command to run. Nothing is done when everything is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian 12 packages the tests use, and why (so a missing one can be judged without reading the tests). */
export const TEST_PACKAGES: Record<string, string> = {
  chromium: 'the browser of the end-to-end and accessibility tests (driven by playwright-core)',
  xvfb: 'the X server the capture, input and desktop tests show their screens on',
  xauth: 'xvfb-run and X authority for the test displays',
  'x11-utils': 'xdpyinfo and xwininfo: waiting for a display and its windows',
  'x11-xserver-utils': 'xrandr: resolution and monitor changes under capture',
  xdotool: 'what real users type and click, in the capture and e2e tests',
  xterm: 'a real application on the test screens',
  xclip: 'another program on the clipboard',
  'fonts-dejavu-core': 'the same glyphs on every machine',
  libxtst6: 'XTest, which the addon loads at run time to inject input',
  libxrandr2: 'XRandR, which the addon loads at run time for monitors',
  clang: 'the decoder fuzzers and the browser decoder\'s WebAssembly',
  lld: 'wasm-ld for the WebAssembly build',
  'libclang-rt-14-dev': 'libFuzzer and the sanitizers\' runtimes',
  ffmpeg: 'x11grab, the reference the capture test compares against',
  'python3-aiosmtpd': 'the SMTP server the e-mail tests send to',
};

export type SetupPlan =
  | { kind: 'ready' }
  | { kind: 'install'; packages: string[] }
  | { kind: 'stop'; packages: string[]; command: string };

export function installCommand(packages: string[], asRoot: boolean): string {
  const apt = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  return asRoot ? `apt-get update && ${apt}` : `sudo apt-get update && sudo ${apt}`;
}

/** What to do, given which packages are missing, whether we are root and whether apt-get is there. */
export function planSetup(missing: string[], isRoot: boolean, hasApt: boolean): SetupPlan {
  if (!missing.length) return { kind: 'ready' };
  if (isRoot && hasApt) return { kind: 'install', packages: missing };
  return { kind: 'stop', packages: missing, command: installCommand(missing, isRoot) };
}

/** Packages of `wanted` dpkg does not list as installed; null when there is no dpkg (not Debian). */
export function missingPackages(wanted: string[]): string[] | null {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\\n', ...wanted], { encoding: 'utf8' });
  if (query.error) return null;
  const installed = new Set(
    query.stdout.split('\n').filter((line) => line.endsWith(' installed')).map((line) => line.split(' ')[0]!.split(':')[0]),
  );
  return wanted.filter((name) => !installed.has(name));
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

function main(): number {
  const wanted = Object.keys(TEST_PACKAGES);
  const missing = missingPackages(wanted);
  if (missing === null) {
    console.warn(`test set-up: no dpkg here, so the test tools are not checked; the tests expect Debian 12's ${wanted.join(' ')}`);
    return 0;
  }
  const plan = planSetup(missing, process.getuid?.() === 0, existsSync('/usr/bin/apt-get'));
  if (plan.kind === 'ready') return 0;
  const list = plan.packages.map((name) => `  ${name}: ${TEST_PACKAGES[name]}`).join('\n');
  if (plan.kind === 'stop') {
    console.error(`The tests need Debian packages that are not installed:\n${list}\nRun this, then npm test again:\n\n  ${plan.command}\n`);
    return 1;
  }
  console.log(`test set-up: installing the Debian packages the tests need (apt-get, once):\n${list}`);
  if (!run('apt-get', ['update', '-q']) ||
      !run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...plan.packages])) {
    console.error(`test set-up: apt-get failed; run it yourself, then npm test again:\n\n  ${installCommand(plan.packages, true)}\n`);
    return 1;
  }
  const still = missingPackages(plan.packages) ?? [];
  if (still.length) {
    console.error(`test set-up: still not installed after apt-get: ${still.join(' ')}`);
    return 1;
  }
  console.log('test set-up: done');
  return 0;
}

if (import.meta.main) process.exit(main());
