// The order management system: creates orders with deterministic client order
// ids, puts each through the risk engine before it may leave, sends approved
// ones to the venue, and applies the venue's acks, rejects, cancels and fills
// through the order state machine. Late, duplicate or impossible venue
// messages are refused and reported; they never corrupt an order.
//
// Every execution is applied exactly once: by its fillId, and an inferred fill
// (reconciliation's stand-in for executions missed during an outage) covers the
// span of the order's cumulative quantity it stood for, so a real execution
// that arrives later inside that span is recognized and not applied again. A fill for an order
// held in a final state is parked and reported (FILL_ON_FINAL_ORDER) so the
// reconciler asks the venue; it is applied only when the venue confirms it.
import type { Fill, Order, OrderSide, OrderStatus, OrderType, TimeInForce } from '../../shared/domain.js';
import type { ClientOrderIds } from '../core/ids.js';
import type { RiskDecision, RiskEngine, RiskView } from '../risk/risk-engine.js';
import type { Venue, VenueFill, VenueOrderUpdate } from '../venues/venue.js';
import { subtractSpan, type OrderSpans, type Span } from './fill-spans.js';
import { canTransition, isOpen } from './order-state.js';

/** The open quantity of a symbol with no open order (shared, never changed). */
const NO_OPEN: { readonly buy: number; readonly sell: number } = Object.freeze({ buy: 0, sell: 0 });

export interface NewOrder {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  limitPrice?: number;
  timeInForce: TimeInForce;
  /** Strategy id, 'manual' or 'system'. */
  source: string;
  /** Why the order exists. */
  reason: string;
  /** What the decision was based on (strategy signals, features), journaled with it. */
  provenance?: Provenance;
  /** A verified flattening order (allowed while HALTED if it only reduces exposure). */
  flatten?: boolean;
  /** A child of an execution algorithm: its parent order's client order id. */
  parentId?: string;
}

/** One strategy's part in a decision. The optional fields come from the ensemble. */
export interface ProvenanceSignal {
  strategy: string;
  /** Its signal's score in [-1, 1]. */
  score: number;
  /** Its normalized weight in the vote. */
  weight: number;
  confidence?: number;
  horizonBars?: number;
  /** Bars since the signal was computed. */
  ageBars?: number;
  reasons?: string[];
  /** Configured base weight, learned weight (null without learning) and the learning influence in force. */
  baseWeight?: number;
  learnedWeight?: number | null;
  influence?: number;
  /** The debate's multiplier on its weight. */
  debateMultiplier?: number;
  scores?: { alpha: number; regimeFit: number; diversification: number; drawdown: number; total: number; judged: number };
}

export interface Provenance {
  strategy: string;
  /** Each contributing strategy's signal: score in [-1, 1] and weight. */
  signals: ProvenanceSignal[];
  /** Feature values the decision used. */
  features: Record<string, number>;
  regime: string | null;
  regimeReady?: boolean;
  /** The trading mode the regime switched to, and its size multiplier. */
  mode?: string;
  sizeMultiplier?: number;
  /** The debate's arguments. */
  debate?: Array<{ strategy: string; stance: 'support' | 'attack'; rule: string; text: string }>;
  /** Normalized vote weights and the learning influence per strategy. */
  weights?: Record<string, number>;
  influence?: Record<string, number>;
  /** The net vote and the target it became. */
  net?: number;
  target?: { fraction: number; qty: number; current: number; volScale: number; notes: string[] };
}

/** How one venue fill was taken: applied (possibly in part) or recognized as already counted. */
export interface FillOutcome {
  applied: number;
  /** Quantity recognized as already counted by an earlier inferred fill. */
  covered: number;
}

export interface OmsEvents {
  /**
   * After the risk ruling, before the order changes state or leaves: the decision point. The order is the OMS's own
   * record, as it stands now: a listener that keeps it past the call copies what it needs (the decision record does).
   */
  checked(order: Order, decision: RiskDecision, provenance: Provenance | undefined): void;
  order(order: Order): void;
  /**
   * An approved modify, before it leaves: journaled durably (the order's own record changes only when the venue
   * confirms), so the write-ahead gate holds it, and its decision, until they are on disk.
   */
  modifying?(order: Order, changes: { qty: number; limitPrice?: number }, decisionId: string): void;
  fill(fill: Fill, order: Order): void;
  denied(order: Order, decision: RiskDecision): void;
  problem(code: string, message: string): void;
  /** A real execution recognized as already counted by an inferred fill (journaled, not applied again). */
  covered?(fill: VenueFill, qty: number): void;
  /** A fill arrived for an order held in a final state: the reconciler should ask the venue. */
  needsReconcile?(clientOrderId: string): void;
}

export interface OmsDeps {
  venue: Venue;
  risk: RiskEngine;
  ids: ClientOrderIds;
  now: () => number;
  /**
   * The write-ahead gate (the journal's `whenDurable`): undefined when every
   * durable record journaled so far is on disk, else a promise of when it is.
   * Nothing is sent to the venue before it resolves; absent = always on disk.
   */
  writeAhead?: () => Promise<void> | undefined;
  /** What the risk engine reads; the OMS fills in the open-order parts. */
  view: Omit<RiskView, 'openQty' | 'openOrderNotional'>;
  events: OmsEvents;
}

const MAX_CLOSED_KEPT = 2_000;
/** The key under which a cancel-all waiting for the journal is counted (no order has it as a client order id). */
const CANCEL_ALL = ' cancel-all';

/** A new order (status 'new') from a request: the one shape of an order before its risk ruling (OMS orders and algorithm parents). */
export function newOrderRecord(clientOrderId: string, req: Omit<NewOrder, 'provenance' | 'flatten'>, now: number): Order {
  // two literals, not `...(parentId ? { parentId } : {})`: a spread in a literal is a slow path in V8 (every order)
  const { symbol, side, type, qty, limitPrice, timeInForce, source, reason, parentId } = req;
  return parentId === undefined
    ? { clientOrderId, symbol, side, type, qty, limitPrice, timeInForce, status: 'new', filledQty: 0, avgFillPrice: 0, source, reason, createdAt: now, updatedAt: now }
    : { clientOrderId, symbol, side, type, qty, limitPrice, timeInForce, status: 'new', filledQty: 0, avgFillPrice: 0, source, reason, createdAt: now, updatedAt: now, parentId };
}

export class OrderManager {
  private readonly orders = new Map<string, Order>();
  private readonly open = new Set<string>();
  /** The open orders' ids per symbol, in the order of `open` (every quote asks for a symbol's open orders). */
  private readonly openIds = new Map<string, Set<string>>();
  private readonly closed: string[] = [];
  private readonly seenFills = new Set<string>();
  /** Per order: spans (from, to] of cumulative quantity applied by inferred fills and not yet matched by real executions. */
  private readonly inferredSpans = new Map<string, Span[]>();
  /** Per order: spans (from, to] of cumulative quantity real executions were counted for (an inferred fill stands for the rest). */
  private readonly realSpans = new Map<string, Span[]>();
  /** Per order in a final state: fills waiting for the venue's confirmation. */
  private readonly parked = new Map<string, VenueFill[]>();
  /** Remaining open quantity per symbol and side, and the notional of all of it: running sums (a symbol's entry stays, at zero, for its next order). */
  private readonly openBySymbol = new Map<string, { buy: number; sell: number }>();
  private openNotionalSum = 0;
  /** Sends per order waiting for the journal's durable commit (the write-ahead gate). */
  private readonly gated = new Map<string, number>();
  /** Modifies sent (or waiting for the journal) and not yet confirmed by a 'replaced' update: the terms asked for. */
  private readonly modifying = new Map<string, { qty: number; limitPrice?: number }>();
  private readonly riskView: RiskView;
  submitted = 0;
  denied = 0;
  modifies = 0;
  fills = 0;

  constructor(private readonly deps: OmsDeps) {
    this.riskView = {
      ...deps.view,
      openQty: (symbol) => this.openQty(symbol),
      openOrderNotional: () => this.openNotionalSum,
    };
  }

  /** The risk engine's view of the account, including open orders. */
  get view(): RiskView {
    return this.riskView;
  }

  /** Creates an order, runs the risk checks and, if approved, sends it. */
  submit(req: NewOrder): { order: Order; decision: RiskDecision } {
    const now = this.deps.now();
    const order = newOrderRecord(this.deps.ids.next(req.source), req, now);
    this.orders.set(order.clientOrderId, order);
    const intent = { symbol: req.symbol, side: req.side, qty: req.qty, limitPrice: req.limitPrice, source: req.source, flatten: req.flatten };
    const decision = this.deps.risk.check(intent, this.riskView);
    this.deps.events.checked(order, decision, req.provenance);
    if (!decision.approved) {
      this.denied++;
      this.transition(order, 'denied', { reason: `denied: ${decision.reason}` });
      this.deps.events.denied(order, decision);
      return { order, decision };
    }
    this.submitted++;
    this.deps.risk.recordApproved(intent);
    this.transition(order, 'pending_new');
    this.afterJournal(
      order.clientOrderId,
      () => this.send(order),
      (e) => {
        this.deps.events.problem('JOURNAL_FAILED', `order ${order.clientOrderId} not sent: its record could not be made durable (${e.message})`);
        this.onVenueUpdate({ kind: 'rejected', clientOrderId: order.clientOrderId, code: 'INVALID_ORDER', reason: `not sent: journal commit failed (${e.message})`, ts: this.deps.now() });
      },
    );
    return { order, decision };
  }

  /** Hands an approved order (journaled pending_new) to the venue. */
  private send(order: Order): void {
    this.deps.venue
      .submitOrder({
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        qty: order.qty,
        limitPrice: order.limitPrice,
        timeInForce: order.timeInForce,
      })
      .catch((e: unknown) => {
        // venues throw only when the order provably never reached them; one that
        // says otherwise (ambiguous) stays pending until reconciliation finds it
        if ((e as { ambiguous?: unknown }).ambiguous === true) {
          this.deps.events.problem('SUBMIT_UNRESOLVED', `submission of ${order.clientOrderId} has an unknown outcome (${(e as Error).message}); kept pending until the venue answers`);
          this.deps.events.needsReconcile?.(order.clientOrderId);
          return;
        }
        this.onVenueUpdate({
          kind: 'rejected',
          clientOrderId: order.clientOrderId,
          code: 'INVALID_ORDER',
          reason: `venue error: ${(e as Error).message}`,
          ts: this.deps.now(),
        });
      });
  }

  /**
   * Runs `send` once every durable record journaled so far is on disk: at once
   * (synchronously) when it already is, else after the journal's durable commit;
   * if that commit fails nothing is sent and `failed` is told. While it waits the
   * order counts as in flight (`awaitingJournal`), so reconciliation leaves it alone.
   */
  private afterJournal(clientOrderId: string, send: () => void, failed: (e: Error) => void): void {
    const gate = this.deps.writeAhead?.();
    if (!gate) return send();
    this.gated.set(clientOrderId, (this.gated.get(clientOrderId) ?? 0) + 1);
    const done = (): void => {
      const n = (this.gated.get(clientOrderId) ?? 1) - 1;
      if (n > 0) this.gated.set(clientOrderId, n);
      else this.gated.delete(clientOrderId);
    };
    gate.then(
      () => {
        done();
        this.guarded(send);
      },
      (e: unknown) => {
        done();
        this.guarded(() => failed(e instanceof Error ? e : new Error(String(e))));
      },
    );
  }

  /** A deferred send or its failure report: an exception is reported, never left to the event loop. */
  private guarded(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.deps.events.problem('SEND_FAILED', `deferred venue call failed: ${(e as Error).message}`);
    }
  }

  /** True while a send for this order waits for its journal records to be durable. */
  awaitingJournal(clientOrderId: string): boolean {
    return this.gated.has(clientOrderId);
  }

  /**
   * Modifies an open order's quantity and/or limit price. The change passes the
   * same pre-trade checks as a new order (with this order's own open quantity
   * taken out of the sums, so it is not counted twice) before it is sent.
   */
  replace(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): { requested: boolean; reason: string; decision?: RiskDecision } {
    const order = this.orders.get(clientOrderId);
    if (!order) return { requested: false, reason: `unknown order ${clientOrderId}` };
    if (!isOpen(order.status) || order.status === 'pending_cancel') return { requested: false, reason: `order ${clientOrderId} is ${order.status}` };
    if (order.type !== 'limit' && changes.limitPrice !== undefined) return { requested: false, reason: 'a market order has no limit price to change' };
    const qty = changes.qty ?? order.qty;
    if (!(qty > order.filledQty)) return { requested: false, reason: `new quantity ${qty} must exceed the filled ${order.filledQty}` };
    const remaining = order.qty - order.filledQty;
    this.track(order, remaining, -1);
    let decision: RiskDecision;
    try {
      const intent = { symbol: order.symbol, side: order.side, qty: qty - order.filledQty, limitPrice: changes.limitPrice ?? order.limitPrice, source: order.source };
      decision = this.deps.risk.check(intent, this.riskView);
      // a modify is not a new order: rate and duplicate checks do not apply to it
      decision = { ...decision, checks: decision.checks.filter((c) => !['order_rate_second', 'order_rate_minute', 'duplicate_order'].includes(c.check)) };
      const failed = decision.checks.find((c) => !c.passed);
      decision = { ...decision, approved: !failed, reason: failed ? failed.message : 'approved' };
    } finally {
      this.track(order, remaining, 1);
    }
    this.modifies++;
    const decisionId = `${clientOrderId}:modify:${this.modifies}`;
    const limitPrice = changes.limitPrice ?? order.limitPrice;
    this.deps.events.checked({ ...order, clientOrderId: decisionId, qty, limitPrice, reason: `modify of ${clientOrderId}` }, decision, undefined);
    if (!decision.approved) {
      this.deps.events.problem('MODIFY_DENIED', `modify of ${clientOrderId} denied: ${decision.reason}`);
      return { requested: false, reason: `denied: ${decision.reason}`, decision };
    }
    const terms = { qty, ...(limitPrice !== undefined ? { limitPrice } : {}) };
    this.modifying.set(clientOrderId, terms);
    this.deps.events.modifying?.({ ...order }, terms, decisionId);
    this.afterJournal(
      clientOrderId,
      () =>
        void this.deps.venue.replaceOrder(clientOrderId, changes).catch((e: unknown) => {
          if (this.modifying.get(clientOrderId) === terms) this.modifying.delete(clientOrderId);
          this.deps.events.problem('REPLACE_FAILED', `modify of ${clientOrderId} failed: ${(e as Error).message}`);
        }),
      (e) => {
        if (this.modifying.get(clientOrderId) === terms) this.modifying.delete(clientOrderId);
        this.deps.events.problem('REPLACE_FAILED', `modify of ${clientOrderId} not sent: journal commit failed (${e.message})`);
      },
    );
    return { requested: true, reason: 'modify requested', decision };
  }

  /** Requests a cancel; cancels bypass the risk engine. Returns false if the order is not cancelable. */
  cancel(clientOrderId: string): { requested: boolean; reason: string } {
    const order = this.orders.get(clientOrderId);
    if (!order) return { requested: false, reason: `unknown order ${clientOrderId}` };
    if (!isOpen(order.status)) return { requested: false, reason: `order ${clientOrderId} is ${order.status}` };
    if (order.status !== 'pending_cancel') this.transition(order, 'pending_cancel');
    this.afterJournal(
      clientOrderId,
      () =>
        void this.deps.venue.cancelOrder(clientOrderId).catch((e: unknown) => {
          this.deps.events.problem('CANCEL_FAILED', `cancel of ${clientOrderId} failed: ${(e as Error).message}`);
        }),
      (e) => this.deps.events.problem('CANCEL_FAILED', `cancel of ${clientOrderId} not sent: journal commit failed (${e.message})`),
    );
    return { requested: true, reason: 'cancel requested' };
  }

  /**
   * KILL's cancels: the venue's cancel-all first where it has one, per-order
   * cancels otherwise or when it fails (the kill loop re-sends per-order cancels
   * for whatever is still open, then verifies).
   */
  cancelMany(clientOrderIds: string[], useCancelAll: boolean): void {
    const v = this.deps.venue;
    if (!useCancelAll || !v.cancelAll) {
      for (const id of clientOrderIds) this.cancel(id);
      return;
    }
    const ids = clientOrderIds.filter((id) => {
      const o = this.orders.get(id);
      if (!o || !isOpen(o.status)) return false;
      if (o.status !== 'pending_cancel') this.transition(o, 'pending_cancel');
      return true;
    });
    const cancelAll = v.cancelAll.bind(v);
    this.afterJournal(
      CANCEL_ALL,
      () =>
        void cancelAll().catch((e: unknown) => {
          this.deps.events.problem('CANCEL_ALL_FAILED', `cancel-all at ${v.id} failed (${(e as Error).message}); canceling order by order`);
          for (const id of ids) this.cancel(id);
        }),
      (e) => this.deps.events.problem('CANCEL_ALL_FAILED', `cancel-all at ${v.id} not sent: journal commit failed (${e.message})`),
    );
  }

  onVenueUpdate(u: VenueOrderUpdate): void {
    const order = this.orders.get(u.clientOrderId);
    if (!order) {
      this.deps.events.problem('UNKNOWN_ORDER', `venue update '${u.kind}' for unknown order ${u.clientOrderId} ignored`);
      return;
    }
    switch (u.kind) {
      case 'accepted':
        order.venueOrderId = u.venueOrderId;
        // a fill may overtake its ack; then the ack carries nothing new
        if (order.status === 'pending_new') this.transition(order, 'accepted');
        else if (order.status !== 'pending_cancel') this.emit(order);
        return;
      case 'rejected':
        this.transition(order, 'rejected', { reason: `rejected by venue: ${u.reason}` });
        return;
      case 'canceled':
        this.transition(order, 'canceled', { reason: order.reason.startsWith('canceled') ? order.reason : `${order.reason}; canceled: ${u.reason}` });
        return;
      case 'expired':
        this.transition(order, 'expired');
        return;
      case 'replaced':
        this.modifying.delete(order.clientOrderId);
        if (isOpen(order.status)) this.track(order, u.qty - order.qty, 1);
        order.qty = u.qty;
        if (u.limitPrice !== undefined) order.limitPrice = u.limitPrice;
        order.updatedAt = u.ts;
        // cut down to what has filled, the order is done
        if (isOpen(order.status) && order.filledQty > 0 && order.filledQty >= order.qty - 1e-9) this.transition(order, 'filled');
        else if (order.status === 'filled' && order.filledQty < order.qty - 1e-9) this.reopen(order, u.qty);
        else this.emit(order);
        return;
      case 'cancel_rejected': {
        if (order.status === 'pending_cancel') {
          this.transition(order, order.filledQty > 0 ? 'partially_filled' : order.venueOrderId ? 'accepted' : 'pending_new');
        } else {
          // the adapters report a refused modify this way too: it is no longer in flight
          this.modifying.delete(order.clientOrderId);
        }
        this.deps.events.problem('CANCEL_REJECTED', `cancel of ${order.clientOrderId} refused by venue: ${u.reason}`);
        return;
      }
    }
  }

  /**
   * Applies one venue fill, exactly once. `f.confirmed` is set by
   * reconciliation after the venue confirmed the fill; only then may it land on
   * an order held in a final state (correcting it to filled if it completes it).
   */
  onVenueFill(f: VenueFill): FillOutcome {
    const confirmed = f.confirmed === true;
    const none = { applied: 0, covered: 0 };
    if (this.seenFills.has(f.fillId)) {
      this.deps.events.problem('DUPLICATE_FILL', `duplicate fill ${f.fillId} for ${f.clientOrderId} ignored`);
      return none;
    }
    const order = this.orders.get(f.clientOrderId);
    if (!order) {
      this.deps.events.problem('UNKNOWN_ORDER', `fill ${f.fillId} for unknown order ${f.clientOrderId} ignored`);
      return none;
    }
    if (!(f.qty > 0) || !(f.price > 0) || !Number.isFinite(f.qty) || !Number.isFinite(f.price)) {
      this.deps.events.problem('BAD_FILL', `fill ${f.fillId} for order ${f.clientOrderId}: field ${!(f.qty > 0) || !Number.isFinite(f.qty) ? `qty ${f.qty}` : `price ${f.price}`} is invalid; refused`);
      return none;
    }
    // a real execution inside a span an inferred fill already stands for
    if (!f.inferred && this.inferredSpans.has(order.clientOrderId) && Number.isFinite(f.cumQty)) {
      const covered = this.takeCovered(order.clientOrderId, f.cumQty - f.qty, f.cumQty);
      if (covered > 1e-12) {
        this.seenFills.add(f.fillId);
        this.addSpan(this.realSpans, order.clientOrderId, f.cumQty - f.qty, f.cumQty);
        this.deps.events.covered?.(f, covered);
        if (f.qty - covered <= 1e-9) return { applied: 0, covered };
        const rest = { ...f, qty: Number((f.qty - covered).toFixed(12)) };
        return { applied: this.applyFill(order, rest, confirmed), covered };
      }
    }
    if (!isOpen(order.status) && !confirmed) {
      this.park(order, f, 'FILL_ON_FINAL_ORDER', `fill ${f.fillId} (${f.qty} @ ${f.price}) for order ${f.clientOrderId}, which is ${order.status} here`);
      return none;
    }
    if (!confirmed && order.filledQty + f.qty > order.qty + 1e-9) {
      // more than the order's quantity here: the venue may have raised it (a replace not seen yet), or sent one too many
      this.park(order, f, 'OVERFILL', `fill ${f.fillId} for order ${order.clientOrderId}: field qty ${f.qty} would take it past its quantity ${order.qty} (filled ${order.filledQty})`);
      return none;
    }
    return { applied: this.applyFill(order, f, confirmed), covered: 0 };
  }

  /** Holds a fill the order cannot take as it stands here until reconciliation reads the order at the venue. */
  private park(order: Order, f: VenueFill, code: string, what: string): void {
    const list = this.parked.get(order.clientOrderId) ?? [];
    if (!list.some((x) => x.fillId === f.fillId)) list.push({ ...f });
    this.parked.set(order.clientOrderId, list);
    this.deps.events.problem(code, `${what}: held until the venue confirms it (reconciling)`);
    this.deps.events.needsReconcile?.(order.clientOrderId);
  }

  /** Fills held for an order in a final state until the venue confirms them. */
  parkedFills(clientOrderId: string): VenueFill[] {
    return (this.parked.get(clientOrderId) ?? []).filter((f) => !this.seenFills.has(f.fillId));
  }

  private addSpan(map: Map<string, Span[]>, clientOrderId: string, from: number, to: number): void {
    const spans = map.get(clientOrderId);
    if (spans) spans.push([from, to]);
    else map.set(clientOrderId, [[from, to]]);
  }

  /**
   * The spans of (0, cumQty] no execution was counted for: what an inferred fill
   * of `qty` stands for. They are not always its top end: an execution applied
   * earlier may have been a later one (its stream event overtook an earlier
   * execution's). When they do not add up to `qty`, the top end is taken.
   */
  private uncounted(clientOrderId: string, cumQty: number, qty: number): Array<[number, number]> {
    const taken = [...(this.realSpans.get(clientOrderId) ?? []), ...(this.inferredSpans.get(clientOrderId) ?? [])].sort((x, y) => x[0] - y[0]);
    const gaps: Array<[number, number]> = [];
    let at = 0;
    for (const [a, b] of taken) {
      if (a - at > 1e-12) gaps.push([at, Math.min(a, cumQty)]);
      at = Math.max(at, b);
      if (at >= cumQty) break;
    }
    if (cumQty - at > 1e-12) gaps.push([at, cumQty]);
    const found = gaps.filter(([a, b]) => b - a > 1e-12);
    const total = found.reduce((t, [a, b]) => t + b - a, 0);
    return Math.abs(total - qty) <= 1e-9 ? found : [[cumQty - qty, cumQty]];
  }

  /** Removes the overlap of (from, to] with the order's inferred spans; returns its size. */
  private takeCovered(clientOrderId: string, from: number, to: number): number {
    const { left, covered } = subtractSpan(this.inferredSpans.get(clientOrderId)!, from, to);
    if (left.length) this.inferredSpans.set(clientOrderId, left);
    else this.inferredSpans.delete(clientOrderId);
    return covered;
  }

  /** Orders that reached a final state (other than filled or denied) at or after `ts`, newest first. */
  closedSince(ts: number): string[] {
    return this.closedFrom(ts, (o) => o.status === 'canceled' || o.status === 'expired' || o.status === 'rejected');
  }

  /** Orders of these symbols held filled here, closed at or after `ts`, newest first. */
  filledSince(ts: number, symbols: ReadonlySet<string>): string[] {
    return this.closedFrom(ts, (o) => o.status === 'filled' && symbols.has(o.symbol));
  }

  private closedFrom(ts: number, keep: (o: Order) => boolean): string[] {
    const out: string[] = [];
    for (let i = this.closed.length - 1; i >= 0; i--) {
      const o = this.orders.get(this.closed[i]!);
      if (!o) continue;
      if (o.updatedAt < ts) break;
      if (keep(o)) out.push(o.clientOrderId);
    }
    return out;
  }

  /** Forgets held fills once reconciliation has settled the order. */
  dropParked(clientOrderId: string): void {
    this.parked.delete(clientOrderId);
  }

  /** Held fills the venue's count already includes: forgotten, and a later copy of one is a duplicate. */
  coverParked(clientOrderId: string): void {
    for (const f of this.parked.get(clientOrderId) ?? []) this.seenFills.add(f.fillId);
    this.parked.delete(clientOrderId);
  }

  /** Orders in a final state with fills waiting for the venue's confirmation. */
  ordersWithParkedFills(): string[] {
    return [...this.parked.keys()].filter((id) => this.parkedFills(id).length > 0);
  }

  private applyFill(order: Order, f: VenueFill, confirmed: boolean): number {
    if (order.filledQty + f.qty > order.qty + 1e-9) {
      this.deps.events.problem(
        'OVERFILL',
        `fill ${f.fillId} for order ${order.clientOrderId}: field qty ${f.qty} would take it past its quantity ${order.qty} (filled ${order.filledQty}); refused`,
      );
      return 0;
    }
    const to: OrderStatus = order.filledQty + f.qty >= order.qty - 1e-9 ? 'filled' : 'partially_filled';
    const final = !isOpen(order.status);
    if (!final && !canTransition(order.status, to)) {
      this.deps.events.problem('ILLEGAL_TRANSITION', `order ${order.clientOrderId}: fill in state ${order.status} refused`);
      return 0;
    }
    this.seenFills.add(f.fillId);
    const spans = f.inferred ? this.uncounted(order.clientOrderId, f.cumQty, f.qty) : undefined;
    const span: Span | undefined = !spans && Number.isFinite(f.cumQty) ? [f.cumQty - f.qty, f.cumQty] : undefined;
    if (spans) for (const [a, b] of spans) this.addSpan(this.inferredSpans, order.clientOrderId, a, b);
    else if (span) this.addSpan(this.realSpans, order.clientOrderId, span[0], span[1]);
    if (isOpen(order.status)) this.track(order, f.qty, -1);
    const newFilled = order.filledQty + f.qty;
    order.avgFillPrice = (order.avgFillPrice * order.filledQty + f.price * f.qty) / newFilled;
    order.filledQty = newFilled;
    this.fills++;
    const fill: Fill = {
      clientOrderId: f.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      ts: f.ts,
      fillId: f.fillId,
      ...(spans ? { inferred: true, spans } : span ? { span } : {}),
    };
    this.deps.events.fill(fill, order);
    if (!final) this.transition(order, to);
    else if (confirmed) {
      // the venue confirmed a fill on an order held final here: the venue is the truth
      if (to === 'filled' && order.status !== 'filled') this.correct(order, 'filled', `corrected by reconciliation: filled at the venue (was ${order.status} here)`);
      else this.emit(order);
    }
    return f.qty;
  }

  /**
   * An order held filled here that the venue replaced to a larger quantity:
   * the fills that completed it here arrived before the replace (a late or
   * out-of-order stream), so at the venue it is still working. It is open
   * again, its remainder counted as working exposure.
   */
  private reopen(order: Order, qty: number): void {
    const i = this.closed.lastIndexOf(order.clientOrderId);
    if (i >= 0) this.closed.splice(i, 1);
    order.status = 'partially_filled';
    order.updatedAt = this.deps.now();
    order.reason = `${order.reason}; reopened: replaced to ${qty} at the venue with ${order.filledQty} filled`;
    this.track(order, order.qty - order.filledQty, 1);
    this.addOpen(order);
    this.deps.events.problem('ORDER_REOPENED', `order ${order.clientOrderId} was filled here at ${order.filledQty}, but the venue replaced it to ${qty}: open again`);
    this.emit(order);
  }

  /** A final status the venue contradicts, set to the venue's (journaled like any order change). */
  private correct(order: Order, to: OrderStatus, reason: string): void {
    order.status = to;
    order.updatedAt = this.deps.now();
    order.reason = `${order.reason}; ${reason}`;
    this.emit(order);
  }

  /**
   * Restores orders, seen fill ids, the open orders' inferred spans not yet
   * matched by real executions and the spans real executions were counted for,
   * rebuilt from the journal (after a restart).
   */
  restore(orders: Order[], fillIds: Iterable<string>, inferredSpans: readonly OrderSpans[] = [], realSpans: readonly OrderSpans[] = []): void {
    for (const o of orders) {
      const copy = { ...o };
      this.orders.set(o.clientOrderId, copy);
      if (isOpen(o.status)) {
        this.addOpen(copy);
        this.track(copy, copy.qty - copy.filledQty, 1);
      } else this.closed.push(o.clientOrderId);
    }
    for (const id of fillIds) this.seenFills.add(id);
    for (const [into, list] of [[this.inferredSpans, inferredSpans], [this.realSpans, realSpans]] as const) {
      for (const { clientOrderId, spans } of list) if (spans.length && this.orders.has(clientOrderId)) into.set(clientOrderId, spans.map(([a, b]) => [a, b]));
    }
    this.trimClosed();
  }

  /** Takes over an order found open at the venue that this OMS never sent (tagged source 'external'). */
  adopt(o: Order): void {
    if (this.orders.has(o.clientOrderId)) return;
    const copy = { ...o, source: 'external' };
    this.orders.set(copy.clientOrderId, copy);
    this.addOpen(copy);
    this.track(copy, copy.qty - copy.filledQty, 1);
    this.emit(copy);
  }

  hasFill(fillId: string): boolean {
    return this.seenFills.has(fillId);
  }

  /** The terms of a modify of this order sent and not yet confirmed (undefined: none in flight). */
  pendingModify(clientOrderId: string): { qty: number; limitPrice?: number } | undefined {
    return this.modifying.get(clientOrderId);
  }

  get(clientOrderId: string): Order | undefined {
    return this.orders.get(clientOrderId);
  }

  openOrders(symbol?: string): Order[] {
    const out: Order[] = [];
    const ids = symbol ? this.openIds.get(symbol) : this.open;
    if (ids) for (const id of ids) out.push(this.orders.get(id)!);
    return out;
  }

  /** How many orders of a symbol are open (no list built). */
  openCountOf(symbol: string): number {
    return this.openIds.get(symbol)?.size ?? 0;
  }

  /** The open orders of a symbol sent by one source (a strategy's own), in the order of openOrders(symbol). */
  openOrdersFrom(symbol: string, source: string): Order[] {
    const out: Order[] = [];
    const ids = this.openIds.get(symbol);
    if (ids) {
      for (const id of ids) {
        const o = this.orders.get(id)!;
        if (o.source === source) out.push(o);
      }
    }
    return out;
  }

  private addOpen(o: Order): void {
    this.open.add(o.clientOrderId);
    let ids = this.openIds.get(o.symbol);
    if (!ids) this.openIds.set(o.symbol, (ids = new Set()));
    ids.add(o.clientOrderId);
  }

  private deleteOpen(o: Order): void {
    this.open.delete(o.clientOrderId);
    const ids = this.openIds.get(o.symbol);
    // an emptied set stays for the symbol's next order (dropping and rebuilding it was two Map writes an order)
    ids?.delete(o.clientOrderId);
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Remaining open quantity on a symbol, per side (a running sum, O(1)). */
  openQty(symbol: string): { buy: number; sell: number } {
    return this.openBySymbol.get(symbol) ?? NO_OPEN;
  }

  get openNotional(): number {
    return this.openNotionalSum;
  }

  /** Adds (sign 1) or removes (sign -1) `qty` of an open order from the running sums. */
  private track(o: Order, qty: number, sign: 1 | -1): void {
    let e = this.openBySymbol.get(o.symbol);
    if (!e) {
      e = { buy: 0, sell: 0 };
      this.openBySymbol.set(o.symbol, e);
    }
    const d = sign * qty;
    if (o.side === 'buy') e.buy = Math.max(0, e.buy + d);
    else e.sell = Math.max(0, e.sell + d);
    const px = o.limitPrice ?? this.deps.view.referencePrice(o.symbol) ?? o.avgFillPrice;
    this.openNotionalSum = Math.max(0, this.openNotionalSum + d * (px || 0));
  }

  /** Open orders first, then the most recently updated closed ones. */
  recent(limit: number): Order[] {
    const open = this.openOrders().sort((a, b) => b.updatedAt - a.updatedAt);
    const closed: Order[] = [];
    for (let i = this.closed.length - 1; i >= 0 && open.length + closed.length < limit; i--) {
      const o = this.orders.get(this.closed[i]!);
      if (o) closed.push(o);
    }
    return [...open, ...closed].slice(0, limit).map((o) => ({ ...o }));
  }

  private transition(order: Order, to: OrderStatus, patch: { reason?: string } = {}): void {
    if (!canTransition(order.status, to)) {
      this.deps.events.problem('ILLEGAL_TRANSITION', `order ${order.clientOrderId}: illegal transition ${order.status} -> ${to} refused`);
      return;
    }
    const wasOpen = isOpen(order.status);
    order.status = to;
    order.updatedAt = this.deps.now();
    if (patch.reason) order.reason = patch.reason;
    if (!wasOpen && isOpen(to)) this.track(order, order.qty - order.filledQty, 1);
    if (wasOpen && !isOpen(to)) this.track(order, order.qty - order.filledQty, -1);
    if (isOpen(to)) this.addOpen(order);
    else if (to !== 'new') {
      this.modifying.delete(order.clientOrderId);
      this.deleteOpen(order);
      this.closed.push(order.clientOrderId);
      this.trimClosed();
    }
    this.emit(order);
  }

  private emit(order: Order): void {
    this.deps.events.order({ ...order });
  }

  private trimClosed(): void {
    if (this.closed.length <= MAX_CLOSED_KEPT * 2) return;
    const drop = this.closed.splice(0, this.closed.length - MAX_CLOSED_KEPT);
    for (const id of drop) {
      this.orders.delete(id);
      this.realSpans.delete(id);
      this.inferredSpans.delete(id);
    }
  }
}
