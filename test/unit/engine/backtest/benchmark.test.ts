// The benchmark a backtest reports beside its own equity: the starting cash in
// equal shares of the run's symbols, each bought at its first close and held,
// no costs; valued on the equity curve's samples. Checked on a hand example and
// on SPY 2007-2009, where it is SPY's own price return.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buyAndHoldCurve } from '../../../../src/engine/backtest/backtest-result.js';
import { renderHtmlReport } from '../../../../src/engine/backtest/report-html.js';
import { runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import { readBarsCsv } from '../../../../src/engine/data/csv-bars.js';
import type { Bar } from '../../../../src/shared/domain.js';

const bar = (symbol: string, ts: number, close: number): Bar => ({ symbol, ts, open: close, high: close, low: close, close, volume: 1 });

describe('buyAndHoldCurve', () => {
  it('splits the cash equally, buys each symbol at its first close (cash until then) and values it on the last close', () => {
    // AAA from t=1 at 10; BBB joins at t=2 at 50; a bad close (0) is skipped
    const bars = [bar('AAA', 1, 10), bar('AAA', 2, 12), bar('BBB', 2, 50), bar('AAA', 3, 0), bar('BBB', 3, 40), bar('AAA', 4, 15)];
    const curve = buyAndHoldCurve(bars, ['AAA', 'BBB'], [1, 2, 3, 4], 1_000);
    expect(curve).toEqual([
      [1, 500 + 500], // AAA bought at 10, BBB's half still cash
      [2, 500 * 1.2 + 500], // AAA at 12; BBB bought at 50
      [3, 500 * 1.2 + 500 * 0.8], // AAA's 0 skipped (still 12); BBB at 40
      [4, 500 * 1.5 + 500 * 0.8],
    ]);
    // a sample before any bar is the cash
    expect(buyAndHoldCurve(bars, ['AAA', 'BBB'], [0], 1_000)).toEqual([[0, 1_000]]);
  });

  it("is reported beside the run: on SPY 2007-2009 it is SPY's price return from its first close", async () => {
    const spy = readBarsCsv(join(__dirname, '../../../fixtures/spy_ohlcv_2007_2009.csv'));
    const r = await runBacktest(spy, { strategies: [{ name: 'ma_cross', params: { fast: 10, slow: 50 } }] }, 1);
    expect(r.benchmark.map((p) => p[0])).toEqual(r.equity.map((p) => p[0]));
    const first = spy[0]!.close;
    expect(r.summary.benchmarkReturn).toBeCloseTo(spy.at(-1)!.close / first - 1, 12);
    // its deepest fall, on the same samples: from the highest close up to each close
    let peak = 100_000;
    let worst = 0;
    for (const b of spy) {
      const v = 100_000 * (b.close / first);
      peak = Math.max(peak, v);
      worst = Math.max(worst, 1 - v / peak);
    }
    expect(r.summary.benchmarkMaxDrawdown).toBeCloseTo(worst, 12);
    expect(worst).toBeGreaterThan(0.5); // 2007-2009
    // a stock on its sessions: its metrics annualized on 252 days, and the HTML report says so
    expect(r.metrics!.daysPerYear).toBe(252);
    expect(renderHtmlReport(r, { source: 'spy.csv' })).toContain('Daily returns, annualized on 252 days a year (stock sessions).');
  });
});
