// Buy and hold: on a symbol's first bar with an open market, buy `weight` of
// equity at market and keep it. A denied entry (risk limits, order rate) is
// retried on later bars, at most `maxAttempts` times per symbol.
import type { Bar } from '../../shared/domain.js';
import { roundToLot, type Strategy, type StrategyContext } from './strategy.js';

export interface BuyAndHoldParams {
  /** Position notional per symbol as a fraction of equity. */
  weight: number;
  maxAttempts: number;
}

export const BUY_AND_HOLD_DEFAULTS: BuyAndHoldParams = { weight: 0.1, maxAttempts: 10 };

export class BuyAndHold implements Strategy {
  readonly id = 'buy_and_hold';
  private readonly done = new Set<string>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly p: BuyAndHoldParams = BUY_AND_HOLD_DEFAULTS) {
    if (!(p.weight > 0 && p.weight <= 1)) throw new RangeError(`buy_and_hold weight must be in (0, 1], got ${p.weight}`);
  }

  onBar(bar: Bar, ctx: StrategyContext): void {
    const sym = bar.symbol;
    if (this.done.has(sym)) return;
    if (ctx.position(sym) !== 0) {
      this.done.add(sym);
      return;
    }
    if (ctx.openOrders(sym).length > 0 || !ctx.isMarketOpen(sym)) return;
    const n = (this.attempts.get(sym) ?? 0) + 1;
    if (n > this.p.maxAttempts) return;
    this.attempts.set(sym, n);
    const inst = ctx.instrument(sym);
    const price = ctx.quote(sym)?.ask ?? bar.close;
    if (!inst || !(price > 0)) return;
    const qty = roundToLot((ctx.equity() * this.p.weight) / price, inst.lotSize);
    if (qty <= 0) return;
    ctx.submit({ symbol: sym, side: 'buy', type: 'market', qty, reason: `buy and hold: ${(this.p.weight * 100).toFixed(1)}% of equity` });
  }
}
