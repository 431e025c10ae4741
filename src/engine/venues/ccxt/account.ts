// ccxt account facts for the engine's Reconciler: the account (cash, equity at
// the mark, buying power from fetchBalance), spot positions with their average
// cost (this session's fills, else the account's trade history, else the
// mark), open orders, one order by client order id (getOrder) and its
// executions (getFills, with the same fillIds as the live path). These only
// report; the Reconciler applies.
import type { OrderSide, OrderType } from '../../../shared/domain.js';
import type { VenueAccount, VenueFill, VenueOpenOrder, VenueOrderState, VenuePosition } from '../venue.js';
import { exchangeClientOrderId } from './client-ids.js';
import type { CcxtLookup } from './lookup.js';
import type { CcxtMarketData } from './market-data.js';
import { malformed, parseBalance, parseMyTrade, parseOrder, parseTicker, type ParsedBalance, type ParsedOrder, type ParsedTrade } from './payload.js';
import { EPS, MINUTE, round12, type CcxtState } from './state.js';

export class CcxtAccount {
  /** Average-cost basis from this session's fills. */
  private readonly basis = new Map<string, { qty: number; cost: number }>();

  constructor(
    private readonly s: CcxtState,
    private readonly market: CcxtMarketData,
    private readonly lookup: CcxtLookup,
  ) {}

  async getAccount(): Promise<VenueAccount> {
    await this.market.ensureMarkets();
    const bal = await this.balances();
    const ccy = this.market.accountCurrency();
    const cash = bal.total[ccy] ?? 0;
    let equity = cash;
    for (const [symbol, base] of this.market.positionSymbols()) {
      const q = bal.total[base] ?? 0;
      if (q > 0) equity += q * (await this.markPrice(symbol));
    }
    return { cash, equity, buyingPower: bal.free[ccy] ?? 0 };
  }

  async getPositions(): Promise<VenuePosition[]> {
    await this.market.ensureMarkets();
    const bal = await this.balances();
    const out: VenuePosition[] = [];
    for (const [symbol, base] of this.market.positionSymbols()) {
      const qty = bal.total[base] ?? 0;
      const lot = this.market.instrumentBySymbol.get(symbol)!.lotSize;
      if (qty < lot / 2) continue;
      out.push({ symbol, qty, avgPrice: await this.costBasis(symbol, qty, lot) });
    }
    return out;
  }

  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    await this.market.ensureMarkets();
    const out: VenueOpenOrder[] = [];
    for (const symbol of this.s.symbols) {
      const list = await this.s.call('fetchOpenOrders', () => this.s.ex.fetchOpenOrders(symbol));
      for (const o of this.s.orderList(list, 'fetchOpenOrders')) {
        if (o.status !== 'open') continue;
        const rec = this.s.byVenueId.get(o.id) ?? (o.clientOrderId ? this.s.byExClientId.get(o.clientOrderId) : undefined);
        out.push({
          clientOrderId: rec?.clientOrderId ?? o.clientOrderId ?? `external:${o.id}`,
          venueOrderId: o.id,
          symbol: o.symbol,
          side: o.side,
          type: o.type === 'market' ? 'market' : 'limit',
          qty: o.amount,
          limitPrice: o.price,
          timeInForce: rec?.timeInForce ?? 'gtc',
          filledQty: o.filled,
        });
      }
    }
    return out;
  }

  /**
   * One order by client order id, as the exchange reports it now. undefined
   * only when listings of open and done orders prove it absent (for an order
   * this session did not send: within the last day); throws when the
   * exchange cannot tell or answers something contradictory.
   */
  async getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    await this.market.ensureMarkets();
    const rec = this.s.orders.get(clientOrderId);
    let o: ParsedOrder;
    if (rec?.venueOrderId) {
      const id = rec.venueOrderId;
      const raw = await this.s.call('fetchOrder', () => this.s.ex.fetchOrder(id, rec.symbol));
      o = this.lookup.checkOwn(this.s.parsed(() => parseOrder(raw, this.s.ctx('fetchOrder')), 'fetchOrder'), rec, 'fetchOrder');
    } else {
      const found = await this.lookup.lookupBy({
        exClientId: rec?.exClientId ?? exchangeClientOrderId(clientOrderId, this.s.idFormat),
        symbols: rec ? [rec.symbol] : this.s.symbols,
        since: rec ? rec.createdAt - 10 * MINUTE : this.s.clock.now() - 24 * 60 * MINUTE,
        rec,
      });
      if (found.kind === 'absent') return undefined;
      if (found.kind === 'unknown') throw found.error;
      o = found.order;
    }
    const status: VenueOrderState['status'] =
      o.status === 'open' ? (o.filled > EPS ? 'partially_filled' : 'accepted') : o.status === 'closed' ? (o.filled >= o.amount - EPS * Math.max(1, o.amount) ? 'filled' : 'canceled') : o.status;
    const type: OrderType = o.type === 'market' ? 'market' : 'limit';
    return {
      clientOrderId,
      venueOrderId: o.id,
      symbol: o.symbol,
      side: o.side,
      type,
      qty: o.amount,
      limitPrice: type === 'limit' ? o.price : undefined,
      timeInForce: rec?.timeInForce ?? 'gtc',
      status,
      filledQty: o.filled,
      avgFillPrice: o.filled > 0 ? (o.average ?? o.price ?? 0) : 0,
    };
  }

  /**
   * Every execution of one order, oldest first, with the fillIds the live
   * path emits (`${symbol}:${tradeId}`). A trade that contradicts the order
   * (other side or symbol, more than its quantity, a bad price) is refused
   * with an error naming the order and the field.
   */
  async getFills(clientOrderId: string): Promise<VenueFill[]> {
    await this.market.ensureMarkets();
    const rec = this.s.orders.get(clientOrderId);
    let ref: { id: string; symbol: string; side: OrderSide; qty: number; since: number };
    if (rec?.venueOrderId) {
      ref = { id: rec.venueOrderId, symbol: rec.symbol, side: rec.side, qty: rec.qty, since: rec.createdAt - 10 * MINUTE };
    } else {
      const st = await this.getOrder(clientOrderId);
      if (!st) return [];
      ref = { id: st.venueOrderId, symbol: st.symbol, side: st.side, qty: st.qty, since: this.s.clock.now() - 24 * 60 * MINUTE };
    }
    const trades = new Map<string, ParsedTrade>();
    const take = (raw: unknown, endpoint: string): void => {
      if (!Array.isArray(raw)) throw this.s.countMalformed(malformed(this.s.ctx(endpoint), 'trades', raw, 'an array'));
      for (const item of raw) {
        const t = this.s.parsed(() => parseMyTrade(item, this.s.ctx(endpoint)), endpoint);
        if (t.orderId === ref.id) trades.set(t.id, t);
      }
    };
    if (this.s.ex.has.fetchOrderTrades) take(await this.s.call('fetchOrderTrades', () => this.s.ex.fetchOrderTrades(ref.id, ref.symbol)), 'fetchOrderTrades');
    if (trades.size === 0 && this.s.ex.has.fetchMyTrades) take(await this.s.call('fetchMyTrades', () => this.s.ex.fetchMyTrades(ref.symbol, ref.since)), 'fetchMyTrades');
    const out: VenueFill[] = [];
    let cum = 0;
    for (const t of [...trades.values()].sort((a, b) => a.timestamp - b.timestamp)) {
      const ctx = { ...this.s.ctx('getFills'), subject: `trade ${t.id} of order ${clientOrderId}` };
      if (t.side !== ref.side) throw this.s.countMalformed(malformed(ctx, 'trade.side', t.side, `'${ref.side}', the side of order ${clientOrderId}`));
      if (t.symbol !== ref.symbol) throw this.s.countMalformed(malformed(ctx, 'trade.symbol', t.symbol, `'${ref.symbol}', the symbol of order ${clientOrderId}`));
      cum = round12(cum + t.amount);
      if (cum > ref.qty + EPS * Math.max(1, ref.qty)) throw this.s.countMalformed(malformed(ctx, 'trade.amount', t.amount, `at most the ${round12(ref.qty - cum + t.amount)} left on order ${clientOrderId}`));
      out.push({
        clientOrderId,
        fillId: `${t.symbol}:${t.id}`,
        symbol: t.symbol,
        side: t.side,
        qty: t.amount,
        price: t.price,
        fee: this.market.feeInQuote(t.symbol, t),
        ts: t.timestamp,
        cumQty: cum,
        leavesQty: Math.max(0, round12(ref.qty - cum)),
      });
    }
    return out;
  }

  private async balances(): Promise<ParsedBalance> {
    const currencies = [this.market.accountCurrency(), ...this.market.positionSymbols().map(([, b]) => b)];
    const raw = await this.s.call('fetchBalance', () => this.s.ex.fetchBalance());
    try {
      return parseBalance(raw, currencies, this.s.ctx('fetchBalance'));
    } catch (e) {
      const ve = this.s.toVenueError(e, 'fetchBalance');
      this.s.noteError(ve);
      throw ve;
    }
  }

  async markPrice(symbol: string): Promise<number> {
    const q = this.s.lastQuotes.get(symbol);
    if (q) return (q.bid + q.ask) / 2;
    const raw = await this.s.call('fetchTicker', () => this.s.ex.fetchTicker(symbol));
    try {
      const t = parseTicker(raw, this.s.ctx('fetchTicker'));
      return (t.bid + t.ask) / 2;
    } catch (e) {
      const ve = this.s.toVenueError(e, 'fetchTicker');
      this.s.noteError(ve);
      throw ve;
    }
  }

  trackBasis(symbol: string, side: OrderSide, qty: number, price: number): void {
    const b = this.basis.get(symbol) ?? { qty: 0, cost: 0 };
    if (side === 'buy') {
      b.qty += qty;
      b.cost += qty * price;
    } else if (b.qty > 0) {
      const avg = b.cost / b.qty;
      b.qty = Math.max(0, b.qty - qty);
      b.cost = avg * b.qty;
    }
    this.basis.set(symbol, b);
  }

  /**
   * Average cost of a spot holding: from this session's fills when they
   * explain the balance, else by replaying the account's trade history, else
   * (nothing explains it) the current mark.
   */
  private async costBasis(symbol: string, qty: number, lot: number): Promise<number> {
    const tol = Math.max(lot, qty * 1e-6);
    const b = this.basis.get(symbol);
    if (b && b.qty > 0 && Math.abs(b.qty - qty) <= tol) return b.cost / b.qty;
    if (this.s.ex.has.fetchMyTrades) {
      try {
        const raw = await this.s.call('fetchMyTrades', () => this.s.ex.fetchMyTrades(symbol, undefined, 1_000), { attempts: 2 });
        if (Array.isArray(raw)) {
          const trades: ParsedTrade[] = [];
          for (const t of raw) {
            try {
              trades.push(parseMyTrade(t, this.s.ctx('fetchMyTrades')));
            } catch (e) {
              this.s.noteError(this.s.toVenueError(e, 'fetchMyTrades'));
            }
          }
          let q = 0;
          let cost = 0;
          for (const t of trades.sort((x, y) => x.timestamp - y.timestamp)) {
            if (t.side === 'buy') {
              q += t.amount;
              cost += t.amount * t.price;
            } else if (q > 0) {
              const avg = cost / q;
              q = Math.max(0, q - t.amount);
              cost = avg * q;
            }
          }
          if (q > 0 && Math.abs(q - qty) <= tol) return cost / q;
        }
      } catch {
        // fall through to the mark
      }
    }
    return this.markPrice(symbol);
  }
}
