// `npm run compile`: builds the console, then the two single executables:
//   dist/tessera                   the server, with the console, migrations, API docs, native addon and sharp inside
//   dist/tessera-agent-linux-x64   the agent, with the native addon inside
// Options: --skip-client reuses an existing client/dist; --agent-only builds just the agent (npm run build:agent).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { manifestSource } from './embedManifest.ts';

const root = join(import.meta.dir, '..');
const dist = join(root, 'dist');
const manifestFile = join(root, 'server', 'embedded', 'clientManifest.ts');
// Only linux x64 for now: a Windows or macOS build needs that platform's addon and @img/sharp-* packages.
const TARGET = 'bun-linux-x64';

async function run(what: string, cmd: string[]): Promise<void> {
  const started = performance.now();
  const child = Bun.spawn(cmd, { cwd: root, stdout: 'inherit', stderr: 'inherit' });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${what} failed (exit code ${code}): ${cmd.join(' ')}`);
  console.log(`compile: ${what} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function output(cmd: string[]): Promise<string> {
  const child = Bun.spawn(cmd, { cwd: root, stdout: 'pipe', stderr: 'inherit' });
  const [code, text] = await Promise.all([child.exited, new Response(child.stdout).text()]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} exited with ${code}`);
  return text.trim();
}

const bun = process.execPath;
// Worker threads are separate entrypoints of the same executable (Bun bundles each one; see picturePool.ts).
const compile = (entry: string, outfile: string, workers: string[] = []) => [
  bun,
  'build',
  '--compile',
  `--target=${TARGET}`,
  // no bunfig.toml from the folder the binary happens to run in
  '--no-compile-autoload-bunfig',
  entry,
  ...workers,
  '--outfile',
  outfile,
];

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--skip-client' && a !== '--agent-only');
  if (unknown.length) throw new Error(`unknown argument ${unknown[0]} (accepted: --skip-client, --agent-only)`);
  const agentOnly = args.includes('--agent-only');
  mkdirSync(dist, { recursive: true });
  const server = join(dist, 'tessera');
  const agent = join(dist, 'tessera-agent-linux-x64');

  if (!agentOnly) {
    if (!args.includes('--skip-client')) await run('client build', [bun, 'run', 'build:client']);
    const { source, files } = manifestSource({ root, outFile: manifestFile });
    mkdirSync(join(manifestFile, '..'), { recursive: true });
    writeFileSync(manifestFile, source);
    console.log(`compile: embedding ${files} files (server/embedded/clientManifest.ts)`);
    await run('server binary', compile('server/compiled.ts', server, ['server/relay/pictureWorker.ts']));
  }
  await run('agent binary', compile('agent/main.ts', agent));

  // Cheap proof that the agent binary runs and carries the right version.
  const version = await output([agent, '--version']);
  if (version !== pkg.version) throw new Error(`${agent} --version printed "${version}", expected ${pkg.version}`);
  for (const file of agentOnly ? [agent] : [server, agent]) console.log(`compile: ${file} (${(statSync(file).size / 1024 / 1024).toFixed(0)} MB)`);
}

main().catch((e: Error) => {
  console.error(`compile: ${e.message}`);
  process.exit(1);
});
