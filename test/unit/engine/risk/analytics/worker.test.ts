// runAnalyticsInWorker: a real node:worker_threads worker loading the
// TypeScript sources through tsx returns exactly the synchronous result.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEquityCsv } from '../../../../../src/engine/risk/analytics/equity-csv.js';
import { simpleReturns } from '../../../../../src/engine/risk/analytics/equity-curve.js';
import { AnalyticsInputError } from '../../../../../src/engine/risk/analytics/errors.js';
import { computeAnalytics, type AnalyticsInput } from '../../../../../src/engine/risk/analytics/portfolio-analytics.js';
import { ANALYTICS_WORKER_URL, runAnalyticsInWorker } from '../../../../../src/engine/risk/analytics/run-in-worker.js';
import { workerStart } from '../../../../../src/engine/core/worker-entries.js';

const SPY = fileURLToPath(new URL('../../../../fixtures/spy_2007_2009.csv', import.meta.url));

async function input(): Promise<AnalyticsInput> {
  const spy = simpleReturns((await readEquityCsv(SPY)).map((p) => p.equity));
  // a second, partly correlated series derived from the real one (lagged mix), and a flat cash line
  const other = spy.map((x, t) => 0.5 * x + 0.8 * (spy[t - 1] ?? 0));
  return {
    positions: [
      { symbol: 'SPY', assetClass: 'us_equity', marketValue: 60_000 },
      { symbol: 'MIX', assetClass: 'crypto', marketValue: 25_000 },
      { symbol: 'USD', assetClass: 'cash', marketValue: 15_000 },
    ],
    returns: [spy, Array.from(other), new Float64Array(spy.length)],
    monteCarlo: { seed: 11, paths: 10_000, horizonDays: 252, threshold: 0.25 },
  };
}

describe('runAnalyticsInWorker', () => {
  it('from source, the worker starts through the tsx entry given its TypeScript file', () => {
    expect(ANALYTICS_WORKER_URL.pathname).toMatch(/src\/engine\/risk\/analytics\/analytics-worker\.ts$/);
    const start = workerStart('analytics', ANALYTICS_WORKER_URL);
    expect(start.url.pathname).toMatch(/src\/engine\/core\/tsx-worker\.js$/);
    expect(start.argv).toEqual([ANALYTICS_WORKER_URL.href]);
  });
  it('returns the same result as computeAnalytics', async () => {
    const inp = await input();
    const viaWorker = await runAnalyticsInWorker(inp);
    const sync = computeAnalytics(inp);
    expect(viaWorker).toEqual(sync);
    expect(viaWorker.monteCarlo?.paths).toBe(10_000);
    expect(viaWorker.stress.map((s) => s.scenario)).toEqual(['2008', '2020']);
    expect(viaWorker.var).toHaveLength(2);
  });
  it('rejects bad input with an AnalyticsInputError carrying message and field', async () => {
    const inp = await input();
    const bad = { ...inp, returns: [inp.returns[0]!, [0.1], inp.returns[2]!] };
    const err = await runAnalyticsInWorker(bad).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AnalyticsInputError);
    expect((err as AnalyticsInputError).message).toMatch(/^returns\[1\] \(MIX\): has 1 days/);
    expect((err as AnalyticsInputError).field).toBe('returns[1]');
  });
  it('an aborted signal rejects without running', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(runAnalyticsInWorker(await input(), { signal: ac.signal })).rejects.toThrow('cancelled');
  });
  it('aborting while running terminates the worker and rejects', async () => {
    const ac = new AbortController();
    const p = runAnalyticsInWorker({ ...(await input()), monteCarlo: { paths: 2_000_000, horizonDays: 252 } }, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 50);
    await expect(p).rejects.toThrow('stop');
  });
});
