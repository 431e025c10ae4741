// Reconciliation with the venue, at start and after every reconnect: every
// order the journal has open is looked up at the venue (missed fills and state
// changes are applied as journaled inputs); orders open at the venue that we
// never sent are adopted as 'external'; positions are compared and the venue's
// adopted. While it runs the account is REDUCING; it returns to ACTIVE only
// when nothing differs or the operator has acknowledged every difference.
import type { EventTopic } from '../shared/api/contract.js';
import type { Order } from '../shared/domain.js';
import type { AlertLog } from './core/alerts.js';
import type { OrderManager } from './execution/oms.js';
import type { JournalKind } from './journal/records.js';
import type { Portfolio } from './portfolio/portfolio.js';
import type { RiskEngine } from './risk/risk-engine.js';
import type { Venue, VenueFill, VenueOrderUpdate } from './venues/venue.js';

export interface ReconciliationDifference {
  id: string;
  kind: 'order' | 'position' | 'fill';
  symbol: string;
  detail: string;
  acknowledged: boolean;
}

export interface Reconciliation {
  state: 'none' | 'running' | 'complete' | 'differences' | 'failed';
  trigger: 'start' | 'reconnect';
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
  /** Journals an input and delivers it on the engine's bus. */
  input(kind: JournalKind, topic: 'venueOrderUpdate' | 'venueFill', message: VenueOrderUpdate | VenueFill): void;
  record(kind: JournalKind, payload: unknown): void;
  touch(topic: EventTopic): void;
  referencePrice(symbol: string): number | undefined;
}

export class Reconciler {
  view: Reconciliation = { state: 'none', trigger: 'start', startedAt: 0, differences: [] };
  private reducingForReconcile = false;

  constructor(private readonly d: ReconcilerDeps) {}

  /** One reconciliation pass (see the module comment). */
  async run(trigger: 'start' | 'reconnect'): Promise<void> {
    const v = this.d.venue;
    const setReducing = this.d.risk.tradingState === 'ACTIVE' && this.d.risk.setState('REDUCING', 'reconcile', `reconciling with ${v.id} (${trigger})`);
    this.view = { state: 'running', trigger, startedAt: this.d.now(), differences: [] };
    const diffs = this.view.differences;
    const diff = (kind: 'order' | 'position' | 'fill', symbol: string, detail: string) => {
      diffs.push({ id: `${kind}:${symbol}:${diffs.length + 1}`, kind, symbol, detail, acknowledged: false });
    };
    let applied = 0;
    try {
      const venueOpen = new Map((await v.getOpenOrders()).map((o) => [o.clientOrderId, o]));
      for (const o of this.d.oms.openOrders()) {
        const state = v.getOrder ? await v.getOrder(o.clientOrderId) : undefined;
        const ts = () => this.d.now();
        if (v.getOrder && !state) {
          this.d.input('input.venue_update', 'venueOrderUpdate', { kind: 'rejected', clientOrderId: o.clientOrderId, code: 'INVALID_ORDER', reason: 'never reached the venue', ts: ts() });
          applied++;
          continue;
        }
        if (!v.getOrder && !venueOpen.has(o.clientOrderId) && o.status !== 'pending_new') {
          // the venue no longer has it open and cannot say why: fills, if any, show up in the positions below
          this.d.input('input.venue_update', 'venueOrderUpdate', { kind: 'canceled', clientOrderId: o.clientOrderId, reason: `not open at ${v.id} after ${trigger}`, ts: ts() });
          diff('order', o.symbol, `order ${o.clientOrderId} was no longer open at ${v.id}; closed here`);
          applied++;
          continue;
        }
        for (const f of v.getFills ? await v.getFills(o.clientOrderId) : []) {
          if (this.d.oms.hasFill(f.fillId)) continue;
          this.d.input('input.venue_fill', 'venueFill', f);
          applied++;
        }
        const cur = this.d.oms.get(o.clientOrderId);
        const vs = state ?? (venueOpen.has(o.clientOrderId) ? { status: 'accepted' as const, venueOrderId: venueOpen.get(o.clientOrderId)!.venueOrderId } : undefined);
        if (!vs) continue;
        if (cur && cur.status === 'pending_new' && vs.status !== 'rejected') {
          this.d.input('input.venue_update', 'venueOrderUpdate', { kind: 'accepted', clientOrderId: o.clientOrderId, venueOrderId: vs.venueOrderId, ts: ts() });
        }
        const after = this.d.oms.get(o.clientOrderId);
        if (vs.status === 'filled' && after && after.status !== 'filled') diff('fill', o.symbol, `order ${o.clientOrderId} is filled at ${v.id} but only ${after.filledQty} of ${after.qty} is known here`);
        if (vs.status === 'canceled' || vs.status === 'expired' || vs.status === 'rejected') {
          const u: VenueOrderUpdate =
            vs.status === 'canceled'
              ? { kind: 'canceled', clientOrderId: o.clientOrderId, reason: 'canceled while Tradedesk was away', ts: ts() }
              : vs.status === 'expired'
                ? { kind: 'expired', clientOrderId: o.clientOrderId, ts: ts() }
                : { kind: 'rejected', clientOrderId: o.clientOrderId, code: 'INVALID_ORDER', reason: 'rejected while Tradedesk was away', ts: ts() };
          this.d.input('input.venue_update', 'venueOrderUpdate', u);
          applied++;
        }
      }
      // orders made outside Tradedesk
      for (const vo of venueOpen.values()) {
        if (this.d.oms.get(vo.clientOrderId)) continue;
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
        diff('order', vo.symbol, `external order ${vo.clientOrderId} (${vo.side} ${vo.qty}) adopted`);
      }
      // positions: the venue is the truth
      const venuePos = new Map((await v.getPositions()).map((p) => [p.symbol, p]));
      const symbols = new Set([...venuePos.keys(), ...this.d.portfolio.positions().map((p) => p.symbol)]);
      for (const s of symbols) {
        const ours = this.d.portfolio.qty(s);
        const vp = venuePos.get(s);
        const theirs = vp?.qty ?? 0;
        if (Math.abs(ours - theirs) <= 1e-9) continue;
        const price = vp?.avgPrice || this.d.referencePrice(s) || this.d.portfolio.positions().find((p) => p.symbol === s)?.markPrice || 0;
        const adj = { symbol: s, qty: theirs, price };
        this.d.record('input.adjust_position', adj);
        this.d.portfolio.adjust(s, theirs, price);
        diff('position', s, `position ${s}: ${ours} here, ${theirs} at ${v.id}; adopted the venue's (external or missed fills)`);
      }
      this.view.state = diffs.length ? 'differences' : 'complete';
    } catch (e) {
      this.view.state = 'failed';
      this.view.error = (e as Error).message;
      this.d.alerts.raise('critical', 'RECONCILE_FAILED', `reconciliation with ${v.id} failed: ${(e as Error).message}; trading stays ${this.d.risk.tradingState}`, 'reconcile');
      return;
    }
    this.d.record('reconcile', { trigger, appliedFromVenue: applied, differences: diffs.map((d) => d.detail) });
    this.d.touch('positions');
    this.d.touch('account');
    if (diffs.length) {
      this.d.alerts.raise('critical', 'RECONCILE_DIFF', `reconciliation with ${v.id} found ${diffs.length} difference(s): ${diffs.map((d) => d.detail).join('; ')}; acknowledge each to resume`, 'reconcile');
      this.reducingForReconcile = setReducing || this.reducingForReconcile;
    } else {
      this.d.alerts.raise('info', 'RECONCILED', `reconciled with ${v.id} (${trigger}): ${applied} missed event(s) applied, orders and positions match`, 'reconcile');
      if (setReducing || this.reducingForReconcile) this.d.risk.setState('ACTIVE', 'reconcile', 'reconciliation complete');
      this.reducingForReconcile = false;
    }
  }

  /** The operator acknowledges one difference; when all are, trading resumes if reconciliation paused it. */
  acknowledge(id: string): boolean {
    const d = this.view.differences.find((x) => x.id === id);
    if (!d || d.acknowledged) return false;
    d.acknowledged = true;
    this.d.record('reconcile', { acknowledged: d.detail, actor: 'operator' });
    if (this.view.differences.every((x) => x.acknowledged)) {
      this.view.state = 'complete';
      if (this.reducingForReconcile) this.d.risk.setState('ACTIVE', 'reconcile', 'every reconciliation difference acknowledged by the operator');
      this.reducingForReconcile = false;
    }
    return true;
  }
}
