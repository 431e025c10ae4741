// Unit and integration tests (vitest). End-to-end browser tests run under Playwright.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    // three files at a time on 2 cores: many integration tests wait on servers, sockets and simulated
    // time (the suite kept two cores 1.76 busy with two forks, 1.96 with three: 346 s -> 297 s); the time
    // limits leave room for the three sharing the machine
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 3,
    // all three kept to the end: with shared module graphs, a fork ended early for want of files crashed the run
    // ("Terminating worker thread", an unhandled rejection in tinypool; vitest-dev/vitest#8564)
    minWorkers: 3,
    // a fork runs file after file on one module graph: importing the engine afresh for each of 154 files took
    // 125 s of the forks' time (collect 125 s -> 31-35 s; the vitest stage of a fresh clone 308 s -> 229-256 s on
    // 2 cores). A file that replaces a module (vi.mock) resets the module registry before it imports what it tests.
    isolate: false,
    // ...and the environment a file changed is put back when it ends
    setupFiles: ['test/support/restore-env.ts'],
  },
});
