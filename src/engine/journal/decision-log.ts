// The decision log: every trade decision with its provenance (signals, scores,
// weights, features, regime), the risk checks it met, every state of the
// order it produced, its fills and the realized outcome. Kept in memory for
// the session's recent decisions and rebuilt from the journal after a restart.
import type { DecisionDetail, DecisionSummary, RiskCheck } from '../../shared/api/contract.js';
import type { Fill, Order } from '../../shared/domain.js';
import type { Provenance } from '../execution/oms.js';

const KEEP = 5_000;

/** The journaled payload of a 'decision' record. */
export interface DecisionRecord {
  id: string;
  ts: number;
  symbol: string;
  source: string;
  side: Order['side'];
  qty: number;
  limitPrice: number | null;
  type: Order['type'];
  reason: string;
  approved: boolean;
  checks: RiskCheck[];
  provenance: Provenance | null;
}

/**
 * The decision record of an order and its risk ruling, its checks read from
 * the ruling when first asked (an approved one builds them only then: the
 * journal asks at once, a run without one only if the UI does). A class, not a
 * literal with a getter: V8 builds those on a slow path, microseconds an order.
 * Serializes (toJSON) as the plain record, fields in the same order.
 */
export class DecisionRecordOf implements DecisionRecord {
  readonly id: string;
  readonly ts: number;
  readonly symbol: string;
  readonly source: string;
  readonly side: Order['side'];
  readonly qty: number;
  readonly limitPrice: number | null;
  readonly type: Order['type'];
  readonly reason: string;
  readonly approved: boolean;
  readonly provenance: Provenance | null;
  readonly #ruling: { readonly checks: RiskCheck[] };

  constructor(o: Order, ruling: { readonly approved: boolean; readonly checks: RiskCheck[] }, provenance: Provenance | null) {
    this.id = o.clientOrderId;
    this.ts = o.createdAt;
    this.symbol = o.symbol;
    this.source = o.source;
    this.side = o.side;
    this.qty = o.qty;
    this.limitPrice = o.limitPrice ?? null;
    this.type = o.type;
    this.reason = o.reason;
    this.approved = ruling.approved;
    this.provenance = provenance;
    this.#ruling = ruling;
  }

  get checks(): RiskCheck[] {
    return this.#ruling.checks;
  }

  toJSON(): DecisionRecord {
    const { id, ts, symbol, source, side, qty, limitPrice, type, reason, approved, provenance } = this;
    return { id, ts, symbol, source, side, qty, limitPrice, type, reason, approved, checks: this.checks, provenance };
  }
}

interface Entry {
  rec: DecisionRecord;
  states: Order[];
  fills: Fill[];
  realized: number;
  /** A parent order's children (execution algorithms), by client order id, in the order sent. */
  children?: string[];
}

export interface DecisionFilter {
  text?: string;
  symbol?: string;
  strategy?: string;
  action?: 'buy' | 'sell';
  outcome?: 'submitted' | 'denied';
  limit: number;
}

export class DecisionLog {
  private readonly entries = new Map<string, Entry>();
  /** Child order id -> its parent's id (execution algorithms). */
  private readonly parentOf = new Map<string, string>();

  /** `keep`: the recent decisions kept (0: none, for a batch backtest no one asks; its decisions are in its result). */
  constructor(private readonly keep = KEEP) {}

  record(rec: DecisionRecord): void {
    if (this.keep === 0) return;
    this.entries.set(rec.id, { rec, states: [], fills: [], realized: 0 });
    if (this.entries.size > this.keep * 1.2) {
      const drop = this.entries.size - this.keep;
      let i = 0;
      for (const id of this.entries.keys()) {
        if (i++ >= drop) break;
        this.entries.delete(id);
        this.parentOf.delete(id);
      }
    }
  }

  onOrder(order: Order): void {
    this.entries.get(order.clientOrderId)?.states.push({ ...order });
    if (order.parentId !== undefined && !this.parentOf.has(order.clientOrderId)) {
      const parent = this.entries.get(order.parentId);
      if (parent) {
        (parent.children ??= []).push(order.clientOrderId);
        this.parentOf.set(order.clientOrderId, order.parentId);
      }
    }
  }

  onFill(fill: Fill, realized: number): void {
    const e = this.entries.get(fill.clientOrderId);
    if (e) {
      e.fills.push(fill);
      e.realized += realized;
    }
    // a child's fill is also its parent's
    const parent = this.entries.get(this.parentOf.get(fill.clientOrderId) ?? '');
    if (parent) {
      parent.fills.push(fill);
      parent.realized += realized;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  list(f: DecisionFilter): DecisionSummary[] {
    const text = f.text?.trim().toLowerCase();
    const out: DecisionSummary[] = [];
    const all = [...this.entries.values()];
    for (let i = all.length - 1; i >= 0 && out.length < f.limit; i--) {
      const s = summarize(all[i]!);
      if (f.symbol && s.symbol !== f.symbol) continue;
      if (f.strategy && s.strategy !== f.strategy) continue;
      if (f.action && s.action !== f.action) continue;
      if (f.outcome && s.outcome !== f.outcome) continue;
      if (text && !`${s.id} ${s.symbol} ${s.strategy} ${s.action} ${s.status} ${s.reason}`.toLowerCase().includes(text)) continue;
      out.push(s);
    }
    return out;
  }

  get(id: string): DecisionDetail | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    const p = e.rec.provenance;
    return {
      summary: summarize(e),
      signals: p?.signals ?? [],
      features: p?.features ?? {},
      regime: p?.regime ?? null,
      ...(p?.mode !== undefined ? { regimeReady: p.regimeReady, mode: p.mode, sizeMultiplier: p.sizeMultiplier, debate: p.debate, weights: p.weights, influence: p.influence, net: p.net, target: p.target } : {}),
      checks: e.rec.checks,
      orderStates: e.states.map((o) => ({ ...o })),
      fills: [...e.fills],
      ...(e.children ? { children: e.children.map((id) => this.child(id)).filter((c) => c !== undefined) } : {}),
    };
  }

  /** A child as it stands (its last state) with its own fills. */
  private child(id: string): { order: Order; fills: Fill[] } | undefined {
    const c = this.entries.get(id);
    const last = c?.states[c.states.length - 1];
    return last && { order: { ...last }, fills: [...c.fills] };
  }
}

function summarize(e: Entry): DecisionSummary {
  const last = e.states[e.states.length - 1];
  return {
    id: e.rec.id,
    ts: e.rec.ts,
    symbol: e.rec.symbol,
    strategy: e.rec.provenance?.strategy ?? e.rec.source,
    action: e.rec.side,
    qty: e.rec.qty,
    limitPrice: e.rec.limitPrice,
    outcome: e.rec.approved ? 'submitted' : 'denied',
    status: last?.status ?? (e.rec.approved ? 'pending_new' : 'denied'),
    filledQty: last?.filledQty ?? 0,
    avgFillPrice: last?.avgFillPrice ?? 0,
    realizedPnl: Math.round(e.realized * 100) / 100,
    reason: last?.reason ?? e.rec.reason,
  };
}
