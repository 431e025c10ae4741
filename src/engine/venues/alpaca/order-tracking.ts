// Alpaca order tracking: the orders this venue follows (its own and ones first
// seen on the stream), their cumulative fill accounting and the trade_updates
// handler. Fill quantities come from each order's cumulative filled_qty, so a
// replayed event or a REST re-read never counts twice; the price is the event's
// own price when its qty matches that delta, else derived from the change in
// filled_avg_price. fillId = `${alpacaOrderId}:${cumulativeFilledQty}`, the same
// from the stream and from a REST re-read. Fees are 0 (no commission on US
// equities). Replacements (`<cid>~r<n>`) are followed back to the app's order.
import type { streaming } from '@alpacahq/alpaca-trade-api';
import type { VenueFill, VenueRejectCode } from '../venue.js';
import { VENUE_NAME, VenueError, toVenueError, venueMessage } from './errors.js';
import { REPLACE_SUFFIX, round9, wireDecimal } from './mapping.js';
import { OrderPayload, TradeUpdatePayload, parsePayload } from './schemas.js';
import { EPS, type AlpacaState, type TerminalKind, type TrackedOrder } from './state.js';

/** Tracked orders kept before terminal ones are pruned (oldest first). */
const TRACK_CAP = 10_000;

export class AlpacaOrderTracking {
  constructor(private readonly s: AlpacaState) {}

  ensureAccepted(t: TrackedOrder, venueOrderId: string, ts: number): void {
    if (!t.venueOrderId) t.venueOrderId = venueOrderId;
    if (t.accepted || t.terminal === 'rejected') return;
    t.accepted = true;
    this.s.emitUpdate({ kind: 'accepted', clientOrderId: t.appCid, venueOrderId: t.venueOrderId, ts });
  }

  terminate(t: TrackedOrder, kind: Exclude<TerminalKind, 'filled'>, ts: number, reason: string, code: VenueRejectCode = 'INVALID_ORDER'): void {
    t.unresolved = false;
    if (t.terminal) {
      this.s.h.duplicateEventsIgnored++;
      return;
    }
    t.terminal = kind;
    if (kind === 'canceled') this.s.emitUpdate({ kind: 'canceled', clientOrderId: t.appCid, reason, ts });
    else if (kind === 'expired') this.s.emitUpdate({ kind: 'expired', clientOrderId: t.appCid, ts });
    else this.s.emitUpdate({ kind: 'rejected', clientOrderId: t.appCid, reason, code, ts });
  }

  /**
   * Accounts the order's cumulative filled_qty: emits one VenueFill for the
   * increase since the last accounted state, nothing for a replay.
   */
  applyFills(t: TrackedOrder, o: OrderPayload, ts: number, exec?: { qty?: number | null; price?: number | null }): void {
    if (o.id !== t.venueOrderId) return;
    const cum = o.filledQty;
    const prev = t.venueCum;
    if (cum <= prev + EPS) {
      if (exec) this.s.h.duplicateEventsIgnored++;
      return;
    }
    const delta = round9(cum - prev);
    const avg = o.filledAvgPrice ?? 0;
    let price: number;
    if (exec?.price != null && exec.qty != null && Math.abs(exec.qty - delta) < EPS) price = exec.price;
    else {
      const derived = (cum * avg - prev * t.lastAvg) / delta;
      price = Number.isFinite(derived) && derived > 0 ? Number(derived.toFixed(6)) : avg;
    }
    t.venueCum = cum;
    t.lastAvg = avg;
    const cumQty = round9(t.baseCum + cum);
    if (o.qty != null) t.qty = Math.max(t.qty, round9(t.baseCum + o.qty));
    const leavesQty = Math.max(0, round9(t.qty - cumQty));
    if (leavesQty <= EPS) {
      t.terminal = 'filled';
      t.unresolved = false;
    }
    const fill: VenueFill = {
      clientOrderId: t.appCid,
      fillId: `${o.id}:${wireDecimal(cum)}`,
      symbol: t.symbol,
      side: t.side,
      qty: delta,
      price,
      fee: 0,
      ts,
      cumQty,
      leavesQty,
    };
    this.s.listener?.onFill(fill);
  }

  // ---- order bookkeeping -------------------------------------------------------

  appCidOf(alpacaCid: string): string {
    const a = this.s.aliases.get(alpacaCid);
    if (a) return a;
    const m = REPLACE_SUFFIX.exec(alpacaCid);
    if (m) {
      const base = alpacaCid.slice(0, m.index);
      if (this.s.orders.has(base)) return base;
    }
    return alpacaCid;
  }

  track(t: TrackedOrder): void {
    this.s.orders.set(t.appCid, t);
    if (this.s.orders.size > TRACK_CAP) {
      for (const [cid, x] of this.s.orders) {
        if (this.s.orders.size <= TRACK_CAP) break;
        if (!x.terminal) continue;
        this.s.orders.delete(cid);
      }
    }
  }

  /** An order first seen on the stream: placed outside the app (or before a restart). */
  adopt(o: OrderPayload, appCid: string, exec?: { qty?: number | null }): TrackedOrder {
    const baseline = exec?.qty != null ? Math.max(0, round9(o.filledQty - exec.qty)) : o.filledQty;
    const t: TrackedOrder = {
      appCid,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      qty: o.qty ?? o.filledQty,
      ...(o.limitPrice != null ? { limitPrice: o.limitPrice } : {}),
      external: true,
      venueOrderId: o.id,
      retired: new Set(),
      venueCum: baseline,
      lastAvg: baseline > 0 ? (o.filledAvgPrice ?? 0) : 0,
      baseCum: 0,
      accepted: false,
      inFlight: false,
      unresolved: false,
      misses: 0,
      replaceSeq: 0,
    };
    this.track(t);
    return t;
  }

  /** Applies a REST snapshot of an order (POST answer, lookup, reconcile). */
  async applySnapshot(t: TrackedOrder, o: OrderPayload): Promise<void> {
    const ts = o.updatedAt?.getTime() ?? this.s.o.clock.now();
    t.unresolved = false;
    t.misses = 0;
    if (t.venueOrderId && o.id !== t.venueOrderId) {
      if (o.replaces === t.venueOrderId) return this.finishReplace(t, o, ts);
      if (t.retired.has(o.id)) return;
    }
    if (o.status === 'replaced' && o.replacedBy) {
      if (!t.venueOrderId) t.venueOrderId = o.id;
      this.ensureAccepted(t, o.id, ts);
      this.applyFills(t, o, ts);
      const next = await this.s.rest(`GET /v2/orders/${o.replacedBy}`, () => this.s.sdk.orders.getOrderByOrderID({ orderId: o.replacedBy! }), 'order_id');
      const n = this.s.parseRest(OrderPayload, next, `GET /v2/orders/${o.replacedBy}`);
      return this.finishReplace(t, n, ts);
    }
    if (o.status === 'rejected') {
      if (!t.venueOrderId) t.venueOrderId = o.id;
      return this.terminate(t, 'rejected', ts, venueMessage('order', `order ${o.id} rejected by Alpaca (status rejected)`));
    }
    this.ensureAccepted(t, o.id, ts);
    this.applyFills(t, o, ts);
    if (o.status === 'canceled') this.terminate(t, 'canceled', ts, 'canceled at alpaca');
    else if (o.status === 'expired') this.terminate(t, 'expired', ts, 'expired at alpaca');
  }

  finishReplace(t: TrackedOrder, n: OrderPayload, ts: number): void {
    if (t.venueOrderId === n.id) return;
    if (t.venueOrderId) t.retired.add(t.venueOrderId);
    t.baseCum = round9(t.baseCum + t.venueCum);
    t.venueCum = 0;
    t.lastAvg = 0;
    t.venueOrderId = n.id;
    this.s.aliases.set(n.clientOrderId, t.appCid);
    t.qty = round9(t.baseCum + (n.qty ?? t.qty - t.baseCum));
    if (n.limitPrice != null) t.limitPrice = n.limitPrice;
    t.pendingReplace = undefined;
    this.s.emitUpdate({
      kind: 'replaced',
      clientOrderId: t.appCid,
      qty: t.qty,
      ...(t.limitPrice !== undefined ? { limitPrice: t.limitPrice } : {}),
      ts,
    });
    this.applyFills(t, n, ts);
  }

  // ---- trade_updates ----------------------------------------------------------

  onTradeUpdate(raw: streaming.TradeUpdate): void {
    if (!this.s.listener) return;
    let u: TradeUpdatePayload;
    try {
      u = parsePayload(TradeUpdatePayload, raw, this.s.tradeEndpoint, 'trading', ['data']);
      if ((u.event === 'fill' || u.event === 'partial_fill') && !(u.order.filledQty > 0)) {
        throw new VenueError('MALFORMED_PAYLOAD', venueMessage(this.s.tradeEndpoint, `malformed payload rejected: '${u.event}' event with filled_qty ${u.order.filledQty}`, 'data.order.filled_qty'), {
          endpoint: this.s.tradeEndpoint,
          field: 'data.order.filled_qty',
          retryable: false,
          ambiguous: false,
        });
      }
    } catch (e) {
      if (e instanceof VenueError) this.s.noteMalformed('tradeUpdates', e);
      return;
    }
    try {
      this.handleTradeUpdate(u);
    } catch (e) {
      this.s.noteError(toVenueError(e, this.s.tradeEndpoint));
    }
  }

  private handleTradeUpdate(u: TradeUpdatePayload): void {
    const o = u.order;
    const ts = u.timestamp?.getTime() ?? this.s.o.clock.now();
    const appCid = this.appCidOf(o.clientOrderId);
    const exec = { qty: u.qty, price: u.price };
    const t = this.s.orders.get(appCid) ?? this.adopt(o, appCid, u.event === 'fill' || u.event === 'partial_fill' ? exec : undefined);
    if (t.external) this.s.h.externalOrderEvents++;

    // Identity: a replacement order, or an event of an order already replaced.
    if (t.venueOrderId && o.id !== t.venueOrderId) {
      if (o.replaces === t.venueOrderId) {
        if (u.event === 'rejected' || u.event === 'canceled' || u.event === 'expired') {
          t.pendingReplace = undefined;
          this.s.cancelRejected(t.appCid, `${VENUE_NAME}: replacement order ${o.id} ${u.event}; the original order stands`);
          return;
        }
        this.finishReplace(t, o, ts);
      } else if (t.retired.has(o.id)) {
        return;
      } else if (u.event !== 'replaced') {
        return;
      }
    }

    switch (u.event) {
      case 'new':
      case 'accepted':
      case 'pending_new':
      case 'accepted_for_bidding':
        this.ensureAccepted(t, o.id, ts);
        return;
      case 'partial_fill':
      case 'fill':
        this.ensureAccepted(t, o.id, ts);
        this.applyFills(t, o, ts, exec);
        return;
      case 'canceled':
        this.applyFills(t, o, ts);
        this.terminate(t, 'canceled', ts, 'canceled at alpaca');
        return;
      case 'expired':
        this.applyFills(t, o, ts);
        this.terminate(t, 'expired', ts, 'expired at alpaca');
        return;
      case 'rejected':
        this.terminate(t, 'rejected', ts, `rejected by Alpaca (trade_updates 'rejected' for order ${o.id})`);
        return;
      case 'replaced': {
        if (o.replaces && o.id === t.venueOrderId) return; // the replacement itself, handled above
        const newId = o.replacedBy;
        if (!newId || t.venueOrderId === newId) return;
        const ack = t.pendingReplace?.ack;
        if (ack && ack.id === newId) this.finishReplace(t, ack, ts);
        else void this.fetchReplacement(t, newId, ts);
        return;
      }
      case 'order_replace_rejected':
        t.pendingReplace = undefined;
        this.s.cancelRejected(t.appCid, `${VENUE_NAME}: replace rejected (trade_updates 'order_replace_rejected' for order ${o.id})`);
        return;
      case 'order_cancel_rejected':
        this.s.cancelRejected(t.appCid, `${VENUE_NAME}: cancel rejected (trade_updates 'order_cancel_rejected' for order ${o.id})`);
        return;
      default:
        // pending_cancel, pending_replace, done_for_day, calculated, stopped, suspended: no state change for the app
        return;
    }
  }

  async fetchReplacement(t: TrackedOrder, newId: string, ts: number): Promise<void> {
    try {
      const endpoint = `GET /v2/orders/${newId}`;
      const n = this.s.parseRest(OrderPayload, await this.s.rest(endpoint, () => this.s.sdk.orders.getOrderByOrderID({ orderId: newId }), 'order_id'), endpoint);
      this.finishReplace(t, n, ts);
    } catch {
      // noted; the reconcile pass retries
    }
  }

}
