// Watches every open order until it is final. A limit order (or its unfilled
// remainder) still working past its timeout is re-priced at a marketable limit
// (cancel/replace through the OMS, which runs the risk checks again) or
// canceled, per the config's `execution.monitor`; after `maxReplaces` re-prices
// a further timeout cancels it. An order whose outcome is unknown (pending new,
// pending cancel, or a submission the venue is still resolving) is never
// re-sent or replaced: it is looked up at the venue through the reconciler
// (the OMS's lookup-before-resend rule) and alerted once. Driven by quotes, not
// timers, so a replay acts at the same moments.
import type { Instrument, Order, Quote } from '../../shared/domain.js';
import { marketableLimit } from './marketable.js';
import type { OrderMonitorSettings } from './settings.js';
import { isOpen } from './order-state.js';

/** How the monitor may re-price a child of an execution algorithm. */
export interface ChildPolicy {
  /** The parent's limit: a re-price never goes past it. */
  cap?: number;
  /** The child must stay at its price (an iceberg's visible part). */
  fixed?: boolean;
}

export interface OrderMonitorDeps {
  openOrders(symbol: string): Order[];
  replace(clientOrderId: string, changes: { limitPrice: number }): { requested: boolean; reason: string };
  cancel(clientOrderId: string): { requested: boolean; reason: string };
  now(): number;
  quote(symbol: string): Quote | undefined;
  instrument(symbol: string): Instrument | undefined;
  settings(): OrderMonitorSettings;
  /** Set for a child of a working algorithm; undefined for any other order. */
  childPolicy(order: Order): ChildPolicy | undefined;
  /** The venue is still establishing this submission's outcome. */
  isResolving(clientOrderId: string): boolean;
  /** Ask the venue about one order (reconciliation's lookup). */
  lookup(clientOrderId: string): void;
  alert(code: string, message: string, key: string): void;
}

interface Watch {
  /** When the order was sent or last re-priced / worked. */
  since: number;
  replaces: number;
  asked: boolean;
}

export class OrderMonitor {
  private readonly watched = new Map<string, Watch>();
  replaced = 0;
  canceled = 0;
  lookups = 0;

  constructor(private readonly d: OrderMonitorDeps) {}

  /** Checks the open orders of a symbol (on each of its quotes). */
  onQuote(symbol: string): void {
    // indexed: a for-of made an iterator on every quote, most of them over an empty list
    const open = this.d.openOrders(symbol);
    for (let i = 0; i < open.length; i++) this.check(open[i]!);
  }

  /** Forgets an order once it is final. */
  onOrder(o: Order): void {
    if (!isOpen(o.status)) this.watched.delete(o.clientOrderId);
  }

  /** What the monitor knows of an order (tests, diagnostics). */
  state(clientOrderId: string): Readonly<Watch> | undefined {
    return this.watched.get(clientOrderId);
  }

  check(o: Order): void {
    const d = this.d;
    const s = d.settings();
    const now = d.now();
    let w = this.watched.get(o.clientOrderId);
    if (!w) this.watched.set(o.clientOrderId, (w = { since: o.createdAt, replaces: 0, asked: false }));
    if (o.status === 'pending_new' || o.status === 'pending_cancel' || d.isResolving(o.clientOrderId)) {
      // outcome unknown: never re-sent; the venue is asked once it has been unknown too long
      if (!w.asked && now - o.updatedAt >= s.unknownOutcomeMs) {
        w.asked = true;
        this.lookups++;
        d.alert('ORDER_OUTCOME_UNKNOWN', `order ${o.clientOrderId} has been ${o.status} for ${Math.round((now - o.updatedAt) / 1000)} s: looking it up at the venue (not re-sent)`, `mon:unknown:${o.clientOrderId}`);
        d.lookup(o.clientOrderId);
      }
      return;
    }
    if (o.type !== 'limit' || (o.status !== 'accepted' && o.status !== 'partially_filled')) return;
    const policy = d.childPolicy(o);
    if (policy?.fixed) return;
    if (!policy && (s.scope === 'algo' || (s.scope === 'manual-and-algo' && o.source !== 'manual'))) return;
    if (s.onTimeout === 'none' || now - w.since < s.limitTimeoutMs) return;
    w.since = now;
    const left = o.qty - o.filledQty;
    if (s.onTimeout === 'cancel' || w.replaces >= s.maxReplaces) {
      if (d.cancel(o.clientOrderId).requested) this.canceled++;
      d.alert('ORDER_TIMEOUT', `order ${o.clientOrderId}: ${left} of ${o.qty} unfilled after its timeout; canceled`, `mon:cancel:${o.clientOrderId}`);
      return;
    }
    const inst = d.instrument(o.symbol);
    const px = inst && marketableLimit(o.side, d.quote(o.symbol), s.marketableBps, inst.tickSize, policy?.cap);
    if (px === undefined || px === o.limitPrice) return; // no quote, or already as marketable as allowed: try again later
    const r = d.replace(o.clientOrderId, { limitPrice: px });
    if (r.requested) {
      w.replaces++;
      this.replaced++;
      d.alert('ORDER_TIMEOUT', `order ${o.clientOrderId}: ${left} of ${o.qty} unfilled after its timeout; re-priced ${o.limitPrice} -> ${px} (marketable)`, `mon:replace:${o.clientOrderId}`);
    } else {
      if (d.cancel(o.clientOrderId).requested) this.canceled++;
      d.alert('ORDER_TIMEOUT', `order ${o.clientOrderId}: re-price refused (${r.reason}); canceled`, `mon:cancel:${o.clientOrderId}`);
    }
  }
}
