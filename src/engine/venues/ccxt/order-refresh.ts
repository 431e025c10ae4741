// ccxt order refresh: the exchange's REST API is the source of truth for order
// state, so a stream event or a timer brings an order up to date from it -
// missing fills first (the order's trades), then its terminal state, so every
// fill is emitted before the cancel that follows it. reconcileAll is the
// periodic pass over every order not settled yet, including submissions whose
// outcome is unknown (looked up each pass). This keeps this venue's own events
// complete; the engine's Reconciler still owns applying what was missed.
import { malformed, parseOrder, type ParsedOrder } from './payload.js';
import type { CcxtLookup } from './lookup.js';
import type { CcxtOrderTracking } from './order-tracking.js';
import { EPS, MINUTE, round12, type CcxtState } from './state.js';
import type { OrderRec } from './types.js';

export class CcxtOrderRefresh {
  private reconcileAllRunning: Promise<void> | undefined;

  constructor(
    private readonly s: CcxtState,
    private readonly tracking: CcxtOrderTracking,
    private readonly lookup: CcxtLookup,
  ) {}

  scheduleReconcile(rec: OrderRec): void {
    void this.reconcileOrder(rec).catch(() => undefined);
  }

  /** Brings one order up to date from the REST API: missing fills first, then its terminal state. */
  reconcileOrder(rec: OrderRec): Promise<void> {
    if (rec.reconciling) {
      rec.reconcileAgain = true;
      return rec.reconciling;
    }
    const run = async (): Promise<void> => {
      do {
        rec.reconcileAgain = false;
        await this.reconcileOnce(rec);
      } while (rec.reconcileAgain && this.s.running);
    };
    rec.reconciling = run()
      .catch((e: unknown) => this.s.noteError(this.s.toVenueError(e, 'reconcile')))
      .finally(() => {
        rec.reconciling = undefined;
      });
    return rec.reconciling;
  }

  private async reconcileOnce(rec: OrderRec): Promise<void> {
    if (!rec.venueOrderId || (rec.terminal && !rec.cancelRequested)) return;
    this.s.counters.reconciles++;
    const id = rec.venueOrderId;
    const raw = await this.s.call('fetchOrder', () => this.s.ex.fetchOrder(id, rec.symbol), { attempts: 2 });
    const o = this.lookup.checkOwn(parseOrder(raw, this.s.ctx('fetchOrder')), rec, 'fetchOrder');
    this.tracking.noteExternalChange(rec, o);
    if (o.filled > rec.cumQty + EPS) await this.catchUpFills(rec, o);
    if (rec.terminal && rec.cumQty >= rec.qty - EPS) return; // filled
    const ts = this.s.clock.now();
    switch (o.status) {
      case 'open':
        return;
      case 'closed':
        if (rec.cumQty >= rec.qty - EPS) {
          rec.terminal = true;
          return;
        }
        if (o.filled > rec.cumQty + EPS) return; // fills still missing: keep reconciling
        rec.terminal = true;
        this.s.emitUpdate({ kind: 'canceled', clientOrderId: rec.clientOrderId, reason: `done at the venue with ${rec.cumQty} of ${rec.qty} filled`, ts });
        return;
      case 'canceled': {
        if (o.filled > rec.cumQty + EPS) return;
        rec.terminal = true;
        const requested = rec.cancelRequested;
        rec.cancelRequested = false;
        if (!requested) this.s.counters.externalChanges++;
        this.s.emitUpdate({
          kind: 'canceled',
          clientOrderId: rec.clientOrderId,
          reason: requested ? 'canceled on request' : `canceled outside the app (at ${this.s.exchangeId})`,
          ts,
        });
        return;
      }
      case 'expired':
        rec.terminal = true;
        this.s.emitUpdate({ kind: 'expired', clientOrderId: rec.clientOrderId, ts });
        return;
      case 'rejected':
        rec.terminal = true;
        this.s.emitUpdate({ kind: 'rejected', clientOrderId: rec.clientOrderId, code: 'INVALID_ORDER', reason: `${this.s.exchangeId}: order rejected after acknowledgement`, ts });
        return;
    }
  }

  private async catchUpFills(rec: OrderRec, o: ParsedOrder): Promise<void> {
    const id = rec.venueOrderId!;
    let source: string | undefined;
    let raw: unknown;
    if (this.s.ex.has.fetchOrderTrades) {
      source = 'fetchOrderTrades';
      raw = await this.s.call(source, () => this.s.ex.fetchOrderTrades(id, rec.symbol), { attempts: 2 });
    } else if (this.s.ex.has.fetchMyTrades) {
      source = 'fetchMyTrades';
      raw = await this.s.call(source, () => this.s.ex.fetchMyTrades(rec.symbol, rec.createdAt - 10 * MINUTE), { attempts: 2 });
    }
    if (source && Array.isArray(raw)) {
      for (const t of raw) this.tracking.ingestTrade(t, source);
    } else if (source) {
      this.s.noteError(this.s.countMalformed(malformed(this.s.ctx(source), 'trades', raw, 'an array')));
    }
    if (o.filled > rec.cumQty + EPS && source === 'fetchOrderTrades' && this.s.ex.has.fetchMyTrades) {
      // some exchanges' order-trades endpoint wants an id ccxt does not hold (HitBTC: ccxt's
      // order id is the client order id): the account's recent trades tell the same
      const mine = await this.s.call('fetchMyTrades', () => this.s.ex.fetchMyTrades(rec.symbol, rec.createdAt - 10 * MINUTE), { attempts: 2 });
      if (Array.isArray(mine)) for (const t of mine) this.tracking.ingestTrade(t, 'fetchMyTrades');
    }
    if (o.filled <= rec.cumQty + EPS) return;
    if (source) {
      // the exchange says more was filled than its trades show: wait for valid trades
      this.s.counters.fillGaps++;
      return;
    }
    // no trade endpoint at all: the order's own totals are all there is
    const qty = round12(o.filled - rec.cumQty);
    const price = o.average ?? o.price;
    if (price === undefined) return;
    this.tracking.applyTrade(rec, {
      id: `${id}-cum-${o.filled}`,
      orderId: id,
      symbol: rec.symbol,
      side: rec.side,
      amount: qty,
      price,
      feeCost: 0,
      feeCurrency: undefined,
      timestamp: this.s.clock.now(),
    }, 'fetchOrder (order totals)');
  }

  /**
   * REST pass over every order not settled yet: orders whose outcome is
   * unknown are looked up first (adopted when found, rejected when proven
   * never created), then the account's trades and open orders are compared
   * with every live order. A failing request skips only its own symbol; the
   * first error is rethrown once every symbol has been tried.
   */
  reconcileAll(): Promise<void> {
    if (this.reconcileAllRunning) return this.reconcileAllRunning;
    this.reconcileAllRunning = this.reconcileAllOnce().finally(() => {
      this.reconcileAllRunning = undefined;
    });
    return this.reconcileAllRunning;
  }

  private async reconcileAllOnce(): Promise<void> {
    let firstError: unknown;
    for (const r of [...this.s.orders.values()].filter((x) => x.unresolved !== undefined)) {
      try {
        await this.resolve(r);
      } catch (e) {
        firstError ??= e;
      }
    }
    const live = [...this.s.orders.values()].filter((r) => r.venueOrderId && (!r.terminal || r.cancelRequested));
    // trades of orders still in flight are buffered until their order is known
    const pending = [...this.s.orders.values()].filter((r) => !r.venueOrderId && !r.terminal);
    const symbols = [...new Set([...live, ...pending].map((r) => r.symbol))];
    for (const symbol of symbols) {
      try {
        await this.reconcileSymbol(
          symbol,
          live.filter((r) => r.symbol === symbol),
          pending.filter((r) => r.symbol === symbol),
        );
      } catch (e) {
        firstError ??= e;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  private async reconcileSymbol(symbol: string, mine: OrderRec[], pending: OrderRec[]): Promise<void> {
    const all = [...mine, ...pending];
    if (all.length && this.s.ex.has.fetchMyTrades) {
      const since = Math.min(...all.map((r) => r.createdAt)) - 10 * MINUTE;
      const raw = await this.s.call('fetchMyTrades', () => this.s.ex.fetchMyTrades(symbol, since), { attempts: 2 });
      if (Array.isArray(raw)) for (const t of raw) this.tracking.ingestTrade(t, 'fetchMyTrades');
      else this.s.noteError(this.s.countMalformed(malformed(this.s.ctx('fetchMyTrades'), 'trades', raw, 'an array')));
    }
    if (!mine.length) return;
    if (!this.s.ex.has.fetchOpenOrders) {
      for (const r of mine) await this.reconcileOrder(r);
      return;
    }
    const open = this.s.orderList(await this.s.call('fetchOpenOrders', () => this.s.ex.fetchOpenOrders(symbol), { attempts: 2 }), 'fetchOpenOrders');
    const byId = new Map(open.map((o) => [o.id, o]));
    for (const r of mine) {
      const o = byId.get(r.venueOrderId!);
      if (o && !r.cancelRequested) {
        this.tracking.noteExternalChange(r, o);
        if (o.filled > r.cumQty + EPS) await this.reconcileOrder(r);
      } else {
        await this.reconcileOrder(r);
      }
    }
    for (const o of open) {
      const r = this.s.byVenueId.get(o.id) ?? (o.clientOrderId ? this.s.byExClientId.get(o.clientOrderId) : undefined);
      if (!r) this.tracking.foreign(`order:${o.id}`);
    }
  }

  /** One lookup of an order whose outcome is unknown: adopted when found, rejected when proven never created, else left pending. */
  async resolve(rec: OrderRec): Promise<void> {
    if (rec.unresolved === undefined || rec.terminal || rec.venueOrderId) return;
    const found = await this.lookup.lookup(rec);
    if (rec.unresolved === undefined || rec.terminal || rec.venueOrderId) return;
    if (found.kind === 'found') {
      this.s.counters.adoptedAfterLookup++;
      this.tracking.adopt(rec, found.order);
    } else if (found.kind === 'absent') {
      this.tracking.neverCreated(rec, rec.sendError);
    } else {
      throw found.error;
    }
  }
}
