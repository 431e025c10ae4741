// Walk-forward: rolling train/test windows, periods refitted on each training
// window by the best Sharpe of the grid, and out-of-sample results that are
// exactly a backtest of the test window with those periods.
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import { barSharpe, parseWalkForward, runWalkForward } from '../../../../src/engine/backtest/walk-forward.js';
import { randomBars } from '../../../support/bars.js';

const T0 = Date.parse('2024-01-02T00:00:00Z');
const bars = randomBars({ symbols: ['AAA', 'BBB'], n: 260, seed: 21, start: T0, vol: 0.004 });
const config = { strategies: [{ name: 'ma_cross' as const, params: { target: 0.1 } }], risk: { maxConcentrationPct: 1 } };
const grid = [
  { fast: 2, slow: 5 },
  { fast: 3, slow: 12 },
  { fast: 5, slow: 20 },
];

describe('walk-forward', () => {
  it('parses train=N,test=M and refuses anything else', () => {
    expect(parseWalkForward('train=100,test=20')).toEqual({ train: 100, test: 20 });
    expect(() => parseWalkForward('train=100')).toThrow(/train=N,test=M/);
  });

  it('rolls windows forward by the test length, refits on train, reports out of sample', async () => {
    const r = await runWalkForward(bars, config, 1, { train: 100, test: 50 }, { grid });
    // 260 bar times: (260 - 100) / 50 = 3 windows
    expect(r.windows).toHaveLength(3);
    const MIN = 60_000;
    r.windows.forEach((w, i) => {
      expect(w.trainFrom).toBe(T0 + i * 50 * MIN);
      expect(w.trainTo).toBe(w.trainFrom + 99 * MIN);
      expect(w.testFrom).toBe(w.trainTo + MIN);
      expect(w.testTo).toBe(w.testFrom + 49 * MIN);
    });
    // window 0: the chosen periods have the best training Sharpe of the grid
    const train0 = bars.filter((b) => b.ts <= r.windows[0]!.trainTo);
    const sharpes = [];
    for (const p of grid) sharpes.push(barSharpe((await runBacktest(train0, { ...config, strategies: [{ name: 'ma_cross', params: { target: 0.1, ...p } }] }, 1)).equity));
    const best = sharpes.indexOf(Math.max(...sharpes));
    expect(r.windows[0]!.params).toEqual(grid[best]);
    expect(r.windows[0]!.trainSharpe).toBeCloseTo(sharpes[best]!, 12);
    // out of sample = a backtest of the test window with those periods, warmed up on the training bars
    const test0 = bars.filter((b) => b.ts >= r.windows[0]!.testFrom && b.ts <= r.windows[0]!.testTo);
    const direct = await runBacktest(test0, { ...config, strategies: [{ name: 'ma_cross', params: { target: 0.1, ...grid[best]! } }], warmup: train0 }, 1);
    expect(r.windows[0]!.test).toEqual(direct.summary);
    expect(r.oosReturn).toBeCloseTo(r.windows.reduce((a, w) => a * (1 + w.test.totalReturn), 1) - 1, 12);
  });

  it('says how many bars it needs when there are too few', async () => {
    await expect(runWalkForward(bars, config, 1, { train: 250, test: 20 }, { grid })).rejects.toThrow('walk-forward needs at least train + test = 270 bar times, the data has 260');
  });
});
