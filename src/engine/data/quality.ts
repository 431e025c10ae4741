// Data-quality predicates applied to every quote and bar before the engine uses
// it: a NaN, zero or negative price, or an inconsistent bar, is never traded on.

const pos = (x: number) => Number.isFinite(x) && x > 0;

export function isQuoteValid(q: { bid: number; ask: number; bidSize: number; askSize: number }): boolean {
  return pos(q.bid) && pos(q.ask) && q.ask >= q.bid && Number.isFinite(q.bidSize) && Number.isFinite(q.askSize) && q.bidSize >= 0 && q.askSize >= 0;
}

export function isBarValid(b: { open: number; high: number; low: number; close: number; volume: number }): boolean {
  return (
    pos(b.open) &&
    pos(b.high) &&
    pos(b.low) &&
    pos(b.close) &&
    b.high >= b.low &&
    b.high >= Math.max(b.open, b.close) &&
    b.low <= Math.min(b.open, b.close) &&
    Number.isFinite(b.volume) &&
    b.volume >= 0
  );
}
