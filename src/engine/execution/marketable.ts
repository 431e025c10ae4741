// The marketable limit price: the touch crossed by a few basis points (buys
// above the ask, sells below the bid), on the instrument's tick and never past
// a cap (a parent order's own limit). Used by the order monitor's
// cancel/replace and by the algorithms' children.
import type { OrderSide, Quote } from '../../shared/domain.js';

/** Rounds to the tick away from the touch (up for buys, down for sells): at least as marketable. */
function toTick(price: number, tick: number, side: OrderSide): number {
  const steps = price / tick;
  const r = side === 'buy' ? Math.ceil(steps - 1e-9) : Math.floor(steps + 1e-9);
  return Number((r * tick).toFixed(10));
}

/**
 * A limit that trades at once against `quote`, or undefined without a usable
 * quote. `cap` is the worst price allowed (a buy never above it, a sell never below).
 */
export function marketableLimit(side: OrderSide, quote: Quote | undefined, bps: number, tick: number, cap?: number): number | undefined {
  if (!quote || !(quote.bid > 0) || !(quote.ask >= quote.bid)) return undefined;
  const raw = side === 'buy' ? quote.ask * (1 + bps / 10_000) : quote.bid * (1 - bps / 10_000);
  let px = toTick(raw, tick, side);
  if (cap !== undefined) px = side === 'buy' ? Math.min(px, cap) : Math.max(px, cap);
  return px > 0 ? px : undefined;
}
