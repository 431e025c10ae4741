// Entry of the built `tradedesk` command (cli.vite.config.ts, out/cli/cli.js):
// points each worker thread at its built entry beside this file (the sources'
// tsx shims are not in the build), then runs the CLI.
import { setWorkerEntry, type WorkerName } from '../engine/core/worker-entries.js';

for (const name of ['analytics', 'backtest', 'credentials'] as WorkerName[]) setWorkerEntry(name, new URL(`./${name}-worker.js`, import.meta.url));

await import('./main.js');
