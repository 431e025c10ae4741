// Pre-trade checks and trading states, named by behaviour: each check denies
// with its value and limit when breached and passes when not.
import { describe, expect, it } from 'vitest';
import { RiskEngine, reducesExposure, type OrderIntent, type RiskView } from '../../../../src/engine/risk/risk-engine.js';
import { loadConfig } from '../../../../src/engine/core/config.js';
import type { Instrument, TradingStateChange } from '../../../../src/shared/domain.js';
import { TEST_INSTRUMENT, wideLimits } from '../../../support/oms-harness.js';

interface ViewState {
  position: number;
  open: { buy: number; sell: number };
  ref: number | undefined;
  inst: Instrument | undefined;
  marketOpen: boolean;
  equity: number;
  gross: number;
  net: number;
  sector: number;
  cls: number;
  bp: number;
  openNotional: number;
  vol?: { value: number; threshold: number };
}

function view(over: Partial<ViewState> = {}): RiskView {
  const v: ViewState = {
    position: 0,
    open: { buy: 0, sell: 0 },
    ref: 100,
    inst: TEST_INSTRUMENT,
    marketOpen: true,
    equity: 100_000,
    gross: 0,
    net: 0,
    sector: 0,
    cls: 0,
    bp: 200_000,
    openNotional: 0,
    ...over,
  };
  return {
    position: () => v.position,
    openQty: () => v.open,
    referencePrice: () => v.ref,
    instrument: () => v.inst,
    marketOpen: () => v.marketOpen,
    equity: () => v.equity,
    gross: () => v.gross,
    net: () => v.net,
    groupGross: (k) => (k === 'sector' ? v.sector : v.cls),
    buyingPower: () => v.bp,
    openOrderNotional: () => v.openNotional,
    volRegime: () => v.vol,
  };
}

const buy = (qty: number, extra: Partial<OrderIntent> = {}): OrderIntent => ({ symbol: 'X', side: 'buy', qty, source: 's', ...extra });

function engine(limits = wideLimits()) {
  let t = 1_000;
  const changes: TradingStateChange[] = [];
  const risk = new RiskEngine(limits, () => t, (c) => changes.push(c));
  return { risk, changes, advance: (ms: number) => (t += ms) };
}

function failed(d: ReturnType<RiskEngine['check']>) {
  return d.checks.filter((c) => !c.passed).map((c) => c.check);
}

describe('pre-trade checks', () => {
  it('approves an order inside every limit and reports every check', () => {
    const { risk } = engine();
    const d = risk.check(buy(10, { limitPrice: 100 }), view());
    expect(d.approved).toBe(true);
    expect(d.checks.map((c) => c.check)).toEqual([
      'trading_state', 'instrument_tradable', 'market_open', 'quantity_valid', 'price_known', 'limit_price_valid',
      'lot_size', 'tick_size', 'shortable', 'min_notional', 'max_order_qty', 'max_order_notional', 'price_collar',
      'max_position_notional', 'max_position_pct_equity', 'sector_concentration', 'asset_class_concentration',
      'gross_exposure', 'net_exposure', 'leverage', 'buying_power', 'order_rate_second', 'order_rate_minute', 'duplicate_order',
    ]);
  });

  const cases: Array<[string, Partial<ReturnType<typeof wideLimits>>, OrderIntent, Partial<ViewState>, RegExp]> = [
    ['max_order_notional', { maxOrderNotional: 10_000 }, buy(101), {}, /order notional 10100 exceeds max 10000/],
    ['max_order_qty', { maxOrderQty: 50 }, buy(51), {}, /order quantity 51 exceeds max 50/],
    ['price_collar', { priceCollarPct: 0.05 }, buy(1, { limitPrice: 110 }), {}, /10\.00% from the mid/],
    ['max_position_notional', { maxPositionNotional: 5_000 }, buy(20), { position: 40 }, /position notional would reach 6000/],
    ['max_position_pct_equity', { maxPositionPctEquity: 0.15, maxPositionNotional: 1e9 }, buy(100), { position: 60 }, /16\.0% of equity, above 15\.0%/],
    ['sector_concentration', { maxConcentrationPct: 0.3 }, buy(100), { sector: 25_000 }, /sector Tech would be 35\.0%/],
    ['asset_class_concentration', { maxConcentrationPct: 0.3 }, buy(100), { cls: 25_000 }, /asset class us_equity would be 35\.0%/],
    ['gross_exposure', { maxGrossExposurePct: 2 }, buy(100), { gross: 195_000 }, /gross exposure would be 205\.0%/],
    ['net_exposure', { maxNetExposurePct: 1 }, buy(100), { net: 95_000 }, /net exposure would be 105\.0%/],
    ['leverage', { maxLeverage: 2 }, buy(100), { gross: 150_000, openNotional: 45_000 }, /leverage with open orders would be 2\.05x/],
    ['buying_power', {}, buy(100), { bp: 5_000 }, /exceeds buying power 5000/],
  ];
  for (const [check, limits, intent, v, msg] of cases) {
    it(`when ${check} is breached then denies with value and limit`, () => {
      const { risk } = engine(wideLimits(limits));
      const d = risk.check(intent, view(v));
      expect(d.approved).toBe(false);
      expect(failed(d)).toEqual([check]);
      const c = d.checks.find((x) => x.check === check)!;
      expect(c.value).not.toBe('');
      expect(c.limit).not.toBe('');
      expect(c.message).toMatch(msg);
    });
  }

  it('denies net exposure below the minimum for a short sale', () => {
    const { risk } = engine(wideLimits({ minNetExposurePct: -0.3 }));
    const d = risk.check({ symbol: 'X', side: 'sell', qty: 100, source: 's' }, view({ net: -25_000 }));
    expect(failed(d)).toEqual(['net_exposure']);
  });

  it('allows an order that brings a breached net exposure back toward its range, and refuses one that overshoots it', () => {
    const { risk } = engine(wideLimits({ minNetExposurePct: -0.3, maxNetExposurePct: 0.3 }));
    // -40% now: a buy of 5% leaves -35%, still outside but nearer
    expect(risk.check(buy(50), view({ net: -40_000 })).approved).toBe(true);
    // a further sale while too short is refused
    expect(failed(risk.check({ symbol: 'X', side: 'sell', qty: 50, source: 's' }, view({ net: -40_000 })))).toEqual(['net_exposure']);
    // +40% now: a sale brings it nearer; a buy takes it further
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 50, source: 's' }, view({ net: 40_000 })).approved).toBe(true);
    expect(failed(risk.check(buy(50), view({ net: 40_000 })))).toEqual(['net_exposure']);
    // a buy from -40% to +40% jumps over the range: refused
    expect(failed(risk.check(buy(800), view({ net: -40_000 })))).toContain('net_exposure');
  });

  it('checks the instrument: unknown, closed, lot, tick, minimum notional, not shortable', () => {
    const { risk } = engine();
    expect(failed(risk.check(buy(1), view({ inst: undefined })))).toContain('instrument_tradable');
    expect(failed(risk.check(buy(1), view({ marketOpen: false })))).toEqual(['market_open']);
    expect(failed(risk.check(buy(1.5), view()))).toEqual(['lot_size']);
    expect(failed(risk.check(buy(1, { limitPrice: 100.005 }), view()))).toEqual(['tick_size']);
    expect(failed(risk.check(buy(1), view({ inst: { ...TEST_INSTRUMENT, minNotional: 500 } })))).toEqual(['min_notional']);
    const noShort = view({ inst: { ...TEST_INSTRUMENT, shortable: false }, position: 5 });
    expect(failed(risk.check({ symbol: 'X', side: 'sell', qty: 10, source: 's' }, noShort))).toEqual(['shortable']);
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 5, source: 's' }, noShort).approved).toBe(true);
  });

  it('a NaN, zero or negative price or quantity is denied, never traded', () => {
    const { risk } = engine();
    for (const ref of [Number.NaN, 0, -1, undefined]) expect(failed(risk.check(buy(1), view({ ref })))).toContain('price_known');
    for (const qty of [Number.NaN, 0, -3]) expect(failed(risk.check(buy(qty), view()))).toContain('quantity_valid');
    expect(failed(risk.check(buy(1, { limitPrice: Number.NaN }), view()))).toContain('limit_price_valid');
  });

  it('uses the higher of limit and market price for notional (a low limit cannot hide size)', () => {
    const { risk } = engine(wideLimits({ maxOrderNotional: 10_000 }));
    expect(failed(risk.check(buy(200, { limitPrice: 99 }), view()))).toContain('max_order_notional');
  });

  it('limits the order rate per second and per minute', () => {
    const { risk, advance } = engine(wideLimits({ maxOrdersPerSecond: 2, maxOrdersPerMinute: 3 }));
    const v = view();
    for (let i = 0; i < 2; i++) {
      const intent = buy(1 + i);
      expect(risk.check(intent, v).approved).toBe(true);
      risk.recordApproved(intent);
    }
    expect(failed(risk.check(buy(9), v))).toEqual(['order_rate_second']);
    advance(1_000);
    expect(risk.check(buy(9), v).approved).toBe(true);
    risk.recordApproved(buy(9));
    advance(1_000);
    expect(failed(risk.check(buy(10), v))).toEqual(['order_rate_minute']);
    advance(60_000);
    expect(risk.check(buy(10), v).approved).toBe(true);
  });

  it('detects a duplicate order inside the window only', () => {
    const { risk, advance } = engine(wideLimits({ duplicateWindowMs: 2_000 }));
    const o = buy(5, { limitPrice: 100 });
    risk.recordApproved(o);
    advance(500);
    expect(failed(risk.check(o, view()))).toEqual(['duplicate_order']);
    expect(risk.check(buy(6, { limitPrice: 100 }), view()).approved).toBe(true);
    advance(2_000);
    expect(risk.check(o, view()).approved).toBe(true);
  });

  it('blocks new entries above the volatility regime, but not reductions', () => {
    const { risk } = engine();
    const v = view({ vol: { value: 0.5, threshold: 0.35 }, position: 10 });
    expect(failed(risk.check(buy(1), v))).toEqual(['volatility_regime']);
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 5, source: 's' }, v).approved).toBe(true);
  });

  it('exposure limits never block an order that only reduces a position', () => {
    const { risk } = engine(wideLimits({ maxPositionNotional: 1, maxGrossExposurePct: 0.01, maxLeverage: 0.01 }));
    const d = risk.check({ symbol: 'X', side: 'sell', qty: 5, source: 's' }, view({ position: 10, gross: 1e6 }));
    expect(d.approved).toBe(true);
  });
});

describe('trading states', () => {
  it('when halted then denies every order, even a reducing one', () => {
    const { risk } = engine();
    risk.setState('HALTED', 'tester', 'test');
    const d = risk.check({ symbol: 'X', side: 'sell', qty: 5, source: 's' }, view({ position: 10 }));
    expect(d.approved).toBe(false);
    expect(d.reason).toMatch(/HALTED/);
  });

  it('when halted then allows a verified flattening order that only reduces', () => {
    const { risk } = engine();
    risk.setState('HALTED', 'tester', 'test');
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 10, source: 'flatten', flatten: true }, view({ position: 10 })).approved).toBe(true);
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 11, source: 'flatten', flatten: true }, view({ position: 10 })).approved).toBe(false);
    expect(risk.check({ symbol: 'X', side: 'buy', qty: 1, source: 'flatten', flatten: true }, view({ position: 10 })).approved).toBe(false);
  });

  it('when reducing then allows only orders that bring the position toward flat', () => {
    const { risk } = engine();
    risk.setState('REDUCING', 'tester', 'test');
    const long = view({ position: 10 });
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 10, source: 's' }, long).approved).toBe(true);
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 11, source: 's' }, long).approved).toBe(false);
    expect(risk.check(buy(1), long).approved).toBe(false);
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 5, source: 's' }, view({ position: 10, open: { buy: 0, sell: 6 } })).approved).toBe(false);
  });

  it('halts one strategy or one instrument without stopping the rest', () => {
    const { risk } = engine();
    risk.setState('HALTED', 'op', 'bad strategy', 'strategy:s1');
    risk.setState('REDUCING', 'op', 'news', 'instrument:Y');
    expect(risk.check(buy(1, { source: 's1' }), view()).approved).toBe(false);
    expect(risk.check(buy(1, { source: 's2' }), view()).approved).toBe(true);
    expect(risk.effectiveState('s2', 'Y')).toBe('REDUCING');
    expect(risk.effectiveState('s1', 'Y')).toBe('HALTED');
    expect(risk.tradingState).toBe('ACTIVE');
    risk.setState('ACTIVE', 'op', 'fixed', 'strategy:s1');
    expect(risk.check(buy(1, { source: 's1' }), view()).approved).toBe(true);
    expect(risk.scopedStates()).toEqual([
      { scope: 'account', state: 'ACTIVE' },
      { scope: 'instrument:Y', state: 'REDUCING' },
    ]);
  });

  it('records each change with actor, reason and scope, and skips no-op changes', () => {
    const { risk, changes } = engine();
    expect(risk.setState('HALTED', 'alice', 'news')).toBe(true);
    expect(risk.setState('HALTED', 'alice', 'again')).toBe(false);
    risk.setState('ACTIVE', 'bob', 'cleared');
    expect(changes).toEqual([
      { ts: 1000, from: 'ACTIVE', to: 'HALTED', actor: 'alice', reason: 'news', scope: 'account' },
      { ts: 1000, from: 'HALTED', to: 'ACTIVE', actor: 'bob', reason: 'cleared', scope: 'account' },
    ]);
  });

  it('reducesExposure is false when flat', () => {
    expect(reducesExposure({ side: 'sell', qty: 1 }, 0, { buy: 0, sell: 0 })).toBe(false);
  });
});

describe('limits validation', () => {
  it('refuses negative, NaN and min-above-max limits, naming the field', () => {
    expect(() => loadConfig({ risk: { maxOrderNotional: -5 } })).toThrow(/field 'risk\.maxOrderNotional'/);
    expect(() => loadConfig({ risk: { maxPositionPctEquity: Number.NaN } })).toThrow(/field 'risk\.maxPositionPctEquity'/);
    expect(() => loadConfig({ risk: { minNetExposurePct: 0.5, maxNetExposurePct: 0.2 } })).toThrow(/field 'risk\.minNetExposurePct': minNetExposurePct must be below maxNetExposurePct/);
    expect(() => loadConfig({ monitor: { drawdownAlertPct: 0.2, drawdownReducePct: 0.1 } })).toThrow(/field 'monitor\.drawdownAlertPct'/);
    expect(() => loadConfig({ risk: { maxOrdersPerSecond: 100, maxOrdersPerMinute: 10 } })).toThrow(/maxOrdersPerSecond must not exceed/);
  });
});
