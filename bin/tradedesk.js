#!/usr/bin/env node
// tradedesk command. Runs the built command (out/cli, from cli.vite.config.ts:
// `npm run build` and `npm test` build it) while every source file it was built
// from is unchanged (out/cli/inputs.json: size and modification time), which
// starts in about half the CPU time (the benchmarks too: `bench` and each of
// its group processes); otherwise registers tsx so the TypeScript sources run
// directly: no build step is ever needed after `npm install`, and an edited
// source is never run stale. TRADEDESK_FROM_SOURCE=1 forces the sources;
// TRADEDESK_CLI_TRACE=1 says on stderr which of the two runs.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function builtIsCurrent() {
  if (process.env.TRADEDESK_FROM_SOURCE === '1') return false;
  try {
    const { files } = JSON.parse(readFileSync(new URL('out/cli/inputs.json', root), 'utf8'));
    for (const [path, [mtimeMs, size]] of Object.entries(files)) {
      const st = statSync(new URL(path, root));
      if (st.mtimeMs !== mtimeMs || st.size !== size) return false;
    }
    return Object.keys(files).length > 0;
  } catch {
    return false; // not built, or built by another layout: the sources
  }
}

const built = builtIsCurrent();
if (process.env.TRADEDESK_CLI_TRACE === '1') process.stderr.write(`tradedesk: running ${built ? 'the build in out/cli' : 'the sources (tsx)'}\n`);
if (built) {
  await import(new URL('out/cli/cli.js', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('src/cli/main.ts', root).href);
}
