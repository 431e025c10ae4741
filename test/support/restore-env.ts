// Vitest setup file, run before each test file: the forks share one process
// across files (vitest.config.ts, isolate: false), so an environment variable
// a file sets (the journal anchor, the keychain service) is put back as it was
// when the file ends, and the next file starts from the same environment.
import { afterAll } from 'vitest';

const before = { ...process.env };

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in before)) delete process.env[k];
  for (const [k, v] of Object.entries(before)) if (process.env[k] !== v) process.env[k] = v;
});
