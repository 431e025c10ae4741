// Round trips as the risk monitor counts them, on the real Portfolio's
// realized P&L: flat to flat, owned by the opener, fees included, a trip
// closed in parts judged once on its whole result, a reversal split in two.
import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../../../src/engine/portfolio/portfolio.js';
import { RoundTrips, type RoundTrip } from '../../../../src/engine/portfolio/round-trips.js';
import type { Fill } from '../../../../src/shared/domain.js';

function setup() {
  const p = new Portfolio(100_000);
  const rt = new RoundTrips();
  const closed: RoundTrip[] = [];
  let n = 0;
  const fill = (side: 'buy' | 'sell', qty: number, price: number, source: string, fee = 0) => {
    const f: Fill = { clientOrderId: `c${++n}`, symbol: 'AAA', side, qty, price, fee, ts: n, fillId: `f${n}` };
    const before = p.qty('AAA');
    const t = rt.onFill(f, p.applyFill(f), source, before);
    if (t) closed.push(t);
  };
  return { fill, closed, rt };
}

describe('round trips', () => {
  it('a trip closed in parts is one trip with its whole P&L, entry fee included, owned by the opener', () => {
    const s = setup();
    s.fill('buy', 100, 10, 'orb', 1);
    s.fill('buy', 100, 10.2, 'ts_momentum'); // another source adds: still orb's trip
    expect(s.rt.owner('AAA')).toBe('orb');
    s.fill('sell', 100, 10.3, 'orb'); // +20 against the average 10.1
    expect(s.closed).toEqual([]);
    s.fill('sell', 100, 10.05, 'manual'); // the last part loses 5; the trip made 20 - 5 - the entry fee
    expect(s.closed).toHaveLength(1);
    expect(s.closed[0]).toMatchObject({ strategy: 'orb', fills: 4, openedAt: 1, closedAt: 4 });
    expect(s.closed[0]!.pnl).toBeCloseTo(20 - 5 - 1, 9);
    expect(s.rt.owner('AAA')).toBeUndefined();
  });

  it('a reversal closes the trip and opens the next one, owned by the reversing source, the fee shared', () => {
    const s = setup();
    s.fill('buy', 100, 10, 'orb');
    s.fill('sell', 300, 9.9, 'quick_mr', 3); // closes 100 at -10, opens short 200
    expect(s.closed).toHaveLength(1);
    expect(s.closed[0]!.strategy).toBe('orb');
    expect(s.closed[0]!.pnl).toBeCloseTo(-10 - 1, 9);
    expect(s.rt.owner('AAA')).toBe('quick_mr');
    s.fill('buy', 200, 9.8, 'quick_mr');
    expect(s.closed[1]!.strategy).toBe('quick_mr');
    expect(s.closed[1]!.pnl).toBeCloseTo(20 - 2, 9);
  });

  it('a position held before the tracker started belongs to the first source that trades it', () => {
    const p = new Portfolio(100_000);
    p.applyFill({ clientOrderId: 'x', symbol: 'AAA', side: 'buy', qty: 10, price: 10, fee: 0, ts: 0, fillId: 'x' });
    const rt = new RoundTrips();
    const f: Fill = { clientOrderId: 'y', symbol: 'AAA', side: 'sell', qty: 10, price: 9, fee: 0, ts: 1, fillId: 'y' };
    const t = rt.onFill(f, p.applyFill(f), 'etf_macro', 10);
    expect(t).toMatchObject({ strategy: 'etf_macro', pnl: -10, fills: 1 });
  });
});
