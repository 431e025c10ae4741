// Reconciliation with the venue: the one authority that applies what the live
// stream missed. It runs at start, after every reconnect, and for single orders
// the OMS flags (a fill for an order held final here, or one past its quantity
// here; a submission whose outcome was unknown). Venues only report facts
// (getOrder, getFills, getOpenOrders, getPositions); this module decides and
// applies them as journaled inputs.
//
// - Serialized: one pass at a time; a pass requested during another runs after
//   it. While a pass runs, live venue events are held by the engine and applied
//   after it (see `busy`), so a missed fill and its late stream event are seen
//   in a fixed order and counted once.
// - Orders first: each order open here is read by client order id. Missing
//   executions are applied from the venue's own executions where it lists them;
//   a venue that gives only the cumulative filled quantity gets ONE inferred
//   fill (the difference at the implied average price), whose span of the
//   cumulative quantity the OMS matches against real executions arriving later.
//   An order becomes canceled only when the venue says canceled.
// - Positions last: what still differs after the orders agree (the newest
//   orders of that symbol held filled here read too: one may be larger at the
//   venue), and stays put across a second read, is adopted and shown as a
//   difference.
// - The gate: while a difference is unacknowledged (or a pass is running),
//   RESUME stops at REDUCING. A venue answer that contradicts itself is refused,
//   named in an alert, and puts trading in REDUCING until the operator looks.
import type { EventTopic } from '../shared/api/contract.js';
import type { Order } from '../shared/domain.js';
import type { AlertLog } from './core/alerts.js';
import type { OrderManager } from './execution/oms.js';
import { isOpen } from './execution/order-state.js';
import type { JournalKind } from './journal/records.js';
import type { Portfolio } from './portfolio/portfolio.js';
import type { RiskEngine } from './risk/risk-engine.js';
import type { Venue, VenueFill, VenueOrderState, VenueOrderUpdate } from './venues/venue.js';

const EPS = 1e-9;
/** Position reads before a difference that keeps moving is reported without adopting it. */
const POSITION_ROUNDS = 3;
/** Orders held filled here read (newest first) for a position difference, at most, in one pass. */
const MAX_FILLED_READS = 20;

export type ReconcileTrigger = 'start' | 'reconnect' | 'order';

export interface ReconciliationDifference {
  id: string;
  kind: 'order' | 'position' | 'fill';
  symbol: string;
  detail: string;
  acknowledged: boolean;
}

export interface Reconciliation {
  state: 'none' | 'running' | 'complete' | 'differences' | 'failed';
  trigger: ReconcileTrigger;
  startedAt: number;
  differences: ReconciliationDifference[];
  error?: string;
}

export interface ReconcilerDeps {
  venue: Venue;
  oms: OrderManager;
  portfolio: Portfolio;
  risk: RiskEngine;
  alerts: AlertLog;
  now: () => number;
  /** Journals an input and delivers it on the engine's bus at once (never held). */
  apply(kind: JournalKind, topic: 'venueOrderUpdate' | 'venueFill', message: VenueOrderUpdate | VenueFill): void;
  /** Applies the live venue events held while a pass ran, in arrival order. */
  flush(): void;
  record(kind: JournalKind, payload: unknown): void;
  touch(topic: EventTopic): void;
  referencePrice(symbol: string): number | undefined;
}

/** A venue answer that contradicts itself or us: refused, named, and trading goes REDUCING. */
class Contradiction extends Error {}

export class Reconciler {
  view: Reconciliation = { state: 'none', trigger: 'start', startedAt: 0, differences: [] };
  private reducingForReconcile = false;
  private current: Promise<void> | undefined;
  private queued: ReconcileTrigger | undefined;
  private readonly flagged = new Set<string>();
  private applied = 0;
  /** Start of the last full pass: orders closed since are read in the next one. */
  private lastFullPass = -Infinity;
  /** Start of the full pass before the running one (orders filled since may be read for a position difference). */
  private previousFullPass = -Infinity;
  /** Orders held final here that this pass reads anyway. */
  private recheck = new Set<string>();
  /** Symbols with a fill the venue counts but does not list yet: their positions are not adopted. */
  private readonly gaps = new Set<string>();

  constructor(private readonly d: ReconcilerDeps) {}

  /** True while a pass runs: the engine holds live venue events until it ends. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Runs a pass now, or after the one running (passes never overlap). */
  run(trigger: ReconcileTrigger): Promise<void> {
    if (this.current) {
      if (trigger !== 'order' || this.queued === undefined) this.queued = trigger;
      return this.current;
    }
    const loop = async (): Promise<void> => {
      let next: ReconcileTrigger | undefined = trigger;
      while (next) {
        this.queued = undefined;
        try {
          await this.pass(next);
        } finally {
          this.d.flush();
        }
        next = this.queued;
      }
    };
    this.current = loop().finally(() => {
      this.current = undefined;
      this.d.flush();
    });
    return this.current;
  }

  /** Resolves when no pass is running (never rejects). */
  settled(): Promise<void> {
    return (this.current ?? Promise.resolve()).catch(() => undefined);
  }

  /** Asks the venue about one order (a fill for an order held final, an unknown submission outcome). */
  checkOrder(clientOrderId: string): Promise<void> {
    this.flagged.add(clientOrderId);
    return this.run('order');
  }

  /** Why RESUME must stop at REDUCING now, or undefined when it may go ACTIVE. */
  gate(): string | undefined {
    if (this.busy) return 'reconciliation with the venue is running';
    if (this.view.state === 'failed') return `the last reconciliation failed (${this.view.error ?? 'unknown error'})`;
    const open = this.view.differences.filter((x) => !x.acknowledged).length;
    return open ? `${open} reconciliation difference(s) not yet acknowledged` : undefined;
  }

  /** RESUME went to REDUCING for the gate: the last acknowledgement (or a clean pass) makes it ACTIVE. */
  holdUntilAcknowledged(): void {
    this.reducingForReconcile = true;
  }

  /** The operator acknowledges one difference; when all are, trading resumes if reconciliation paused it. */
  acknowledge(id: string): boolean {
    const d = this.view.differences.find((x) => x.id === id);
    if (!d || d.acknowledged) return false;
    d.acknowledged = true;
    this.d.record('reconcile', { acknowledged: d.detail, actor: 'operator' });
    if (this.view.differences.every((x) => x.acknowledged)) {
      this.view.state = 'complete';
      if (this.reducingForReconcile && this.d.risk.tradingState === 'REDUCING') {
        this.d.risk.setState('ACTIVE', 'reconcile', 'every reconciliation difference acknowledged by the operator');
      }
      this.reducingForReconcile = false;
    }
    return true;
  }

  // ---- one pass ------------------------------------------------------------------

  private async pass(trigger: ReconcileTrigger): Promise<void> {
    const v = this.d.venue;
    const full = trigger !== 'order';
    const setReducing = full && this.d.risk.tradingState === 'ACTIVE' && this.d.risk.setState('REDUCING', 'reconcile', `reconciling with ${v.id} (${trigger})`);
    if (setReducing) this.reducingForReconcile = true;
    // differences of an earlier pass stay until acknowledged; an order check adds to them
    const kept = this.view.differences.filter((x) => !x.acknowledged);
    this.view = { state: 'running', trigger, startedAt: this.d.now(), differences: full ? [] : kept };
    const before = this.view.differences.length;
    this.applied = 0;
    this.gaps.clear();
    // orders closed since the last full pass are read too: their final message may have overtaken fills lost in an outage
    const closed = full ? this.d.oms.closedSince(this.lastFullPass) : [];
    if (full) {
      this.previousFullPass = this.lastFullPass;
      this.lastFullPass = this.d.now();
    }
    const ids = full ? [...new Set([...this.d.oms.openOrders().map((o) => o.clientOrderId), ...this.d.oms.ordersWithParkedFills(), ...closed, ...this.flagged])] : [...this.flagged];
    this.recheck = new Set(closed);
    for (const id of ids) this.flagged.delete(id);
    try {
      for (const id of ids) {
        try {
          await this.reconcileOrder(id);
        } catch (e) {
          this.unreadable(id, e as Error);
        }
      }
      if (full) {
        await this.adoptExternalOrders();
        await this.reconcilePositions();
      }
      this.view.state = this.view.differences.length ? 'differences' : 'complete';
    } catch (e) {
      this.view.state = 'failed';
      this.view.error = (e as Error).message;
      this.d.alerts.raise('critical', 'RECONCILE_FAILED', `reconciliation with ${v.id} failed: ${(e as Error).message}; trading stays ${this.d.risk.tradingState}`, 'reconcile');
      return;
    }
    const diffs = this.view.differences;
    const added = diffs.slice(full ? 0 : before);
    if (!full && added.length === 0 && this.applied === 0) return;
    this.d.record('reconcile', { trigger, appliedFromVenue: this.applied, differences: added.map((x) => x.detail) });
    this.d.touch('positions');
    this.d.touch('account');
    if (added.length) {
      this.d.alerts.raise('critical', 'RECONCILE_DIFF', `reconciliation with ${v.id} found ${added.length} difference(s): ${added.map((x) => x.detail).join('; ')}; acknowledge each to resume`, 'reconcile');
      if (this.d.risk.tradingState === 'ACTIVE') {
        this.d.risk.setState('REDUCING', 'reconcile', `${added.length} reconciliation difference(s) to acknowledge`);
        this.reducingForReconcile = true;
      }
    } else if (full) {
      this.d.alerts.raise('info', 'RECONCILED', `reconciled with ${v.id} (${trigger}): ${this.applied} missed event(s) applied, orders and positions match`, 'reconcile');
      if (this.reducingForReconcile && this.d.risk.tradingState === 'REDUCING') this.d.risk.setState('ACTIVE', 'reconcile', 'reconciliation complete');
      this.reducingForReconcile = false;
    }
  }

  private diff(kind: ReconciliationDifference['kind'], symbol: string, detail: string): void {
    const diffs = this.view.differences;
    diffs.push({ id: `${kind}:${symbol}:${this.d.now()}:${diffs.length + 1}`, kind, symbol, detail, acknowledged: false });
  }

  /** An order the venue could not (or would not validly) tell us about: a difference; its position is not adopted meanwhile. */
  private unreadable(clientOrderId: string, e: Error): void {
    const o = this.d.oms.get(clientOrderId);
    const symbol = o?.symbol ?? '?';
    this.gaps.add(symbol);
    this.flagged.add(clientOrderId);
    const msg = `order ${clientOrderId} (${symbol}) could not be verified at ${this.d.venue.id}: ${e.message}; nothing applied for it, position ${symbol} not adopted`;
    this.d.alerts.raise('critical', 'RECONCILE_ORDER_UNREADABLE', msg, 'reconcile', `unreadable:${clientOrderId}`);
    this.diff('order', symbol, msg);
  }

  private contradiction(o: Order, field: string, detail: string): void {
    const msg = `${this.d.venue.id} contradicts itself on order ${o.clientOrderId} (${o.symbol}), field ${field}: ${detail}; refused, nothing applied`;
    this.d.alerts.raise('critical', 'VENUE_CONTRADICTION', msg, 'reconcile', `contra:${o.clientOrderId}:${field}`);
    this.diff('order', o.symbol, msg);
  }

  private update(u: VenueOrderUpdate): void {
    this.d.apply('input.venue_update', 'venueOrderUpdate', u);
    this.applied++;
  }

  private fill(f: VenueFill): void {
    this.d.apply('input.venue_fill', 'venueFill', f);
    this.applied++;
  }

  /** Brings one order up to the venue's facts; returns true when anything was applied. */
  private async reconcileOrder(clientOrderId: string): Promise<boolean> {
    const v = this.d.venue;
    const o = this.d.oms.get(clientOrderId);
    if (!o) return false;
    const start = this.applied;
    const wasFinal = isOpen(o.status) ? undefined : o.status;
    const filledBefore = o.filledQty;
    const parked = this.d.oms.parkedFills(clientOrderId);
    if (!isOpen(o.status) && parked.length === 0 && !this.recheck.has(clientOrderId)) return false;
    if (v.isResolving?.(clientOrderId)) return false; // the venue is still establishing the submission
    if (this.d.oms.awaitingJournal(clientOrderId)) return false; // not sent yet: waiting for its journal record to be durable
    if (!v.getOrder) {
      this.diff('order', o.symbol, `order ${clientOrderId} cannot be verified: ${v.id} cannot look orders up`);
      return false;
    }
    const vs = await v.getOrder(clientOrderId);
    const ts = this.d.now();
    if (!vs) {
      if (o.status === 'pending_new' || (o.status === 'pending_cancel' && !o.venueOrderId)) {
        this.update({ kind: 'rejected', clientOrderId, code: 'INVALID_ORDER', reason: `never reached ${v.id} (lookup by client order id: not found)`, ts });
      } else {
        this.contradiction(o, 'clientOrderId', `${o.status} here, but ${v.id} has no order with that client order id`);
      }
      return this.applied > start;
    }
    try {
      this.validate(o, vs);
    } catch (e) {
      if (e instanceof Contradiction) {
        this.contradiction(o, e.message.split(':')[0]!, e.message.slice(e.message.indexOf(':') + 1).trim());
        return false;
      }
      throw e;
    }
    if (o.status === 'pending_new' && vs.status !== 'pending_new' && vs.status !== 'rejected') {
      this.update({ kind: 'accepted', clientOrderId, venueOrderId: vs.venueOrderId, ts });
    }
    this.adoptTerms(o, vs, ts);
    await this.applyMissingFills(o, vs, parked);
    const after = this.d.oms.get(clientOrderId)!;
    if (isOpen(after.status)) {
      if (vs.status === 'canceled') this.update({ kind: 'canceled', clientOrderId, reason: `canceled at ${v.id} (found by reconciliation)`, ts });
      else if (vs.status === 'expired') this.update({ kind: 'expired', clientOrderId, ts });
      else if (vs.status === 'rejected') this.update({ kind: 'rejected', clientOrderId, code: 'INVALID_ORDER', reason: `rejected at ${v.id} (found by reconciliation)`, ts });
    } else if (vs.status === 'accepted' || vs.status === 'partially_filled' || vs.status === 'pending_new') {
      this.contradiction(after, 'status', `${after.status} here but still open at ${v.id}`);
    }
    const final = this.d.oms.get(clientOrderId)!;
    if (wasFinal && final.filledQty > filledBefore + EPS) {
      this.diff('fill', o.symbol, `order ${clientOrderId} was ${wasFinal} here but ${vs.status} at ${v.id} with ${vs.filledQty} filled; ${final.filledQty - filledBefore} applied, now ${final.status}`);
    }
    if (vs.status === 'filled' && final.status !== 'filled') {
      this.diff('fill', o.symbol, `order ${clientOrderId} is filled at ${v.id} but ${final.filledQty} of ${final.qty} is known here`);
    }
    return this.applied > start;
  }

  /**
   * An open order whose quantity or limit differs at the venue (a modify whose
   * confirmation was missed, or one made outside the app) takes the venue's
   * terms before any fill is applied, so exposure and risk see what is working;
   * so does an order held filled here that the venue has larger.
   */
  private adoptTerms(o: Order, vs: VenueOrderState, ts: number): void {
    // an order held filled here that is larger at the venue (the replace's event lost) takes its quantity too: it opens again
    if (!isOpen(o.status) && !(o.status === 'filled' && vs.qty > o.qty + EPS)) return;
    const limitDiffers = vs.limitPrice !== undefined && o.limitPrice !== undefined && Math.abs(vs.limitPrice - o.limitPrice) > EPS;
    if (Math.abs(vs.qty - o.qty) <= EPS && !limitDiffers) return;
    const asked = this.d.oms.pendingModify(o.clientOrderId);
    if (asked && Math.abs(asked.qty - vs.qty) <= EPS && (asked.limitPrice === undefined || vs.limitPrice === undefined || Math.abs(asked.limitPrice - vs.limitPrice) <= EPS)) {
      // our own modify, done at the venue: its confirmation was missed or is still on its way
      this.update({ kind: 'replaced', clientOrderId: o.clientOrderId, qty: vs.qty, ...(vs.limitPrice !== undefined ? { limitPrice: vs.limitPrice } : {}), ts });
      return;
    }
    const terms = (qty: number, limit: number | undefined) => `${qty}${limit === undefined ? '' : ` @ ${limit}`}`;
    const detail = `order ${o.clientOrderId} was ${terms(o.qty, o.limitPrice)} here but is ${terms(vs.qty, vs.limitPrice)} at ${this.d.venue.id} (modified without a confirmation seen here); the venue's terms applied`;
    this.update({ kind: 'replaced', clientOrderId: o.clientOrderId, qty: vs.qty, ...(vs.limitPrice !== undefined ? { limitPrice: vs.limitPrice } : {}), ts });
    this.diff('order', o.symbol, detail);
  }

  private validate(o: Order, vs: VenueOrderState): void {
    const bad = (field: string, what: string) => new Contradiction(`${field}: ${what}`);
    if (!Number.isFinite(vs.filledQty) || vs.filledQty < 0) throw bad('filledQty', `${vs.filledQty} is not a quantity`);
    if (vs.filledQty > vs.qty + EPS) throw bad('filledQty', `${vs.filledQty} is above the order's quantity ${vs.qty}`);
    if (vs.filledQty > EPS && !(vs.avgFillPrice > 0 && Number.isFinite(vs.avgFillPrice))) throw bad('avgFillPrice', `${vs.avgFillPrice} with ${vs.filledQty} filled`);
    if (vs.symbol !== o.symbol) throw bad('symbol', `${vs.symbol}, not ${o.symbol}`);
    if (vs.side !== o.side) throw bad('side', `${vs.side}, not ${o.side}`);
    if (vs.filledQty < o.filledQty - EPS) throw bad('filledQty', `${vs.filledQty} at the venue, below the ${o.filledQty} already filled here`);
  }

  /**
   * The venue's cumulative filled quantity is the truth. What is missing here is
   * applied from real executions (held ones first, then the venue's list), and
   * the rest as one inferred fill at the implied average price.
   */
  private async applyMissingFills(o: Order, vs: VenueOrderState, parked: VenueFill[]): Promise<void> {
    const cid = o.clientOrderId;
    const missing = () => vs.filledQty - this.d.oms.get(cid)!.filledQty;
    if (missing() <= EPS) {
      for (const f of parked) this.d.record('fill.covered', { fillId: f.fillId, clientOrderId: cid, qty: f.qty, reason: `already counted: ${vs.filledQty} filled at ${this.d.venue.id}` });
      this.d.oms.coverParked(cid);
      return;
    }
    const listed = this.d.venue.getFills ? await this.d.venue.getFills(cid) : [];
    const seen = new Set<string>();
    for (const f of [...parked, ...listed]) {
      if (seen.has(f.fillId) || this.d.oms.hasFill(f.fillId)) continue;
      seen.add(f.fillId);
      if (f.clientOrderId !== cid || !(f.qty > 0) || !(f.price > 0) || !Number.isFinite(f.price) || f.qty > missing() + EPS) continue;
      this.fill({ ...f, confirmed: true });
      if (missing() <= EPS) break;
    }
    // a held fill left unapplied (more than the venue's count lacks, or not the venue's): journaled and shown, never silently lost
    for (const f of parked) {
      if (this.d.oms.hasFill(f.fillId)) continue;
      const why = `held fill ${f.fillId} (${f.qty} @ ${f.price}) for order ${cid} not applied: ${vs.filledQty} filled at ${this.d.venue.id} leaves ${Number(Math.max(0, missing()).toFixed(12))} missing here; the venue's count is the truth`;
      this.d.record('fill.dropped', { fillId: f.fillId, clientOrderId: cid, qty: f.qty, price: f.price, venueFilledQty: vs.filledQty, reason: why });
      this.d.alerts.raise('warning', 'HELD_FILL_NOT_APPLIED', why, 'reconcile', `held-drop:${f.fillId}`);
    }
    const rest = missing();
    this.d.oms.dropParked(cid);
    if (rest <= EPS) return;
    if (this.d.venue.getFills) {
      // the venue lists executions but not these yet: never guess on top of a list that may still grow
      this.gaps.add(o.symbol);
      this.flagged.add(cid);
      this.diff('fill', o.symbol, `order ${cid}: ${vs.filledQty} filled at ${this.d.venue.id}, but its executions account for only ${vs.filledQty - rest}; waiting for the rest (position ${o.symbol} not adopted meanwhile)`);
      return;
    }
    const cur = this.d.oms.get(cid)!;
    const implied = (vs.filledQty * vs.avgFillPrice - cur.filledQty * cur.avgFillPrice) / rest;
    const price = Number.isFinite(implied) && implied > 0 ? Number(implied.toFixed(8)) : vs.avgFillPrice;
    this.fill({
      clientOrderId: cid,
      fillId: `${cid}:inferred:${vs.filledQty}`,
      symbol: o.symbol,
      side: o.side,
      qty: Number(rest.toFixed(12)),
      price,
      fee: 0,
      ts: this.d.now(),
      cumQty: vs.filledQty,
      leavesQty: Math.max(0, vs.qty - vs.filledQty),
      inferred: true,
      confirmed: true,
    });
  }

  /** Orders open at the venue that were never sent from here: adopted as 'external'. */
  private async adoptExternalOrders(): Promise<void> {
    const v = this.d.venue;
    for (const vo of await v.getOpenOrders()) {
      if (this.d.oms.get(vo.clientOrderId) || v.isResolving?.(vo.clientOrderId)) continue;
      const now = this.d.now();
      const order: Order = {
        clientOrderId: vo.clientOrderId,
        venueOrderId: vo.venueOrderId,
        symbol: vo.symbol,
        side: vo.side,
        type: vo.type,
        qty: vo.qty,
        limitPrice: vo.limitPrice,
        timeInForce: vo.timeInForce,
        status: vo.filledQty > 0 ? 'partially_filled' : 'accepted',
        filledQty: vo.filledQty,
        avgFillPrice: 0,
        source: 'external',
        reason: `found open at ${v.id}: placed outside Tradedesk`,
        createdAt: now,
        updatedAt: now,
      };
      this.d.record('input.adopt_order', order);
      this.d.oms.adopt(order);
      this.diff('order', vo.symbol, `external order ${vo.clientOrderId} (${vo.side} ${vo.qty}) adopted`);
    }
  }

  /**
   * Positions, after the orders agree. A difference is adopted only when a
   * re-read of the open orders shows nothing moved since the positions were
   * read: a fill that lands between the two reads is applied as a fill, never
   * also as an adoption.
   */
  private async reconcilePositions(): Promise<void> {
    const v = this.d.venue;
    const readFilled = new Set<string>();
    for (let round = 0; round < POSITION_ROUNDS; round++) {
      const venuePos = new Map((await v.getPositions()).map((p) => [p.symbol, p]));
      const symbols = new Set([...venuePos.keys(), ...this.d.portfolio.positions().map((p) => p.symbol)]);
      const differing = [...symbols].filter((s) => Math.abs(this.d.portfolio.qty(s) - (venuePos.get(s)?.qty ?? 0)) > EPS);
      if (differing.length === 0) return;
      let moved = false;
      for (const o of this.d.oms.openOrders()) if (await this.reconcileOrder(o.clientOrderId)) moved = true;
      if (!moved) {
        // an order of these symbols held filled here may be larger at the venue (its replace lost with the stream):
        // the newest of those filled since the last full pass are read once before any difference is adopted
        for (const id of this.d.oms.filledSince(this.previousFullPass, new Set(differing))) {
          if (readFilled.has(id)) continue;
          if (readFilled.size >= MAX_FILLED_READS) break;
          readFilled.add(id);
          this.recheck.add(id);
          if (await this.reconcileOrder(id)) moved = true;
        }
      }
      if (moved && round < POSITION_ROUNDS - 1) continue;
      if (moved) {
        for (const s of differing) this.diff('position', s, `position ${s} still moving at ${v.id} after ${POSITION_ROUNDS} reads; not adopted, will be checked again`);
        return;
      }
      for (const s of differing) {
        if (this.gaps.has(s)) continue;
        const ours = this.d.portfolio.qty(s);
        const vp = venuePos.get(s);
        const theirs = vp?.qty ?? 0;
        const price = vp?.avgPrice || this.d.referencePrice(s) || this.d.portfolio.positions().find((p) => p.symbol === s)?.markPrice || 0;
        this.d.record('input.adjust_position', { symbol: s, qty: theirs, price });
        this.d.portfolio.adjust(s, theirs, price);
        this.diff('position', s, `position ${s}: ${ours} here, ${theirs} at ${v.id}; adopted the venue's (made outside Tradedesk)`);
      }
      return;
    }
  }
}
