// The engine's own book: cash, positions with average price, realized and
// unrealized P&L, equity and exposure, updated from fills and marked to market.
// Gross, net and per-sector / per-asset-class exposure are kept as running
// sums, so the risk engine reads them in O(1) however many positions there are.
import type { Account, Fill, Position } from '../../shared/domain.js';
import { LatestValues } from '../core/latest-values.js';

interface Holding {
  qty: number;
  avgPrice: number;
  realized: number;
  mark: number;
  sector?: string;
  assetClass?: string;
}

export type Classifier = (symbol: string) => { sector: string; assetClass: string } | undefined;

/** Recompute the running sums from scratch this often, so float drift cannot build up. */
const RESUM_EVERY = 50_000;

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
  private grossMv = 0;
  private netMv = 0;
  private cost = 0;
  private readonly sectorGross = new LatestValues();
  private readonly classGross = new LatestValues();
  private classifier: Classifier = () => undefined;
  private updates = 0;
  /** heldSymbols(), until a position opens or closes. */
  private held: string[] | undefined;

  constructor(private readonly startingCash: number) {
    this.cash = startingCash;
  }

  /** Tells the book each symbol's sector and asset class (for concentration sums). */
  setClassifier(c: Classifier): void {
    this.classifier = c;
    for (const [symbol, h] of this.holdings) Object.assign(h, this.classifier(symbol) ?? {});
    this.resum();
  }

  /** After a change to a holding that had market value `oldMv` and cost `oldCost`: every running sum in step. */
  private touched(h: Holding, oldMv: number, oldCost: number): void {
    const newMv = h.qty * h.mark;
    const dGross = Math.abs(newMv) - Math.abs(oldMv);
    this.grossMv += dGross;
    this.netMv += newMv - oldMv;
    this.cost += h.qty * h.avgPrice - oldCost;
    if (h.sector) this.sectorGross.add(h.sector, dGross);
    if (h.assetClass) this.classGross.add(h.assetClass, dGross);
    if (++this.updates >= RESUM_EVERY) this.resum();
  }

  private resum(): void {
    this.updates = 0;
    this.grossMv = 0;
    this.netMv = 0;
    this.cost = 0;
    this.sectorGross.clear();
    this.classGross.clear();
    for (const h of this.holdings.values()) {
      const mv = h.qty * h.mark;
      this.grossMv += Math.abs(mv);
      this.netMv += mv;
      this.cost += h.qty * h.avgPrice;
      if (h.sector) this.sectorGross.add(h.sector, Math.abs(mv));
      if (h.assetClass) this.classGross.add(h.assetClass, Math.abs(mv));
    }
  }

  gross(): number {
    return this.grossMv;
  }

  net(): number {
    return this.netMv;
  }

  groupGross(kind: 'sector' | 'assetClass', key: string): number {
    return (kind === 'sector' ? this.sectorGross : this.classGross).get(key) ?? 0;
  }

  /** Applies one fill; returns the realized P&L of this fill. */
  applyFill(fill: Fill): number {
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    this.cash -= signed * fill.price + fill.fee;
    this.fees += fill.fee;
    let h = this.holdings.get(fill.symbol);
    if (!h) {
      h = { qty: 0, avgPrice: 0, realized: 0, mark: fill.price, ...this.classifier(fill.symbol) };
      this.holdings.set(fill.symbol, h);
    }
    const oldMv = h.qty * h.mark;
    const oldCost = h.qty * h.avgPrice;
    const wasOpen = h.qty !== 0;
    let realized = this.book(h, signed, fill.price);
    h.mark = fill.price;
    this.touched(h, oldMv, oldCost);
    if (wasOpen !== (h.qty !== 0)) this.held = undefined;
    realized -= fill.fee;
    h.realized += realized;
    this.realizedTotal += realized;
    return realized;
  }

  /** Moves a holding by `signed` units at `price`; returns the realized P&L (before fees). */
  private book(h: Holding, signed: number, price: number): number {
    let realized = 0;
    const fill = { price };
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
    return realized;
  }

  /** Marks a symbol to a new price (ignored unless finite and positive). */
  mark(symbol: string, price: number): boolean {
    const h = this.holdings.get(symbol);
    if (!h || !(price > 0) || !Number.isFinite(price)) return false;
    if (h.mark === price) return false;
    if (h.qty === 0) {
      h.mark = price;
      return false;
    }
    const oldMv = h.qty * h.mark;
    h.mark = price;
    this.touched(h, oldMv, h.qty * h.avgPrice);
    return true;
  }

  /** The book's full state, for a session snapshot. */
  snapshot(): PortfolioState {
    return {
      cash: this.cash,
      startingCash: this.startingCash,
      realizedTotal: this.realizedTotal,
      fees: this.fees,
      holdings: [...this.holdings].map(([symbol, h]) => ({ symbol, qty: h.qty, avgPrice: h.avgPrice, realized: h.realized, mark: h.mark })),
    };
  }

  static fromSnapshot(s: PortfolioState): Portfolio {
    const p = new Portfolio(s.startingCash);
    p.cash = s.cash;
    p.realizedTotal = s.realizedTotal;
    p.fees = s.fees;
    for (const h of s.holdings) p.holdings.set(h.symbol, { qty: h.qty, avgPrice: h.avgPrice, realized: h.realized, mark: h.mark });
    p.held = undefined;
    p.resum();
    return p;
  }

  /**
   * Sets a position to what the venue holds (reconciliation): the difference is
   * booked at `price` against cash, as if it had been bought or sold there.
   */
  adjust(symbol: string, qty: number, price: number): void {
    const h0 = this.holdings.get(symbol);
    const delta = qty - (h0?.qty ?? 0);
    if (Math.abs(delta) < EPS) return;
    this.applyFill({ clientOrderId: 'reconcile', symbol, side: delta > 0 ? 'buy' : 'sell', qty: Math.abs(delta), price, fee: 0, ts: 0, fillId: `reconcile:${symbol}` });
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

  /** The symbols of the open positions, in the order of positions(); kept until a position opens or closes (the risk monitor reads it every second). */
  heldSymbols(): readonly string[] {
    if (!this.held) {
      const out: string[] = [];
      for (const [symbol, h] of this.holdings) if (h.qty !== 0) out.push(symbol);
      this.held = out.sort((a, b) => a.localeCompare(b));
    }
    return this.held;
  }

  openPositionCount(): number {
    let n = 0;
    for (const h of this.holdings.values()) if (h.qty !== 0) n++;
    return n;
  }

  account(): Account {
    const equity = this.cash + this.netMv;
    return {
      cash: cents(this.cash),
      equity: cents(equity),
      buyingPower: cents(this.buyingPower()),
      realizedPnl: cents(this.realizedTotal),
      unrealizedPnl: cents(this.netMv - this.cost),
      grossExposure: cents(this.grossMv),
      netExposure: cents(this.netMv),
      startingEquity: this.startingCash,
    };
  }

  /** Reg-T style: twice equity less what positions already use. */
  buyingPower(): number {
    return Math.max(0, 2 * (this.cash + this.netMv) - this.grossMv);
  }

  equity(): number {
    return this.cash + this.netMv;
  }
}
