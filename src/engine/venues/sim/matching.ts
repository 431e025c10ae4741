// Order handling of the simulated venue: validation and reject codes, buying
// power, execution against the displayed book (Book), resting orders filled on
// later quotes, cancel / replace, IOC and day-order expiry. Events go to a sink,
// each with the order and the request behind it (the venue persists them).
import type { Instrument } from '../../../shared/domain.js';
import { isNyseOpen, nyseSessionFor } from '../../data/calendar.js';
import type { VenueFill, VenueOpenOrder, VenueOrderRequest, VenueOrderUpdate, VenueRejectCode } from '../venue.js';
import { CRYPTO_FEE_RATE, MARGIN_MULTIPLIER, STOCK_FEE_RATE, type SimAccount } from './account.js';
import { MAX_LEVELS, type Book } from './book.js';
import { shapeProblem, toUnits, type SimOrder } from './orders.js';
import type { PriceModel } from './price-model.js';

const DAY_MS = 86_400_000;

/** The request behind an order update; absent for changes the venue makes itself (IOC remainder, expiry). */
export type MatchingRequest =
  | {
      action: 'submit';
      request: VenueOrderRequest;
      /** True when the (rejected) request's client order id is now taken by it; false for an invalid or duplicate id. */
      registered: boolean;
    }
  | { action: 'cancel' }
  | { action: 'replace'; changes: { qty?: number; limitPrice?: number } };

export interface MatchingContext {
  /** The order concerned, after the change; absent for a rejected submit and a cancel / replace of an order not open. */
  order?: SimOrder;
  request?: MatchingRequest;
}

export interface MatchingSink {
  onOrderUpdate(update: VenueOrderUpdate, ctx: MatchingContext): void;
  /** `order` after the fill (account already booked). */
  onFill(fill: VenueFill, order: SimOrder): void;
}

/** Terminal states of orders that are no longer open. */
export type ClosedState = 'filled' | 'canceled' | 'expired';

type Problem = { code: VenueRejectCode; reason: string };

export class Matcher {
  /** Open orders per instrument, in time priority. */
  readonly byInst: SimOrder[][];
  /** Earliest expiry among open orders. */
  nextExpiry = Infinity;
  private readonly open = new Map<string, SimOrder>();
  /** Terminal state of closed orders, for cancel_rejected reasons. */
  private readonly closed = new Map<string, ClosedState>();
  private readonly seen = new Set<string>();
  private orderSeq = 0;
  private prioritySeq = 0;
  private readonly sellLots: Float64Array;

  constructor(
    private readonly instruments: readonly Instrument[],
    private readonly index: ReadonlyMap<string, number>,
    private readonly model: PriceModel,
    private readonly book: Book,
    private readonly account: SimAccount,
    private readonly sink: MatchingSink,
  ) {
    this.byInst = instruments.map(() => []);
    this.sellLots = new Float64Array(instruments.length);
  }

  // ---- requests -----------------------------------------------------------

  submit(req: VenueOrderRequest, t: number): void {
    const id = req.clientOrderId;
    if (typeof id !== 'string' || id.length === 0) return this.reject(req, false, String(id), 'INVALID_ORDER', 'clientOrderId must be a non-empty string', t);
    if (this.seen.has(id)) return this.reject(req, false, id, 'DUPLICATE_CLIENT_ORDER_ID', `clientOrderId '${id}' was already used`, t);
    this.seen.add(id);
    const reject = (code: VenueRejectCode, reason: string): void => this.reject(req, true, id, code, reason, t);
    const i = this.index.get(req.symbol);
    if (i === undefined) return reject('UNKNOWN_SYMBOL', `unknown symbol '${String(req.symbol)}'`);
    const inst = this.instruments[i]!;
    const shape = shapeProblem(req);
    if (shape) return reject('INVALID_ORDER', shape);
    const lots = toUnits(req.qty, this.model.lotDen[i]!);
    if (Number.isNaN(lots)) return reject('INVALID_ORDER', `qty ${String(req.qty)} must be a positive multiple of the lot size ${inst.lotSize}`);
    let limitTicks = NaN;
    if (req.type === 'limit') {
      limitTicks = toUnits(req.limitPrice, this.model.tickDen[i]!);
      if (Number.isNaN(limitTicks)) return reject('INVALID_ORDER', `limitPrice ${String(req.limitPrice)} must be a positive multiple of the tick size ${inst.tickSize}`);
    }
    const sign = req.side === 'buy' ? 1 : -1;
    const refPrice = req.type === 'limit' ? req.limitPrice! : this.touch(i, sign);
    if ((lots / this.model.lotDen[i]!) * refPrice < inst.minNotional) {
      return reject('INVALID_ORDER', `notional below the minimum of ${inst.minNotional}`);
    }
    if (!this.tradable(i, t)) return reject('MARKET_CLOSED', `${inst.symbol} is outside its trading session`);
    const funds = this.fundsProblem(i, sign, lots, limitTicks, null);
    if (funds) return reject(funds.code, funds.reason);

    const order: SimOrder = {
      clientOrderId: id,
      venueOrderId: `sim-${++this.orderSeq}`,
      symbol: inst.symbol,
      inst: i,
      side: req.side,
      sign,
      type: req.type,
      timeInForce: req.timeInForce,
      lots,
      filledLots: 0,
      limitTicks,
      limitPrice: req.type === 'limit' ? req.limitPrice : undefined,
      taker: false,
      expiresAt: req.timeInForce === 'day' ? this.dayExpiry(i, t) : Infinity,
      fillCount: 0,
      fillNotional: 0,
      priority: ++this.prioritySeq,
    };
    this.sink.onOrderUpdate(
      { kind: 'accepted', clientOrderId: id, venueOrderId: order.venueOrderId, ts: t },
      { order, request: { action: 'submit', request: req, registered: true } },
    );
    if (order.type === 'market') {
      order.taker = true;
      this.take(order, t, MAX_LEVELS);
    } else if (this.marketable(order)) {
      order.taker = true;
      this.take(order, t, 1);
    }
    if (order.filledLots >= order.lots) {
      this.closed.set(id, 'filled');
      return;
    }
    if (order.timeInForce === 'ioc') {
      this.closed.set(id, 'canceled');
      this.sink.onOrderUpdate({ kind: 'canceled', clientOrderId: id, reason: 'IOC remainder canceled', ts: t }, { order });
      return;
    }
    this.open.set(id, order);
    this.byInst[i]!.push(order);
    if (order.expiresAt < this.nextExpiry) this.nextExpiry = order.expiresAt;
  }

  cancel(clientOrderId: string, t: number): void {
    const o = this.open.get(clientOrderId);
    if (!o) return this.cancelRejected(clientOrderId, { action: 'cancel' }, t);
    this.remove(o);
    this.closed.set(clientOrderId, 'canceled');
    this.sink.onOrderUpdate({ kind: 'canceled', clientOrderId, reason: 'canceled by request', ts: t }, { order: o, request: { action: 'cancel' } });
  }

  replace(clientOrderId: string, changes: { qty?: number; limitPrice?: number }, t: number): void {
    const request: MatchingRequest = { action: 'replace', changes };
    const o = this.open.get(clientOrderId);
    if (!o) return this.cancelRejected(clientOrderId, request, t);
    const i = o.inst;
    const inst = this.instruments[i]!;
    const refuse = (reason: string): void => this.sink.onOrderUpdate({ kind: 'cancel_rejected', clientOrderId, reason, ts: t }, { order: o, request });
    let lots = o.lots;
    if (changes.qty !== undefined) {
      lots = toUnits(changes.qty, this.model.lotDen[i]!);
      if (Number.isNaN(lots)) return refuse(`qty ${String(changes.qty)} must be a positive multiple of the lot size ${inst.lotSize}`);
      if (lots <= o.filledLots) return refuse(`qty ${changes.qty} must exceed the filled quantity ${o.filledLots / this.model.lotDen[i]!}`);
    }
    let limitTicks = o.limitTicks;
    if (changes.limitPrice !== undefined) {
      if (o.type !== 'limit') return refuse('a market order has no limit price to replace');
      limitTicks = toUnits(changes.limitPrice, this.model.tickDen[i]!);
      if (Number.isNaN(limitTicks)) return refuse(`limitPrice ${String(changes.limitPrice)} must be a positive multiple of the tick size ${inst.tickSize}`);
    }
    const refPrice = o.type === 'limit' ? limitTicks / this.model.tickDen[i]! : this.touch(i, o.sign);
    if ((lots / this.model.lotDen[i]!) * refPrice < inst.minNotional) return refuse(`notional below the minimum of ${inst.minNotional}`);
    const funds = this.fundsProblem(i, o.sign, lots - o.filledLots, limitTicks, o);
    if (funds) return refuse(funds.reason);

    o.lots = lots;
    o.limitTicks = limitTicks;
    if (o.type === 'limit') o.limitPrice = limitTicks / this.model.tickDen[i]!;
    o.taker = o.type === 'market' || this.marketable(o);
    // a replaced order loses its time priority
    const list = this.byInst[i]!;
    list.splice(list.indexOf(o), 1);
    list.push(o);
    o.priority = ++this.prioritySeq;
    this.sink.onOrderUpdate(
      {
        kind: 'replaced',
        clientOrderId,
        qty: lots / this.model.lotDen[i]!,
        ...(o.type === 'limit' ? { limitPrice: o.limitPrice } : {}),
        ts: t,
      },
      { order: o, request },
    );
    if (o.taker && this.tradable(i, t)) {
      this.take(o, t, o.type === 'market' ? MAX_LEVELS : 1);
      if (o.filledLots >= o.lots) this.remove(o);
    }
  }

  // ---- market events ------------------------------------------------------

  /** A new quote for instrument `i`: working orders take what it shows. */
  onQuote(i: number, t: number): void {
    const list = this.byInst[i]!;
    let done = 0;
    for (let k = 0; k < list.length; k++) {
      const o = list[k]!;
      if (o.type === 'market') this.take(o, t, MAX_LEVELS);
      else if (this.marketable(o)) {
        if (o.taker) this.take(o, t, 1);
        else this.restingFill(o, t);
      }
      if (o.filledLots >= o.lots) done++;
    }
    if (done > 0) this.byInst[i] = list.filter((o) => o.filledLots < o.lots);
  }

  /** Expires every open order whose expiry is at or before `t`. */
  expire(t: number): void {
    if (t < this.nextExpiry) return;
    let next = Infinity;
    for (const o of [...this.open.values()]) {
      if (o.expiresAt <= t) {
        this.remove(o);
        this.closed.set(o.clientOrderId, 'expired');
        this.sink.onOrderUpdate({ kind: 'expired', clientOrderId: o.clientOrderId, ts: t }, { order: o });
      } else if (o.expiresAt < next) next = o.expiresAt;
    }
    this.nextExpiry = next;
  }

  // ---- queries ------------------------------------------------------------

  /** The open order with this client order id, if any (live object: do not mutate). */
  openOrder(clientOrderId: string): SimOrder | undefined {
    return this.open.get(clientOrderId);
  }

  /** Terminal state of an order that is no longer open, if it was accepted. */
  closedState(clientOrderId: string): ClosedState | undefined {
    return this.closed.get(clientOrderId);
  }

  /** Counters behind venue order ids and time priority (persisted so ids stay unique across restarts). */
  get sequences(): { order: number; priority: number } {
    return { order: this.orderSeq, priority: this.prioritySeq };
  }

  openOrders(): VenueOpenOrder[] {
    return [...this.open.values()].map((o) => ({
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      qty: o.lots / this.model.lotDen[o.inst]!,
      ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
      timeInForce: o.timeInForce,
      filledQty: o.filledLots / this.model.lotDen[o.inst]!,
    }));
  }

  /**
   * Buying power = 2 x equity - gross position value - notional of open orders
   * that add exposure (buys; sells beyond the long position), floored at 0.
   */
  buyingPower(exclude: SimOrder | null = null): number {
    const sell = this.sellLots;
    let reserved = 0;
    for (const o of this.open.values()) {
      if (o === exclude) continue;
      const leaves = o.lots - o.filledLots;
      if (o.sign > 0) reserved += (leaves / this.model.lotDen[o.inst]!) * this.orderPrice(o);
      else sell[o.inst] = sell[o.inst]! + leaves;
    }
    for (let i = 0; i < sell.length; i++) {
      const s = sell[i]!;
      if (s === 0) continue;
      sell[i] = 0;
      const shortLots = s - Math.max(0, this.account.posLots[i]!);
      if (shortLots > 0) reserved += (shortLots / this.model.lotDen[i]!) * this.model.markPrice(i);
    }
    return Math.max(0, MARGIN_MULTIPLIER * this.account.equity() - this.account.grossValue() - reserved);
  }

  /**
   * Restores the order book of a persisted venue: the counters, every client
   * order id ever registered with its state, and the open orders in time priority.
   */
  restore(state: {
    orderSeq: number;
    prioritySeq: number;
    /** Every registered client order id with its status (open, terminal or rejected). */
    statuses: Iterable<readonly [string, string]>;
    /** Open orders, in any order (sorted here by priority). */
    open: readonly SimOrder[];
  }): void {
    this.orderSeq = Math.max(this.orderSeq, state.orderSeq);
    this.prioritySeq = Math.max(this.prioritySeq, state.prioritySeq);
    for (const [id, status] of state.statuses) {
      this.seen.add(id);
      if (status === 'filled' || status === 'canceled' || status === 'expired') this.closed.set(id, status);
    }
    for (const o of [...state.open].sort((a, b) => a.priority - b.priority)) {
      this.seen.add(o.clientOrderId);
      this.closed.delete(o.clientOrderId);
      this.open.set(o.clientOrderId, o);
      this.byInst[o.inst]!.push(o);
      if (o.expiresAt < this.nextExpiry) this.nextExpiry = o.expiresAt;
      if (o.priority > this.prioritySeq) this.prioritySeq = o.priority;
    }
  }

  feeRate(i: number): number {
    return this.instruments[i]!.assetClass === 'crypto' ? CRYPTO_FEE_RATE : STOCK_FEE_RATE;
  }

  // ---- internals ----------------------------------------------------------

  /**
   * Funds check for `lots` more of an order (excluding `self` from the open
   * orders). Crypto is a cash account: buys need cash for notional + fee net of
   * open crypto buys, sells need the coins (not shortable). Stocks: only the
   * part that adds exposure (a buy beyond covering shorts, a sell beyond the
   * long) needs buying power.
   */
  private fundsProblem(i: number, sign: number, lots: number, limitTicks: number, self: SimOrder | null): Problem | null {
    const inst = this.instruments[i]!;
    const lotDen = this.model.lotDen[i]!;
    let openSame = 0;
    for (const o of this.byInst[i]!) if (o !== self && o.sign === sign) openSame += o.lots - o.filledLots;
    const pos = this.account.posLots[i]!;
    const notional = (lots: number): number =>
      Number.isNaN(limitTicks)
        ? this.book.estimateTicksLots(i, sign, lots, MAX_LEVELS) / this.model.tickDen[i]! / lotDen
        : (lots / lotDen) * (limitTicks / this.model.tickDen[i]!);

    if (inst.assetClass === 'crypto' && sign > 0) {
      let reserved = 0;
      for (const o of this.open.values()) {
        if (o === self || o.sign < 0 || this.instruments[o.inst]!.assetClass !== 'crypto') continue;
        reserved += ((o.lots - o.filledLots) / this.model.lotDen[o.inst]!) * this.orderPrice(o) * (1 + CRYPTO_FEE_RATE);
      }
      const cost = notional(lots) * (1 + CRYPTO_FEE_RATE);
      const available = this.account.cash - reserved;
      if (cost > available + 1e-9) {
        return { code: 'INSUFFICIENT_BUYING_POWER', reason: `needs ${cost.toFixed(2)} cash, ${Math.max(0, available).toFixed(2)} available` };
      }
      return null;
    }
    // lots that add exposure: beyond what covers the opposite position (net of other open orders that side)
    const opposite = sign > 0 ? Math.max(0, -pos) : Math.max(0, pos);
    const adding = Math.max(0, lots - Math.max(0, opposite - openSame));
    if (adding === 0) return null;
    if (sign < 0 && !inst.shortable) {
      return { code: 'INSUFFICIENT_POSITION', reason: `selling ${lots / lotDen} ${inst.symbol} exceeds the ${Math.max(0, opposite - openSame) / lotDen} held and not already offered` };
    }
    const needed = notional(lots) * (adding / lots);
    const bp = this.buyingPower(self);
    if (needed > bp + 1e-9) {
      return { code: 'INSUFFICIENT_BUYING_POWER', reason: `needs ${needed.toFixed(2)} buying power, ${bp.toFixed(2)} available` };
    }
    return null;
  }

  /** Executes as taker against the book: up to `maxLevels` levels, never through the limit. */
  private take(o: SimOrder, t: number, maxLevels: number): void {
    const i = o.inst;
    const sign = o.sign;
    const book = this.book;
    const size = book.levelSize(i, sign);
    while (o.filledLots < o.lots) {
      const used = book.used(i, sign);
      const k = Math.floor(used / size);
      if (k >= maxLevels) break;
      const px = book.levelTicks(i, sign, k);
      if (px < 1) break;
      if (o.limitTicks === o.limitTicks && (sign > 0 ? px > o.limitTicks : px < o.limitTicks)) break;
      const lots = Math.min(o.lots - o.filledLots, (k + 1) * size - used);
      book.consume(i, sign, lots);
      this.fill(o, lots, px, t);
    }
  }

  /** A passive order the touch has crossed: fills at its limit, up to the touch's remaining displayed size. */
  private restingFill(o: SimOrder, t: number): void {
    const i = o.inst;
    const avail = this.book.levelSize(i, o.sign) - this.book.used(i, o.sign);
    if (avail <= 0) return;
    const lots = Math.min(o.lots - o.filledLots, avail);
    this.book.consume(i, o.sign, lots);
    this.fill(o, lots, o.limitTicks, t);
  }

  private fill(o: SimOrder, lots: number, ticks: number, t: number): void {
    const i = o.inst;
    const lotDen = this.model.lotDen[i]!;
    const price = ticks / this.model.tickDen[i]!;
    const qty = lots / lotDen;
    const fee = qty * price * this.feeRate(i);
    this.account.applyFill(i, o.sign, lots, price, fee);
    o.filledLots += lots;
    o.fillCount++;
    o.fillNotional += qty * price;
    const filled = o.filledLots >= o.lots;
    if (filled && this.open.has(o.clientOrderId)) {
      this.open.delete(o.clientOrderId);
      this.closed.set(o.clientOrderId, 'filled');
    }
    this.sink.onFill(
      {
        clientOrderId: o.clientOrderId,
        fillId: `${o.venueOrderId}-${o.fillCount}`,
        symbol: o.symbol,
        side: o.side,
        qty,
        price,
        fee,
        ts: t,
        cumQty: o.filledLots / lotDen,
        leavesQty: (o.lots - o.filledLots) / lotDen,
      },
      o,
    );
  }

  private marketable(o: SimOrder): boolean {
    return o.sign > 0 ? this.model.askTicks[o.inst]! <= o.limitTicks : this.model.bidTicks[o.inst]! >= o.limitTicks;
  }

  /** Touch price a `sign` order would take: the ask for buys, the bid for sells. */
  private touch(i: number, sign: number): number {
    return (sign > 0 ? this.model.askTicks[i]! : this.model.bidTicks[i]!) / this.model.tickDen[i]!;
  }

  /** Price used to reserve funds for an open order: its limit, else the touch. */
  private orderPrice(o: SimOrder): number {
    return o.limitPrice ?? this.touch(o.inst, o.sign);
  }

  private tradable(i: number, t: number): boolean {
    return this.instruments[i]!.calendar === '24x7' || isNyseOpen(t);
  }

  /** Stocks: the close of the current session. Crypto (no session): the next 00:00 UTC. */
  private dayExpiry(i: number, t: number): number {
    if (this.instruments[i]!.calendar === 'nyse') {
      const s = nyseSessionFor(t);
      if (s) return s.close;
    }
    return Math.floor(t / DAY_MS) * DAY_MS + DAY_MS;
  }

  private remove(o: SimOrder): void {
    this.open.delete(o.clientOrderId);
    const list = this.byInst[o.inst]!;
    const k = list.indexOf(o);
    if (k >= 0) list.splice(k, 1);
  }

  private reject(request: VenueOrderRequest, registered: boolean, clientOrderId: string, code: VenueRejectCode, reason: string, t: number): void {
    this.sink.onOrderUpdate({ kind: 'rejected', clientOrderId, code, reason, ts: t }, { request: { action: 'submit', request, registered } });
  }

  private cancelRejected(clientOrderId: string, request: MatchingRequest, t: number): void {
    const state = this.closed.get(clientOrderId);
    const reason = state ? `order already ${state}` : this.seen.has(clientOrderId) ? 'order was rejected' : 'unknown order';
    this.sink.onOrderUpdate({ kind: 'cancel_rejected', clientOrderId, reason, ts: t }, { request });
  }
}
