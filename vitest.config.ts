// Unit and integration tests (vitest). End-to-end browser tests run under Playwright.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    // two files at a time: most integration tests wait on servers, sockets and simulated time, so two forks
    // fit 2 cores; the time limits leave room for the two sharing the machine
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
  },
});
