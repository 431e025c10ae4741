// ccxt order state and trades: an order becoming known (adopt: acknowledged,
// or found by a lookup), every execution applied exactly once (deduplicated by
// trade id; trades of orders still being placed are buffered), order updates
// from streams (only triggers for a REST refresh, never trusted for terminal
// state), changes made outside the app, and the two ends of an unknown
// submission: still unresolved, or proven never created.
import type { CcxtAccount } from './account.js';
import { rejectCodeFor, type VenueError } from './errors.js';
import type { CcxtMarketData } from './market-data.js';
import { malformed, parseMyTrade, type ParsedOrder, type ParsedTrade } from './payload.js';
import { EPS, round12, type CcxtState } from './state.js';
import type { OrderRec } from './types.js';

/** What order tracking asks of the parts above it (order-refresh.ts, orders.ts). */
export interface TrackingHooks {
  /** Brings one order up to date from the REST API, in the background. */
  scheduleReconcile(rec: OrderRec): void;
  /** One lookup of an order whose outcome is unknown. */
  resolve(rec: OrderRec): Promise<void>;
  cancelOrder(clientOrderId: string): Promise<void>;
}

export class CcxtOrderTracking {
  /** Trades whose order id is not known yet (its createOrder is still in flight). */
  private readonly pendingTrades = new Map<string, ParsedTrade[]>();
  private readonly seenFills = new Set<string>();
  private readonly foreignSeen = new Set<string>();

  constructor(
    private readonly s: CcxtState,
    private readonly market: CcxtMarketData,
    private readonly account: CcxtAccount,
    private readonly hooks: TrackingHooks,
  ) {}

  /** True while a submission's outcome is being established: in flight, or unknown and looked up each reconcile pass. */
  isResolving(clientOrderId: string): boolean {
    const rec = this.s.orders.get(clientOrderId);
    return !!rec && !rec.venueOrderId && !rec.terminal;
  }

  /** The exchange acknowledged the order (or a lookup found it): from here on it is an order like any other. */
  adopt(rec: OrderRec, o: ParsedOrder): void {
    rec.unresolved = undefined;
    rec.venueOrderId = o.id;
    this.s.byVenueId.set(o.id, rec);
    if (!rec.accepted) {
      rec.accepted = true;
      const ts = this.s.clock.now();
      this.s.emitUpdate({ kind: 'accepted', clientOrderId: rec.clientOrderId, venueOrderId: o.id, ts });
      if (Math.abs(rec.qty - rec.requestedQty) > EPS || (rec.limitPrice !== undefined && Math.abs(rec.limitPrice - (rec.requestedPrice ?? rec.limitPrice)) > EPS)) {
        // rounded to the exchange's increments: the engine tracks what was sent
        this.s.emitUpdate({ kind: 'replaced', clientOrderId: rec.clientOrderId, qty: rec.qty, limitPrice: rec.limitPrice, ts });
      }
    }
    const buffered = this.pendingTrades.get(o.id);
    if (buffered) {
      this.pendingTrades.delete(o.id);
      for (const t of buffered) this.applyTrade(rec, t, 'trade (buffered)');
    }
    this.dropUnclaimedTrades();
    if (rec.cancelAfterAck) {
      rec.cancelAfterAck = false;
      void this.hooks.cancelOrder(rec.clientOrderId);
    } else if (o.status !== 'open' || o.filled > rec.cumQty + EPS || rec.type === 'market' || rec.timeInForce === 'ioc' || rec.reconcileAfterAck) {
      this.hooks.scheduleReconcile(rec);
    }
  }

  ingestTrade(raw: unknown, endpoint: string): void {
    let t: ParsedTrade;
    try {
      t = parseMyTrade(raw, this.s.ctx(endpoint));
    } catch (e) {
      this.s.noteError(this.s.toVenueError(e, endpoint));
      return;
    }
    const fillId = `${t.symbol}:${t.id}`;
    if (this.seenFills.has(fillId)) return;
    const rec = this.s.byVenueId.get(t.orderId);
    if (!rec) {
      if (this.hasInFlight()) {
        const list = this.pendingTrades.get(t.orderId) ?? [];
        if (!list.some((x) => x.id === t.id)) list.push(t);
        this.pendingTrades.set(t.orderId, list);
      } else {
        this.foreign(`trade:${fillId}`);
      }
      return;
    }
    this.applyTrade(rec, t, endpoint);
  }

  applyTrade(rec: OrderRec, t: ParsedTrade, endpoint: string): void {
    const fillId = `${t.symbol}:${t.id}`;
    if (this.seenFills.has(fillId)) return;
    const ctx = this.s.ctx(endpoint);
    if (t.side !== rec.side || t.symbol !== rec.symbol) {
      this.s.noteError(this.s.countMalformed(malformed(ctx, t.side !== rec.side ? 'trade.side' : 'trade.symbol', t.side !== rec.side ? t.side : t.symbol, `that of order ${rec.clientOrderId}`)));
      return;
    }
    if (rec.cumQty + t.amount > rec.qty + EPS * Math.max(1, rec.qty)) {
      this.s.noteError(this.s.countMalformed(malformed(ctx, 'trade.amount', t.amount, `at most the ${rec.qty - rec.cumQty} left on ${rec.clientOrderId}`)));
      return;
    }
    this.seenFills.add(fillId);
    rec.cumQty = round12(rec.cumQty + t.amount);
    const leaves = Math.max(0, round12(rec.qty - rec.cumQty));
    const fee = this.market.feeInQuote(rec.symbol, t);
    this.account.trackBasis(rec.symbol, rec.side, t.amount, t.price);
    this.s.emitFill({
      clientOrderId: rec.clientOrderId,
      fillId,
      symbol: rec.symbol,
      side: rec.side,
      qty: t.amount,
      price: t.price,
      fee,
      ts: t.timestamp,
      cumQty: rec.cumQty,
      leavesQty: leaves,
    });
    if (leaves <= EPS) rec.terminal = true;
  }

  /** An order update from a stream: a trigger for a REST reconcile, never trusted for terminal state. */
  ingestOrderUpdate(raw: unknown): void {
    if (raw === null || typeof raw !== 'object') return;
    const o = raw as { id?: unknown; clientOrderId?: unknown; status?: unknown; filled?: unknown };
    const id = typeof o.id === 'string' ? o.id : undefined;
    const cid = typeof o.clientOrderId === 'string' ? o.clientOrderId : undefined;
    const rec = (id && this.s.byVenueId.get(id)) || (cid && this.s.byExClientId.get(cid)) || undefined;
    if (!rec) {
      if (id) this.foreign(`order:${id}`);
      return;
    }
    if (!rec.venueOrderId) {
      rec.reconcileAfterAck = true;
      if (rec.unresolved !== undefined) void this.hooks.resolve(rec).catch(() => undefined); // it exists: find it now
      return;
    }
    if (rec.terminal) return;
    const filled = typeof o.filled === 'number' ? o.filled : 0;
    if (o.status !== 'open' || filled > rec.cumQty + EPS) this.hooks.scheduleReconcile(rec);
  }

  /** Quantity or price changed outside the app (the exchange UI, self-trade prevention...). */
  noteExternalChange(rec: OrderRec, o: ParsedOrder): void {
    const qtyChanged = Math.abs(o.amount - rec.qty) > EPS * Math.max(1, rec.qty);
    const priceChanged = rec.type === 'limit' && o.price !== undefined && rec.limitPrice !== undefined && Math.abs(o.price - rec.limitPrice) > EPS * rec.limitPrice;
    if (!qtyChanged && !priceChanged) return;
    if (o.amount < rec.cumQty - EPS) return; // cannot be: keep ours
    this.s.counters.externalChanges++;
    rec.qty = o.amount;
    if (priceChanged) rec.limitPrice = o.price;
    this.s.emitUpdate({ kind: 'replaced', clientOrderId: rec.clientOrderId, qty: rec.qty, limitPrice: rec.limitPrice, ts: this.s.clock.now() });
  }

  /** The outcome is unknown: nothing is reported; the order stays pending and is looked up each reconcile pass. */
  unresolved(rec: OrderRec, last: VenueError, lookupError: VenueError): void {
    if (rec.unresolved === undefined) this.s.counters.unresolved++;
    rec.sendError = last;
    rec.unresolved = `${last.message}; outcome unknown (lookup by client order id: ${lookupError.message})`;
  }

  /** Lookups covering open and done orders prove the order absent: it was never created. */
  neverCreated(rec: OrderRec, last: VenueError | undefined): void {
    const wasUnresolved = rec.unresolved !== undefined;
    rec.terminal = true;
    rec.unresolved = undefined;
    if (wasUnresolved) this.s.counters.provenAbsent++;
    const cause = last ? `${last.message}; ` : '';
    this.s.emitUpdate({
      kind: 'rejected',
      clientOrderId: rec.clientOrderId,
      code: last ? rejectCodeFor(last, rec.side) : 'INVALID_ORDER',
      reason: `${cause}never created at ${this.s.exchangeId}: its open and recent orders do not include client order id ${rec.exClientId}`,
      ts: this.s.clock.now(),
    });
    this.dropUnclaimedTrades();
  }

  hasInFlight(): boolean {
    for (const r of this.s.orders.values()) if (!r.venueOrderId && !r.terminal) return true;
    return false;
  }

  /** Buffered trades nobody in flight can claim belong to orders placed elsewhere. */
  dropUnclaimedTrades(): void {
    if (this.hasInFlight()) return;
    for (const [, list] of this.pendingTrades) for (const t of list) this.foreign(`trade:${t.symbol}:${t.id}`);
    this.pendingTrades.clear();
  }

  foreign(key: string): void {
    if (this.foreignSeen.has(key)) return;
    this.foreignSeen.add(key);
    this.s.counters.foreignOrders++;
  }
}
