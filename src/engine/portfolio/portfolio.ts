// The engine's own book: cash, positions with average price, realized and
// unrealized P&L, equity and exposure, updated from fills and marked to market.
import type { Account, Fill, Position } from '../../shared/domain.js';

interface Holding {
  qty: number;
  avgPrice: number;
  realized: number;
  mark: number;
}

const EPS = 1e-9;

export interface PortfolioState {
  cash: number;
  startingCash: number;
  realizedTotal: number;
  fees: number;
  holdings: Array<{ symbol: string; qty: number; avgPrice: number; realized: number; mark: number }>;
}

/** Rounds money to the cent to keep sums from drifting. */
export function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

export class Portfolio {
  private cash: number;
  private readonly holdings = new Map<string, Holding>();
  private realizedTotal = 0;
  private fees = 0;

  constructor(private readonly startingCash: number) {
    this.cash = startingCash;
  }

  /** Applies one fill; returns the realized P&L of this fill. */
  applyFill(fill: Fill): number {
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    this.cash -= signed * fill.price + fill.fee;
    this.fees += fill.fee;
    const h = this.holdings.get(fill.symbol) ?? { qty: 0, avgPrice: 0, realized: 0, mark: fill.price };
    let realized = 0;
    if (h.qty === 0 || Math.sign(h.qty) === Math.sign(signed)) {
      const newQty = h.qty + signed;
      h.avgPrice = (h.avgPrice * Math.abs(h.qty) + fill.price * Math.abs(signed)) / Math.abs(newQty);
      h.qty = newQty;
    } else {
      const closing = Math.min(Math.abs(signed), Math.abs(h.qty));
      realized = closing * (fill.price - h.avgPrice) * Math.sign(h.qty);
      const newQty = h.qty + signed;
      if (Math.abs(newQty) < EPS) {
        h.qty = 0;
        h.avgPrice = 0;
      } else if (Math.sign(newQty) !== Math.sign(h.qty)) {
        // flipped through zero: the remainder opens at the fill price
        h.qty = newQty;
        h.avgPrice = fill.price;
      } else {
        h.qty = newQty;
      }
    }
    realized -= fill.fee;
    h.realized += realized;
    this.realizedTotal += realized;
    h.mark = fill.price;
    this.holdings.set(fill.symbol, h);
    return realized;
  }

  /** Marks a symbol to a new price (ignored unless finite and positive). */
  mark(symbol: string, price: number): boolean {
    const h = this.holdings.get(symbol);
    if (!h || !(price > 0) || !Number.isFinite(price)) return false;
    if (h.mark === price) return false;
    h.mark = price;
    return h.qty !== 0;
  }

  /** The book's full state, for a session snapshot. */
  snapshot(): PortfolioState {
    return {
      cash: this.cash,
      startingCash: this.startingCash,
      realizedTotal: this.realizedTotal,
      fees: this.fees,
      holdings: [...this.holdings].map(([symbol, h]) => ({ symbol, ...h })),
    };
  }

  static fromSnapshot(s: PortfolioState): Portfolio {
    const p = new Portfolio(s.startingCash);
    p.cash = s.cash;
    p.realizedTotal = s.realizedTotal;
    p.fees = s.fees;
    for (const h of s.holdings) p.holdings.set(h.symbol, { qty: h.qty, avgPrice: h.avgPrice, realized: h.realized, mark: h.mark });
    return p;
  }

  qty(symbol: string): number {
    return this.holdings.get(symbol)?.qty ?? 0;
  }

  /** Open positions (non-zero quantity). */
  positions(): Position[] {
    const out: Position[] = [];
    for (const [symbol, h] of this.holdings) {
      if (h.qty === 0) continue;
      out.push({
        symbol,
        qty: h.qty,
        avgPrice: h.avgPrice,
        markPrice: h.mark,
        marketValue: cents(h.qty * h.mark),
        unrealizedPnl: cents((h.mark - h.avgPrice) * h.qty),
        realizedPnl: cents(h.realized),
      });
    }
    return out.sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  openPositionCount(): number {
    let n = 0;
    for (const h of this.holdings.values()) if (h.qty !== 0) n++;
    return n;
  }

  account(): Account {
    let gross = 0;
    let net = 0;
    let unrealized = 0;
    for (const h of this.holdings.values()) {
      if (h.qty === 0) continue;
      const mv = h.qty * h.mark;
      gross += Math.abs(mv);
      net += mv;
      unrealized += (h.mark - h.avgPrice) * h.qty;
    }
    const equity = this.cash + net;
    return {
      cash: cents(this.cash),
      equity: cents(equity),
      buyingPower: cents(Math.max(0, 2 * equity - gross)),
      realizedPnl: cents(this.realizedTotal),
      unrealizedPnl: cents(unrealized),
      grossExposure: cents(gross),
      netExposure: cents(net),
      startingEquity: this.startingCash,
    };
  }

  equity(): number {
    let net = 0;
    for (const h of this.holdings.values()) net += h.qty * h.mark;
    return this.cash + net;
  }
}
