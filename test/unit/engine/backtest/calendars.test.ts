// The market calendar of a backtest's symbols (BacktestConfig.calendar): with
// 'auto' a stock whose bars all open in regular NYSE sessions (daily bars: on
// session days) runs on the NYSE calendar, anything else around the clock, and
// crypto pairs always around the clock. The calendar is what decides when a day
// order expires and which stretches without bars are gaps: a day order sent
// after Friday's daily bar lives to Monday's close on the NYSE calendar (as at
// a broker), and dies at UTC midnight on 24x7; weekends and holidays between
// daily bars are no gaps on the NYSE calendar; a daily bar on it closes, and is
// decided on, at its session's close (not at the next midnight); its pre- and
// after-market minute bars are seen but not traded on. The metrics are
// annualized on the days the curve has (365 with weekend points, else 252).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calendarsOf } from '../../../../src/engine/backtest/backtest-config.js';
import { metricsCurve } from '../../../../src/engine/backtest/backtest-result.js';
import { computePerformanceReport } from '../../../../src/engine/risk/analytics/performance.js';
import { createBacktestSession } from '../../../../src/engine/backtest/run-backtest.js';
import type { BacktestConfig } from '../../../../src/engine/backtest/backtest-config.js';
import { readBarsCsv } from '../../../../src/engine/data/csv-bars.js';
import type { Strategy } from '../../../../src/engine/strategy/strategy.js';
import type { Bar } from '../../../../src/shared/domain.js';
import { randomBars } from '../../../support/bars.js';

const MIN = 60_000;
const DAY = 86_400_000;
const bar = (symbol: string, iso: string, px = 100): Bar => ({ symbol, ts: Date.parse(iso), open: px, high: px + 0.5, low: px - 0.5, close: px, volume: 10_000 });
/** `n` one-minute bars of `symbol` from `iso`. */
const minutes = (symbol: string, iso: string, n: number): Bar[] => Array.from({ length: n }, (_, i) => ({ ...bar(symbol, iso), ts: Date.parse(iso) + i * MIN }));

describe('calendarsOf', () => {
  it("'auto': regular-session minute bars are on the NYSE calendar; a pre-market or night bar puts the stock on 24x7", () => {
    // 2024-01-02 (a Tuesday): 14:30Z is the 09:30 New York open, 20:59Z the last minute before the 16:00 close
    const rth = [...minutes('SPY', '2024-01-02T14:30:00Z', 5), ...minutes('SPY', '2024-01-02T20:55:00Z', 5)];
    expect(calendarsOf(rth, MIN)).toEqual(new Map([['SPY', 'nyse']]));
    const premarket = [bar('QQQ', '2024-01-02T14:29:00Z'), ...minutes('QQQ', '2024-01-02T14:30:00Z', 5)]; // 09:29 New York
    const night = [...minutes('IWM', '2024-01-02T20:58:00Z', 3)]; // the third opens at 16:00 New York, after the close
    const got = calendarsOf([...rth, ...premarket, ...night].sort((a, b) => a.ts - b.ts), MIN);
    expect(Object.fromEntries(got)).toEqual({ SPY: 'nyse', QQQ: '24x7', IWM: '24x7' });
  });

  it("'auto': daily bars dated on session days are on the NYSE calendar (any time of that UTC date); a Saturday or a holiday is not", () => {
    // Alpaca stamps a daily bar at 00:00 New York (05:00Z in winter), others at 00:00Z
    const week = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08'].map((d, i) => bar('SPY', `${d}T${i % 2 ? '05' : '00'}:00:00Z`));
    expect(calendarsOf(week, DAY).get('SPY')).toBe('nyse');
    expect(calendarsOf([...week, bar('SPY', '2024-03-09T00:00:00Z')], DAY).get('SPY')).toBe('24x7'); // a Saturday
    expect(calendarsOf([bar('SPY', '2024-01-01T00:00:00Z'), ...week], DAY).get('SPY')).toBe('24x7'); // New Year's Day
  });

  it('crypto pairs are always 24x7; a calendar given applies to every stock, whatever its bars', () => {
    const bars = [...minutes('SPY', '2024-01-02T14:30:00Z', 3), ...minutes('BTC/USD', '2024-01-02T14:30:00Z', 3), bar('QQQ', '2024-01-06T03:00:00Z')];
    expect(Object.fromEntries(calendarsOf(bars, MIN))).toEqual({ SPY: 'nyse', 'BTC/USD': '24x7', QQQ: '24x7' });
    expect(Object.fromEntries(calendarsOf(bars, MIN, 'nyse'))).toEqual({ SPY: 'nyse', 'BTC/USD': '24x7', QQQ: 'nyse' });
    expect(Object.fromEntries(calendarsOf(bars, MIN, '24x7'))).toEqual({ SPY: '24x7', 'BTC/USD': '24x7', QQQ: '24x7' });
  });
});

/** Buys 10 at a 97 limit, a day order, on the bar of `onDay` (a UTC date). */
function dayLimitOn(onDay: string): Strategy {
  return {
    id: 'day_limit',
    onBar: (b, ctx) => {
      if (new Date(b.ts).toISOString().slice(0, 10) === onDay) ctx.submit({ symbol: b.symbol, side: 'buy', type: 'limit', qty: 10, limitPrice: 97, timeInForce: 'day', reason: 'test' });
    },
  };
}

async function replay(bars: Bar[], config: Partial<BacktestConfig>, strategy?: Strategy) {
  const s = createBacktestSession(bars, { strategies: strategy ? [] : [{ name: 'buy_and_hold' }], costs: 'none', ...config }, 1, strategy ? { strategies: [strategy] } : {});
  const e = s.engine;
  await e.prepare();
  for (let at = e.clock.nextTimerAt(); at !== undefined; at = e.clock.nextTimerAt()) e.clock.advanceTo(at);
  const orders = e.oms.recent(10);
  const quality = e.quality.reports();
  await e.stop();
  return { orders, quality, result: s.result() };
}

describe('the calendar in a backtest', () => {
  // daily bars at 00:00Z, Monday 4 March to Tuesday 12 March 2024 (no weekend bars); Monday the 11th trades down through 97
  const days = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-11', '2024-03-12'];
  const daily = days.map((d) => (d === '2024-03-11' ? { ...bar('AAA', `${d}T00:00:00Z`, 98), low: 96 } : bar('AAA', `${d}T00:00:00Z`)));

  it("a day order sent after Friday's daily bar fills on Monday on the NYSE calendar ('auto' finds it), and expires over the weekend on 24x7", async () => {
    const nyse = await replay(daily, {}, dayLimitOn('2024-03-08'));
    expect(nyse.result.calendars).toEqual({ AAA: 'nyse' });
    // decided when Friday's bar closed, with its session: 16:00 New York (21:00Z before the switch to summer time)
    expect(nyse.result.decisions.map((d) => new Date(d.ts).toISOString())).toEqual(['2024-03-08T21:00:00.000Z']);
    expect(nyse.orders[0]!.status).toBe('filled');
    // on Monday's bar (it opened at 98, above the limit, and traded down through it)
    expect(nyse.result.fills.map((f) => [f.price, new Date(f.ts).toISOString()])).toEqual([[97, '2024-03-11T00:00:00.000Z']]);

    const roundTheClock = await replay(daily, { calendar: '24x7' }, dayLimitOn('2024-03-08'));
    expect(roundTheClock.result.calendars).toEqual({ AAA: '24x7' });
    expect(roundTheClock.result.decisions.map((d) => new Date(d.ts).toISOString())).toEqual(['2024-03-09T00:00:00.000Z']); // the day's end
    // sent at Saturday 00:00 (Friday's bar closed), over at Sunday 00:00: Monday's bar never sees it
    expect(roundTheClock.orders[0]!.status).toBe('expired');
    expect(roundTheClock.result.fills).toEqual([]);
  });

  it('a daily bar on the NYSE calendar is decided on at its session\'s close: 16:00 New York, 13:00 on an early close', async () => {
    // Tuesday 26 November 2024 to Monday 2 December: Thanksgiving (the 28th) closed, Friday the 29th closing at 13:00
    const bars = ['2024-11-26', '2024-11-27', '2024-11-29', '2024-12-02'].map((d) => bar('AAA', `${d}T00:00:00Z`));
    const seen: string[] = [];
    const watcher: Strategy = { id: 'watch', onBar: (b, ctx) => void seen.push(`${new Date(b.ts).toISOString().slice(0, 10)} at ${new Date(ctx.now()).toISOString()}`) };
    const r = await replay(bars, {}, watcher);
    expect(r.result.calendars).toEqual({ AAA: 'nyse' });
    expect(seen).toEqual(['2024-11-26 at 2024-11-26T21:00:00.000Z', '2024-11-27 at 2024-11-27T21:00:00.000Z', '2024-11-29 at 2024-11-29T18:00:00.000Z', '2024-12-02 at 2024-12-02T21:00:00.000Z']);
  });

  it('pre- and after-market minute bars on the NYSE calendar are seen, but no order is sent on them (as live); on 24x7 they trade', async () => {
    // Tuesday 2 January 2024: 09:27 to 09:33 and 15:58 to 16:02 New York (14:27Z-14:33Z, 20:58Z-21:02Z), minute bars
    const bars = [...minutes('AAA', '2024-01-02T14:27:00Z', 7), ...minutes('AAA', '2024-01-02T20:58:00Z', 5)];
    /** Buys 1 at market on every bar it is told the market is open, and notes each bar's verdict. */
    const verdicts: string[] = [];
    const everyBar: Strategy = {
      id: 'every_bar',
      onBar: (b, ctx) => {
        const open = ctx.isMarketOpen(b.symbol);
        verdicts.push(`${new Date(ctx.now()).toISOString().slice(11, 16)} ${open ? 'open' : 'closed'}`);
        if (open) ctx.submit({ symbol: b.symbol, side: 'buy', type: 'market', qty: 1, timeInForce: 'day', reason: 'test' });
      },
    };
    const nyse = await replay(bars, { calendar: 'nyse' }, everyBar);
    // each bar is seen when it closes: the 09:29 bar at 09:30 (14:30Z) is the first in the session, the 15:59 bar at 16:00 the first out
    expect(verdicts).toEqual(['14:28 closed', '14:29 closed', '14:30 open', '14:31 open', '14:32 open', '14:33 open', '14:34 open', '20:59 open', '21:00 closed', '21:01 closed', '21:02 closed', '21:03 closed']);
    expect(nyse.result.decisions.map((d) => new Date(d.ts).toISOString().slice(11, 16))).toEqual(['14:30', '14:31', '14:32', '14:33', '14:34', '20:59']);
    // and the risk engine refuses an order sent outside the session anyway (on the first bar, 09:27), naming why
    let sent = false;
    const anyway: Strategy = {
      id: 'anyway',
      onBar: (b, ctx) => {
        if (sent) return;
        sent = true;
        ctx.submit({ symbol: b.symbol, side: 'buy', type: 'market', qty: 1, timeInForce: 'day', reason: 'test' });
      },
    };
    const refused = await replay(bars, { calendar: 'nyse' }, anyway);
    expect(refused.result.decisions).toMatchObject([{ approved: false, reason: 'the market for AAA is closed' }]);
    verdicts.length = 0;
    const roundTheClock = await replay(bars, { calendar: '24x7' }, everyBar);
    expect(roundTheClock.result.decisions).toHaveLength(bars.length);
  });

  it('weekends and holidays between the daily bars of SPY 2007-2009 are gaps on 24x7, none on the NYSE calendar', async () => {
    const spy = readBarsCsv(join(__dirname, '../../../fixtures/spy_ohlcv_2007_2009.csv')); // symbol: the file's name
    // every stretch of more than a day between two bars (weekends, holidays) is missing bars on a 24x7 calendar
    const longer = spy.slice(1).filter((b, i) => b.ts - spy[i]!.ts > DAY).length;
    expect(longer).toBeGreaterThan(150);
    const auto = await replay(spy, {});
    expect(auto.result.calendars).toEqual({ [spy[0]!.symbol]: 'nyse' });
    expect(auto.quality[0]!.bars).toBe(spy.length);
    expect(auto.quality[0]!.byIssue.gap).toBe(0);
    const roundTheClock = await replay(spy, { calendar: '24x7' });
    expect(roundTheClock.quality[0]!.byIssue.gap).toBe(longer);
    // either way the curve has a point on weekdays only: annualized on 252 daily returns a year
    expect(auto.result.metrics!.daysPerYear).toBe(252);
    expect(roundTheClock.result.metrics!.daysPerYear).toBe(252);
  });

  it('a curve marked every calendar day (a coin\'s daily bars, weekends included) is annualized on 365 days', async () => {
    const coin = randomBars({ symbols: ['BTC/USD'], n: 60, seed: 3, start: Date.parse('2024-03-04T00:00:00Z'), stepMs: DAY, vol: 0.03 });
    const r = await replay(coin, {});
    expect(r.result.calendars).toEqual({ 'BTC/USD': '24x7' });
    expect(r.result.metrics!.daysPerYear).toBe(365);
    const curve = metricsCurve(r.result.equity, 100_000).map(([timestamp, equity]) => ({ timestamp, equity }));
    const on252 = computePerformanceReport(curve).metrics;
    expect(r.result.metrics!.metrics.sharpe).toBeCloseTo(on252.sharpe * Math.sqrt(365 / 252), 12);
    expect(r.result.metrics!.metrics.volatility).toBeCloseTo(on252.volatility * Math.sqrt(365 / 252), 12);
  });
});
