// The bar fill model: market at the open, limits only when the bar trades
// through them (at the open when it gaps through), touches by probability.
import { describe, expect, it } from 'vitest';
import { BarFillModel, withSlippage } from '../../../../src/engine/backtest/fill-model.js';
import type { Bar } from '../../../../src/shared/domain.js';

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
