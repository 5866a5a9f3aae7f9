import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Agents started by tests keep their session logs under $XDG_DATA_HOME: a throwaway folder, not the user's home.
const xdgDataHome = mkdtempSync(join(tmpdir(), 'tessera-test-xdg-'));
import solid from 'vite-plugin-solid';

// Split projects: the Solid plugin breaks bun:sqlite, so only the client project loads it.
// Tests run under Bun (`bun --bun vitest run`); the vm pools fail there, so forks it is.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'server',
          env: { XDG_DATA_HOME: xdgDataHome },
          include: ['server/**/*.test.ts', 'native/**/*.test.ts', 'agent/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [solid()],
        resolve: { conditions: ['browser', 'development'] },
        test: {
          name: 'client',
          include: ['client/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          pool: 'forks',
          // @tanstack/solid-* import solid-js too: inlined, they share the one instance the tests render with.
          server: { deps: { inline: [/solid-js/, /@solidjs/, /@tanstack\/solid-/] } },
        },
      },
      {
        test: {
          name: 'e2e',
          env: { XDG_DATA_HOME: xdgDataHome },
          include: ['test/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
