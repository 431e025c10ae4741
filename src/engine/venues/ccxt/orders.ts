// ccxt order entry: where an order is sent (createOrder) and the
// lookup-before-resend path, plus cancel, replace (native editOrder only) and
// cancel-all.
//
// Prices and amounts are rounded with priceToPrecision / amountToPrecision;
// every order carries a client order id (ccxt's unified `clientOrderId` param).
// A submission is reported rejected only when the answer proves the exchange
// refused it (errors.ts refusalProven) or when listings of its open and done
// orders prove it was never created. Any other failure is looked up by client
// order id first (lookup.ts); it is re-sent only after a retryable error and a
// lookup proving it absent. When the lookups cannot tell, nothing is reported:
// the order stays pending (isResolving) and every refresh pass looks it up
// until the exchange answers. Nothing is sent twice.
import type { VenueOrderRequest } from '../venue.js';
import { exchangeClientOrderId } from './client-ids.js';
import { mapCcxtError, refusalProven, rejectCodeFor, retryDelayMs, venueError, type VenueError } from './errors.js';
import type { CcxtLookup } from './lookup.js';
import type { CcxtMarketData } from './market-data.js';
import type { CcxtOrderRefresh } from './order-refresh.js';
import type { CcxtOrderTracking } from './order-tracking.js';
import { parseOrder } from './payload.js';
import { EPS, type CcxtState } from './state.js';
import type { OrderRec } from './types.js';

export class CcxtOrders {
  constructor(
    private readonly s: CcxtState,
    private readonly market: CcxtMarketData,
    private readonly lookup: CcxtLookup,
    private readonly tracking: CcxtOrderTracking,
    private readonly refresh: CcxtOrderRefresh,
  ) {}

  async submitOrder(request: VenueOrderRequest): Promise<void> {
    const req = { ...request };
    if (this.s.orders.has(req.clientOrderId)) {
      this.s.counters.duplicateClientIdsRefused++;
      this.s.emitUpdate({
        kind: 'rejected',
        clientOrderId: req.clientOrderId,
        code: 'DUPLICATE_CLIENT_ORDER_ID',
        reason: `${this.s.exchangeId} createOrder: client order id '${req.clientOrderId}' was already used; not sent (field 'clientOrderId')`,
        ts: this.s.clock.now(),
      });
      return;
    }
    let rec: OrderRec;
    try {
      // after connect() the markets are loaded: the order is registered synchronously,
      // so a cancel issued right after submitOrder() finds it
      if (!this.market.instrumentBySymbol.size) await this.market.ensureMarkets();
      rec = this.prepare(req);
    } catch (e) {
      const ve = this.s.toVenueError(e, 'createOrder');
      this.s.noteError(ve);
      this.s.emitUpdate({ kind: 'rejected', clientOrderId: req.clientOrderId, code: rejectCodeFor(ve, req.side), reason: ve.message, ts: this.s.clock.now() });
      return;
    }
    this.s.orders.set(rec.clientOrderId, rec);
    this.s.byExClientId.set(rec.exClientId, rec);
    await this.send(rec);
  }

  private prepare(req: VenueOrderRequest): OrderRec {
    const ctx = this.s.ctx('createOrder');
    const inst = this.market.requireSymbol(req.symbol, 'createOrder');
    if (!(Number.isFinite(req.qty) && req.qty > 0)) throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${req.qty} must be a finite number > 0`);
    // ccxt throws InvalidOrder when the amount is below the smallest increment
    const amountStr = this.rounded(() => this.s.ex.amountToPrecision(req.symbol, req.qty), 'qty');
    const amount = Number(amountStr);
    if (!(amount > 0)) throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${req.qty} rounds to ${amountStr}`);
    const minAmount = this.s.ex.markets?.[req.symbol]?.limits?.amount?.min;
    if (typeof minAmount === 'number' && amount < minAmount - EPS) {
      throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${amountStr} is below the minimum ${minAmount}`);
    }
    let priceStr: string | undefined;
    let price: number | undefined;
    if (req.type === 'limit') {
      if (req.limitPrice === undefined || !(Number.isFinite(req.limitPrice) && req.limitPrice > 0)) {
        throw venueError('INVALID_ORDER', { ...ctx, field: 'limitPrice' }, `limit orders need a limitPrice > 0 (got ${String(req.limitPrice)})`);
      }
      const lp = req.limitPrice;
      priceStr = this.rounded(() => this.s.ex.priceToPrecision(req.symbol, lp), 'limitPrice');
      price = Number(priceStr);
      if (!(price > 0)) throw venueError('INVALID_ORDER', { ...ctx, field: 'limitPrice' }, `limitPrice ${req.limitPrice} rounds to ${priceStr}`);
    }
    const q = this.s.lastQuotes.get(req.symbol);
    const ref = price ?? (q ? (req.side === 'buy' ? q.ask : q.bid) : undefined);
    if (inst.minNotional > 0 && ref !== undefined && ref * amount < inst.minNotional - EPS) {
      throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `notional ${(ref * amount).toFixed(8)} is below the minimum ${inst.minNotional}`);
    }
    return {
      clientOrderId: req.clientOrderId,
      exClientId: exchangeClientOrderId(req.clientOrderId, this.s.idFormat),
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      requestedQty: req.qty,
      requestedPrice: req.limitPrice,
      qty: amount,
      limitPrice: price,
      amountStr,
      priceStr,
      createdAt: this.s.clock.now(),
      venueOrderId: undefined,
      accepted: false,
      terminal: false,
      cumQty: 0,
      cancelRequested: false,
      cancelAfterAck: false,
      reconcileAfterAck: false,
      unresolved: undefined,
      sendError: undefined,
      reconciling: undefined,
      reconcileAgain: false,
    };
  }

  private rounded(fn: () => string, field: string): string {
    try {
      return fn();
    } catch (e) {
      throw mapCcxtError(e, this.s.ctx('createOrder', field));
    }
  }

  private orderParams(rec: OrderRec): Record<string, unknown> {
    const params: Record<string, unknown> = { clientOrderId: rec.exClientId };
    // crypto trades around the clock: a 'day' order rests until canceled
    if (rec.type === 'limit') params.timeInForce = rec.timeInForce === 'ioc' ? 'IOC' : 'GTC';
    return params;
  }

  /**
   * Sends the order. Only an answer proving the exchange refused it rejects
   * it. Any other failure leaves the outcome unknown: the order is looked up
   * by client order id before anything else. It is re-sent only when the
   * exchange asked for a retry (rate limit, unavailable, timeout, network)
   * and the lookup proves it absent; when lookups cannot tell, the order
   * stays pending (isResolving) and the reconcile poll keeps looking.
   */
  private async send(rec: OrderRec): Promise<void> {
    const params = this.orderParams(rec);
    let lastError: VenueError | undefined;
    for (let attempt = 1; attempt <= this.s.retry.maxAttempts; attempt++) {
      if (lastError) {
        await this.s.sleep(retryDelayMs(lastError, attempt - 1, this.s.retry, this.s.ex.rateLimit));
        if (rec.terminal || rec.venueOrderId) return; // resolved meanwhile (a stream or the poll found it)
        const found = await this.lookup.lookup(rec);
        if (rec.terminal || rec.venueOrderId) return;
        if (found.kind === 'found') {
          this.s.counters.adoptedAfterLookup++;
          return this.tracking.adopt(rec, found.order);
        }
        if (found.kind === 'unknown') return this.tracking.unresolved(rec, lastError, found.error);
        if (!lastError.retryable) return this.tracking.neverCreated(rec, lastError);
        this.s.counters.resends++;
      }
      try {
        this.s.counters.requests++;
        const raw = await this.s.ex.createOrder(rec.symbol, rec.type, rec.side, rec.qty, rec.limitPrice, params);
        const o = this.lookup.checkOwn(parseOrder(raw, this.s.ctx('createOrder')), rec, 'createOrder');
        return this.tracking.adopt(rec, o);
      } catch (e) {
        const ve = this.s.toVenueError(e, 'createOrder');
        this.s.noteError(ve);
        if (refusalProven(ve)) {
          rec.terminal = true;
          this.s.emitUpdate({ kind: 'rejected', clientOrderId: rec.clientOrderId, code: rejectCodeFor(ve, rec.side), reason: ve.message, ts: this.s.clock.now() });
          this.tracking.dropUnclaimedTrades();
          return;
        }
        lastError = ve;
      }
    }
    // attempts used up; one last look
    const found = await this.lookup.lookup(rec);
    if (rec.terminal || rec.venueOrderId) return;
    if (found.kind === 'found') {
      this.s.counters.adoptedAfterLookup++;
      return this.tracking.adopt(rec, found.order);
    }
    if (found.kind === 'absent') return this.tracking.neverCreated(rec, lastError!);
    this.tracking.unresolved(rec, lastError!, found.error);
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    const rec = this.s.orders.get(clientOrderId);
    if (!rec) return this.s.cancelRejected(clientOrderId, `${this.s.exchangeId} cancelOrder: unknown order ${clientOrderId}`);
    if (rec.terminal) return this.s.cancelRejected(clientOrderId, `${this.s.exchangeId} cancelOrder: order ${clientOrderId} is already done`);
    if (!rec.venueOrderId) {
      // still being placed: cancel as soon as the exchange acknowledges it
      rec.cancelAfterAck = true;
      return;
    }
    rec.cancelRequested = true;
    const id = rec.venueOrderId;
    try {
      await this.s.call('cancelOrder', () => this.s.ex.cancelOrder(id, rec.symbol));
    } catch (e) {
      const ve = this.s.toVenueError(e, 'cancelOrder');
      if (ve.code !== 'ORDER_NOT_FOUND') {
        // an ambiguous failure may still have canceled it: the reconcile tells
        if (!ve.ambiguous) rec.cancelRequested = false;
        this.s.cancelRejected(clientOrderId, ve.message);
        this.refresh.scheduleReconcile(rec);
        return;
      }
      // gone already (filled, canceled outside): the reconcile below tells which
    }
    await this.refresh.reconcileOrder(rec);
    if (!rec.terminal) return; // the exchange cancels asynchronously; the next reconcile reports it
    if (rec.cumQty >= rec.qty - EPS && rec.cancelRequested) {
      rec.cancelRequested = false;
      this.s.cancelRejected(clientOrderId, `${this.s.exchangeId} cancelOrder: order ${clientOrderId} already filled`);
    }
  }

  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    const rec = this.s.orders.get(clientOrderId);
    if (!rec) return this.s.cancelRejected(clientOrderId, `${this.s.exchangeId} editOrder: unknown order ${clientOrderId}`);
    if (rec.terminal || !rec.venueOrderId) {
      return this.s.cancelRejected(clientOrderId, `${this.s.exchangeId} editOrder: order ${clientOrderId} is ${rec.terminal ? 'done' : 'not acknowledged yet'}`);
    }
    if (this.s.ex.has.editOrder !== true) {
      // ccxt's 'emulated' editOrder is a cancel plus a new order without our client order id
      return this.s.cancelRejected(clientOrderId, `${this.s.exchangeId} editOrder: replace is not supported by this exchange (no native editOrder in ccxt); cancel and resubmit`);
    }
    const ctx = this.s.ctx('editOrder');
    try {
      const qty = changes.qty ?? rec.qty;
      const amountStr = this.s.ex.amountToPrecision(rec.symbol, qty);
      const priceStr = rec.type === 'limit' ? this.s.ex.priceToPrecision(rec.symbol, changes.limitPrice ?? rec.limitPrice!) : undefined;
      const amount = Number(amountStr);
      const price = priceStr === undefined ? undefined : Number(priceStr);
      if (!(amount > rec.cumQty)) throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${amountStr} must exceed the ${rec.cumQty} already filled`);
      const venueId = rec.venueOrderId;
      const raw = await this.s.call('editOrder', () => this.s.ex.editOrder(venueId, rec.symbol, rec.type, rec.side, amount, price), { attempts: 1 });
      const o = parseOrder(raw, ctx);
      if (o.id !== rec.venueOrderId) {
        this.s.byVenueId.delete(rec.venueOrderId);
        rec.venueOrderId = o.id;
        this.s.byVenueId.set(o.id, rec);
      }
      rec.qty = amount;
      rec.limitPrice = price;
      this.s.emitUpdate({ kind: 'replaced', clientOrderId, qty: amount, limitPrice: price, ts: this.s.clock.now() });
    } catch (e) {
      const ve = this.s.toVenueError(e, 'editOrder');
      this.s.noteError(ve);
      this.s.cancelRejected(clientOrderId, ve.message);
      this.refresh.scheduleReconcile(rec);
    }
  }

  /**
   * Cancels every open order of the configured symbols in one request per
   * symbol (ccxt cancelAllOrders), where the exchange has it; otherwise does
   * nothing and the engine cancels order by order. The 'canceled' events
   * follow from the REST reconcile of each order.
   */
  async cancelAll(): Promise<void> {
    if (this.s.ex.has.cancelAllOrders !== true) return;
    await this.market.ensureMarkets();
    for (const r of this.s.orders.values()) {
      if (r.terminal) continue;
      if (r.venueOrderId) r.cancelRequested = true;
      else r.cancelAfterAck = true; // still being placed or resolved: canceled once found
    }
    let firstError: unknown;
    for (const symbol of this.s.symbols) {
      try {
        await this.s.call('cancelAllOrders', () => this.s.ex.cancelAllOrders(symbol));
      } catch (e) {
        firstError ??= e;
      }
    }
    for (const r of [...this.s.orders.values()]) if (r.venueOrderId && !r.terminal) this.refresh.scheduleReconcile(r);
    if (firstError !== undefined) throw firstError;
  }
}
