// Unit and integration tests (vitest). End-to-end browser tests run under Playwright.
// At least two test files at a time: vitest's default is cores - 1, one on a 2-core
// machine, which leaves a core idle while a file waits on the processes, servers and
// timers it drives; a file's own tests still run one after another.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
  },
});
