// Alpaca order entry: where an order is sent (POST /v2/orders) and the
// lookup-before-resend path, plus cancel, replace and cancel-all.
//
// Every order carries the app's clientOrderId as Alpaca's client_order_id,
// which Alpaca keeps unique per account. A submission that ends ambiguously
// (timeout, transport failure, 5xx, unreadable answer) is looked up with
// GET /v2/orders:by_client_order_id BEFORE anything is re-sent; only a
// confirmed miss is re-sent (same client_order_id, so even a late original can
// never make a second order: Alpaca would refuse it with a 422 duplicate, which
// is then resolved with another lookup). 429 is not ambiguous (nothing was
// accepted) and is re-sent after Retry-After. A submission whose outcome stays
// unknown is parked and re-read on a timer (scheduleReconcile), never reported
// as rejected while it might be live.
import { randomUUID } from 'node:crypto';
import type { VenueOrderRequest, VenueRejectCode } from '../venue.js';
import { VENUE_NAME, VenueError, rejectCodeOf, toVenueError, venueMessage } from './errors.js';
import { REPLACE_SUFFIX, wireDecimal } from './mapping.js';
import type { AlpacaOrderTracking } from './order-tracking.js';
import { OrderPayload } from './schemas.js';
import type { AlpacaState, TrackedOrder } from './state.js';

/** Lookups that must all miss before an unresolved submission is declared never accepted. */
const UNRESOLVED_MISSES = 3;

export class AlpacaOrders {
  private reconciling: Promise<void> | null = null;

  constructor(
    private readonly s: AlpacaState,
    private readonly tracking: AlpacaOrderTracking,
  ) {}

  async submitOrder(request: VenueOrderRequest): Promise<void> {
    const req = { ...request };
    this.s.requireConnected('POST /v2/orders');
    const reject = (code: VenueRejectCode, reason: string): void =>
      this.s.emitUpdate({ kind: 'rejected', clientOrderId: req.clientOrderId, code, reason, ts: this.s.o.clock.now() });
    const local = localProblem(req);
    if (local) return reject('INVALID_ORDER', venueMessage('POST /v2/orders', `not sent: ${local.what}`, local.field));
    if (this.s.orders.has(req.clientOrderId)) {
      return reject(
        'DUPLICATE_CLIENT_ORDER_ID',
        venueMessage('POST /v2/orders', `not sent: client order id '${req.clientOrderId}' was already submitted through this venue`, 'client_order_id'),
      );
    }
    const t: TrackedOrder = {
      appCid: req.clientOrderId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      qty: req.qty,
      ...(req.limitPrice !== undefined ? { limitPrice: req.limitPrice } : {}),
      external: false,
      retired: new Set(),
      venueCum: 0,
      lastAvg: 0,
      baseCum: 0,
      accepted: false,
      inFlight: true,
      unresolved: false,
      misses: 0,
      replaceSeq: 0,
    };
    this.tracking.track(t);
    try {
      await this.submitWithRecovery(t, req);
    } finally {
      t.inFlight = false;
    }
  }

  private async submitWithRecovery(t: TrackedOrder, req: VenueOrderRequest): Promise<void> {
    const endpoint = 'POST /v2/orders';
    const body = {
      symbol: req.symbol,
      qty: wireDecimal(req.qty),
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      clientOrderId: req.clientOrderId,
      ...(req.type === 'limit' ? { limitPrice: wireDecimal(req.limitPrice!) } : {}),
    } as const;
    let ambiguous = false;
    const max = this.s.o.retry.maxAttempts;
    for (let attempt = 0; ; attempt++) {
      let err: VenueError | undefined;
      let placed: OrderPayload | undefined;
      try {
        const answer = await this.s.sdk.orders.postOrder({ postOrderRequest: body });
        placed = this.s.parseRest(OrderPayload, answer, endpoint);
        if (placed.clientOrderId !== req.clientOrderId) {
          const field = 'client_order_id';
          const e = new VenueError('MALFORMED_PAYLOAD', venueMessage(endpoint, `malformed payload rejected: answer is for client_order_id '${placed.clientOrderId}', not '${req.clientOrderId}'`, field), {
            endpoint,
            field,
            retryable: false,
            ambiguous: true,
          });
          this.s.noteMalformed('rest', e);
          throw e;
        }
      } catch (e) {
        err = toVenueError(e, endpoint);
        if (!(e instanceof VenueError)) this.s.noteError(err);
        placed = undefined;
      }
      if (placed) {
        // Applied outside the try: a failure here must never lead to a re-send.
        await this.tracking.applySnapshot(t, placed).catch((e: unknown) => this.s.noteError(toVenueError(e, endpoint)));
        return;
      }
      if (!err) throw new Error('unreachable: POST neither answered nor failed');

      // An unreadable answer to a POST means the order probably exists: treat as ambiguous.
      const isAmbiguous = err.ambiguous || err.code === 'MALFORMED_PAYLOAD';
      if (err.code === 'DUPLICATE_CLIENT_ORDER_ID' && ambiguous) {
        // Our own earlier, ambiguous attempt landed after all: an order with this
        // client_order_id exists. Adopt it; if it cannot be read now, reconcile later.
        const found = await this.lookupSubmission(t);
        if (found !== 'found') t.unresolved = true;
        return;
      }
      const rejectCode = rejectCodeOf(err);
      if (rejectCode && !isAmbiguous) {
        return this.tracking.terminate(t, 'rejected', this.s.o.clock.now(), err.message, rejectCode);
      }
      if (err.code === 'AUTH_FAILED') {
        this.s.orders.delete(t.appCid);
        throw err;
      }
      if (err.code === 'RATE_LIMITED' && attempt + 1 < max) {
        // Nothing was accepted: re-send after Retry-After (or a backoff).
        this.s.h.submitRetries++;
        await this.s.delay(err.retryAfterMs ?? this.s.backoff(attempt));
        continue;
      }
      if (isAmbiguous) {
        ambiguous = true;
        this.s.h.ambiguousSubmissions++;
        const found = await this.lookupSubmission(t);
        if (found === 'found') return;
        if (found === 'missing' && attempt + 1 < max) {
          this.s.h.submitRetries++;
          await this.s.delay(this.s.backoff(attempt));
          continue;
        }
        // Outcome unknown (or still absent after every attempt): never report a
        // possibly-live order as rejected; re-read it on the reconcile timer.
        t.unresolved = true;
        this.s.h.lastError = venueMessage(endpoint, `outcome of client order id '${t.appCid}' unknown after ${attempt + 1} attempt(s); reconciling by client_order_id`, 'client_order_id');
        return;
      }
      if (err.retryable && attempt + 1 < max) {
        this.s.h.submitRetries++;
        await this.s.delay(this.s.backoff(attempt));
        continue;
      }
      // Definitely not accepted (e.g. 429 after every attempt).
      this.s.orders.delete(t.appCid);
      throw err;
    }
  }

  /** GET /v2/orders:by_client_order_id for a submission; 'unknown' when the lookup itself failed. */
  private async lookupSubmission(t: TrackedOrder): Promise<'found' | 'missing' | 'unknown'> {
    const endpoint = 'GET /v2/orders:by_client_order_id';
    this.s.h.clientOrderIdLookups++;
    try {
      const raw = await this.s.rest(endpoint, () => this.s.sdk.orders.getOrderByClientOrderId({ clientOrderId: t.appCid }), 'client_order_id');
      const o = this.s.parseRest(OrderPayload, raw, endpoint);
      await this.tracking.applySnapshot(t, o);
      return 'found';
    } catch (e) {
      if (e instanceof VenueError && e.code === 'NOT_FOUND') return 'missing';
      return 'unknown';
    }
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    this.s.requireConnected('DELETE /v2/orders');
    const t = this.s.orders.get(clientOrderId);
    if (t?.terminal) return this.s.cancelRejected(clientOrderId, `${VENUE_NAME}: order ${clientOrderId} is already ${t.terminal}`);
    let venueOrderId = t?.venueOrderId;
    if (!venueOrderId) {
      const endpoint = 'GET /v2/orders:by_client_order_id';
      this.s.h.clientOrderIdLookups++;
      try {
        const raw = await this.s.rest(endpoint, () => this.s.sdk.orders.getOrderByClientOrderId({ clientOrderId }), 'client_order_id');
        const o = this.s.parseRest(OrderPayload, raw, endpoint);
        venueOrderId = o.id;
        if (t) await this.tracking.applySnapshot(t, o);
      } catch (e) {
        if (e instanceof VenueError && e.code === 'NOT_FOUND') return this.s.cancelRejected(clientOrderId, venueMessage(endpoint, `no order with client order id '${clientOrderId}'`, 'client_order_id'));
        throw e;
      }
    }
    const endpoint = `DELETE /v2/orders/${venueOrderId}`;
    for (let attempt = 0; ; attempt++) {
      try {
        // 204: accepted for cancellation; the outcome arrives as trade_updates 'canceled'.
        await this.s.rest(endpoint, () => this.s.sdk.orders.deleteOrderByOrderID({ orderId: venueOrderId }), 'order_id');
        return;
      } catch (e) {
        const ve = e as VenueError;
        if (ve.code === 'NOT_FOUND' || ve.code === 'INVALID_REQUEST' || ve.code === 'UNKNOWN') {
          this.s.cancelRejected(clientOrderId, ve.message);
          // Alpaca knows something the venue missed (a fill, a cancel): re-read the order.
          if (t && !t.terminal) await this.refresh(t).catch(() => undefined);
          return;
        }
        // A cancel is idempotent at Alpaca: safe to repeat after a timeout or 5xx.
        if (ve.retryable && attempt + 1 < this.s.o.retry.maxAttempts) {
          await this.s.delay(ve.retryAfterMs ?? this.s.backoff(attempt));
          continue;
        }
        throw ve;
      }
    }
  }

  /**
   * PATCH /v2/orders/{id} with a fresh client_order_id (`<clientOrderId>~r<n>`),
   * so the replacement can be looked up after an ambiguous answer and its events
   * map back to the app's order. Confirmed by trade_updates ('replaced' / the
   * replacement's 'new'), then reported as one 'replaced' update. Partially filled
   * orders are refused: Alpaca's replacement would carry the full new qty, not
   * the unfilled rest (Alpaca-API#165).
   */
  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    this.s.requireConnected('PATCH /v2/orders');
    const t = this.s.orders.get(clientOrderId);
    const refuse = (why: string): void => this.s.cancelRejected(clientOrderId, `${VENUE_NAME}: replace of ${clientOrderId} not sent: ${why}`);
    if (!t || !t.venueOrderId || t.terminal) return refuse('no open order with this client order id at alpaca');
    if (t.baseCum + t.venueCum > 0) return refuse('the order is partially filled; Alpaca would give the replacement the full new qty (Alpaca-API#165): cancel and submit the rest instead');
    if (changes.qty !== undefined && !(Number.isFinite(changes.qty) && changes.qty > 0)) return refuse(`qty ${String(changes.qty)} must be a positive number`);
    if (changes.limitPrice !== undefined && (t.type !== 'limit' || !(Number.isFinite(changes.limitPrice) && changes.limitPrice > 0))) {
      return refuse(t.type !== 'limit' ? 'a market order has no limit price' : `limitPrice ${String(changes.limitPrice)} must be a positive number`);
    }
    if (t.pendingReplace) return refuse('a replace is already pending');
    let alpacaCid = `${clientOrderId}~r${++t.replaceSeq}`;
    if (alpacaCid.length > 128) alpacaCid = `r${t.replaceSeq}-${randomUUID()}`;
    this.s.aliases.set(alpacaCid, clientOrderId);
    t.pendingReplace = { alpacaCid };
    const endpoint = `PATCH /v2/orders/${t.venueOrderId}`;
    const oldId = t.venueOrderId;
    try {
      const n = await this.s.rest(
        endpoint,
        () =>
          this.s.sdk.orders.patchOrderByOrderId({
            orderId: oldId,
            patchOrderRequest: {
              ...(changes.qty !== undefined ? { qty: wireDecimal(changes.qty) } : {}),
              ...(changes.limitPrice !== undefined ? { limitPrice: wireDecimal(changes.limitPrice) } : {}),
              clientOrderId: alpacaCid,
            },
          }),
        'order_id',
      );
      this.onReplaceAck(t, this.s.parseRest(OrderPayload, n, endpoint));
    } catch (e) {
      const ve = e as VenueError;
      if (ve.ambiguous || ve.code === 'MALFORMED_PAYLOAD') {
        const lookup = 'GET /v2/orders:by_client_order_id';
        this.s.h.clientOrderIdLookups++;
        try {
          const raw = await this.s.rest(lookup, () => this.s.sdk.orders.getOrderByClientOrderId({ clientOrderId: alpacaCid }), 'client_order_id');
          this.onReplaceAck(t, this.s.parseRest(OrderPayload, raw, lookup));
          return;
        } catch (le) {
          if (!(le instanceof VenueError && le.code === 'NOT_FOUND')) {
            // Unknown: keep pendingReplace so stream events can still confirm it.
            return;
          }
        }
      }
      if (t.pendingReplace?.alpacaCid === alpacaCid) t.pendingReplace = undefined;
      this.s.cancelRejected(clientOrderId, ve.message);
    }
  }

  private onReplaceAck(t: TrackedOrder, n: OrderPayload): void {
    this.s.aliases.set(n.clientOrderId, t.appCid);
    if (t.venueOrderId === n.id) return; // already confirmed by the stream
    if (t.pendingReplace) t.pendingReplace.ack = n;
    // The replacement's own 'new' / the old order's 'replaced' confirms it.
  }

  /** Re-reads parked submissions (outcome unknown) on a timer until Alpaca answers for them. */
  scheduleReconcile(): void {
    const tick = (): void => {
      this.s.reconcileTimer = undefined;
      if (this.s.closing) return;
      if ([...this.s.orders.values()].some((t) => t.unresolved && !t.inFlight)) void this.resolvePending();
      this.s.reconcileTimer = this.s.o.clock.setTimer(this.s.o.clock.now() + this.s.o.reconcileIntervalMs, tick);
    };
    this.s.reconcileTimer = this.s.o.clock.setTimer(this.s.o.clock.now() + this.s.o.reconcileIntervalMs, tick);
  }

  /** Looks up every submission whose outcome is still unknown, by client_order_id. */
  private resolvePending(): Promise<void> {
    if (this.reconciling) return this.reconciling;
    this.reconciling = (async () => {
      this.s.h.reconciliations++;
      for (const t of [...this.s.orders.values()]) {
        if (!t.unresolved || t.terminal || t.inFlight) continue;
        try {
          await this.refresh(t);
        } catch {
          // noted in health(); the next tick retries
        }
      }
    })().finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  isResolving(clientOrderId: string): boolean {
    const t = this.s.orders.get(clientOrderId);
    return !!t && !t.terminal && (t.inFlight || t.unresolved);
  }

  /** DELETE /v2/orders: Alpaca cancels every open order (KILL's first step); the cancels arrive on trade_updates. */
  async cancelAll(): Promise<void> {
    this.s.requireConnected('DELETE /v2/orders');
    await this.s.rest('DELETE /v2/orders', () => this.s.sdk.orders.deleteAllOrders());
  }

  /** Re-reads one order over REST (by id, or by client order id before Alpaca's id is known). */
  private async refresh(t: TrackedOrder): Promise<void> {
    if (!t.venueOrderId) {
      const r = await this.lookupSubmission(t);
      if (r === 'missing' && t.unresolved && ++t.misses >= UNRESOLVED_MISSES) {
        this.tracking.terminate(
          t,
          'rejected',
          this.s.o.clock.now(),
          venueMessage('GET /v2/orders:by_client_order_id', `order '${t.appCid}' not found at Alpaca after an ambiguous submission and ${t.misses} lookups; it was never accepted`, 'client_order_id'),
        );
      }
      return;
    }
    const endpoint = `GET /v2/orders/${t.venueOrderId}`;
    const id = t.venueOrderId;
    const o = this.s.parseRest(OrderPayload, await this.s.rest(endpoint, () => this.s.sdk.orders.getOrderByOrderID({ orderId: id }), 'order_id'), endpoint);
    await this.tracking.applySnapshot(t, o);
  }
}

function localProblem(r: VenueOrderRequest): { what: string; field: string } | null {
  if (!r.clientOrderId || r.clientOrderId.length > 128) return { what: 'client order id must be 1..128 characters', field: 'client_order_id' };
  if (REPLACE_SUFFIX.test(r.clientOrderId)) return { what: "client order ids ending in '~r<n>' are reserved for replacements", field: 'client_order_id' };
  if (!r.symbol) return { what: 'symbol is required', field: 'symbol' };
  if (!(Number.isFinite(r.qty) && r.qty > 0)) return { what: `qty ${String(r.qty)} must be a positive number`, field: 'qty' };
  if (r.type === 'limit' && !(r.limitPrice !== undefined && Number.isFinite(r.limitPrice) && r.limitPrice > 0)) {
    return { what: `limit order needs a positive limitPrice, got ${String(r.limitPrice)}`, field: 'limit_price' };
  }
  if (r.type !== 'limit' && r.type !== 'market') return { what: `unsupported order type ${String(r.type)}`, field: 'type' };
  return null;
}
