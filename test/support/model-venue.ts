// A model venue for property tests of reconciliation: it keeps the truth
// (orders, executions with venue ids, positions) and a stream whose delivery
// the test controls step by step - events queue until delivered, an outage
// loses them (as Alpaca's trade_updates does), any delivered or lost event can
// be replayed late, and scripted steps can run while a REST read is in flight.
// Two flavours: `listsExecutions` (ccxt-like: getFills lists every execution)
// or cumulative-only (Alpaca-like: getOrder's filled quantity is all there is).
// Orders can be modified (by the app, or by another client: `amend`); a
// 'replaced' event is never replayed late, since the adapters drop events of a
// replaced (retired) venue order.
import type { Bar, Instrument } from '../../src/shared/domain.js';
import type {
  Venue,
  VenueAccount,
  VenueFill,
  VenueListener,
  VenueOpenOrder,
  VenueOrderRequest,
  VenueOrderState,
  VenueOrderUpdate,
  VenuePosition,
} from '../../src/engine/venues/venue.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

export const MODEL_INSTRUMENT: Instrument = {
  symbol: 'X',
  name: 'Model',
  assetClass: 'crypto',
  sector: 'Crypto',
  tickSize: 0.01,
  lotSize: 1,
  minNotional: 1,
  shortable: true,
  calendar: '24x7',
};

interface ModelOrder {
  req: VenueOrderRequest;
  venueOrderId: string;
  status: VenueOrderState['status'];
  filled: number;
  notional: number;
  executions: VenueFill[];
}

type StreamEvent = { kind: 'update'; u: VenueOrderUpdate } | { kind: 'fill'; f: VenueFill };

const replayable = (e: StreamEvent): boolean => e.kind === 'fill' || e.u.kind !== 'replaced';

export class ModelVenue implements Venue {
  readonly id = 'model';
  listener: VenueListener | undefined;
  readonly orders = new Map<string, ModelOrder>();
  /** Events produced and not yet delivered (lost on an outage). */
  queue: StreamEvent[] = [];
  /** Every event ever produced, for late replays. */
  readonly history: StreamEvent[] = [];
  /** Events an outage lost. */
  readonly lost: StreamEvent[] = [];
  down = false;
  private seq = 0;
  /** Steps to run while the next REST read is in flight (a slow read). */
  duringNextRead: Array<() => void> = [];

  constructor(readonly listsExecutions: boolean, private readonly now: () => number) {}

  async connect(listener: VenueListener): Promise<void> {
    this.listener = listener;
    // an engine (re)started while the stream is down connects to nothing: it hears so, and of the reconnect later
    if (this.down) {
      listener.onConnection('disconnected', 'model stream down');
      return;
    }
    listener.onQuote({ symbol: 'X', ts: this.now(), bid: 99.9, ask: 100.1, bidSize: 1_000, askSize: 1_000 });
  }
  async disconnect(): Promise<void> {}
  async instruments(): Promise<Instrument[]> {
    return [MODEL_INSTRUMENT];
  }
  async getBars(): Promise<Bar[]> {
    return [];
  }
  isMarketOpen(): boolean {
    return true;
  }

  // ---- what the test drives -------------------------------------------------

  private produce(e: StreamEvent): void {
    this.history.push(e);
    if (!this.down) this.queue.push(e);
    else this.lost.push(e);
  }

  deliver(n: number): void {
    if (this.down) return;
    for (let i = 0; i < n && this.queue.length; i++) this.emit(this.queue.shift()!);
  }

  /**
   * Delivers the newest execution not yet delivered ahead of the events produced before it (executions listed out of
   * order, as an exchange's trade list may be; order updates keep their order, as on one stream). True when it
   * overtook an earlier event.
   */
  deliverNewestFill(): boolean {
    if (this.down) return false;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.kind !== 'fill') continue;
      this.emit(this.queue.splice(i, 1)[0]!);
      return i > 0;
    }
    return false;
  }

  /** Delivers an old event again, late: one an outage lost (`lost`), or any earlier one. */
  replay(index: number, lost = false): void {
    if (this.down) return; // nothing arrives on a stream that is down
    const pool = (lost ? this.lost : this.history).filter(replayable);
    if (pool.length) this.emit(pool[index % pool.length]!);
  }

  outage(): void {
    if (this.down) return;
    this.down = true;
    this.lost.push(...this.queue);
    this.queue = [];
    this.listener?.onConnection('disconnected', 'model stream lost');
  }

  reconnect(): void {
    if (!this.down) return;
    this.down = false;
    this.listener?.onConnection('connected');
  }

  /** The venue executes `fraction` of what is left of an open order. */
  execute(index: number, fraction: number, price: number): void {
    const open = [...this.orders.values()].filter((o) => o.status === 'accepted' || o.status === 'partially_filled');
    if (!open.length) return;
    const o = open[index % open.length]!;
    const left = o.req.qty - o.filled;
    const qty = Math.max(1, Math.floor(left * fraction));
    o.filled += qty;
    o.notional += qty * price;
    o.status = o.filled >= o.req.qty ? 'filled' : 'partially_filled';
    const f: VenueFill = { clientOrderId: o.req.clientOrderId, fillId: `exec-${++this.seq}`, symbol: o.req.symbol, side: o.req.side, qty, price, fee: 0, ts: this.now(), cumQty: o.filled, leavesQty: o.req.qty - o.filled };
    o.executions.push(f);
    this.produce({ kind: 'fill', f });
  }

  /** Another client (the broker's web page) changes an open order's quantity: at least one more than filled. */
  amend(index: number, extra: number): boolean {
    const open = [...this.orders.values()].filter((o) => o.status === 'accepted' || o.status === 'partially_filled');
    if (!open.length) return false;
    this.setQty(open[index % open.length]!, Math.floor(open[index % open.length]!.filled) + Math.max(1, extra));
    return true;
  }

  private setQty(o: ModelOrder, qty: number): void {
    o.req.qty = qty;
    this.produce({ kind: 'update', u: { kind: 'replaced', clientOrderId: o.req.clientOrderId, qty, ts: this.now() } });
  }

  /** The venue cancels an open order on its own (end of day, another client). */
  venueCancel(index: number): void {
    const open = [...this.orders.values()].filter((o) => o.status === 'accepted' || o.status === 'partially_filled');
    if (!open.length) return;
    const o = open[index % open.length]!;
    o.status = 'canceled';
    this.produce({ kind: 'update', u: { kind: 'canceled', clientOrderId: o.req.clientOrderId, reason: 'venue', ts: this.now() } });
  }

  position(): number {
    let q = 0;
    for (const o of this.orders.values()) q += (o.req.side === 'buy' ? 1 : -1) * o.filled;
    return q;
  }

  private emit(e: StreamEvent): void {
    if (e.kind === 'fill') this.listener?.onFill({ ...e.f });
    else this.listener?.onOrderUpdate({ ...e.u });
  }

  private async read(): Promise<void> {
    await nextTurn();
    const steps = this.duringNextRead;
    this.duringNextRead = [];
    for (const s of steps) s();
  }

  // ---- the Venue interface ------------------------------------------------------

  async submitOrder(request: VenueOrderRequest): Promise<void> {
    const o: ModelOrder = { req: { ...request }, venueOrderId: `v-${++this.seq}`, status: 'accepted', filled: 0, notional: 0, executions: [] };
    this.orders.set(request.clientOrderId, o);
    this.produce({ kind: 'update', u: { kind: 'accepted', clientOrderId: request.clientOrderId, venueOrderId: o.venueOrderId, ts: this.now() } });
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    const o = this.orders.get(clientOrderId);
    if (!o || (o.status !== 'accepted' && o.status !== 'partially_filled')) {
      this.produce({ kind: 'update', u: { kind: 'cancel_rejected', clientOrderId, reason: 'not open', ts: this.now() } });
      return;
    }
    o.status = 'canceled';
    this.produce({ kind: 'update', u: { kind: 'canceled', clientOrderId, reason: 'on request', ts: this.now() } });
  }

  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    const o = this.orders.get(clientOrderId);
    if (!o || (o.status !== 'accepted' && o.status !== 'partially_filled') || changes.qty === undefined || !(changes.qty > o.filled)) {
      this.produce({ kind: 'update', u: { kind: 'cancel_rejected', clientOrderId, reason: 'replace refused', ts: this.now() } });
      return;
    }
    this.setQty(o, changes.qty);
  }

  async getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    await this.read();
    const o = this.orders.get(clientOrderId);
    if (!o) return undefined;
    return { ...o.req, venueOrderId: o.venueOrderId, filledQty: o.filled, status: o.status, avgFillPrice: o.filled ? o.notional / o.filled : 0 };
  }

  getFills?: (clientOrderId: string) => Promise<VenueFill[]> = async (clientOrderId) => {
    await this.read();
    return (this.orders.get(clientOrderId)?.executions ?? []).map((f) => ({ ...f }));
  };

  async getAccount(): Promise<VenueAccount> {
    return { cash: 1e6, equity: 1e6, buyingPower: 1e6 };
  }

  async getPositions(): Promise<VenuePosition[]> {
    await this.read();
    const q = this.position();
    return q ? [{ symbol: 'X', qty: q, avgPrice: 100 }] : [];
  }

  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    return [...this.orders.values()]
      .filter((o) => o.status === 'accepted' || o.status === 'partially_filled')
      .map((o) => ({ ...o.req, venueOrderId: o.venueOrderId, filledQty: o.filled }));
  }

  /** Cumulative-only flavour: no execution list. */
  static cumulativeOnly(now: () => number): ModelVenue {
    const v = new ModelVenue(false, now);
    v.getFills = undefined;
    return v;
  }
}
