import { describe, expect, it } from 'vitest';
import { RiskEngine, reducesExposure, type RiskContext } from '../../../../src/engine/risk/risk-engine.js';
import type { TradingStateChange } from '../../../../src/shared/domain.js';

const limits = { maxOrderNotional: 10_000, maxOrderQty: 500, maxPositionNotional: 20_000 };
const flat: RiskContext = { position: 0, openBuyQty: 0, openSellQty: 0, referencePrice: 100 };

function engine() {
  const changes: TradingStateChange[] = [];
  const risk = new RiskEngine(limits, () => 42, (c) => changes.push(c));
  return { risk, changes };
}

describe('RiskEngine pre-trade checks', () => {
  it('approves an order inside every limit', () => {
    const { risk } = engine();
    const d = risk.check({ symbol: 'X', side: 'buy', qty: 10, source: 's' }, flat);
    expect(d.approved).toBe(true);
    expect(d.checks.map((c) => c.check)).toEqual([
      'trading_state',
      'quantity_valid',
      'price_known',
      'max_order_qty',
      'max_order_notional',
      'max_position_notional',
    ]);
  });

  it('denies an order above max notional with value and limit', () => {
    const { risk } = engine();
    const d = risk.check({ symbol: 'X', side: 'buy', qty: 101, source: 's' }, flat);
    expect(d.approved).toBe(false);
    const c = d.checks.find((x) => x.check === 'max_order_notional')!;
    expect(c).toMatchObject({ passed: false, value: 10_100, limit: 10_000 });
    expect(d.reason).toMatch(/order notional 10100 exceeds max 10000/);
  });

  it('uses the higher of limit and reference price for notional (a low limit cannot hide size)', () => {
    const { risk } = engine();
    const d = risk.check({ symbol: 'X', side: 'buy', qty: 200, limitPrice: 1, source: 's' }, flat);
    expect(d.approved).toBe(false);
  });

  it('counts open orders on the same side toward the position limit', () => {
    const { risk } = engine();
    const ctx = { ...flat, position: 100, openBuyQty: 90 };
    const d = risk.check({ symbol: 'X', side: 'buy', qty: 20, source: 's' }, ctx);
    expect(d.approved).toBe(false);
    expect(d.reason).toMatch(/position notional would reach 21000/);
  });

  it('denies when no valid market price is known, or the quantity is not positive', () => {
    const { risk } = engine();
    expect(risk.check({ symbol: 'X', side: 'buy', qty: 1, source: 's' }, { ...flat, referencePrice: undefined }).reason).toMatch(/no valid market price/);
    expect(risk.check({ symbol: 'X', side: 'buy', qty: Number.NaN, source: 's' }, flat).approved).toBe(false);
    expect(risk.check({ symbol: 'X', side: 'buy', qty: -1, source: 's' }, flat).approved).toBe(false);
  });
});

describe('RiskEngine trading state', () => {
  it('when halted then denies every order, even a reducing one', () => {
    const { risk } = engine();
    risk.setState('HALTED', 'tester', 'test');
    const d = risk.check({ symbol: 'X', side: 'sell', qty: 5, source: 's' }, { ...flat, position: 10 });
    expect(d.approved).toBe(false);
    expect(d.reason).toMatch(/HALTED/);
  });

  it('when reducing then allows only orders that bring the position toward flat', () => {
    const { risk } = engine();
    risk.setState('REDUCING', 'tester', 'test');
    const long = { ...flat, position: 10 };
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 10, source: 's' }, long).approved).toBe(true);
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 11, source: 's' }, long).approved).toBe(false);
    expect(risk.check({ symbol: 'X', side: 'buy', qty: 1, source: 's' }, long).approved).toBe(false);
    expect(risk.check({ symbol: 'X', side: 'sell', qty: 5, source: 's' }, { ...long, openSellQty: 6 }).approved).toBe(false);
  });

  it('records each change with actor and reason, and skips no-op changes', () => {
    const { risk, changes } = engine();
    expect(risk.setState('HALTED', 'alice', 'news')).toBe(true);
    expect(risk.setState('HALTED', 'alice', 'again')).toBe(false);
    risk.setState('ACTIVE', 'bob', 'cleared');
    expect(changes).toEqual([
      { ts: 42, from: 'ACTIVE', to: 'HALTED', actor: 'alice', reason: 'news' },
      { ts: 42, from: 'HALTED', to: 'ACTIVE', actor: 'bob', reason: 'cleared' },
    ]);
  });

  it('reducesExposure is false when flat', () => {
    expect(reducesExposure({ symbol: 'X', side: 'sell', qty: 1, source: 's' }, flat)).toBe(false);
  });
});
