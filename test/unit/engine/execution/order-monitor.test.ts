// The order monitor: an unfilled limit (or the remainder of a partly filled one)
// past its timeout is re-priced at a marketable limit, then canceled after
// maxReplaces; with onTimeout 'cancel' it is canceled at once; an order whose
// outcome is unknown is never replaced, only looked up.
import { describe, expect, it } from 'vitest';
import { algoHarness } from '../../../support/algo-harness.js';

const manualLimit = (qty = 50, limitPrice = 99) => ({ symbol: 'X', side: 'buy' as const, type: 'limit' as const, qty, limitPrice, timeInForce: 'day' as const, source: 'manual', reason: 'test' });

describe('order monitor', () => {
  it('re-prices an unfilled limit at a marketable limit after its timeout, through the risk checks', () => {
    const h = algoHarness();
    const T = h.settings.monitor.limitTimeoutMs;
    const { order } = h.oms.submit(manualLimit());
    h.ack(order.clientOrderId);
    h.tick(T - 1);
    expect(h.replaces).toHaveLength(0);
    h.tick(1);
    expect(h.replaces).toEqual([{ id: order.clientOrderId, limitPrice: 100.07 }]);
    // the modify met the pre-trade checks
    expect(h.checked.some((c) => c.order.clientOrderId.startsWith(`${order.clientOrderId}:modify`) && c.decision.approved)).toBe(true);
    expect(h.alerts.some((a) => a.code === 'ORDER_TIMEOUT')).toBe(true);
  });

  it('works a partly filled order the same way, then cancels it after maxReplaces re-prices', () => {
    const h = algoHarness(undefined, { monitor: { maxReplaces: 1 } as never });
    const T = h.settings.monitor.limitTimeoutMs;
    const { order } = h.oms.submit(manualLimit(50));
    h.ack(order.clientOrderId);
    h.fill(order.clientOrderId, 20, 99);
    h.tick(T);
    expect(h.replaces).toHaveLength(1);
    // the venue applies the new price; still not filled
    h.oms.onVenueUpdate({ kind: 'replaced', clientOrderId: order.clientOrderId, qty: 50, limitPrice: 100.07, ts: h.now() });
    h.tick(T);
    expect(h.replaces).toHaveLength(1);
    expect(h.venue.cancels).toEqual([order.clientOrderId]);
    expect(h.oms.get(order.clientOrderId)!.status).toBe('pending_cancel');
  });

  it("with onTimeout 'cancel' cancels at the timeout; with 'none' only watches", () => {
    const c = algoHarness(undefined, { monitor: { onTimeout: 'cancel' } as never });
    const a = c.oms.submit(manualLimit()).order;
    c.ack(a.clientOrderId);
    c.tick(c.settings.monitor.limitTimeoutMs);
    expect(c.venue.cancels).toEqual([a.clientOrderId]);
    const n = algoHarness(undefined, { monitor: { onTimeout: 'none' } as never });
    const b = n.oms.submit(manualLimit()).order;
    n.ack(b.clientOrderId);
    n.tick(n.settings.monitor.limitTimeoutMs * 5);
    expect(n.venue.cancels).toHaveLength(0);
    expect(n.replaces).toHaveLength(0);
  });

  it("by default (scope 'algo') leaves a trader's resting manual limit alone: never re-priced or canceled", () => {
    const h = algoHarness(undefined, { monitor: { scope: 'algo' } as never });
    const T = h.settings.monitor.limitTimeoutMs;
    const { order } = h.oms.submit(manualLimit());
    h.ack(order.clientOrderId);
    for (let i = 0; i < 10; i++) h.tick(T);
    expect(h.replaces).toEqual([]);
    expect(h.alerts.some((a) => a.code === 'ORDER_TIMEOUT')).toBe(false);
    expect(h.oms.get(order.clientOrderId)?.status).toBe('accepted');
  });

  it("leaves strategies' orders to the strategies unless scope is 'all'", () => {
    const h = algoHarness();
    const o = h.oms.submit({ ...manualLimit(), source: 'trend' }).order;
    h.ack(o.clientOrderId);
    h.tick(h.settings.monitor.limitTimeoutMs * 2);
    expect(h.replaces).toHaveLength(0);
    const all = algoHarness(undefined, { monitor: { scope: 'all' } as never });
    const p = all.oms.submit({ ...manualLimit(), source: 'trend' }).order;
    all.ack(p.clientOrderId);
    all.tick(all.settings.monitor.limitTimeoutMs);
    expect(all.replaces).toHaveLength(1);
  });

  it('never replaces or re-sends an order whose outcome is unknown; looks it up once instead', () => {
    const h = algoHarness();
    const pending = h.oms.submit(manualLimit()).order; // never acknowledged: pending_new
    const resolving = h.oms.submit(manualLimit(10, 98)).order;
    h.ack(resolving.clientOrderId);
    h.resolving.add(resolving.clientOrderId);
    const sent = h.venue.submitted.length;
    h.tick(h.settings.monitor.unknownOutcomeMs);
    h.tick(h.settings.monitor.limitTimeoutMs * 3);
    expect(h.replaces).toHaveLength(0);
    expect(h.venue.cancels).toHaveLength(0);
    expect(h.venue.submitted.length).toBe(sent);
    expect(h.lookups).toEqual([pending.clientOrderId, resolving.clientOrderId]); // each once
    expect(h.alerts.filter((a) => a.code === 'ORDER_OUTCOME_UNKNOWN')).toHaveLength(2);
  });

  it("re-prices a TWAP child no further than its parent's limit", () => {
    const h = algoHarness();
    h.bar(10_000);
    const { order: p } = h.algos.submit({ symbol: 'X', side: 'buy', type: 'limit', limitPrice: 100.03, qty: 10, timeInForce: 'day', source: 'manual', reason: 't', algo: { kind: 'twap', durationMs: 60_000, sliceMs: 60_000 } });
    const child = h.children(p.clientOrderId)[0]!;
    expect(child.limitPrice).toBe(100.03); // marketable would be 100.07: capped
    h.ack(child.clientOrderId);
    h.quotes.set('X', { symbol: 'X', ts: 0, bid: 99.9, ask: 99.98, bidSize: 1, askSize: 1 });
    h.oms.onVenueUpdate({ kind: 'replaced', clientOrderId: child.clientOrderId, qty: 10, limitPrice: 99.9, ts: h.now() });
    h.tick(h.settings.monitor.limitTimeoutMs);
    expect(h.replaces).toEqual([{ id: child.clientOrderId, limitPrice: 100.03 }]); // 99.98 + 5 bps = 100.03
  });

  it('a TWAP child canceled at its timeout does not stop the parent: the unfilled part goes out again with the next slice', () => {
    const h = algoHarness(undefined, { monitor: { onTimeout: 'cancel' } as never });
    h.bar(10_000);
    const { order: p } = h.algos.submit({ symbol: 'X', side: 'buy', type: 'market', qty: 40, timeInForce: 'day', source: 'manual', reason: 't', algo: { kind: 'twap', durationMs: 4 * 60_000, sliceMs: 60_000 } });
    const first = h.children(p.clientOrderId)[0]!;
    h.ack(first.clientOrderId);
    h.fill(first.clientOrderId, 4);
    h.tick(h.settings.monitor.limitTimeoutMs);
    expect(h.venue.cancels).toEqual([first.clientOrderId]);
    h.venueCanceled(first.clientOrderId);
    expect(h.algos.get(p.clientOrderId)!.status).toBe('partially_filled');
    h.tick(1);
    // two minutes in: 30 due, 4 filled
    expect(h.children(p.clientOrderId).map((c) => c.qty)).toEqual([10, 26]);
  });
});
