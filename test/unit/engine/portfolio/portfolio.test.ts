import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../../../src/engine/portfolio/portfolio.js';
import type { Fill } from '../../../../src/shared/domain.js';

let n = 0;
const fill = (side: 'buy' | 'sell', qty: number, price: number, fee = 0, symbol = 'AAPL'): Fill => ({
  clientOrderId: 'c',
  symbol,
  side,
  qty,
  price,
  fee,
  ts: 0,
  fillId: `f${++n}`,
});

describe('Portfolio', () => {
  it('averages the entry price and realizes P&L on reductions', () => {
    const p = new Portfolio(10_000);
    p.applyFill(fill('buy', 10, 100));
    p.applyFill(fill('buy', 10, 110));
    expect(p.positions()[0]).toMatchObject({ qty: 20, avgPrice: 105 });
    const r = p.applyFill(fill('sell', 5, 120));
    expect(r).toBe(75);
    expect(p.positions()[0]).toMatchObject({ qty: 15, avgPrice: 105, realizedPnl: 75 });
    expect(p.account().cash).toBe(10_000 - 1000 - 1100 + 600);
  });

  it('marks to market into unrealized P&L and equity', () => {
    const p = new Portfolio(10_000);
    p.applyFill(fill('buy', 10, 100));
    expect(p.mark('AAPL', 103)).toBe(true);
    const a = p.account();
    expect(a.unrealizedPnl).toBe(30);
    expect(a.equity).toBe(10_030);
    expect(a.grossExposure).toBe(1030);
  });

  it('ignores invalid marks', () => {
    const p = new Portfolio(1000);
    p.applyFill(fill('buy', 1, 100));
    expect(p.mark('AAPL', Number.NaN)).toBe(false);
    expect(p.mark('AAPL', -5)).toBe(false);
    expect(p.mark('AAPL', 0)).toBe(false);
    expect(p.positions()[0]!.markPrice).toBe(100);
  });

  it('handles a flip through zero and fees', () => {
    const p = new Portfolio(10_000);
    p.applyFill(fill('buy', 10, 100, 1));
    p.applyFill(fill('sell', 15, 90, 1));
    const pos = p.positions()[0]!;
    expect(pos.qty).toBe(-5);
    expect(pos.avgPrice).toBe(90);
    expect(pos.realizedPnl).toBe(-100 - 2);
    expect(p.account().cash).toBe(10_000 - 1000 - 1 + 1350 - 1);
  });

  it('closes to flat and drops the position from the open list', () => {
    const p = new Portfolio(10_000);
    p.applyFill(fill('buy', 3, 50));
    p.applyFill(fill('sell', 3, 55));
    expect(p.positions()).toEqual([]);
    expect(p.openPositionCount()).toBe(0);
    expect(p.account().realizedPnl).toBe(15);
    expect(p.account().equity).toBe(10_015);
  });
});
