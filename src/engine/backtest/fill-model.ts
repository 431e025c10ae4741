// How a bar fills an order sent before it (after nautilus_trader's fill.rs: a
// small swappable model). A market order fills at the bar's open; a limit order
// when the bar trades through it — at the open if the bar opens beyond the limit,
// else at the limit — or, with `touchFillProb`, sometimes when the bar only
// touches it. Taker fills then pay the spread, slippage and impact the cost model
// gives; nothing here looks at a later bar. An optional volume cap fills at most
// a share of the bar's volume; the venue carries the rest to the next bar.
import type { Bar, OrderSide, OrderType } from '../../shared/domain.js';

export interface FillableOrder {
  side: OrderSide;
  type: OrderType;
  limitPrice?: number;
}

export interface BarFill {
  price: number;
  liquidity: 'maker' | 'taker';
  /** With a volume cap: the most that fills on this bar (the rest carries to the next bar). */
  maxQty?: number;
}

export interface FillModel {
  /** The fill of `o` on `bar`, before costs, or undefined if the bar does not reach it. */
  match(o: FillableOrder, bar: Bar): BarFill | undefined;
}

/** Market at the open; limits when the bar trades through them (or touches them, with probability `touchFillProb`). */
export class BarFillModel implements FillModel {
  constructor(
    private readonly touchFillProb = 0,
    /** Uniform [0, 1) numbers (seeded): decides touch fills. */
    private readonly random: () => number = () => 1,
    /** Participation cap: at most this fraction of a bar's volume fills on it; undefined = no cap. */
    private readonly volumeCap?: number,
  ) {}

  match(o: FillableOrder, bar: Bar): BarFill | undefined {
    const m = this.matchPrice(o, bar);
    if (m && this.volumeCap !== undefined) m.maxQty = Math.max(0, bar.volume) * this.volumeCap;
    return m;
  }

  private matchPrice(o: FillableOrder, bar: Bar): BarFill | undefined {
    if (o.type === 'market') return { price: bar.open, liquidity: 'taker' };
    const limit = o.limitPrice;
    if (limit === undefined) return undefined;
    if (o.side === 'buy') {
      if (bar.open <= limit) return { price: bar.open, liquidity: 'maker' };
      if (bar.low < limit || (bar.low === limit && this.touch())) return { price: limit, liquidity: 'maker' };
    } else {
      if (bar.open >= limit) return { price: bar.open, liquidity: 'maker' };
      if (bar.high > limit || (bar.high === limit && this.touch())) return { price: limit, liquidity: 'maker' };
    }
    return undefined;
  }

  private touch(): boolean {
    return this.touchFillProb > 0 && this.random() < this.touchFillProb;
  }
}

/** A price moved against the order by `bps` basis points (buys pay more, sells receive less). */
export function withSlippage(price: number, side: OrderSide, bps: number): number {
  return side === 'buy' ? price * (1 + bps / 10_000) : price * (1 - bps / 10_000);
}
