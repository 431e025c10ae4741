// Backtests of the signal strategies: every builtin name is accepted, the
// ensemble trades through the same StrategyRunner + Ensemble + learning as
// live, a run is a pure function of (bars, config, seed), and a signal
// strategy that raises ends the run naming the bar.
import { describe, expect, it } from 'vitest';
import { createBacktestSession, runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import { BacktestError } from '../../../../src/engine/backtest/errors.js';
import { engineConfigFor } from '../../../../src/engine/backtest/backtest-config.js';
import { parseStrategySpec, SIGNAL_STRATEGY_IDS, strategyCatalog, StrategySpecError } from '../../../../src/engine/strategy/registry.js';
import { randomBars } from '../../../support/bars.js';

const T0 = Date.parse('2024-01-02T14:30:00Z');
// calm enough that the risk monitor's volatility regime allows entries
const bars = randomBars({ symbols: ['AAA', 'BTC/USD', 'QQQ', 'SPY'], n: 600, seed: 3, start: T0, vol: 0.0006 });

describe('signal strategies in backtests', () => {
  it('accepts every builtin signal strategy, ensemble, and the Strategy-API names; refuses others naming them', () => {
    const names = strategyCatalog().map((c) => c.name);
    expect(names).toContain('ensemble');
    for (const id of SIGNAL_STRATEGY_IDS) {
      const name = id === 'buy_and_hold' || id === 'ma_cross' ? `signal/${id}` : id;
      expect(names).toContain(name);
      const section = engineConfigFor({ strategies: [parseStrategySpec(`${name}:weight=0.7`)] }, 1, T0, 60_000).strategies as Record<string, { enabled: boolean; weight: number }>;
      // exactly the named one is on, with its parameter
      expect(Object.entries(section).filter(([, s]) => s.enabled).map(([k]) => k)).toEqual([id]);
      expect(section[id]!.weight).toBe(0.7);
    }
    expect(() => parseStrategySpec('nope')).toThrow(/unknown strategy 'nope' \(known: buy_and_hold, ma_cross, ensemble, intraday_momentum/);
    expect(() => parseStrategySpec('quick_mr:fast=2')).toThrow(StrategySpecError);
    expect(() => parseStrategySpec('quick_mr:fast=2')).toThrow(/unknown parameter 'fast' \(known: weight, zEnter/);
    // ensemble = the default set (ma_cross's signal version is off by default)
    const ens = engineConfigFor({ strategies: [{ name: 'ensemble' }] }, 1, T0, 60_000);
    expect(ens.strategy.enabled).toBe(true);
    expect(ens.strategies.ma_cross.enabled).toBe(false);
    expect(ens.strategies.cs_momentum.enabled).toBe(true);
  });

  it('the ensemble trades, and the same bars, config and seed give the identical result', async () => {
    // costs off: on these calm random bars the ensemble's cost-aware entry filter
    // (expected edge ≥ 1.5 × cost) rightly refuses every entry; this test is about
    // the signal path running in a backtest, not about that filter
    const cfg = { strategies: [{ name: 'ensemble' as const }], costs: 'none' as const };
    const a = await runBacktest(bars, cfg, 7);
    expect(a.strategies).toContain('cs_momentum');
    expect(a.strategies).not.toContain('ma_cross');
    expect(a.decisions.length).toBeGreaterThan(5);
    expect(a.fills.length).toBeGreaterThan(0);
    // orders come from the ensemble, not from an order-submitting strategy
    expect(new Set(a.decisions.map((d) => d.source))).not.toContain('buy_and_hold');
    const b = await runBacktest(bars, cfg, 7);
    expect(b).toEqual(a);
  });

  it('every fill of the ensemble, entries and exits, is compared with its estimate', async () => {
    // the filter off (ratio 0) so that it trades with the cost model on
    const r = await runBacktest(bars, { strategies: [{ name: 'ensemble' }], benefitCostRatio: 0 }, 7);
    const sides = new Set(r.fills.map((f) => f.side));
    expect(sides.size).toBe(2);
    expect(r.trades.filter((t) => !t.open).length).toBeGreaterThan(0); // positions opened and closed
    expect(r.costAnalysis.fills).toBe(r.fills.length);
  });

  it('with the cost model on, the benefit/cost filter refuses the entries whose edge does not cover 1.5x their cost, and the report counts them', async () => {
    const cfg = { strategies: [{ name: 'ensemble' as const }] };
    const free = await runBacktest(bars, { ...cfg, costs: 'none' }, 7);
    const costed = await runBacktest(bars, { ...cfg, costs: 'model' }, 7);
    expect(free.summary.ordersSkipped).toBe(0);
    expect(free.fills.length).toBeGreaterThan(0);
    // calm bars: the assumed edge is a fraction of a basis point, the round trip costs several
    expect(costed.summary.ordersSkipped).toBeGreaterThan(0);
    expect(costed.summary.ordersSubmitted).toBeLessThan(free.summary.ordersSubmitted);
  });

  it('one named signal strategy runs alone; mixing with order-submitting strategies is refused', async () => {
    const s = createBacktestSession(bars, { strategies: [{ name: 'quick_mr' }] }, 1);
    expect(s.engine.signals.runtimes.filter((r) => r.enabled).map((r) => r.strategy.id)).toEqual(['quick_mr']);
    await s.engine.stop();
    await expect(runBacktest(bars, { strategies: [{ name: 'ensemble' }, { name: 'ma_cross' }] }, 1)).rejects.toThrow(/cannot be combined with order-submitting ones/);
    await expect(runBacktest(bars, { strategies: [{ name: 'cs_momentum' }, { name: 'signal/cs_momentum' }] }, 1)).rejects.toThrow(/each strategy may run once/);
  });

  it('a signal strategy that raises ends the run naming the strategy and the bar', async () => {
    const s = createBacktestSession(bars, { strategies: [{ name: 'ensemble' }] }, 1);
    const rt = s.engine.signals.runtimes.find((r) => r.strategy.id === 'ts_momentum')!;
    const inner = rt.strategy.onBar.bind(rt.strategy);
    let seen = 0;
    rt.strategy.onBar = (bar, ctx) => {
      if (bar.symbol === 'QQQ' && ++seen === 300) throw new Error('boom');
      return inner(bar, ctx);
    };
    const e = s.engine;
    await e.prepare();
    for (let at = e.clock.nextTimerAt(); at !== undefined && !s.failure(); at = e.clock.nextTimerAt()) e.clock.advanceTo(at);
    await e.stop();
    const f = s.failure();
    expect(f).toBeInstanceOf(BacktestError);
    // QQQ's 300th bar is bar 299 of the 4-symbol groups: index 299 * 4 + 2 (AAA, BTC/USD, QQQ, SPY)
    expect(f!.message).toBe(`strategy ts_momentum raised boom at bar ${299 * 4 + 3} of ${bars.length} (QQQ ${new Date(T0 + 299 * 60_000).toISOString()})`);
    expect(s.venue.delivered).toBeLessThan(bars.length);
  });
});
