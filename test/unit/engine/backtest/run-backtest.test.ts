// runBacktest on the real engine: a 10-bar run checked by hand, buy-and-hold
// with the cost model, no look-ahead, determinism, and a strategy that raises.
import { describe, expect, it } from 'vitest';
import { createBacktestSession, runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import { BacktestError } from '../../../../src/engine/backtest/errors.js';
import { buildReport } from '../../../../src/engine/backtest/report.js';
import type { Strategy } from '../../../../src/engine/strategy/strategy.js';
import type { Bar } from '../../../../src/shared/domain.js';
import { randomBars } from '../../../support/bars.js';
import { parseBacktestArgs } from '../../../../src/cli/backtest-command.js';

const T0 = Date.parse('2024-01-02T15:00:00Z');
const MIN = 60_000;

function barsOf(symbol: string, rows: Array<[number, number, number, number]>): Bar[] {
  return rows.map(([open, high, low, close], i) => ({ symbol, ts: T0 + i * MIN, open, high, low, close, volume: 1000 }));
}

// closes 13 12 11 10 10 12 12.4 11 9 9.3; SMA2 crosses above SMA4 on bar 6 and below on bar 9
const TEN = barsOf('AAA', [
  [13, 13.1, 12.9, 13],
  [12, 12.1, 11.9, 12],
  [11, 11.1, 10.9, 11],
  [10, 10.1, 9.9, 10],
  [10, 10.1, 9.9, 10],
  [12, 12.1, 11.9, 12],
  [11.99, 12.5, 11.9, 12.4],
  [12.4, 12.5, 10.9, 11],
  [11, 11.1, 8.9, 9],
  [9.2, 9.5, 8.9, 9.3],
]);

describe('runBacktest, checked by hand', () => {
  it('ma_cross fast=2 slow=4 on 10 bars: fills, fees, cash and equity', async () => {
    const r = await runBacktest(TEN, { strategies: [{ name: 'ma_cross', params: { fast: 2, slow: 4, target: 0.1 } }], fees: 'ccxt' }, 1);
    // Bar 6 (close 12): SMA2 = 11 crosses above SMA4 = (11+10+10+12)/4 = 10.75. Fewer than 20 bars of volume:
    // liquidity tier 4, 16 bps spread, so the quote is 12 ± 0.0096: bid 11.9904. Limit 2 bps inside:
    // 11.9904 · 0.9998 = 11.98800 -> 11.98 (tick 0.01, rounded down). Qty: 10% of 100,000 / 11.98 = 834.7 -> 834.
    // Bar 9 (close 9): SMA2 = 10 crosses below SMA4 = 11.1: sell 834 at ask 9.0072 · 1.0002 = 9.00900 -> 9.01 (up).
    expect(r.decisions.map((d) => [d.side, d.qty, d.limitPrice, d.approved])).toEqual([
      ['buy', 834, 11.98, true],
      ['sell', 834, 9.01, true],
    ]);
    expect(r.decisions[0]!.ts).toBe(T0 + 6 * MIN); // decided when bar 6 closed, never earlier
    // Bar 7 opens at 11.99 (above the limit) and trades down to 11.90: filled at the limit 11.98.
    // Bar 10 opens at 9.20, above the 9.01 sell limit: filled at the open, 9.20.
    // Fees (ccxt schedule, 10 bps): 834 · 11.98 · 0.001 = 9.99132 and 834 · 9.20 · 0.001 = 7.6728.
    expect(r.fills.map((f) => [f.side, f.qty, f.price])).toEqual([
      ['buy', 834, 11.98],
      ['sell', 834, 9.2],
    ]);
    // each stamped with the time of the bar it filled on (its open): bar 7 at T0 + 6 min, the moment the buy was
    // decided and sent (bar 6's close), bar 10 at T0 + 9 min
    expect(r.fills.map((f) => f.ts)).toEqual([T0 + 6 * MIN, T0 + 9 * MIN]);
    expect(r.trades[0]).toMatchObject({ entryTs: T0 + 6 * MIN, exitTs: T0 + 9 * MIN });
    expect(r.fills[0]!.fee).toBeCloseTo(9.99132, 9);
    expect(r.fills[1]!.fee).toBeCloseTo(7.6728, 9);
    expect(r.summary.fees).toBeCloseTo(17.66412, 9);
    // Cash after the buy: 100,000 - 9,991.32 - 9.99132 = 89,998.68868; equity at bar 7's close 12.4:
    // 89,998.68868 + 834 · 12.4 = 100,340.28868
    expect(r.equity[6]![1]).toBeCloseTo(100_340.28868, 6);
    // After the sell: 89,998.68868 + 7,672.80 - 7.6728 = 97,663.81588 in cash, flat
    expect(r.summary.finalEquity).toBeCloseTo(97_663.81588, 6);
    // One losing round trip: 834 · (9.20 - 11.98) - 17.66412 = -2,336.18412
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ side: 'long', qty: 834, entryPrice: 11.98, exitPrice: 9.2, open: false });
    expect(r.trades[0]!.pnl).toBeCloseTo(-2_336.18412, 6);
    expect(r.summary).toMatchObject({ trades: 1, winRate: 0, ordersSubmitted: 2, ordersDenied: 0, fills: 2 });
    // turnover: (9,991.32 + 7,672.80) / mean of the 10 equity samples
    const meanEq = r.equity.reduce((a, p) => a + p[1], 0) / r.equity.length;
    expect(r.summary.turnover).toBeCloseTo(17_664.12 / meanEq, 9);
    // one UTC day: the daily metrics of `tradedesk metrics` cannot be computed, and the result says why
    expect(r.metrics).toBeNull();
    expect(r.metricsNote).toMatch(/3 daily equity points/);
  });

  it('buy_and_hold pays half the tier spread plus slippage on its market order', async () => {
    const bars = barsOf('AAA', [
      [100, 100.5, 99.5, 100],
      [101, 102.5, 100.5, 102],
      [102, 103.5, 101.5, 103],
    ]);
    const r = await runBacktest(bars, { strategies: [{ name: 'buy_and_hold' }] }, 7);
    // Bar 1: ask = 100 + 0.08 (tier 4: 16 bps spread); 10% of 100,000 / 100.08 = 99.92 -> 99 shares at market.
    // Bar 2 opens at 101: + 8 bps half spread + 8 bps tier-4 slippage (no impact before 20 bars of volume):
    // 101 · 1.0016 = 101.1616; stock fee on the simulator's schedule 0.
    expect(r.fills).toHaveLength(1);
    expect(r.fills[0]!.qty).toBe(99);
    expect(r.fills[0]!.price).toBeCloseTo(101.1616, 9);
    expect(r.summary.slippage).toBeCloseTo(99 * 0.1616, 9);
    // cash 100,000 - 99 · 101.1616 = 89,985.0016; equity at the last close 103: + 99 · 103
    expect(r.summary.finalEquity).toBeCloseTo(89_985.0016 + 99 * 103, 6);
    expect(r.trades[0]).toMatchObject({ open: true, qty: 99 });
    expect(r.trades[0]!.pnl).toBeCloseTo(99 * (103 - 101.1616), 6);
    // with --costs none the same order fills at the open exactly
    const free = await runBacktest(bars, { strategies: [{ name: 'buy_and_hold' }], costs: 'none' }, 7);
    expect(free.fills[0]!.price).toBe(101);
  });
});

describe('runBacktest properties', () => {
  const bars = randomBars({ symbols: ['AAA', 'BBB'], n: 400, seed: 3, start: T0 });
  const config = { strategies: [{ name: 'ma_cross' as const, params: { fast: 3, slow: 8 } }], risk: { maxConcentrationPct: 1 } };

  it('annualizes volatility by the bars\' length: daily bars of 0.5% a day (about 8% a year) do not trip the 35% volatility regime', async () => {
    const bars = randomBars({ symbols: ['SPY'], n: 120, seed: 5, start: Date.parse('2025-01-02T21:00:00Z'), stepMs: 86_400_000, vol: 0.005 });
    const r = await runBacktest(bars, { strategies: [{ name: 'ma_cross', params: { fast: 3, slow: 8 } }] }, 1);
    expect(r.barMs).toBe(86_400_000);
    // annualized as 1-minute bars (x sqrt(98,280)) the same bars read about 300% and every entry was refused
    expect(r.decisions.filter((d) => /volatility regime/.test(d.reason))).toEqual([]);
    expect(r.summary.fills).toBeGreaterThan(3);
  });

  it('measures the daily metrics from the starting cash: the first day\'s P&L is in them', async () => {
    // three days of minute bars from 14:30 UTC; buy_and_hold buys on the first bar and its first day moves equity
    const days = randomBars({ symbols: ['AAA', 'BBB', 'CCC'], n: 3000, seed: 3, start: Date.parse('2024-03-04T14:30:00Z') });
    const r = await runBacktest(days, { strategies: [{ name: 'buy_and_hold' }] }, 1);
    const m = r.metrics!;
    const firstDayClose = r.equity.filter(([ts]) => ts < Date.parse('2024-03-05T00:00:00Z')).at(-1)![1];
    expect(Math.abs(firstDayClose / 100_000 - 1)).toBeGreaterThan(0.001);
    // the starting cash stands as the close of the day before: 3 March, then 4, 5 and 6 March
    expect(new Date(m.start).toISOString()).toBe('2024-03-03T00:00:00.000Z');
    expect(m.points).toBe(4);
    // the total return agrees with the summary's (measured from the first day's close it did not)
    expect(m.metrics.total_return).toBeCloseTo(r.summary.totalReturn, 12);
    expect(m.metrics.days).toBe(3);
  });

  it('stamps equity and fills with the bars\' own time: daily bars to 31 December end the run in December', async () => {
    const daily = randomBars({ symbols: ['SPY'], n: 30, seed: 5, start: Date.parse('2024-12-02T00:00:00Z'), stepMs: 86_400_000, vol: 0.01 });
    const r = await runBacktest(daily, { strategies: [{ name: 'buy_and_hold' }] }, 1);
    // one sample per bar, at its time (delivered at its close, midnight of the next day, it was dated 1 January)
    expect(r.equity.map(([ts]) => ts)).toEqual(daily.map((b) => b.ts));
    expect(r.fills.map((f) => f.ts)).toEqual([daily[1]!.ts]); // bought on the second bar, at its open
    const rep = buildReport(r);
    expect(rep.monthly.map((m) => `${m.year}-${m.month}`)).toEqual(['2024-12']);
    expect(new Date(r.metrics!.end).toISOString()).toBe('2024-12-31T00:00:00.000Z');
  });

  it('checks data quality on the bars\' own interval: consecutive daily bars have no gaps', async () => {
    const daily = randomBars({ symbols: ['SPY'], n: 40, seed: 5, start: Date.parse('2024-12-02T00:00:00Z'), stepMs: 86_400_000, vol: 0.01 });
    const s = createBacktestSession(daily, { strategies: [{ name: 'buy_and_hold' }] }, 1);
    await s.engine.prepare();
    for (let at = s.engine.clock.nextTimerAt(); at !== undefined; at = s.engine.clock.nextTimerAt()) s.engine.clock.advanceTo(at);
    const [rep] = s.engine.quality.reports();
    expect(rep!.bars).toBe(40);
    // checked as one-minute bars every daily bar after the first was a gap of a day's minutes (39 flagged)
    expect(rep!.byIssue.gap).toBe(0);
    await s.engine.stop();
  });

  it('makes decisions', async () => {
    const r = await runBacktest(bars, config, 1);
    expect(r.decisions.length).toBeGreaterThan(10);
    expect(r.fills.length).toBeGreaterThan(5);
  });

  it('has no look-ahead: changing bars after t changes no decision made up to t', async () => {
    const base = await runBacktest(bars, config, 1);
    const cut = bars[Math.floor(bars.length / 2)]!.ts;
    const changed = bars.map((b) => (b.ts > cut ? { ...b, open: b.open * 1.3, high: b.high * 1.3, low: b.low * 1.3, close: b.close * 1.3 } : b));
    const other = await runBacktest(changed, config, 1);
    // bars up to `cut` are known at cut + 1 minute: every decision until then must be the same
    const upTo = (r: typeof base) => r.decisions.filter((d) => d.ts <= cut + MIN);
    expect(upTo(base).length).toBeGreaterThan(3);
    expect(upTo(other)).toEqual(upTo(base));
    expect(other.decisions).not.toEqual(base.decisions); // the change did matter later
  });

  it('fills an order only on a bar that opened after it was sent (symbols on offset time grids)', async () => {
    // AAA's bars open on the minute, BBB's half a minute later. An order for AAA sent when BBB's bar closes
    // (hh:mm:30) falls inside AAA's bar that opened at hh:mm:00: that bar's open is a price from before the
    // order existed. It fills at the open of AAA's next bar, the first to open after it was sent.
    const aaa = Array.from({ length: 6 }, (_, i): Bar => ({ symbol: 'AAA', ts: T0 + i * MIN, open: 100 + i, high: 100.5 + i, low: 99.5 + i, close: 100 + i, volume: 1e6 }));
    const bbb = Array.from({ length: 6 }, (_, i): Bar => ({ symbol: 'BBB', ts: T0 + 30_000 + i * MIN, open: 50, high: 50.5, low: 49.5, close: 50, volume: 1e6 }));
    let sentAt = 0;
    const onBbb: Strategy = {
      id: 'on_bbb',
      onBar: (b, ctx) => {
        if (b.symbol !== 'BBB' || b.ts !== T0 + 30_000 + MIN) return;
        sentAt = ctx.now();
        ctx.submit({ symbol: 'AAA', side: 'buy', type: 'market', qty: 10, reason: 'test' });
      },
    };
    const r = await runBacktest([...aaa, ...bbb], { strategies: [], costs: 'none' }, 1, { strategies: [onBbb] });
    // sent when BBB's second bar closed: T0 + 2.5 min
    expect(sentAt).toBe(T0 + 150_000);
    expect(r.fills.map((f) => [f.symbol, f.qty, f.price])).toEqual([['AAA', 10, 103]]);
    // the bar that opened at T0 + 2 min (open 102), before the order, is not its fill
  });

  it('is deterministic: same bars, config and seed give the identical result', async () => {
    const cfg = { ...config, touchFillProb: 0.5 };
    const a = await runBacktest(bars, cfg, 11);
    const b = await runBacktest(bars, cfg, 11);
    expect(b).toEqual(a);
  });

  it('the seed decides the limits a bar only touches (touchFillProb)', async () => {
    // bar 7 now only touches the 11.98 buy limit (low = 11.98): filled with probability 1/2
    const touch = TEN.map((b, i) => (i === 6 ? { ...b, low: 11.98 } : b));
    const cfg = { strategies: [{ name: 'ma_cross' as const, params: { fast: 2, slow: 4, target: 0.1 } }], touchFillProb: 0.5 };
    const filled: boolean[] = [];
    // a fill on bar 7 is stamped with that bar's time (T0 + 6 min); otherwise bar 8 trades through the limit
    const onBar7 = (r: { fills: Array<{ ts: number }> }) => r.fills.some((f) => f.ts === T0 + 6 * MIN);
    for (let seed = 1; seed <= 12; seed++) filled.push(onBar7(await runBacktest(touch, cfg, seed)));
    expect(filled).toContain(true);
    expect(filled).toContain(false);
    const never = await runBacktest(touch, { ...cfg, touchFillProb: 0 }, 1);
    expect(onBar7(never)).toBe(false);
  });

  it('does not depend on the order bars arrive in', async () => {
    const a = await runBacktest(bars, config, 1);
    const b = await runBacktest([...bars].reverse(), config, 1);
    expect(b).toEqual(a);
  });
});

describe('runBacktest errors', () => {
  it('a strategy that raises ends the run naming the strategy and the bar', async () => {
    let seen = 0;
    const boom: Strategy = {
      id: 'boom',
      onBar: () => {
        if (++seen === 5) throw new Error('division by zero');
      },
    };
    const err = await runBacktest(TEN, { strategies: [] }, 1, { strategies: [boom] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacktestError);
    expect((err as BacktestError).code).toBe('STRATEGY_FAILED');
    expect((err as BacktestError).message).toBe('strategy boom raised division by zero at bar 5 of 10 (AAA 2024-01-02T15:04:00.000Z)');
  });

  it('refuses symbols on different bar intervals: a daily bar beside minute bars would be delivered a minute after it opened', async () => {
    const daily = [0, 1, 2].map((d): Bar => ({ symbol: 'BBB', ts: T0 + d * 86_400_000, open: 50, high: 51, low: 49, close: 50.5, volume: 1e5 }));
    await expect(runBacktest([...TEN, ...daily], { strategies: [{ name: 'buy_and_hold' }] }, 1)).rejects.toThrow(
      "the bars of one run must share one interval: AAA's are 1 minute apart, BBB's 1 day (run each interval on its own, or resample)",
    );
    // a symbol with a single bar has no interval of its own: accepted beside the minute bars
    const one: Bar = { symbol: 'CCC', ts: T0 + 3 * MIN, open: 20, high: 20.5, low: 19.5, close: 20, volume: 1e4 };
    expect((await runBacktest([...TEN, one], { strategies: [{ name: 'buy_and_hold' }] }, 1)).symbols).toEqual(['AAA', 'CCC']);
  });

  it('refuses no strategy, no bars, and a bar without a time', async () => {
    await expect(runBacktest(TEN, { strategies: [] }, 1)).rejects.toThrow('no strategy to run');
    await expect(runBacktest(TEN, { strategies: [{ name: 'buy_and_hold' }], from: T0 + 86_400_000 }, 1)).rejects.toMatchObject({ code: 'NO_BARS' });
    const bad = [...TEN.slice(0, 2), { ...TEN[2]!, ts: NaN }];
    await expect(runBacktest(bad, { strategies: [{ name: 'buy_and_hold' }] }, 1)).rejects.toThrow("bar 2 (AAA): field 'ts' must be a finite epoch-ms number, got NaN");
  });
});

describe('runBacktest with a volume cap (--volume-cap)', () => {
  it('fills at most the cap x bar volume per bar and carries the rest to the next bar', async () => {
    const spec = { strategies: [{ name: 'ma_cross' as const, params: { fast: 2, slow: 4, target: 0.1 } }], fees: 'ccxt' as const };
    const capped = await runBacktest(TEN, { ...spec, volumeCap: 0.5 }, 1);
    const buys = capped.fills.filter((f) => f.side === 'buy');
    // The 834-share buy at 11.98: bar 7 fills 0.5 x 1000 = 500, bar 8 (trades through 11.98) the other 334.
    expect(buys.map((f) => [f.qty, f.price, f.ts])).toEqual([
      [500, 11.98, T0 + 6 * MIN],
      [334, 11.98, T0 + 7 * MIN],
    ]);
    const uncapped = await runBacktest(TEN, spec, 1);
    expect(uncapped.fills.filter((f) => f.side === 'buy').map((f) => f.qty)).toEqual([834]);
  });

  it('the CLI passes --volume-cap F through and refuses F outside (0, 1]', () => {
    const args = parseBacktestArgs(['--bars', 'x.csv', '--volume-cap', '0.25']);
    expect(args !== 'help' && args.config.volumeCap).toBe(0.25);
    for (const bad of ['0', '1.5', '-0.1', 'abc', ''])
      expect(() => parseBacktestArgs(['--bars', 'x.csv', `--volume-cap=${bad}`])).toThrow(`--volume-cap must be a fraction of bar volume with 0 < F <= 1, got ${JSON.stringify(bad)}`);
  });
});
