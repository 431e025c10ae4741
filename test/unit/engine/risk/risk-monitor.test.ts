// The risk monitor's automatic triggers, each driven by the fills and price
// updates that fire it, on a real Portfolio, RiskEngine and AlertLog.
import { describe, expect, it } from 'vitest';
import { AlertLog } from '../../../../src/engine/core/alerts.js';
import { DEFAULT_MONITOR, type MonitorConfig } from '../../../../src/engine/core/config.js';
import { Portfolio } from '../../../../src/engine/portfolio/portfolio.js';
import { RiskEngine } from '../../../../src/engine/risk/risk-engine.js';
import { RiskMonitor } from '../../../../src/engine/risk/risk-monitor.js';
import type { Alert, Fill, TradingStateChange } from '../../../../src/shared/domain.js';
import { wideLimits } from '../../../support/oms-harness.js';

const T0 = Date.parse('2026-01-05T15:00:00Z');

function setup(cfg: Partial<MonitorConfig> = {}, marketOpen = true) {
  let now = T0;
  const alerts: Alert[] = [];
  const changes: TradingStateChange[] = [];
  const cuts: Array<{ fraction: number; reason: string }> = [];
  const portfolio = new Portfolio(100_000);
  const log = new AlertLog(() => now, (a) => alerts.push(a));
  const risk = new RiskEngine(wideLimits(), () => now, (c) => changes.push(c));
  const monitor = new RiskMonitor({ ...DEFAULT_MONITOR, ...cfg }, risk, portfolio, log, { cutExposure: (fraction, reason) => cuts.push({ fraction, reason }), marketOpen: () => marketOpen }, () => now);
  let n = 0;
  const fill = (symbol: string, side: 'buy' | 'sell', qty: number, price: number): Fill => ({ clientOrderId: `c${++n}`, symbol, side, qty, price, fee: 0, ts: now, fillId: `f${n}` });
  const quote = (symbol: string, mid: number) => {
    portfolio.mark(symbol, mid);
    monitor.onQuote({ symbol, ts: now, bid: mid - 0.01, ask: mid + 0.01, bidSize: 1, askSize: 1 });
  };
  return { monitor, portfolio, risk, alerts, changes, cuts, fill, quote, advance: (ms: number) => (now += ms), now: () => now };
}

/** With a 120 s limit and no quote for `symbol`: the watch's checks find it ACTIVE at once and 119 s on, REDUCING at 121 s. */
function staleOnlyAfterLimit(s: ReturnType<typeof setup>, symbol: string): void {
  s.monitor.checkStaleAt(s.now());
  expect(s.risk.stateOf(`instrument:${symbol}`)).toBe('ACTIVE');
  s.advance(119_000);
  s.monitor.checkStaleAt(s.now());
  expect(s.risk.stateOf(`instrument:${symbol}`)).toBe('ACTIVE');
  s.advance(2_000);
  s.monitor.checkStaleAt(s.now());
  expect(s.risk.stateOf(`instrument:${symbol}`)).toBe('REDUCING');
}

describe('risk monitor', () => {
  it('alerts at a 5% drawdown and at 10% goes REDUCING and cuts exposure by half', () => {
    const s = setup({ dailyLossLimitPct: 0.9 });
    const f = s.fill('SPY', 'buy', 1000, 100);
    s.portfolio.applyFill(f);
    s.monitor.onFill(f, 0, 'ma_cross');
    s.quote('SPY', 100);
    s.quote('SPY', 96); // -4% of equity
    expect(s.alerts.filter((a) => a.code === 'DRAWDOWN')).toHaveLength(0);
    s.quote('SPY', 94.9); // -5.1%
    expect(s.alerts.filter((a) => a.code === 'DRAWDOWN')).toHaveLength(1);
    expect(s.risk.tradingState).toBe('ACTIVE');
    s.quote('SPY', 89.9); // -10.1%
    expect(s.risk.tradingState).toBe('REDUCING');
    expect(s.cuts).toEqual([{ fraction: 0.5, reason: expect.stringMatching(/drawdown 10\.\d+% reached 10\.0%: cutting exposure by 50%/) }]);
    s.quote('SPY', 85); // no second cut while latched
    expect(s.cuts).toHaveLength(1);
  });

  it('HALTS when the day loss reaches the daily limit', () => {
    const s = setup({ dailyLossLimitPct: 0.03 });
    const f = s.fill('SPY', 'buy', 1000, 100);
    s.portfolio.applyFill(f);
    s.monitor.onFill(f, 0, 'ma_cross');
    s.quote('SPY', 97.1);
    expect(s.risk.tradingState).toBe('ACTIVE');
    s.quote('SPY', 96.9);
    expect(s.risk.tradingState).toBe('HALTED');
    expect(s.changes.at(-1)).toMatchObject({ actor: 'risk-monitor', to: 'HALTED', reason: expect.stringMatching(/daily loss 3100\.00 reached the limit 3000\.00/) });
  });

  it('blocks new entries while realized volatility of the regime symbol is above the threshold', () => {
    const s = setup({ volRegimeThreshold: 0.35, volWindowBars: 10 });
    let px = 100;
    for (let i = 0; i < 12; i++) {
      s.monitor.onBar({ symbol: 'SPY', ts: T0 + i * 60_000, open: px, high: px, low: px, close: (px *= 1.0001), volume: 1 });
    }
    expect(s.monitor.volRegime()!.value).toBeLessThan(0.35);
    for (let i = 12; i < 24; i++) {
      px *= i % 2 ? 1.01 : 0.99;
      s.monitor.onBar({ symbol: 'SPY', ts: T0 + i * 60_000, open: px, high: px, low: px, close: px, volume: 1 });
    }
    expect(s.monitor.volRegime()!.value).toBeGreaterThan(0.35);
    expect(s.alerts.some((a) => a.code === 'VOL_REGIME' && a.level === 'critical')).toBe(true);
  });

  it('halts a strategy after N losing round trips in a row, not the account', () => {
    const s = setup({ maxConsecutiveLosses: 3 });
    for (let i = 0; i < 3; i++) {
      const b = s.fill('AAPL', 'buy', 10, 100);
      s.monitor.onFill(b, s.portfolio.applyFill(b), 'ma_cross');
      const c = s.fill('AAPL', 'sell', 10, 99);
      s.monitor.onFill(c, s.portfolio.applyFill(c), 'ma_cross');
    }
    expect(s.risk.stateOf('strategy:ma_cross')).toBe('HALTED');
    expect(s.risk.tradingState).toBe('ACTIVE');
    expect(s.alerts.some((a) => a.code === 'CONSECUTIVE_LOSSES')).toBe(true);
  });

  it('counts a round trip once, on its whole P&L, for the strategy that opened it', () => {
    const s = setup({ maxConsecutiveLosses: 2 });
    const apply = (f: Fill, source: string) => s.monitor.onFill(f, s.portfolio.applyFill(f), source);
    for (let i = 0; i < 3; i++) {
      // opened by ma_cross, closed in two parts by another source: +50, then -5 (the trip made 45)
      apply(s.fill('AAPL', 'buy', 10, 100), 'ma_cross');
      apply(s.fill('AAPL', 'sell', 5, 110), 'ensemble');
      apply(s.fill('AAPL', 'sell', 5, 99), 'ensemble');
    }
    expect(s.monitor.lossStreak('ma_cross')).toBe(0);
    expect(s.monitor.lossStreak('ensemble')).toBe(0);
    expect(s.risk.stateOf('strategy:ensemble')).toBe('ACTIVE');
    // two losing trips of the opener, closed by someone else, halt the opener
    for (let i = 0; i < 2; i++) {
      apply(s.fill('AAPL', 'buy', 10, 100), 'ma_cross');
      apply(s.fill('AAPL', 'sell', 10, 99), 'flatten');
    }
    expect(s.risk.stateOf('strategy:ma_cross')).toBe('HALTED');
    expect(s.risk.stateOf('strategy:flatten')).toBe('ACTIVE');
  });

  it('a win resets the losing streak', () => {
    const s = setup({ maxConsecutiveLosses: 2 });
    const trip = (exit: number) => {
      const b = s.fill('AAPL', 'buy', 10, 100);
      s.monitor.onFill(b, s.portfolio.applyFill(b), 'ma_cross');
      const c = s.fill('AAPL', 'sell', 10, exit);
      s.monitor.onFill(c, s.portfolio.applyFill(c), 'ma_cross');
    };
    trip(99);
    trip(101);
    trip(99);
    expect(s.risk.stateOf('strategy:ma_cross')).toBe('ACTIVE');
  });

  it('puts a held instrument with stale quotes into REDUCING, and back when quotes resume', () => {
    const s = setup({ staleDataSeconds: 120 });
    const f = s.fill('AAPL', 'buy', 10, 100);
    s.portfolio.applyFill(f);
    s.quote('AAPL', 100);
    s.advance(125_000);
    s.quote('SPY', 500);
    expect(s.risk.stateOf('instrument:AAPL')).toBe('REDUCING');
    s.advance(2_000);
    s.quote('AAPL', 100.5);
    s.advance(2_000);
    s.quote('SPY', 500);
    expect(s.risk.stateOf('instrument:AAPL')).toBe('ACTIVE');
  });

  it('a held instrument never quoted is stale after the limit from the first check; checkStaleAt (the watch) needs no quote', () => {
    const s = setup({ staleDataSeconds: 120 });
    const f = s.fill('AAPL', 'buy', 10, 100); // e.g. a position restored at start whose quotes never come
    s.portfolio.applyFill(f);
    staleOnlyAfterLimit(s, 'AAPL');
    expect(s.changes.at(-1)!.reason).toMatch(/no quote for held AAPL in 121s since it was first checked/);
    expect(s.monitor.isStale('AAPL')).toBe(true);
    s.quote('AAPL', 100);
    s.advance(1_000);
    s.monitor.checkStaleAt(s.now());
    expect(s.risk.stateOf('instrument:AAPL')).toBe('ACTIVE');
    expect(s.monitor.isStale('AAPL')).toBe(false);
    // quoted, then silent: the watch's check alone finds it, with no quote of any symbol arriving
    s.advance(121_000);
    s.monitor.checkStaleAt(s.now());
    expect(s.risk.stateOf('instrument:AAPL')).toBe('REDUCING');
    expect(s.changes.at(-1)!.reason).toMatch(/no quote for AAPL for 122s while its market is open/);
  });

  it('a symbol no longer held leaves the stale watch: its REDUCING is lifted, and held again its silence counts afresh', () => {
    const s = setup({ staleDataSeconds: 120 });
    s.portfolio.applyFill(s.fill('AAPL', 'buy', 10, 100)); // never quoted
    s.monitor.checkStaleAt(s.now());
    s.advance(121_000);
    s.monitor.checkStaleAt(s.now());
    expect(s.risk.stateOf('instrument:AAPL')).toBe('REDUCING');
    // closed out: the restriction goes with the position
    s.portfolio.applyFill(s.fill('AAPL', 'sell', 10, 100));
    s.advance(1_000);
    s.monitor.checkStaleAt(s.now());
    expect(s.risk.stateOf('instrument:AAPL')).toBe('ACTIVE');
    expect(s.changes.at(-1)!.reason).toMatch(/AAPL is no longer held/);
    expect(s.monitor.isStale('AAPL')).toBe(false);
    // an hour later, held again and still never quoted: not stale at once, only after the limit from now
    s.advance(3_600_000);
    s.portfolio.applyFill(s.fill('AAPL', 'buy', 5, 100));
    staleOnlyAfterLimit(s, 'AAPL');
  });

  it('does not call data stale while the market is closed', () => {
    const s = setup({ staleDataSeconds: 120 }, false);
    const f = s.fill('AAPL', 'buy', 10, 100);
    s.portfolio.applyFill(f);
    s.quote('AAPL', 100);
    s.advance(3_600_000);
    s.quote('BTC/USD', 90_000);
    expect(s.risk.stateOf('instrument:AAPL')).toBe('ACTIVE');
  });

  it('HALTS on a venue disconnect and on a reject storm', () => {
    const a = setup();
    a.monitor.onConnection('disconnected', 'alpaca', 'socket closed');
    expect(a.risk.tradingState).toBe('HALTED');
    expect(a.changes.at(-1)!.reason).toMatch(/venue alpaca disconnected: socket closed/);

    const b = setup({ rejectStormCount: 3, rejectStormWindowSeconds: 10 });
    b.monitor.onVenueReject(T0);
    b.monitor.onVenueReject(T0 + 20_000);
    b.monitor.onVenueReject(T0 + 21_000);
    expect(b.risk.tradingState).toBe('ACTIVE');
    b.monitor.onVenueReject(T0 + 22_000);
    expect(b.risk.tradingState).toBe('HALTED');
  });

  it('alerts when the holdings move together (average pairwise correlation above the threshold)', () => {
    const s = setup({ correlationAlert: 0.8, correlationWindowBars: 20 });
    for (const sym of ['AAA', 'BBB']) {
      const f = s.fill(sym, 'buy', 10, 100);
      s.portfolio.applyFill(f);
    }
    let px = 100;
    for (let i = 0; i < 25; i++) {
      px *= 1 + Math.sin(i) / 100;
      for (const sym of ['AAA', 'BBB']) s.monitor.onBar({ symbol: sym, ts: T0 + i * 60_000, open: px, high: px, low: px, close: px, volume: 1 });
    }
    expect(s.monitor.gauges().avgCorrelation).toBeCloseTo(1, 6);
    expect(s.alerts.some((a) => a.code === 'CORRELATION')).toBe(true);
  });

  it('reports gauges: drawdown, day P&L against its limit, exposure', () => {
    const s = setup();
    const f = s.fill('SPY', 'buy', 100, 100);
    s.portfolio.applyFill(f);
    s.quote('SPY', 98);
    const g = s.monitor.gauges();
    expect(g.dayPnl).toBeCloseTo(-200, 6);
    expect(g.dayLossLimit).toBeCloseTo(3000, 6);
    expect(g.grossExposurePct).toBeCloseTo(9800 / 99_800, 6);
    expect(g.drawdownPct).toBeCloseTo(200 / 100_000, 6);
  });
});
