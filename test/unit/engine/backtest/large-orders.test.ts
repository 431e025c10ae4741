// Large-order routing for the order-submitting strategies (buy_and_hold,
// ma_cross) in a backtest: an order at or above the ADV threshold is worked as
// a TWAP parent whose children are risk-checked and filled bar by bar, the
// strategy sees the parent (not its children) as its open order, and
// advThresholdPct 0 sends every order whole.
import { describe, expect, it } from 'vitest';
import type { BacktestDecision } from '../../../../src/engine/backtest/backtest-result.js';
import { runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import { parseBacktestArgs } from '../../../../src/cli/backtest-command.js';
import { randomBars } from '../../../support/bars.js';

const MIN = 60_000;
const bars = randomBars({ symbols: ['AAA', 'BBB'], n: 3_000, seed: 7, start: Date.parse('2024-01-02T14:30:00Z'), vol: 0.003 });
const strategies = [{ name: 'ma_cross' as const, params: { fast: 3, slow: 10 } }];
const risk = { maxConcentrationPct: 1 };
const isParent = (d: BacktestDecision): boolean => /^pa-.*-twap-/.test(d.id);

describe('large strategy orders in a backtest', () => {
  it('are worked as TWAP parents with sliced children; the strategy waits for its parent; threshold 0 sends them whole', async () => {
    const whole = await runBacktest(bars, { strategies, risk, algo: { advThresholdPct: 0 } }, 5);
    expect(whole.decisions.filter((d) => d.source === 'ma_cross' && d.approved).length).toBeGreaterThan(10);
    expect(whole.decisions.some(isParent)).toBe(false);

    // every ma_cross order is far above a 1e-9 share of the average daily volume
    const sliced = await runBacktest(bars, { strategies, risk, algo: { advThresholdPct: 1e-9, durationMs: 4 * MIN, sliceMs: MIN } }, 5);
    const childrenOf = (p: BacktestDecision): BacktestDecision[] => sliced.decisions.filter((d) => d.reason.includes(` of ${p.id}`));
    expect(sliced.decisions.filter(isParent).every((p) => p.source === 'ma_cross')).toBe(true);
    // a parent is risk-checked for its whole quantity (later ones meet the risk monitor's halt)
    const parents = sliced.decisions.filter((d) => isParent(d) && d.approved);
    expect(parents.length).toBeGreaterThan(5);
    expect(sliced.decisions.filter((d) => isParent(d) && !d.approved).every((p) => childrenOf(p).length === 0)).toBe(true);
    let multiSlice = 0;
    for (const p of parents) {
      const kids = childrenOf(p);
      expect(kids.length).toBeGreaterThan(0);
      expect(kids.every((k) => k.source === 'ma_cross' && k.symbol === p.symbol && k.side === p.side && k.type === 'limit')).toBe(true);
      // a buy child never bids above its parent's limit, a sell child never offers below it
      for (const k of kids) expect(p.side === 'buy' ? k.limitPrice! <= p.limitPrice! : k.limitPrice! >= p.limitPrice!).toBe(true);
      expect(kids.reduce((a, k) => a + k.qty, 0)).toBeLessThanOrEqual(p.qty + 1e-9);
      if (new Set(kids.map((k) => k.ts)).size > 1) multiSlice++;
    }
    expect(multiSlice).toBeGreaterThan(0); // slices sent at different minutes
    // once stats are known every order of the strategy is a parent or a child: nothing goes around the algorithm
    const firstParent = parents[0]!.ts;
    const direct = sliced.decisions.filter((d) => d.ts > firstParent && d.source === 'ma_cross' && !isParent(d) && !/twap child \d+ of pa-/.test(d.reason));
    expect(direct).toEqual([]);
    // the strategy sees its working parent as its open order: no second parent on a symbol while one still sends children
    for (const sym of ['AAA', 'BBB']) {
      const ps = parents.filter((p) => p.symbol === sym);
      for (let i = 1; i < ps.length; i++) {
        const lastChild = Math.max(...childrenOf(ps[i - 1]!).map((k) => k.ts));
        expect(ps[i]!.ts).toBeGreaterThanOrEqual(lastChild);
      }
    }
    expect(sliced.fills.length).toBeGreaterThan(whole.fills.length);
    // every child is a venue order with its own estimate: each of its fills is compared with it
    expect(sliced.costAnalysis.fills).toBe(sliced.fills.length);
  });

  it('--large-orders sets the routing, and a bad value is refused naming the field', () => {
    const args = parseBacktestArgs(['--bars', 'x.csv', '--large-orders', 'advThresholdPct=0.01,largeOrderAlgo=vwap,participationCap=0.05']);
    expect(args !== 'help' && args.config.algo).toEqual({ advThresholdPct: 0.01, largeOrderAlgo: 'vwap', participationCap: 0.05 });
    expect(() => parseBacktestArgs(['--bars', 'x.csv', '--large-orders', 'largeOrderAlgo=iceberg'])).toThrow(/--large-orders:.*largeOrderAlgo/);
    expect(() => parseBacktestArgs(['--bars', 'x.csv', '--large-orders', 'advThresholdPct=2'])).toThrow(/--large-orders:.*advThresholdPct/);
    expect(() => parseBacktestArgs(['--bars', 'x.csv', '--large-orders', 'participationCap=abc'])).toThrow(/--large-orders participationCap must be a valid number/);
    expect(() => parseBacktestArgs(['--bars', 'x.csv', '--large-orders', 'advThresholdPct'])).toThrow(/must be key=value/);
  });
});
