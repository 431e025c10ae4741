// A venue that replays bars in simulated time, behind the same Venue interface
// the simulator and brokers implement, so the engine under it is the live one.
// Each group of bars sharing a timestamp is delivered on a clock timer at the
// bars' close (ts + bar interval; a daily bar of a symbol on the NYSE calendar
// closes with its session, so a Friday's bar is decided on at Friday's close,
// not at Saturday's midnight), in three phases: (1) orders sent before this
// moment are matched against the new bars by the fill model (market at the open,
// limits when traded through) with the cost model's spread, slippage, impact and
// fees; (2) a quote around each close (the tier's spread) marks the book; (3)
// the bars go to the engine, whose strategies may send orders that can only
// fill on a later bar. A fill is stamped with the time of the bar it filled on
// (its open: a market order's price; a daily bar's fill shows on its trading
// day, not the next calendar day). Nothing ever looks past the group being
// delivered, and an order matches only bars that opened at or after it was sent
// (with symbols on offset time grids, a bar delivered after the order may have
// opened before it).
// Day orders expire at their session's end: the first bar opening at or after
// it never matches them, and they are reported expired as that bar is delivered.
import type { Bar, Instrument, Quote } from '../../shared/domain.js';
import type { Clock } from '../core/clock.js';
import { LatestValues } from '../core/latest-values.js';
import { nyseSessionOfUtcDate } from '../data/bar-calendar.js';
import { isNyseOpen, nextNyseOpen, nyseSessionFor } from '../data/calendar.js';
import { DAY_MS } from '../features/session.js';
import { estimateCost, type CostParams } from '../execution/costs/cost-model.js';
import type { FeeModel } from '../execution/costs/fees.js';
import { LIQUIDITY_TIERS, liquidityTier } from '../execution/costs/liquidity.js';
import { MarketStats, sessionMsOf } from '../execution/costs/market-stats.js';
import type { Venue, VenueAccount, VenueListener, VenueOpenOrder, VenueOrderRequest, VenuePosition } from '../venues/venue.js';
import { zeroCostParts, type CostParts } from '../execution/costs/trade-costs.js';
import { withSlippage, type FillModel } from './fill-model.js';

export interface BarVenueOptions {
  /** Bars sorted by time, then symbol. */
  bars: readonly Bar[];
  instruments: readonly Instrument[];
  /** The bar interval in ms: a bar opening at ts is delivered at ts + barMs. */
  barMs: number;
  fillModel: FillModel;
  /** 'model': taker fills pay spread, slippage and impact, every fill its fee; 'none': frictionless. */
  costs: 'model' | 'none';
  fees: FeeModel;
  costParams: CostParams;
  /** Bars of each symbol before the first one replayed (strategy warm-up). */
  warmup?: Record<string, Bar[]>;
  /** Bars behind the volume and volatility the costs use (as the engine's costs.statsWindow). */
  statsWindow: number;
  /** Called after every group of bars with the time it was delivered and the bars' own time; returning true stops the replay (a failed strategy). */
  afterGroup?: (ts: number, barTs: number) => boolean;
}

interface Resting extends VenueOpenOrder {
  assetClass: Instrument['assetClass'];
  /** A day order's session end (Infinity for other orders): no bar opening at or after it matches the order. */
  expiresAt: number;
  /** When it was sent: no bar that opened before it matches the order (its open and range are prices from before). */
  sentAt: number;
}

/**
 * The end of the session a day order sent at `ts` belongs to: the NYSE close
 * (the next session's when sent outside one) for an instrument on the NYSE
 * calendar, otherwise the end of the UTC day (the session of features/session.ts).
 */
export function sessionEndFor(inst: Pick<Instrument, 'calendar'>, ts: number): number {
  if (inst.calendar !== 'nyse') return Math.floor(ts / DAY_MS) * DAY_MS + DAY_MS;
  const s = nyseSessionFor(ts);
  return s && ts < s.close ? s.close : nyseSessionFor(nextNyseOpen(ts))!.close;
}

/**
 * The request as a resting order, its fields in the request's order. Written
 * out: `{ ...r, more }` is a slow path in V8 (microseconds an order) and gives
 * every copy a map of its own.
 */
function restingOrder(r: VenueOrderRequest, venueOrderId: string, assetClass: Instrument['assetClass'], expiresAt: number, sentAt: number): Resting {
  const { clientOrderId, symbol, side, type, qty, timeInForce } = r;
  return 'limitPrice' in r
    ? { clientOrderId, symbol, side, type, qty, limitPrice: r.limitPrice, timeInForce, venueOrderId, filledQty: 0, assetClass, expiresAt, sentAt }
    : { clientOrderId, symbol, side, type, qty, timeInForce, venueOrderId, filledQty: 0, assetClass, expiresAt, sentAt };
}

export class BarVenue implements Venue {
  readonly id = 'backtest';
  private listener: VenueListener | null = null;
  /** Resting orders by client order id (an order leaves when it is filled, canceled or expired). */
  private readonly byId = new Map<string, Resting>();
  /** Every client order id ever sent (duplicates are refused). */
  private readonly used = new Set<string>();
  private readonly resting = new Map<string, Resting[]>();
  private readonly lastQuoteTs = new LatestValues();
  private readonly positions = new Map<string, { qty: number; avgPrice: number }>();
  private readonly instrumentMap: Map<string, Instrument>;
  private readonly stats: MarketStats;
  private next = 0;
  /** The earliest session end of a resting day order. */
  private nextExpiry = Infinity;
  private fillSeq = 0;
  private orderSeq = 0;
  /** Index of the bar being delivered (for error reports). */
  current = -1;
  /** Bars delivered so far. */
  delivered = 0;
  /** Fees charged, and price concessions of taker fills (spread, slippage, impact) against the bar's open. */
  fees = 0;
  slippage = 0;
  /** The same costs by kind (spread + slippage + impact = slippage above). */
  readonly charged: CostParts = zeroCostParts();

  constructor(
    private readonly clock: Clock,
    private readonly o: BarVenueOptions,
  ) {
    this.instrumentMap = new Map(o.instruments.map((i) => [i.symbol, i]));
    this.stats = new MarketStats(o.statsWindow, (s) => sessionMsOf(this.instrumentMap.get(s)?.assetClass));
  }

  async connect(listener: VenueListener): Promise<void> {
    this.listener = listener;
    listener.onConnection('connected');
    this.schedule();
  }

  async disconnect(): Promise<void> {
    this.listener = null;
  }

  async instruments(): Promise<Instrument[]> {
    return [...this.o.instruments];
  }

  async getBars(symbol: string, limit: number): Promise<Bar[]> {
    return (this.o.warmup?.[symbol] ?? []).slice(-limit);
  }

  /**
   * Open while the symbol's data is contiguous (its last bar closed at most one interval ago) and, for intraday bars
   * of a symbol on the NYSE calendar, inside a regular session, as the simulator and Alpaca answer live: pre- and
   * after-market bars (Alpaca's minute bars include them) are seen, but no strategy or risk check trades on them.
   * Daily bars are decided on at the session's close, for the next session: open.
   */
  isMarketOpen(symbol: string, ts: number): boolean {
    const last = this.lastQuoteTs.get(symbol);
    if (last === undefined || ts - last > this.o.barMs) return false;
    return this.o.barMs >= DAY_MS || this.instrumentMap.get(symbol)?.calendar !== 'nyse' || isNyseOpen(ts);
  }

  async submitOrder(r: VenueOrderRequest): Promise<void> {
    const l = this.listener;
    if (!l) throw new Error('backtest venue is not connected');
    const inst = this.instrumentMap.get(r.symbol);
    const ts = this.clock.now();
    if (!inst) return l.onOrderUpdate({ kind: 'rejected', clientOrderId: r.clientOrderId, code: 'UNKNOWN_SYMBOL', reason: `unknown symbol '${r.symbol}'`, ts });
    if (this.used.has(r.clientOrderId)) {
      return l.onOrderUpdate({ kind: 'rejected', clientOrderId: r.clientOrderId, code: 'DUPLICATE_CLIENT_ORDER_ID', reason: `clientOrderId '${r.clientOrderId}' was already used`, ts });
    }
    const expiresAt = r.timeInForce === 'day' ? sessionEndFor(inst, ts) : Infinity;
    const order = restingOrder(r, `bt-${++this.orderSeq}`, inst.assetClass, expiresAt, ts);
    if (expiresAt < this.nextExpiry) this.nextExpiry = expiresAt;
    this.used.add(r.clientOrderId);
    this.byId.set(r.clientOrderId, order);
    let list = this.resting.get(r.symbol);
    if (!list) this.resting.set(r.symbol, (list = []));
    list.push(order);
    l.onOrderUpdate({ kind: 'accepted', clientOrderId: r.clientOrderId, venueOrderId: order.venueOrderId, ts });
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    const ts = this.clock.now();
    const o = this.byId.get(clientOrderId);
    if (!o || !this.remove(o)) return this.listener?.onOrderUpdate({ kind: 'cancel_rejected', clientOrderId, reason: 'order is not open', ts });
    this.listener?.onOrderUpdate({ kind: 'canceled', clientOrderId, reason: 'canceled by request', ts });
  }

  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    const ts = this.clock.now();
    const o = this.byId.get(clientOrderId);
    if (!o || !this.resting.get(o.symbol)?.includes(o)) return this.listener?.onOrderUpdate({ kind: 'cancel_rejected', clientOrderId, reason: 'order is not open', ts });
    if (changes.qty !== undefined) o.qty = changes.qty;
    if (changes.limitPrice !== undefined && o.type === 'limit') o.limitPrice = changes.limitPrice;
    this.listener?.onOrderUpdate({ kind: 'replaced', clientOrderId, qty: o.qty, ...(o.type === 'limit' ? { limitPrice: o.limitPrice } : {}), ts });
  }

  async getAccount(): Promise<VenueAccount> {
    return { cash: 0, equity: 0, buyingPower: 0 };
  }

  async getPositions(): Promise<VenuePosition[]> {
    return [...this.positions].filter(([, p]) => p.qty !== 0).map(([symbol, p]) => ({ symbol, ...p }));
  }

  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    return [...this.resting.values()].flat().map(({ assetClass: _a, expiresAt: _e, sentAt: _s, ...o }) => o);
  }

  private schedule(): void {
    const bar = this.o.bars[this.next];
    if (bar) this.clock.setTimer(this.closeOfGroup(this.next), () => this.deliverGroup());
  }

  /**
   * When the group of bars starting at index `from` has closed: one bar interval after it opened; for daily bars of
   * a symbol on the NYSE calendar, the close of the session of their date (never before they opened). A group of
   * several closes with the latest of them (daily crypto beside stocks: the stocks wait for the crypto's midnight).
   */
  private closeOfGroup(from: number): number {
    const bars = this.o.bars;
    const ts = bars[from]!.ts;
    if (this.o.barMs !== DAY_MS) return ts + this.o.barMs;
    // the whole group shares one date: its session (if any) is looked up once
    const session = nyseSessionOfUtcDate(ts);
    const nyseClose = session ? Math.max(session.close, ts) : ts + DAY_MS;
    let close = -Infinity;
    for (let i = from; i < bars.length && bars[i]!.ts === ts; i++) {
      close = Math.max(close, this.instrumentMap.get(bars[i]!.symbol)?.calendar === 'nyse' ? nyseClose : ts + DAY_MS);
    }
    return close;
  }

  private deliverGroup(): void {
    const l = this.listener;
    if (!l) return;
    const bars = this.o.bars;
    const from = this.next;
    const ts = bars[from]!.ts;
    let to = from;
    while (to < bars.length && bars[to]!.ts === ts) to++;
    this.next = to;
    // day orders whose session ended before these bars opened expire unfilled
    if (ts >= this.nextExpiry) this.expireDayOrders(ts, l);
    for (let i = from; i < to; i++) {
      this.current = i;
      this.fillResting(bars[i]!, l);
    }
    for (let i = from; i < to; i++) {
      this.current = i;
      const b = bars[i]!;
      this.stats.onBar(b);
      this.lastQuoteTs.set(b.symbol, this.clock.now());
      l.onQuote(this.quoteAt(b));
    }
    for (let i = from; i < to; i++) {
      this.current = i;
      l.onBar(bars[i]!);
      this.delivered++;
    }
    if (!this.o.afterGroup?.(this.clock.now(), ts)) this.schedule();
  }

  private expireDayOrders(barTs: number, l: VenueListener): void {
    const now = this.clock.now();
    let next = Infinity;
    for (const list of this.resting.values()) {
      for (const o of list.slice()) {
        if (o.expiresAt > barTs) {
          if (o.expiresAt < next) next = o.expiresAt;
          continue;
        }
        this.remove(o);
        l.onOrderUpdate({ kind: 'expired', clientOrderId: o.clientOrderId, ts: now });
      }
    }
    this.nextExpiry = next;
  }

  /** A quote around the bar's close, as wide as the symbol's liquidity tier. */
  private quoteAt(b: Bar): Quote {
    const half = (b.close * LIQUIDITY_TIERS[liquidityTier(this.stats.dollarAdv(b.symbol))].spreadBps) / 20_000;
    return { symbol: b.symbol, ts: this.clock.now(), bid: b.close - half, ask: b.close + half, bidSize: b.volume, askSize: b.volume };
  }

  private fillResting(bar: Bar, l: VenueListener): void {
    const list = this.resting.get(bar.symbol);
    if (!list || list.length === 0) return;
    const ts = this.clock.now();
    for (const o of list.slice()) {
      // the bar opened before the order was sent: not its next bar (an IOC waits for that one too)
      if (bar.ts < o.sentAt) continue;
      const m = this.o.fillModel.match(o, bar);
      if (!m) {
        if (o.timeInForce === 'ioc') {
          this.remove(o);
          l.onOrderUpdate({ kind: 'canceled', clientOrderId: o.clientOrderId, reason: 'IOC not filled on the next bar', ts });
        }
        continue;
      }
      // a volume-capped fill model may fill only part on this bar: the rest stays for the next
      const qty = Math.min(o.qty - o.filledQty, m.maxQty ?? Infinity);
      if (!(qty > 0)) continue;
      let price = m.price;
      let fee = 0;
      if (this.o.costs === 'model') {
        if (m.liquidity === 'taker') {
          // the spread of the symbol's tier (as quoted), its slippage and the impact of this size
          const e = estimateCost({ side: o.side, type: 'market', qty, price: bar.open, assetClass: o.assetClass }, undefined, this.stats.get(bar.symbol), this.o.fees, this.o.costParams);
          price = withSlippage(m.price, o.side, e.halfSpreadBps + e.slippageBps + e.impactBps);
          const paid = Math.abs(price - m.price) * qty;
          const bps = e.halfSpreadBps + e.slippageBps + e.impactBps;
          this.slippage += paid;
          if (bps > 0) {
            this.charged.spread += (paid * e.halfSpreadBps) / bps;
            this.charged.slippage += (paid * e.slippageBps) / bps;
            this.charged.impact += (paid * e.impactBps) / bps;
          }
        }
        fee = this.o.fees.fee({ side: o.side, qty, price, liquidity: m.liquidity, assetClass: o.assetClass });
        this.fees += fee;
        this.charged.fees += fee;
      }
      o.filledQty += qty;
      const done = o.filledQty >= o.qty - 1e-9;
      if (done || o.timeInForce === 'ioc') this.remove(o);
      this.book(o.symbol, o.side === 'buy' ? qty : -qty, price);
      l.onFill({ clientOrderId: o.clientOrderId, fillId: `btf-${++this.fillSeq}`, symbol: o.symbol, side: o.side, qty, price, fee, ts: bar.ts, cumQty: o.filledQty, leavesQty: done ? 0 : o.qty - o.filledQty });
      if (!done && o.timeInForce === 'ioc') l.onOrderUpdate({ kind: 'canceled', clientOrderId: o.clientOrderId, reason: 'IOC remainder canceled', ts });
    }
  }

  private book(symbol: string, signed: number, price: number): void {
    const p = this.positions.get(symbol) ?? { qty: 0, avgPrice: 0 };
    const qty = p.qty + signed;
    p.avgPrice = qty === 0 ? 0 : Math.sign(p.qty) === Math.sign(signed) || p.qty === 0 ? (p.avgPrice * p.qty + price * signed) / qty : Math.sign(qty) === Math.sign(p.qty) ? p.avgPrice : price;
    p.qty = qty;
    this.positions.set(symbol, p);
  }

  private remove(o: Resting): boolean {
    const list = this.resting.get(o.symbol);
    const i = list ? list.indexOf(o) : -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    this.byId.delete(o.clientOrderId);
    return true;
  }
}
