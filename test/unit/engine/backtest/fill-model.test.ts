// The bar fill model: market at the open, limits only when the bar trades
// through them (at the open when it gaps through), touches by probability;
// with a volume cap, partial fills carried to the next bars.
import { describe, expect, it } from 'vitest';
import { BarFillModel, withSlippage } from '../../../../src/engine/backtest/fill-model.js';
import type { Bar } from '../../../../src/shared/domain.js';
import { BarVenue } from '../../../../src/engine/backtest/bar-venue.js';
import { SimulatedClock } from '../../../../src/engine/core/clock.js';
import { DEFAULT_COST_PARAMS } from '../../../../src/engine/execution/costs/cost-model.js';
import { feeModelFor } from '../../../../src/engine/execution/costs/fees.js';
import type { VenueFill } from '../../../../src/engine/venues/venue.js';

const bar = (open: number, high: number, low: number, close: number): Bar => ({ symbol: 'X', ts: 0, open, high, low, close, volume: 100 });

describe('BarFillModel', () => {
  const m = new BarFillModel();
  it('fills a market order at the open as a taker', () => {
    expect(m.match({ side: 'buy', type: 'market' }, bar(10, 11, 9, 10.5))).toEqual({ price: 10, liquidity: 'taker' });
  });
  it('fills a buy limit at the limit only when the low trades below it', () => {
    expect(m.match({ side: 'buy', type: 'limit', limitPrice: 9.5 }, bar(10, 11, 9, 10.5))).toEqual({ price: 9.5, liquidity: 'maker' });
    expect(m.match({ side: 'buy', type: 'limit', limitPrice: 9 }, bar(10, 11, 9, 10.5))).toBeUndefined(); // touched, not through
    expect(m.match({ side: 'buy', type: 'limit', limitPrice: 8 }, bar(10, 11, 9, 10.5))).toBeUndefined();
  });
  it('fills at the open when the bar opens through the limit', () => {
    expect(m.match({ side: 'buy', type: 'limit', limitPrice: 10.2 }, bar(10, 11, 9, 10.5))).toEqual({ price: 10, liquidity: 'maker' });
    expect(m.match({ side: 'sell', type: 'limit', limitPrice: 9.8 }, bar(10, 11, 9, 10.5))).toEqual({ price: 10, liquidity: 'maker' });
  });
  it('fills a sell limit when the high trades above it', () => {
    expect(m.match({ side: 'sell', type: 'limit', limitPrice: 10.8 }, bar(10, 11, 9, 10.5))).toEqual({ price: 10.8, liquidity: 'maker' });
    expect(m.match({ side: 'sell', type: 'limit', limitPrice: 11 }, bar(10, 11, 9, 10.5))).toBeUndefined();
  });
  it('fills a touched limit with the given probability (seeded draws)', () => {
    const draws = [0.1, 0.9];
    const p = new BarFillModel(0.5, () => draws.shift()!);
    expect(p.match({ side: 'buy', type: 'limit', limitPrice: 9 }, bar(10, 11, 9, 10.5))).toEqual({ price: 9, liquidity: 'maker' });
    expect(p.match({ side: 'buy', type: 'limit', limitPrice: 9 }, bar(10, 11, 9, 10.5))).toBeUndefined();
  });
  it('slippage moves the price against the order', () => {
    expect(withSlippage(100, 'buy', 25)).toBeCloseTo(100.25, 12);
    expect(withSlippage(100, 'sell', 25)).toBeCloseTo(99.75, 12);
  });
});

describe('volume cap (partial fills in backtests)', () => {
  it('with a cap, a match says how much of the order this bar can fill; without one it says nothing', () => {
    const capped = new BarFillModel(0, () => 1, 0.1);
    expect(capped.match({ side: 'buy', type: 'market' }, bar(10, 11, 9, 10.5))).toEqual({ price: 10, liquidity: 'taker', maxQty: 10 });
    expect(capped.match({ side: 'buy', type: 'limit', limitPrice: 8 }, bar(10, 11, 9, 10.5))).toBeUndefined();
    expect(new BarFillModel().match({ side: 'buy', type: 'market' }, bar(10, 11, 9, 10.5))).not.toHaveProperty('maxQty');
  });

  it('the bar venue fills a capped order in parts, the remainder carried to the next bars', async () => {
    const clock = new SimulatedClock(0);
    const bars = [0, 1, 2, 3].map((k) => ({ ...bar(10 + k, 11 + k, 9 + k, 10.5 + k), ts: k * 60_000 }));
    const inst = { symbol: 'X', name: 'X', assetClass: 'us_equity' as const, sector: 'S', tickSize: 0.01, lotSize: 1, minNotional: 0, shortable: true, calendar: '24x7' as const };
    const v = new BarVenue(clock, { bars, instruments: [inst], barMs: 60_000, fillModel: new BarFillModel(0, () => 1, 0.1), costs: 'none', fees: feeModelFor('none'), costParams: DEFAULT_COST_PARAMS, statsWindow: 10 });
    const fills: VenueFill[] = [];
    await v.connect({ onQuote: () => {}, onTrade: () => {}, onBar: () => {}, onOrderUpdate: () => {}, onFill: (f) => fills.push(f), onConnection: () => {} });
    clock.advanceTo(60_000); // the first bar is delivered; the order below fills from the next
    await v.submitOrder({ clientOrderId: 'a', symbol: 'X', side: 'buy', type: 'market', qty: 25, timeInForce: 'day' });
    clock.advanceTo(4 * 60_000);
    // 10 per bar (10% of 100), at each bar's open
    expect(fills.map((f) => [f.qty, f.price, f.cumQty, f.leavesQty])).toEqual([
      [10, 11, 10, 15],
      [10, 12, 20, 5],
      [5, 13, 25, 0],
    ]);
    expect(await v.getOpenOrders()).toEqual([]);
  });
});
