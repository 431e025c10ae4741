#!/usr/bin/env node
// Checks the output of `electron-vite build` (run by `npm test` right after
// it): the three bundles are there, the main bundle starts its analytics
// worker from its own built entry (not the tsx shim it cannot reach once
// packaged), and that built worker runs a Monte Carlo on a worker thread in
// plain Node and answers. Exit 0 when all hold, else 1 naming what failed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
const fail = (msg) => {
  process.stderr.write(`electron bundle: ${msg}\n`);
  process.exit(1);
};

for (const f of ['main/index.js', 'main/analytics-worker.js', 'main/backtest-worker.js', 'main/credentials-worker.js', 'preload/index.cjs', 'renderer/index.html']) {
  if (!existsSync(join(out, f))) fail(`out/${f} is missing: did electron-vite build run?`);
}
const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
if (!main.includes('"analytics-worker.js"') && !main.includes("'analytics-worker.js'")) fail('out/main/index.js does not point the analytics worker at its built entry');

const days = 60;
const returns = [Array.from({ length: days }, (_, t) => 0.01 * Math.sin(t)), Array.from({ length: days }, (_, t) => 0.008 * Math.cos(t / 2))];
const input = {
  positions: [
    { symbol: 'AAA', assetClass: 'us_equity', marketValue: 50_000 },
    { symbol: 'BBB', assetClass: 'crypto', marketValue: 20_000 },
  ],
  returns,
  monteCarlo: { seed: 1, paths: 500, horizonDays: 20, threshold: 0.1 },
};
const worker = new Worker(pathToFileURL(join(out, 'main', 'analytics-worker.js')), { workerData: input });
const timer = setTimeout(() => fail('the built analytics worker did not answer within 20 s'), 20_000);
worker.once('error', (e) => fail(`the built analytics worker failed: ${e.message}`));
worker.once('message', (reply) => {
  clearTimeout(timer);
  void worker.terminate();
  if (!reply.ok) fail(`the built analytics worker answered an error: ${reply.error.name}: ${reply.error.message}`);
  if (reply.result.monteCarlo?.paths !== 500 || reply.result.var.length !== 2) fail(`unexpected result: ${JSON.stringify(reply.result).slice(0, 200)}`);
  process.stdout.write(`electron bundle: main, preload and renderer built; the analytics worker ran ${reply.result.monteCarlo.paths} Monte Carlo paths on a worker thread\n`);
});
