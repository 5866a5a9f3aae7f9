// Run by `npm start`: the portal can only hand out the support app if dist/ holds it, so build it (the same build as
// `npm run build:agent`) when it is missing or older than anything compiled into it. Up to date: nothing is built.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const AGENT_BINARY = join('dist', 'tessera-agent-linux-x64');
/** What ends up inside the agent executable: its own code, the addon (sources and build), the shared protocol. */
export const AGENT_SOURCES = ['agent', 'native', join('server', 'protocol'), join('build', 'Release', 'tessera.node'), 'package.json'];

/** Tests and fuzz inputs are not part of the binary: touching them must not trigger a rebuild. */
const NOT_BUILT = /\.test\.tsx?$|[\\/](fuzz|testing)[\\/]/;

function newest(path: string): { path: string; mtimeMs: number } | null {
  if (!existsSync(path)) return null;
  const st = statSync(path);
  if (!st.isDirectory()) return NOT_BUILT.test(path) ? null : { path, mtimeMs: st.mtimeMs };
  let best: { path: string; mtimeMs: number } | null = null;
  for (const name of readdirSync(path)) {
    const found = newest(join(path, name));
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}

/** Why the agent in `root`/dist must be built, or null when it is there and newer than every source. */
export function agentBuildReason(root: string): string | null {
  const binary = join(root, AGENT_BINARY);
  if (!existsSync(binary)) return `${AGENT_BINARY} is missing`;
  const built = statSync(binary).mtimeMs;
  for (const source of AGENT_SOURCES) {
    const found = newest(join(root, source));
    if (found && found.mtimeMs > built) return `${relative(root, found.path)} is newer than ${AGENT_BINARY}`;
  }
  return null;
}

async function main() {
  const root = join(import.meta.dir, '..');
  const reason = agentBuildReason(root);
  if (!reason) {
    console.log(`agent: ${AGENT_BINARY} is up to date`);
    return;
  }
  console.log(`agent: ${reason}; building it (the same build as npm run build:agent, a few seconds)`);
  const child = Bun.spawn([process.execPath, join(root, 'scripts', 'compile.ts'), '--agent-only'], { cwd: root, stdout: 'inherit', stderr: 'inherit' });
  const code = await child.exited;
  // The server still starts without it (the portal then says no app is available), but say so plainly.
  if (code !== 0) console.error(`agent: the build failed (exit code ${code}); the portal will offer no support app until \`npm run build:agent\` succeeds`);
}

if (import.meta.main) await main();
