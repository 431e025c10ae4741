// The OMS harness (real OrderManager, RiskEngine, Portfolio on a ScriptedVenue)
// with the execution algorithms and the order monitor wired as the engine
// wires them: order events reach both, quotes and bars drive them.
import { DEFAULT_EXECUTION, type ExecutionSettings } from '../../src/engine/execution/settings.js';
import { ExecutionAlgos, type AlgoRecord } from '../../src/engine/execution/algos/algo-manager.js';
import { OrderMonitor } from '../../src/engine/execution/order-monitor.js';
import type { RiskLimits } from '../../src/engine/core/config.js';
import type { Order, Quote } from '../../src/shared/domain.js';
import { omsHarness, TEST_INSTRUMENT, wideLimits } from './oms-harness.js';

export function algoHarness(limits: RiskLimits = wideLimits({ maxOrderNotional: 1_000_000, maxOrderQty: 100_000, maxPositionNotional: 10_000_000 }), over: Partial<ExecutionSettings> = {}) {
  const h = omsHarness(limits);
  const settings: ExecutionSettings = { monitor: { ...DEFAULT_EXECUTION.monitor, scope: 'manual-and-algo', ...over.monitor }, algo: { ...DEFAULT_EXECUTION.algo, ...over.algo } };
  const quotes = new Map<string, Quote>([['X', { symbol: 'X', ts: 0, bid: 99.99, ask: 100.01, bidSize: 100, askSize: 100 }]]);
  const records: AlgoRecord[] = [];
  const parentStates: Order[] = [];
  const alerts: Array<{ code: string; message: string }> = [];
  const replaces: Array<{ id: string; limitPrice?: number }> = [];
  const lookups: string[] = [];
  const resolving = new Set<string>();
  (h.venue as { replaceOrder: (id: string, changes: { qty?: number; limitPrice?: number }) => Promise<void> }).replaceOrder = async (id, changes) => {
    replaces.push({ id, ...changes });
  };
  const algos = new ExecutionAlgos({
    sessionId: 'test',
    now: () => h.now(),
    settings: () => settings.algo,
    marketableBps: () => settings.monitor.marketableBps,
    instrument: (s) => (s === 'X' ? TEST_INSTRUMENT : undefined),
    quote: (s) => quotes.get(s),
    submit: (req) => h.oms.submit(req),
    cancel: (id) => h.oms.cancel(id),
    get: (id) => h.oms.get(id),
    check: (intent) => h.risk.check(intent, h.oms.view),
    effectiveState: (source, symbol) => h.risk.effectiveState(source, symbol),
    decided: (o, d) => h.checked.push({ order: o, decision: d }),
    record: (r) => records.push(r),
    changed: (o) => parentStates.push(o),
    alert: (_l, code, message) => alerts.push({ code, message }),
  });
  const monitor = new OrderMonitor({
    openOrders: (s) => h.oms.openOrders(s),
    replace: (id, ch) => h.oms.replace(id, ch),
    cancel: (id) => algos.cancelChild(id) ?? h.oms.cancel(id),
    now: () => h.now(),
    quote: (s) => quotes.get(s),
    instrument: (s) => (s === 'X' ? TEST_INSTRUMENT : undefined),
    settings: () => settings.monitor,
    childPolicy: (o) => algos.childPolicy(o),
    isResolving: (id) => resolving.has(id),
    lookup: (id) => lookups.push(id),
    alert: (code, message) => alerts.push({ code, message }),
  });
  let seen = 0;
  let fillSeq = 0;
  /** Delivers the OMS's order events since the last call (the engine's bus does this). */
  const pump = () => {
    while (seen < h.updates.length) {
      const o = h.updates[seen++]!;
      monitor.onOrder(o);
      if (o.parentId !== undefined) algos.onChildOrder(o);
    }
  };
  const tick = (ms: number) => {
    h.tick(ms);
    monitor.onQuote('X');
    algos.onTick('X');
    pump();
  };
  const bar = (volume: number) => {
    algos.onBar('X', volume);
    pump();
  };
  const ack = (id: string) => {
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: `v-${id}`, ts: h.now() });
    pump();
  };
  const fill = (id: string, qty: number, price = 100) => {
    const o = h.oms.get(id)!;
    h.oms.onVenueFill({ clientOrderId: id, fillId: `f${++fillSeq}`, symbol: 'X', side: o.side, qty, price, fee: 0, ts: h.now(), cumQty: o.filledQty + qty, leavesQty: o.qty - o.filledQty - qty });
    pump();
  };
  const venueCanceled = (id: string) => {
    h.oms.onVenueUpdate({ kind: 'canceled', clientOrderId: id, reason: 'venue', ts: h.now() });
    pump();
  };
  /** Every child order of a parent, as the OMS holds it. */
  const children = (parentId: string) => h.venue.submitted.filter((r) => h.oms.get(r.clientOrderId)?.parentId === parentId).map((r) => h.oms.get(r.clientOrderId)!);
  return { ...h, settings, quotes, records, parentStates, alerts, replaces, lookups, resolving, algos, monitor, pump, tick, bar, ack, fill, venueCanceled, children };
}
