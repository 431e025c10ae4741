// Live/backtest parity: the same bars through runBacktest (a synchronous loop
// over simulated time) and through an engine started the way `tradedesk serve
// --speed max` starts one (engine.start(): the SimDriver runs the clock in
// bounded slices on the event loop, with the host free in between) make the
// same decisions, orders, fills and final account.
import { describe, expect, it } from 'vitest';
import { createBacktestSession, runBacktest } from '../../../src/engine/backtest/run-backtest.js';
import { randomBars } from '../../support/bars.js';

const bars = randomBars({ symbols: ['AAA', 'BBB', 'CCC/USD'], n: 12_000, seed: 13, start: Date.parse('2024-01-02T14:30:00Z'), vol: 0.003 });
const config = { strategies: [{ name: 'buy_and_hold' as const }, { name: 'ma_cross' as const, params: { fast: 3, slow: 10 } }], risk: { maxConcentrationPct: 1 } };

describe('live/backtest parity', () => {
  it('a backtest and a serve-style engine on the same bars decide the same', async () => {
    const backtest = await runBacktest(bars, config, 5);
    const live = createBacktestSession(bars, config, 5);
    expect(live.engine.config.sim.speed).toBe('max');
    await live.engine.start();
    const slices: number[] = [];
    // the driver yields to the event loop between slices; wait (in real time) until every bar is delivered
    while (live.venue.delivered < bars.length) {
      slices.push(live.venue.delivered);
      await new Promise((r) => setTimeout(r, 5));
    }
    await live.engine.stop();
    const served = live.result();
    // it really ran asynchronously: the host saw it part-way (the driver runs at most 5,000 timers per slice)
    expect(slices.some((d) => d > 0 && d < bars.length)).toBe(true);
    expect(backtest.decisions.length).toBeGreaterThan(10);
    expect(served.decisions).toEqual(backtest.decisions);
    expect(served.fills).toEqual(backtest.fills);
    expect(served.summary).toEqual(backtest.summary);
    expect(served.equity).toEqual(backtest.equity);
  });
});
