// Alpaca account and order facts for the engine's Reconciler: the account
// (GET /v2/account), positions (signed), open orders, and one order by client
// order id (getOrder, following replacements). These only report; the
// Reconciler applies. A getOrder read moves the tracked order's cumulative
// baseline, so a late stream event reports only what lies beyond it.
import type { VenueAccount, VenueOpenOrder, VenueOrderState, VenuePosition } from '../venue.js';
import { VenueError } from './errors.js';
import { round9, toOpenOrder } from './mapping.js';
import type { AlpacaOrderTracking } from './order-tracking.js';
import { AccountPayload, OrderPayload, PositionsPayload } from './schemas.js';
import { EPS, type AlpacaState } from './state.js';

export class AlpacaAccount {
  constructor(
    private readonly s: AlpacaState,
    private readonly tracking: AlpacaOrderTracking,
  ) {}

  async getAccount(): Promise<VenueAccount> {
    const endpoint = 'GET /v2/account';
    const a = this.s.parseRest(AccountPayload, await this.s.rest(endpoint, () => this.s.sdk.account.getAccount()), endpoint);
    return { cash: a.cash, equity: a.equity, buyingPower: a.buyingPower };
  }

  /** Signed quantities: Alpaca reports shorts as side 'short' (with a negative qty). */
  async getPositions(): Promise<VenuePosition[]> {
    const endpoint = 'GET /v2/positions';
    const list = this.s.parseRest(PositionsPayload, await this.s.rest(endpoint, () => this.s.sdk.positions.getAllOpenPositions()), endpoint);
    return list.map((p) => ({ symbol: p.symbol, qty: p.side === 'short' ? -Math.abs(p.qty) : Math.abs(p.qty), avgPrice: p.avgEntryPrice }));
  }

  /** Open orders (up to 500), including ones placed outside the app; stop/fok/notional orders are skipped and counted. */
  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    const endpoint = 'GET /v2/orders';
    const raw = await this.s.rest(endpoint, () => this.s.sdk.orders.getAllOrders({ status: 'open', limit: 500, direction: 'asc' }));
    const list = this.s.parseRest(OrderPayload.array(), raw, endpoint);
    const out: VenueOpenOrder[] = [];
    for (const o of list) {
      const mapped = toOpenOrder(o, this.tracking.appCidOf(o.clientOrderId));
      if (mapped) out.push(mapped);
      else this.s.h.unsupportedOrders++;
    }
    return out;
  }

  /**
   * The order as Alpaca has it now (GET /v2/orders:by_client_order_id, following
   * replacements), in the app's terms; undefined on a 404 (Alpaca never had it).
   * Reports only: nothing is emitted. The tracked order's cumulative baseline moves
   * to what was read, since the engine applies the difference itself.
   */
  async getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    const endpoint = 'GET /v2/orders:by_client_order_id';
    this.s.h.clientOrderIdLookups++;
    let o: OrderPayload;
    try {
      o = this.s.parseRest(OrderPayload, await this.s.rest(endpoint, () => this.s.sdk.orders.getOrderByClientOrderId({ clientOrderId }), 'client_order_id'), endpoint);
    } catch (e) {
      if (e instanceof VenueError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
    let base = 0;
    const replaced: string[] = [];
    for (let hops = 0; o.status === 'replaced' && o.replacedBy && hops < 20; hops++) {
      const next = `GET /v2/orders/${o.replacedBy}`;
      const id = o.replacedBy;
      base = round9(base + o.filledQty);
      replaced.push(o.id);
      o = this.s.parseRest(OrderPayload, await this.s.rest(next, () => this.s.sdk.orders.getOrderByOrderID({ orderId: id }), 'order_id'), next);
    }
    const t = this.s.orders.get(clientOrderId);
    const filledQty = round9(base + o.filledQty);
    const qty = round9(base + (o.qty ?? o.filledQty));
    if (t && replaced.length && t.venueOrderId !== o.id) {
      // a replacement this adapter never saw confirmed (lost in an outage, or made outside the app):
      // it now is this order, so its later events count here and it is not adopted as an external order
      for (const id of replaced) t.retired.add(id);
      this.s.aliases.set(o.clientOrderId, clientOrderId);
      t.venueOrderId = o.id;
      t.baseCum = base;
      t.venueCum = 0;
      t.lastAvg = 0;
      t.qty = qty;
      if (o.limitPrice != null) t.limitPrice = o.limitPrice;
      t.pendingReplace = undefined;
    }
    if (t && (!t.venueOrderId || t.venueOrderId === o.id)) {
      // what the engine is told now: later stream events count from here
      t.venueOrderId = o.id;
      t.accepted = t.accepted || o.status !== 'pending_new';
      t.unresolved = false;
      if (o.filledQty > t.venueCum + EPS) {
        t.venueCum = o.filledQty;
        t.lastAvg = o.filledAvgPrice ?? t.lastAvg;
      }
      if (filledQty >= qty - EPS && filledQty > 0) t.terminal = 'filled';
      else if (o.status === 'canceled' || o.status === 'expired' || o.status === 'rejected') t.terminal = o.status;
    }
    return {
      clientOrderId,
      venueOrderId: o.id,
      symbol: o.symbol,
      side: o.side,
      type: o.type === 'limit' ? 'limit' : 'market',
      qty,
      ...(o.limitPrice != null ? { limitPrice: o.limitPrice } : {}),
      timeInForce: (['day', 'gtc', 'ioc'].includes(o.timeInForce) ? o.timeInForce : 'day') as VenueOrderState['timeInForce'],
      filledQty,
      avgFillPrice: o.filledAvgPrice ?? 0,
      status: orderStatusOf(o.status, filledQty, qty),
    };
  }
}

/** Alpaca's order status in the Venue interface's terms. */
function orderStatusOf(status: string, filled: number, qty: number): VenueOrderState['status'] {
  switch (status) {
    case 'filled':
      return 'filled';
    case 'canceled':
    case 'expired':
    case 'rejected':
    case 'pending_new':
      return status;
    default:
      // new, accepted, partially_filled, pending_cancel, pending_replace, done_for_day, stopped...
      if (filled >= qty - EPS && filled > 0) return 'filled';
      return filled > EPS ? 'partially_filled' : 'accepted';
  }
}
