// Restart recovery, part one: rebuilds the engine's state (orders, portfolio,
// trading state, decision log) from the journal. Part two, reconciliation with
// the venue, happens in the engine once the venue is connected.
import type { LearningSnapshot } from '../strategy/learning/learning.js';
import type { Order, TradingState, TradingStateChange, Fill } from '../../shared/domain.js';
import { subtractSpan, type OrderSpans, type Span } from '../execution/fill-spans.js';
import { isOpen } from '../execution/order-state.js';
import type { Scope } from '../risk/risk-engine.js';
import { Portfolio, type PortfolioState } from '../portfolio/portfolio.js';
import { DecisionLog, type DecisionRecord } from './decision-log.js';
import { listJournalFiles, openJournalFile, readStateKinds } from './journal-file.js';
import { STATE_KINDS_SQL, type JournalKind, type JournalRecord } from './records.js';

/** The state a session starts from; journaled in its 'session.start' record so replay can start there too. */
export interface SessionSnapshot {
  sessionNo: number;
  tradingState: TradingState;
  /** Account, strategy and instrument states (absent in journals from before scopes). */
  scopedStates?: Array<{ scope: Scope; state: TradingState }>;
  lastStateChange: TradingStateChange | null;
  portfolio: PortfolioState | null;
  /** Open orders, and the most recent closed ones for the blotter. */
  orders: Order[];
  /** Fill ids applied to the orders kept (open, and the most recent closed), or recognized as already counted (duplicate detection). */
  fillIds: string[];
  /** Open orders' spans of cumulative quantity counted by inferred fills and not yet matched by a real execution (absent in older journals). */
  inferredSpans?: OrderSpans[];
  /** Open orders' spans of cumulative quantity real executions were counted for (absent in older journals). */
  realSpans?: OrderSpans[];
  /** Learning's state when the session began (replay starts from it; absent in older journals). */
  learning?: LearningSnapshot;
}

export interface Recovered {
  snapshot: SessionSnapshot;
  decisions: DecisionLog;
  /** Time of the last journaled record, or undefined for an empty journal. */
  lastTs: number | undefined;
  records: number;
  /** Damaged files skipped (read-only recovery only), with the reason. */
  damaged: string[];
  /** Execution algorithms' parents the journal shows started and never finished (ended cleanly after a restart). */
  openParents: Order[];
}

const KINDS: JournalKind[] = ['session.start', 'decision', 'order', 'fill', 'fill.covered', 'trading_state', 'algo'];
const KEEP_CLOSED = 200;

/** Journal files that open cleanly; with skipDamaged, damaged ones are listed instead of thrown. */
function usableFiles(dataDir: string, skipDamaged: boolean, damaged: string[]): string[] {
  const ok: string[] = [];
  for (const file of listJournalFiles(dataDir)) {
    try {
      openJournalFile(file, { readonly: true }).db.close();
      ok.push(file);
    } catch (e) {
      if (!skipDamaged) throw e;
      damaged.push((e as Error).message);
    }
  }
  return ok;
}

function* readKinds(files: string[], kinds: JournalKind[]): Generator<JournalRecord> {
  for (const file of files) {
    const { db, meta } = openJournalFile(file, { readonly: true });
    try {
      yield* readStateKinds(db, meta.version, kinds);
    } finally {
      db.close();
    }
  }
}

function lastTimestamp(files: string[]): { ts: number | undefined; records: number } {
  let ts: number | undefined;
  let records = 0;
  for (const file of files) {
    const { db } = openJournalFile(file, { readonly: true });
    const row = db.prepare('SELECT max(ts) ts, count(*) n FROM records').get() as { ts: number | null; n: number };
    db.close();
    if (row.ts !== null) ts = Math.max(ts ?? -Infinity, row.ts);
    records += row.n;
  }
  return { ts, records };
}

/**
 * Rebuilds state from every journal file. A damaged file throws (naming it),
 * unless `skipDamaged` (read-only inspection), which skips and lists it.
 */
export function recoverFromJournal(dataDir: string, opts: { skipDamaged?: boolean } = {}): Recovered {
  const damaged: string[] = [];
  const files = usableFiles(dataDir, opts.skipDamaged ?? false, damaged);
  let sessionNo = 0;
  let tradingState: TradingState = 'ACTIVE';
  const scoped = new Map<Scope, TradingState>();
  let lastStateChange: TradingStateChange | null = null;
  let portfolio: Portfolio | null = null;
  const orders = new Map<string, Order>();
  const fillsByOrder = new Map<string, string[]>();
  // per open order: the spans inferred fills stand for (not yet matched by a real execution), and those real executions covered
  const spansByOrder = new Map<string, Span[]>();
  const realByOrder = new Map<string, Span[]>();
  // a journaled span list that is not a list, or a span that is not two ordered finite numbers, is left out (not a failed recovery)
  const addSpans = (into: Map<string, Span[]>, clientOrderId: string, spans: unknown) => {
    if (!Array.isArray(spans)) return;
    const ok = spans.filter(isSpan);
    if (ok.length && orders.has(clientOrderId)) into.set(clientOrderId, [...(into.get(clientOrderId) ?? []), ...ok]);
  };
  const seen = (clientOrderId: string, fillId: string) => {
    if (!orders.has(clientOrderId)) return;
    const list = fillsByOrder.get(clientOrderId) ?? [];
    list.push(fillId);
    fillsByOrder.set(clientOrderId, list);
  };
  const forget = (clientOrderId: string) => fillsByOrder.delete(clientOrderId);
  const decisions = new DecisionLog();
  const parents = new Map<string, Order>();

  for (const r of readKinds(files, KINDS)) {
    const data = JSON.parse(r.data);
    switch (r.kind) {
      case 'session.start': {
        const s = (data as { snapshot: SessionSnapshot }).snapshot;
        sessionNo = s.sessionNo;
        tradingState = s.tradingState;
        scoped.clear();
        for (const x of s.scopedStates ?? []) scoped.set(x.scope, x.state);
        lastStateChange = s.lastStateChange;
        portfolio = s.portfolio ? Portfolio.fromSnapshot(s.portfolio) : null;
        break;
      }
      case 'decision':
        decisions.record(data as DecisionRecord);
        break;
      case 'order': {
        const o = data as Order;
        const known = orders.get(o.clientOrderId);
        // an order record never carries less fill than the fills already journaled
        if (known && known.filledQty > o.filledQty) {
          o.filledQty = known.filledQty;
          o.avgFillPrice = known.avgFillPrice;
        }
        orders.set(o.clientOrderId, o);
        decisions.onOrder(o);
        if (!isOpen(o.status)) {
          spansByOrder.delete(o.clientOrderId);
          realByOrder.delete(o.clientOrderId);
          // keep memory bounded: old closed orders are in the journal
          if (orders.size > 10 * KEEP_CLOSED) pruneClosed(orders, forget);
        }
        break;
      }
      case 'fill': {
        const f = data as Fill;
        portfolio ??= new Portfolio(0);
        const realized = portfolio.applyFill(f);
        decisions.onFill(f, realized);
        seen(f.clientOrderId, f.fillId);
        if (f.spans !== undefined) addSpans(spansByOrder, f.clientOrderId, f.spans);
        else if (f.span) addSpans(realByOrder, f.clientOrderId, [f.span]);
        // the fill record is authoritative: a crash may fall between it and the order's next state
        const o = orders.get(f.clientOrderId);
        if (o) {
          const filled = o.filledQty + f.qty;
          o.avgFillPrice = (o.avgFillPrice * o.filledQty + f.price * f.qty) / filled;
          o.filledQty = filled;
          if (isOpen(o.status) && o.status !== 'pending_cancel') o.status = filled >= o.qty - 1e-9 ? 'filled' : 'partially_filled';
          else if (o.status === 'pending_cancel' && filled >= o.qty - 1e-9) o.status = 'filled';
        }
        break;
      }
      case 'fill.covered': {
        // a real execution an inferred fill (or the venue's count) already stood for: seen, and off the inferred spans
        const c = data as { fillId: string; clientOrderId: string; span?: Span };
        seen(c.clientOrderId, c.fillId);
        const spans = spansByOrder.get(c.clientOrderId);
        if (spans && isSpan(c.span)) spansByOrder.set(c.clientOrderId, subtractSpan(spans, c.span[0], c.span[1]).left);
        if (c.span) addSpans(realByOrder, c.clientOrderId, [c.span]);
        break;
      }
      case 'algo': {
        // a parent's state rides on each of its records; 'finish' ends it
        const a = data as { event: string; parentId: string; order: Order };
        decisions.onOrder(a.order);
        if (a.event === 'finish') parents.delete(a.parentId);
        else parents.set(a.parentId, a.order);
        break;
      }
      case 'trading_state': {
        const c = data as TradingStateChange;
        const scope = (c.scope ?? 'account') as Scope;
        if (scope === 'account') tradingState = c.to;
        if (c.to === 'ACTIVE' && scope !== 'account') scoped.delete(scope);
        else scoped.set(scope, c.to);
        lastStateChange = c;
        break;
      }
    }
  }
  pruneClosed(orders, forget);
  const { ts, records } = lastTimestamp(files);
  const open = [...orders.values()].filter((o) => isOpen(o.status));
  return {
    snapshot: {
      sessionNo,
      tradingState,
      scopedStates: [...scoped].map(([scope, state]) => ({ scope, state })),
      lastStateChange,
      portfolio: portfolio?.snapshot() ?? null,
      orders: [...orders.values()],
      // a closed order's executions too: one the venue repeats after the restart is a duplicate, not held and reconciled again
      fillIds: [...orders.keys()].flatMap((id) => fillsByOrder.get(id) ?? []),
      inferredSpans: spansOf(open, spansByOrder),
      realSpans: spansOf(open, realByOrder),
    },
    decisions,
    lastTs: ts,
    records,
    damaged,
    openParents: [...parents.values()],
  };
}

function spansOf(open: readonly Order[], byOrder: ReadonlyMap<string, Span[]>): OrderSpans[] {
  return open.flatMap((o) => {
    const spans = byOrder.get(o.clientOrderId);
    return spans?.length ? [{ clientOrderId: o.clientOrderId, spans }] : [];
  });
}

/** A span as journaled: two finite numbers, from below to (anything else is left out rather than corrupt the spans). */
function isSpan(x: unknown): x is Span {
  return Array.isArray(x) && x.length === 2 && Number.isFinite(x[0]) && Number.isFinite(x[1]) && x[0] <= x[1];
}

function pruneClosed(orders: Map<string, Order>, forget: (clientOrderId: string) => void): void {
  const closed = [...orders.values()].filter((o) => !isOpen(o.status));
  for (const o of closed.slice(0, Math.max(0, closed.length - KEEP_CLOSED))) {
    orders.delete(o.clientOrderId);
    forget(o.clientOrderId);
  }
}

/** The config of the journal's last session (read-only inspection shows the session as it ran). */
export function lastSessionConfig(dataDir: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const damaged: string[] = [];
  for (const file of usableFiles(dataDir, true, damaged)) {
    const { db } = openJournalFile(file, { readonly: true });
    const row = db.prepare(`SELECT data FROM records WHERE kind = 'session.start' AND ${STATE_KINDS_SQL} ORDER BY seq DESC LIMIT 1`).get() as { data: string } | undefined;
    db.close();
    if (row) found = (JSON.parse(row.data) as { config: Record<string, unknown> }).config;
  }
  return found;
}
