// runBacktestInWorker: a real worker thread (TypeScript through tsx) returns the
// same result as the in-thread run, reports progress, keeps error codes, and
// aborting terminates it.
import { describe, expect, it } from 'vitest';
import { BacktestError } from '../../../../src/engine/backtest/errors.js';
import { runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import { runBacktestInWorker, runWalkForwardInWorker } from '../../../../src/engine/backtest/run-in-worker.js';
import { runWalkForward } from '../../../../src/engine/backtest/walk-forward.js';
import { BarBatch } from '../../../../src/engine/data/bar-columns.js';
import { randomBars } from '../../../support/bars.js';

const T0 = Date.parse('2024-01-02T15:00:00Z');
const config = { strategies: [{ name: 'buy_and_hold' as const }, { name: 'ma_cross' as const, params: { fast: 3, slow: 8 } }] };

describe('runBacktestInWorker', () => {
  it('bars survive the trip through columns', () => {
    const bars = randomBars({ symbols: ['A', 'B/USD'], n: 5, seed: 1, start: T0 });
    expect(BarBatch.fromColumns(BarBatch.fromBars(bars).columns()).toBars()).toEqual(bars);
  });

  it('returns the same result as runBacktest, with progress up to the last bar', async () => {
    const bars = randomBars({ symbols: ['AAA', 'BBB'], n: 300, seed: 2, start: T0 });
    const progress: number[] = [];
    const viaWorker = await runBacktestInWorker(bars, config, 4, { every: 50, onProgress: (p) => progress.push(p.done) });
    expect(viaWorker).toEqual(await runBacktest(bars, config, 4));
    expect(viaWorker.fills.length).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[progress.length - 1]).toBe(600);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('keeps the error code of a failed run', async () => {
    const bars = randomBars({ symbols: ['AAA'], n: 10, seed: 2, start: T0 });
    const err = await runBacktestInWorker(bars, { strategies: [] }, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacktestError);
    expect(err).toMatchObject({ code: 'BAD_INPUT', message: 'no strategy to run' });
  });

  it('aborting while it runs terminates the worker and rejects with CANCELED', async () => {
    const bars = randomBars({ symbols: ['AAA', 'BBB', 'CCC', 'DDD'], n: 50_000, seed: 3, start: T0 });
    const ac = new AbortController();
    let seen = 0;
    const run = runBacktestInWorker(bars, config, 1, {
      every: 200,
      signal: ac.signal,
      onProgress: (p) => {
        seen = p.done;
        ac.abort();
      },
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CANCELED' });
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(bars.length);
  });

  it('an aborted signal rejects without starting', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runBacktestInWorker([], config, 1, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELED' });
  });
});

describe('runWalkForwardInWorker', () => {
  const wfConfig = { strategies: [{ name: 'ma_cross' as const }] };
  const bars = randomBars({ symbols: ['AAA'], n: 240, seed: 5, start: T0 });
  const spec = { train: 120, test: 60 };

  it('returns what runWalkForward returns in this thread, with progress over every backtest run', async () => {
    const progress: Array<[number, number]> = [];
    const viaWorker = await runWalkForwardInWorker(bars, wfConfig, 2, spec, { onProgress: (p) => progress.push([p.done, p.total]) });
    expect(viaWorker).toEqual(await runWalkForward(bars, wfConfig, 2, spec));
    // 2 windows, each the 13-point grid then its test run
    expect(viaWorker.windows).toHaveLength(2);
    expect(progress).toEqual(Array.from({ length: 28 }, (_, i) => [i + 1, 28]));
  });

  it('aborting terminates it with CANCELED, naming how far it got', async () => {
    const ac = new AbortController();
    const err = await runWalkForwardInWorker(bars, wfConfig, 2, spec, { signal: ac.signal, onProgress: (p) => p.done === 3 && ac.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacktestError);
    expect(err).toMatchObject({ code: 'CANCELED' });
    expect((err as Error).message).toMatch(/^walk-forward canceled after \d+ of 28 backtest runs$/);
  });
});
