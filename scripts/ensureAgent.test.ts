// `npm start` builds the agent when dist/ lacks it or any source compiled into it is newer, and only then.
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { AGENT_BINARY, agentBuildReason } from './ensureAgent.ts';

function tree(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'tessera-ensure-agent-'));
  for (const [path, secondsAgo] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, 'x');
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(full, t, t);
  }
  return root;
}

describe('ensureAgent', () => {
  const sources = { 'agent/main.ts': 100, 'native/addon.cc': 100, 'server/protocol/agent.ts': 100, 'build/Release/tessera.node': 100, 'package.json': 100 };

  it('builds when dist/ has no agent', () => {
    expect(agentBuildReason(tree(sources))).toBe(`${AGENT_BINARY} is missing`);
  });

  it('builds nothing when the agent is newer than every source', () => {
    expect(agentBuildReason(tree({ ...sources, [AGENT_BINARY]: 10 }))).toBeNull();
  });

  it('builds when an agent, addon or protocol source is newer, and names it', () => {
    for (const changed of ['agent/session/consent.ts', 'native/codec/encoder.cc', 'server/protocol/agentConfig.ts', 'build/Release/tessera.node', 'package.json'])
      expect(agentBuildReason(tree({ ...sources, [AGENT_BINARY]: 10, [changed]: 1 }))).toBe(`${changed} is newer than ${AGENT_BINARY}`);
  });

  it('ignores tests, fuzz inputs and the rest of the server', () => {
    const root = tree({ ...sources, [AGENT_BINARY]: 10, 'agent/cli.test.ts': 1, 'native/codec/fuzz/seeds/a': 1, 'server/support/routes.ts': 1, 'client/src/App.tsx': 1 });
    expect(agentBuildReason(root)).toBeNull();
  });

  it('is what `npm start` runs before the server, and the agent can be run from source with `npm run agent`', () => {
    expect(pkg.scripts.start).toMatch(/bun scripts\/ensureAgent\.ts && bun server\/main\.ts$/);
    expect(pkg.scripts.agent).toBe('bun agent/main.ts');
  });
});
