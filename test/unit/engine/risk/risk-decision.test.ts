// An approved decision builds its per-check results only when they are read
// (the journal's decision record reads them): what it then reports is what the
// checks saw at decision time, identical to a decision explained at once.
import { describe, expect, it } from 'vitest';
import { RiskEngine, type OrderIntent, type RiskView } from '../../../../src/engine/risk/risk-engine.js';
import { TEST_INSTRUMENT, wideLimits } from '../../../support/oms-harness.js';

function view(over: { position?: number; gross?: number } = {}): RiskView {
  return {
    position: () => over.position ?? 0,
    openQty: () => ({ buy: 3, sell: 0 }),
    referencePrice: () => 100,
    instrument: () => TEST_INSTRUMENT,
    marketOpen: () => true,
    equity: () => 100_000,
    gross: () => over.gross ?? 10_000,
    net: () => 5_000,
    groupGross: (k) => (k === 'sector' ? 4_000 : 6_000),
    buyingPower: () => 200_000,
    openOrderNotional: () => 300,
    volRegime: () => ({ value: 0.2, threshold: 0.35 }),
  };
}

const buy = (qty: number, limitPrice = 100.5): OrderIntent => ({ symbol: 'X', side: 'buy', qty, limitPrice, source: 's' });

describe('approved decisions explain themselves when read', () => {
  it('when the checks are read after later orders and a limit change then they report the moment of the decision', () => {
    let t = 1_000;
    const risk = new RiskEngine(wideLimits(), () => t, () => {});
    const first = risk.check(buy(10), view());
    expect(first.approved).toBe(true);
    expect(first.reason).toBe('approved');
    risk.recordApproved(buy(10));
    t += 10;
    // a later order and new limits must not change what the first decision reports
    const second = risk.check(buy(11), view({ gross: 50_000 }));
    risk.recordApproved(buy(11));
    risk.setLimits(wideLimits({ maxOrderQty: 12 }));
    const explained = first.checks;
    expect(explained).toHaveLength(25);
    expect(explained.every((c) => c.passed && c.message === 'ok')).toBe(true);
    expect(explained.find((c) => c.check === 'order_rate_second')).toMatchObject({ value: 1 });
    expect(explained.find((c) => c.check === 'max_order_qty')).toMatchObject({ value: 10, limit: wideLimits().maxOrderQty });
    expect(explained.find((c) => c.check === 'gross_exposure')).toMatchObject({ value: 0.1131 });
    expect(explained.find((c) => c.check === 'max_order_notional')).toMatchObject({ value: 1005 });
    expect(second.checks.find((c) => c.check === 'order_rate_second')).toMatchObject({ value: 2 });
    // read twice: the same array
    expect(first.checks).toBe(explained);
  });

  it('when an approved and a denied decision cover the same checks then their values and limits agree', () => {
    const risk = new RiskEngine(wideLimits(), () => 1_000, () => {});
    const ok = risk.check(buy(10), view());
    const tight = new RiskEngine(wideLimits({ maxLeverage: 0.05 }), () => 1_000, () => {});
    const denied = tight.check(buy(10), view());
    expect(denied.approved).toBe(false);
    expect(denied.reason).toMatch(/leverage with open orders would be/);
    const strip = (cs: typeof ok.checks) => cs.map(({ check, value }) => ({ check, value }));
    expect(strip(denied.checks)).toEqual(strip(ok.checks));
    // a spread copy (as the OMS makes for a modify) carries the checks it was given
    const copy = { ...ok, checks: ok.checks.slice(1) };
    expect(copy).toEqual({ approved: true, reason: 'approved', checks: ok.checks.slice(1) });
  });
});
