// Execution algorithms: a parent order (TWAP, VWAP or iceberg) is an Order with
// `algo` set that never goes to a venue; it passes the pre-trade risk checks for
// its full quantity when accepted, then sends children (each an ordinary OMS
// order carrying `parentId`, each checked again by the risk engine) one at a
// time: TWAP/VWAP children as the schedule falls due, capped by the
// participation limit; iceberg children at the parent's limit, the next one
// when the visible one has filled. Cancel of the parent, HALT/KILL (any scope
// covering it), a denied or venue-refused child stop it: its open children are
// canceled and nothing more is sent. Start, every child and the finish (with
// its reason) are journaled as 'algo' records; after a restart an unfinished
// parent is ended cleanly (its open children canceled), not resumed. A TWAP /
// VWAP has a hard deadline: its duration plus `overrunMs`; still unfilled then,
// it stops like a canceled parent (the working child canceled, the remainder
// left unsent) and says so.
// Driven by quotes, bars and order events, never timers, so replay matches.
import type { Instrument, Order, OrderType, Quote, TradingState, TradingStateChange } from '../../../shared/domain.js';
import type { OrderIntent, RiskDecision } from '../../risk/risk-engine.js';
import { marketableLimit } from '../marketable.js';
import { newOrderRecord, type NewOrder, type Provenance } from '../oms.js';
import type { ChildPolicy } from '../order-monitor.js';
import { isOpen } from '../order-state.js';
import type { AlgoSettings } from '../settings.js';
import { displayQty, nextIcebergChild } from './iceberg.js';
import { childQty } from './slicer.js';
import { twapSchedule, type Slice } from './twap.js';
import { vwapSchedule } from './vwap.js';

export type AlgoKind = 'twap' | 'vwap' | 'iceberg';

/** What an order may ask of an algorithm (unset fields come from the settings). */
export interface AlgoRequest {
  kind: AlgoKind;
  durationMs?: number;
  sliceMs?: number;
  participationCap?: number;
  /** Iceberg: the visible quantity. */
  displayQty?: number;
}

/** An order to work with an algorithm: an OMS order request (never a flattening one) plus the algorithm. */
export interface ParentRequest extends Omit<NewOrder, 'flatten' | 'parentId'> {
  algo: AlgoRequest;
}

/** The journaled payload of an 'algo' record. */
export interface AlgoRecord {
  event: 'start' | 'child' | 'finish';
  parentId: string;
  /** The parent as it stands after the event. */
  order: Order;
  params?: Required<Omit<AlgoRequest, 'displayQty'>> & { displayQty?: number };
  childId?: string;
  childQty?: number;
  childLimit?: number | null;
  /** 'start' of a TWAP / VWAP: its hard deadline (ms since epoch). */
  deadline?: number;
  approved?: boolean;
  reason?: string;
}

export interface AlgoDeps {
  sessionId: string;
  now(): number;
  settings(): AlgoSettings;
  marketableBps(): number;
  instrument(symbol: string): Instrument | undefined;
  quote(symbol: string): Quote | undefined;
  /** The OMS: a child is an ordinary order (risk checks, journal, venue). */
  submit(req: NewOrder): { order: Order; decision: RiskDecision };
  cancel(clientOrderId: string): { requested: boolean; reason: string };
  get(clientOrderId: string): Order | undefined;
  /** The pre-trade checks for the parent's full quantity (nothing is recorded as sent). */
  check(intent: OrderIntent): RiskDecision;
  effectiveState(source: string, symbol: string): TradingState;
  /** The parent's decision (decision log and journal). */
  decided(parent: Order, decision: RiskDecision, provenance: Provenance | undefined): void;
  record(rec: AlgoRecord): void;
  /** The parent changed (decision log, UI). */
  changed(parent: Order): void;
  alert(level: 'info' | 'warning', code: string, message: string, key: string): void;
}

interface Parent {
  order: Order;
  kind: AlgoKind;
  params: NonNullable<AlgoRecord['params']>;
  schedule: Slice[];
  /** TWAP / VWAP: stopped when a tick finds it unfilled at or after this time (undefined: an iceberg, no deadline). */
  deadline: number | undefined;
  lot: number;
  children: string[];
  working: string | undefined;
  /** Children this algorithm asked to cancel (their cancel is no reason to stop). */
  ours: Set<string>;
  stopping: string | undefined;
}

const KEEP_FINISHED = 200;

/** Why an algorithm request cannot be worked, or undefined (names the field). */
export function algoProblem(req: { type: OrderType; limitPrice?: number; qty: number; algo: AlgoRequest }): string | undefined {
  if (req.algo.kind === 'iceberg' && (req.type !== 'limit' || req.limitPrice === undefined)) return "field 'algo.kind': an iceberg needs a limit order with a limitPrice";
  if (req.algo.displayQty !== undefined && req.algo.displayQty > req.qty) return `field 'algo.displayQty': ${req.algo.displayQty} exceeds the order quantity ${req.qty}`;
  if (req.algo.sliceMs !== undefined && req.algo.durationMs !== undefined && req.algo.sliceMs > req.algo.durationMs) return "field 'algo.sliceMs': longer than algo.durationMs";
  return undefined;
}

export class ExecutionAlgos {
  private readonly active = new Map<string, Parent>();
  private readonly finished: Order[] = [];
  private readonly lastVolume = new Map<string, number>();
  private seq = 0;
  children = 0;

  constructor(private readonly d: AlgoDeps) {}

  /** Accepts a parent (risk checks for its full quantity) and sends its first child if one is due. */
  submit(req: ParentRequest): { order: Order; decision: RiskDecision } {
    const d = this.d;
    const now = d.now();
    const s = d.settings();
    const order: Order = { ...newOrderRecord(`pa-${d.sessionId}-${req.algo.kind}-${(++this.seq).toString().padStart(6, '0')}`, req, now), algo: req.algo.kind };
    const decision = d.check({ symbol: req.symbol, side: req.side, qty: req.qty, limitPrice: req.limitPrice, source: req.source });
    d.decided({ ...order }, decision, req.provenance);
    if (!decision.approved) {
      order.status = 'denied';
      order.reason = `denied: ${decision.reason}`;
      d.changed({ ...order });
      d.alert('warning', 'RISK_DENIED', `${req.algo.kind} parent ${req.side} ${req.qty} ${req.symbol} denied: ${decision.reason}`, `deny:${req.source}:algo`);
      this.keepFinished(order);
      return { order, decision };
    }
    const inst = d.instrument(req.symbol);
    const params = {
      kind: req.algo.kind,
      durationMs: req.algo.durationMs ?? s.durationMs,
      sliceMs: Math.min(req.algo.sliceMs ?? s.sliceMs, req.algo.durationMs ?? s.durationMs),
      participationCap: req.algo.participationCap ?? s.participationCap,
      ...(req.algo.kind === 'iceberg' ? { displayQty: displayQty(req.qty, inst?.lotSize ?? 1, req.algo.displayQty, s.icebergDisplayPct) } : {}),
    };
    const schedule =
      params.kind === 'vwap' ? vwapSchedule(now, params.durationMs, params.sliceMs, inst?.calendar ?? '24x7') : params.kind === 'twap' ? twapSchedule(now, params.durationMs, params.sliceMs) : [];
    order.status = 'accepted';
    const deadline = params.kind === 'iceberg' ? undefined : now + params.durationMs + s.overrunMs;
    const p: Parent = { order, kind: params.kind, params, schedule, deadline, lot: inst?.lotSize ?? 1, children: [], working: undefined, ours: new Set(), stopping: undefined };
    this.active.set(order.clientOrderId, p);
    d.record({ event: 'start', parentId: order.clientOrderId, order: { ...order }, params, ...(deadline === undefined ? {} : { deadline }) });
    d.changed({ ...order });
    this.step(p);
    return { order: { ...p.order }, decision };
  }

  /** A quote or bar on `symbol`: parents on it send what is due. */
  onTick(symbol: string): void {
    if (this.active.size === 0) return;
    for (const p of [...this.active.values()]) if (p.order.symbol === symbol) this.step(p);
  }

  onBar(symbol: string, volume: number): void {
    this.lastVolume.set(symbol, volume);
    this.onTick(symbol);
  }

  /** A child's state changed (from the OMS's order events). */
  onChildOrder(child: Order): void {
    const p = child.parentId === undefined ? undefined : this.active.get(child.parentId);
    if (p && p.children.includes(child.clientOrderId)) this.childChanged(p, child);
  }

  /** HALT or KILL in a scope covering a parent stops it. */
  onTradingState(c: TradingStateChange): void {
    if (c.to !== 'HALTED') return;
    const scope = c.scope ?? 'account';
    for (const p of [...this.active.values()]) {
      const o = p.order;
      if (scope === 'account' || scope === `strategy:${o.source}` || scope === `instrument:${o.symbol}`) this.stop(p, `trading HALTED (${scope}): ${c.reason}`);
    }
  }

  /** Cancel of a parent; undefined when `id` is not a parent order. */
  cancel(clientOrderId: string, reason = 'canceled by request'): { requested: boolean; reason: string } | undefined {
    const p = this.active.get(clientOrderId);
    if (p) {
      if (p.stopping) return { requested: false, reason: `parent ${clientOrderId} is already stopping (${p.stopping})` };
      this.stop(p, reason);
      return { requested: true, reason: 'cancel requested: children canceled, nothing more sent' };
    }
    const done = this.finished.find((o) => o.clientOrderId === clientOrderId);
    return done ? { requested: false, reason: `order ${clientOrderId} is ${done.status}` } : undefined;
  }

  /**
   * The order monitor's cancel of a child past its timeout: its parent is not
   * stopped; the unfilled part is sent again with a later slice (an iceberg's
   * children are never timed out). Undefined when `id` is no working parent's child.
   */
  cancelChild(clientOrderId: string): { requested: boolean; reason: string } | undefined {
    const parentId = this.d.get(clientOrderId)?.parentId;
    const p = parentId === undefined ? undefined : this.active.get(parentId);
    if (!p) return undefined;
    p.ours.add(clientOrderId);
    return this.d.cancel(clientOrderId);
  }

  /** The monitor's rule for a child: capped by its parent's limit; an iceberg's (or an ended parent's) child stays put. */
  childPolicy(o: Order): ChildPolicy | undefined {
    if (o.parentId === undefined) return undefined;
    const p = this.active.get(o.parentId);
    if (!p || p.kind === 'iceberg' || p.stopping) return { fixed: true };
    return { cap: p.order.limitPrice };
  }

  /**
   * What a strategy sees as its open orders on a symbol: working parents instead
   * of their children (only those of `source` when given). With no parent
   * working, `open` itself.
   */
  strategyView(open: Order[], symbol: string, source?: string): Order[] {
    if (this.active.size === 0) return open;
    const out = open.filter((o) => o.parentId === undefined || !this.active.has(o.parentId));
    for (const p of this.active.values()) if (p.order.symbol === symbol && (source === undefined || p.order.source === source)) out.push({ ...p.order });
    return out;
  }

  /** Working parents, then the most recently finished (copies). */
  parents(): Order[] {
    const out = [...this.active.values()].map((p) => ({ ...p.order }));
    for (let i = this.finished.length - 1; i >= 0; i--) out.push({ ...this.finished[i]! });
    return out;
  }

  /** The blotter's list: the parents (working first), then the OMS's orders. */
  withParents(recent: Order[]): Order[] {
    return [...this.parents().slice(0, 100), ...recent];
  }

  get(clientOrderId: string): Order | undefined {
    const p = this.active.get(clientOrderId);
    if (p) return { ...p.order };
    const f = this.finished.find((o) => o.clientOrderId === clientOrderId);
    return f && { ...f };
  }

  /** Child ids of a working parent (tests, diagnostics). */
  childrenOf(parentId: string): string[] {
    return [...(this.active.get(parentId)?.children ?? [])];
  }

  get activeCount(): number {
    return this.active.size;
  }

  /**
   * After a restart: parents the journal shows unfinished are ended cleanly, not
   * resumed (their schedule belonged to the session that died). Each open child
   * is canceled through `cancelChild` and the parent finishes 'canceled' with
   * what its children filled.
   */
  endRecovered(parents: Order[], openChildren: (parentId: string) => Order[], filledOf: (parentId: string) => { qty: number; avg: number } | undefined, cancelChild: (id: string) => void): number {
    for (const parent of parents) {
      const order = { ...parent };
      const kids = openChildren(order.clientOrderId);
      for (const c of kids) cancelChild(c.clientOrderId);
      const f = filledOf(order.clientOrderId);
      if (f && f.qty > order.filledQty) {
        order.filledQty = f.qty;
        order.avgFillPrice = f.avg;
      }
      const reason = `engine restarted: ${order.algo ?? 'algo'} ended, not resumed; ${order.filledQty} of ${order.qty} filled${kids.length ? `, ${kids.length} open child(ren) canceled` : ''}`;
      this.end(order, order.filledQty >= order.qty - 1e-9 ? 'filled' : 'canceled', reason);
    }
    return parents.length;
  }

  // ---- internals ----------------------------------------------------------

  private step(p: Parent): void {
    const d = this.d;
    if (p.stopping || !this.active.has(p.order.clientOrderId)) return;
    const o = p.order;
    if (d.effectiveState(o.source, o.symbol) === 'HALTED') return this.stop(p, `trading HALTED for ${o.source} / ${o.symbol}`);
    if (p.deadline !== undefined && d.now() >= p.deadline) {
      return this.stop(p, `deadline ${new Date(p.deadline).toISOString()} passed (its duration and grace are over) with ${o.filledQty} of ${o.qty} filled; the rest is not sent`);
    }
    if (p.working !== undefined) return;
    const remaining = o.qty - o.filledQty;
    const qty =
      p.kind === 'iceberg'
        ? nextIcebergChild(remaining, p.params.displayQty!, p.lot)
        : childQty({ schedule: p.schedule, now: d.now(), parentQty: o.qty, filled: o.filledQty, working: 0, lot: p.lot, barVolume: this.lastVolume.get(o.symbol), participationCap: p.params.participationCap });
    if (!(qty > 0)) return;
    const inst = d.instrument(o.symbol);
    const limit = p.kind === 'iceberg' ? o.limitPrice : inst && marketableLimit(o.side, d.quote(o.symbol), d.marketableBps(), inst.tickSize, o.limitPrice);
    if (limit === undefined) return; // no quote yet: the next tick tries again
    const n = p.children.length + 1;
    const { order: child, decision } = d.submit({
      symbol: o.symbol,
      side: o.side,
      type: 'limit',
      qty,
      limitPrice: limit,
      timeInForce: o.timeInForce === 'gtc' ? 'gtc' : 'day',
      source: o.source,
      reason: `${p.kind} child ${n} of ${o.clientOrderId}`,
      parentId: o.clientOrderId,
    });
    p.children.push(child.clientOrderId);
    this.children++;
    d.record({ event: 'child', parentId: o.clientOrderId, order: { ...o }, childId: child.clientOrderId, childQty: qty, childLimit: limit, approved: decision.approved, ...(decision.approved ? {} : { reason: decision.reason }) });
    if (!decision.approved) return this.stop(p, `child ${child.clientOrderId} denied: ${decision.reason}`);
    p.working = child.clientOrderId;
    const now = d.get(child.clientOrderId);
    if (now) this.childChanged(p, now);
  }

  private childChanged(p: Parent, child: Order): void {
    const before = p.order.filledQty;
    this.refreshFills(p);
    if (p.order.filledQty !== before) this.d.changed({ ...p.order });
    const id = child.clientOrderId;
    if (!isOpen(child.status)) {
      if (p.working === id) p.working = undefined;
      if (child.status !== 'filled' && !p.ours.has(id) && !p.stopping && p.order.filledQty < p.order.qty - 1e-9) {
        return this.stop(p, `child ${id} ${child.status}: ${child.reason}`);
      }
    }
    if (p.order.filledQty >= p.order.qty - 1e-9) return this.finish(p, 'filled', `${p.kind} complete: ${p.children.length} child(ren)`);
    if (p.stopping) {
      if (!this.openChildren(p).length) this.finish(p, 'canceled', p.stopping);
      return;
    }
    if (p.kind === 'iceberg' && p.working === undefined) this.step(p); // replenish the visible part
  }

  private refreshFills(p: Parent): void {
    let qty = 0;
    let notional = 0;
    for (const id of p.children) {
      const c = this.d.get(id);
      if (!c) continue;
      qty += c.filledQty;
      notional += c.filledQty * c.avgFillPrice;
    }
    const o = p.order;
    if (qty === o.filledQty) return;
    o.filledQty = Number(qty.toFixed(10));
    o.avgFillPrice = qty > 0 ? notional / qty : 0;
    o.updatedAt = this.d.now();
    if (o.status === 'accepted' && qty > 0) o.status = 'partially_filled';
  }

  private openChildren(p: Parent): string[] {
    return p.children.filter((id) => {
      const c = this.d.get(id);
      return c !== undefined && isOpen(c.status);
    });
  }

  private stop(p: Parent, reason: string): void {
    if (p.stopping || !this.active.has(p.order.clientOrderId)) return;
    p.stopping = reason;
    const open = this.openChildren(p);
    for (const id of open) {
      p.ours.add(id);
      this.d.cancel(id);
    }
    this.d.alert('info', 'ALGO_STOPPED', `${p.kind} ${p.order.clientOrderId} stopped: ${reason}`, `algo:stop:${p.order.clientOrderId}`);
    if (!this.openChildren(p).length) this.finish(p, 'canceled', reason);
  }

  private finish(p: Parent, status: 'filled' | 'canceled', reason: string): void {
    this.active.delete(p.order.clientOrderId);
    this.refreshFills(p);
    this.end(p.order, status, reason);
  }

  private end(order: Order, status: 'filled' | 'canceled', reason: string): void {
    order.status = status;
    order.reason = `${order.reason}; ${reason}`;
    order.updatedAt = this.d.now();
    this.d.record({ event: 'finish', parentId: order.clientOrderId, order: { ...order }, reason });
    this.d.changed({ ...order });
    this.keepFinished(order);
  }

  private keepFinished(order: Order): void {
    this.finished.push(order);
    if (this.finished.length > KEEP_FINISHED * 2) this.finished.splice(0, this.finished.length - KEEP_FINISHED);
  }
}
