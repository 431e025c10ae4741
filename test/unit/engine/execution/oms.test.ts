import { describe, expect, it } from 'vitest';
import { omsHarness } from '../../../support/oms-harness.js';
import { setImmediate as flush } from 'node:timers/promises';

const buy = (qty: number, limitPrice?: number) => ({
  symbol: 'X',
  side: 'buy' as const,
  type: limitPrice ? ('limit' as const) : ('market' as const),
  qty,
  limitPrice,
  timeInForce: 'day' as const,
  source: 'test',
  reason: 'because',
});


describe('OrderManager', () => {
  it('sends an approved order with a deterministic client order id', () => {
    const h = omsHarness();
    const { order } = h.oms.submit(buy(10, 99));
    expect(order.clientOrderId).toBe('td-test-test-000001');
    expect(order.status).toBe('pending_new');
    expect(h.venue.submitted).toHaveLength(1);
    expect(h.venue.submitted[0]).toMatchObject({ clientOrderId: order.clientOrderId, qty: 10, limitPrice: 99 });
    expect(h.oms.submitted).toBe(1);
  });

  it('never sends a denied order and records why', () => {
    const h = omsHarness();
    h.risk.setState('HALTED', 't', 'test');
    const { order } = h.oms.submit(buy(10));
    expect(order.status).toBe('denied');
    expect(order.reason).toMatch(/HALTED/);
    expect(h.venue.submitted).toHaveLength(0);
    expect(h.oms.denied).toBe(1);
    expect(h.denials[0]!.decision.checks.find((c) => !c.passed)!.check).toBe('trading_state');
  });

  it('follows acks and partial fills to filled, updating the portfolio', () => {
    const h = omsHarness();
    const { order } = h.oms.submit(buy(10, 100));
    const id = order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v1', ts: 1 });
    h.oms.onVenueFill({ clientOrderId: id, fillId: 'f1', symbol: 'X', side: 'buy', qty: 4, price: 100, fee: 0, ts: 2, cumQty: 4, leavesQty: 6 });
    expect(h.oms.get(id)!.status).toBe('partially_filled');
    h.oms.onVenueFill({ clientOrderId: id, fillId: 'f2', symbol: 'X', side: 'buy', qty: 6, price: 101, fee: 0, ts: 3, cumQty: 10, leavesQty: 0 });
    const o = h.oms.get(id)!;
    expect(o.status).toBe('filled');
    expect(o.avgFillPrice).toBeCloseTo(100.6, 10);
    expect(h.portfolio.qty('X')).toBe(10);
    expect(h.oms.openCount).toBe(0);
  });

  it('a venue replace down to the filled quantity completes the order (found by the reconciliation property test)', () => {
    const h = omsHarness();
    const { order } = h.oms.submit(buy(10, 100));
    const id = order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v1', ts: 1 });
    h.oms.onVenueFill({ clientOrderId: id, fillId: 'f1', symbol: 'X', side: 'buy', qty: 4, price: 100, fee: 0, ts: 2, cumQty: 4, leavesQty: 6 });
    h.oms.onVenueUpdate({ kind: 'replaced', clientOrderId: id, qty: 4, ts: 3 });
    expect(h.oms.get(id)).toMatchObject({ status: 'filled', qty: 4, filledQty: 4 });
    expect(h.oms.openCount).toBe(0);
    // a replace that leaves something to fill keeps it working
    const b = h.oms.submit(buy(10, 100)).order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: b, venueOrderId: 'v2', ts: 4 });
    h.oms.onVenueUpdate({ kind: 'replaced', clientOrderId: b, qty: 6, ts: 5 });
    expect(h.oms.get(b)).toMatchObject({ status: 'accepted', qty: 6 });
  });

  it('a venue replace to more than an order filled here reopens it (found by CI in the reconciliation property test)', () => {
    const h = omsHarness();
    const id = h.oms.submit(buy(2, 100)).order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v1', ts: 1 });
    // the second execution, after the venue raised the order to 3, arrives before the replace
    h.oms.onVenueFill({ clientOrderId: id, fillId: 'f2', symbol: 'X', side: 'buy', qty: 1, price: 100, fee: 0, ts: 3, cumQty: 2, leavesQty: 1 });
    h.oms.onVenueFill({ clientOrderId: id, fillId: 'f1', symbol: 'X', side: 'buy', qty: 1, price: 100, fee: 0, ts: 2, cumQty: 1, leavesQty: 1 });
    expect(h.oms.get(id)!.status).toBe('filled');
    h.oms.onVenueUpdate({ kind: 'replaced', clientOrderId: id, qty: 3, ts: 4 });
    expect(h.oms.get(id)).toMatchObject({ status: 'partially_filled', qty: 3, filledQty: 2 });
    expect(h.oms.openOrders().map((o) => o.clientOrderId)).toEqual([id]);
    expect(h.problems.map((p) => p.code)).toContain('ORDER_REOPENED');
    // and the last execution completes it
    h.oms.onVenueFill({ clientOrderId: id, fillId: 'f3', symbol: 'X', side: 'buy', qty: 1, price: 100, fee: 0, ts: 5, cumQty: 3, leavesQty: 0 });
    expect(h.oms.get(id)).toMatchObject({ status: 'filled', filledQty: 3 });
    expect(h.portfolio.qty('X')).toBe(3);
    expect(h.oms.openCount).toBe(0);
  });

  it('an inferred fill stands for the executions not yet counted: an earlier one arriving after a later one is recognized whole', () => {
    const h = omsHarness();
    const id = h.oms.submit(buy(3, 100)).order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v1', ts: 1 });
    // the last execution (2 -> 3) arrives first; reconciliation infers the 2 before it
    h.oms.onVenueFill({ clientOrderId: id, fillId: 'f2', symbol: 'X', side: 'buy', qty: 1, price: 100, fee: 0, ts: 3, cumQty: 3, leavesQty: 0 });
    h.oms.onVenueFill({ clientOrderId: id, fillId: `${id}:inferred:3`, symbol: 'X', side: 'buy', qty: 2, price: 100, fee: 0, ts: 4, cumQty: 3, leavesQty: 0, inferred: true, confirmed: true });
    expect(h.oms.get(id)).toMatchObject({ status: 'filled', filledQty: 3 });
    // the first execution (0 -> 2), late: all of it is what the inferred fill stood for
    expect(h.oms.onVenueFill({ clientOrderId: id, fillId: 'f1', symbol: 'X', side: 'buy', qty: 2, price: 100, fee: 0, ts: 2, cumQty: 2, leavesQty: 1 })).toEqual({ applied: 0, covered: 2 });
    expect(h.oms.get(id)!.filledQty).toBe(3);
    expect(h.portfolio.qty('X')).toBe(3);
  });

  it('a modify in flight is known until the venue confirms or refuses it', () => {
    const h = omsHarness();
    const id = h.oms.submit(buy(10, 100)).order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v1', ts: 1 });
    expect(h.oms.replace(id, { qty: 12 }).requested).toBe(true);
    expect(h.oms.pendingModify(id)).toMatchObject({ qty: 12 });
    h.oms.onVenueUpdate({ kind: 'cancel_rejected', clientOrderId: id, reason: 'replace rejected', ts: 2 });
    expect(h.oms.pendingModify(id)).toBeUndefined();
    expect(h.oms.get(id)).toMatchObject({ status: 'accepted', qty: 10 });
    expect(h.oms.replace(id, { qty: 14 }).requested).toBe(true);
    h.oms.onVenueUpdate({ kind: 'replaced', clientOrderId: id, qty: 14, ts: 3 });
    expect(h.oms.pendingModify(id)).toBeUndefined();
  });

  it('ignores a duplicate fill, an overfill and a fill for an unknown order, reporting each', () => {
    const h = omsHarness();
    const { order } = h.oms.submit(buy(10, 100));
    const id = order.clientOrderId;
    const f = { clientOrderId: id, fillId: 'f1', symbol: 'X', side: 'buy' as const, qty: 5, price: 100, fee: 0, ts: 2, cumQty: 5, leavesQty: 5 };
    h.oms.onVenueFill(f);
    h.oms.onVenueFill(f);
    h.oms.onVenueFill({ ...f, fillId: 'f2', qty: 50 });
    h.oms.onVenueFill({ ...f, fillId: 'f3', clientOrderId: 'nope' });
    h.oms.onVenueFill({ ...f, fillId: 'f4', price: Number.NaN });
    expect(h.portfolio.qty('X')).toBe(5);
    expect(h.problems.map((p) => p.code)).toEqual(['DUPLICATE_FILL', 'OVERFILL', 'UNKNOWN_ORDER', 'BAD_FILL']);
  });

  it('refuses a late update on a terminal order without changing it', () => {
    const h = omsHarness();
    const { order } = h.oms.submit(buy(1, 100));
    const id = order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'rejected', clientOrderId: id, code: 'MARKET_CLOSED', reason: 'closed', ts: 1 });
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v', ts: 2 });
    h.oms.onVenueUpdate({ kind: 'canceled', clientOrderId: id, reason: 'x', ts: 3 });
    expect(h.oms.get(id)!.status).toBe('rejected');
    expect(h.problems.some((p) => p.code === 'ILLEGAL_TRANSITION')).toBe(true);
  });

  it('cancels bypass the risk engine, even when halted', () => {
    const h = omsHarness();
    const { order } = h.oms.submit(buy(1, 100));
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'v', ts: 1 });
    h.risk.setState('HALTED', 't', 'test');
    expect(h.oms.cancel(order.clientOrderId)).toEqual({ requested: true, reason: 'cancel requested' });
    expect(h.venue.cancels).toEqual([order.clientOrderId]);
    expect(h.oms.get(order.clientOrderId)!.status).toBe('pending_cancel');
    h.oms.onVenueUpdate({ kind: 'canceled', clientOrderId: order.clientOrderId, reason: 'user', ts: 2 });
    expect(h.oms.openCount).toBe(0);
  });

  it('returns a refused cancel to the working state', () => {
    const h = omsHarness();
    const { order } = h.oms.submit(buy(1, 100));
    const id = order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v', ts: 1 });
    h.oms.cancel(id);
    h.oms.onVenueUpdate({ kind: 'cancel_rejected', clientOrderId: id, reason: 'too late', ts: 2 });
    expect(h.oms.get(id)!.status).toBe('accepted');
    expect(h.oms.cancel('unknown').requested).toBe(false);
  });

  it('an order the venue rejects while its cancel is on its way ends rejected, not back at work (found by the order-path property test)', () => {
    const h = omsHarness();
    const id = h.oms.submit({ ...buy(1, 100), side: 'sell' }).order.clientOrderId;
    h.oms.cancel(id); // FLATTEN or KILL cancels it before the venue answered the submission
    expect(h.oms.get(id)!.status).toBe('pending_cancel');
    h.oms.onVenueUpdate({ kind: 'rejected', clientOrderId: id, code: 'INSUFFICIENT_POSITION', reason: 'nothing to sell', ts: 1 });
    h.oms.onVenueUpdate({ kind: 'cancel_rejected', clientOrderId: id, reason: 'order was rejected', ts: 2 });
    expect(h.oms.get(id)).toMatchObject({ status: 'rejected', reason: 'rejected by venue: nothing to sell' });
    expect(h.oms.openCount).toBe(0);
    expect(h.oms.openQty('X')).toEqual({ buy: 0, sell: 0 });
    expect(h.problems.map((p) => p.code)).not.toContain('ILLEGAL_TRANSITION');
  });

  it('turns a venue transport error into a rejected order with the reason', async () => {
    const h = omsHarness();
    h.venue.failNextSubmit = new Error('ECONNRESET');
    const { order } = h.oms.submit(buy(1, 100));
    await flush();
    expect(h.oms.get(order.clientOrderId)!.status).toBe('rejected');
    expect(h.oms.get(order.clientOrderId)!.reason).toMatch(/ECONNRESET/);
  });
});

describe('OrderManager: every execution once', () => {
  const vfill = (cid: string, fillId: string, qty: number, price: number, cumQty: number, extra: Record<string, unknown> = {}) => ({
    clientOrderId: cid,
    fillId,
    symbol: 'X',
    side: 'buy' as const,
    qty,
    price,
    fee: 0,
    ts: 5,
    cumQty,
    leavesQty: 0,
    ...extra,
  });

  it('a real execution inside the span of an inferred fill is recognized, not applied again; one beyond it is applied', () => {
    const h = omsHarness();
    const id = h.oms.submit(buy(10, 100)).order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v', ts: 2 });
    // reconciliation: 4 missed during an outage, known only as a cumulative quantity
    h.oms.onVenueFill(vfill(id, `${id}:inferred:4`, 4, 99.5, 4, { inferred: true, confirmed: true }));
    expect(h.oms.get(id)).toMatchObject({ status: 'partially_filled', filledQty: 4 });
    // the real executions arrive late: 3 then 1 (inside the span), then 2 new ones
    expect(h.oms.onVenueFill(vfill(id, 'e1', 3, 99.4, 3))).toEqual({ applied: 0, covered: 3 });
    expect(h.oms.onVenueFill(vfill(id, 'e2', 1, 99.8, 4))).toEqual({ applied: 0, covered: 1 });
    expect(h.oms.onVenueFill(vfill(id, 'e3', 2, 100, 6))).toEqual({ applied: 2, covered: 0 });
    // an execution straddling nothing left of the span, and a duplicate
    expect(h.oms.onVenueFill(vfill(id, 'e3', 2, 100, 6))).toEqual({ applied: 0, covered: 0 });
    expect(h.oms.get(id)!.filledQty).toBe(6);
    expect(h.portfolio.qty('X')).toBe(6);
    expect(h.covered).toEqual([
      { fillId: 'e1', qty: 3 },
      { fillId: 'e2', qty: 1 },
    ]);
  });

  it('an execution overlapping the end of an inferred span applies only the part beyond it', () => {
    const h = omsHarness();
    const id = h.oms.submit(buy(10, 100)).order.clientOrderId;
    h.oms.onVenueFill(vfill(id, `${id}:inferred:4`, 4, 100, 4, { inferred: true, confirmed: true }));
    // one execution of 5 covering cumulative (2, 7]: 2 of it already counted
    expect(h.oms.onVenueFill(vfill(id, 'big', 5, 100, 7))).toEqual({ applied: 3, covered: 2 });
    expect(h.oms.get(id)!.filledQty).toBe(7);
  });

  it('a fill for an order held final is parked and reported; applied only when reconciliation confirms it, correcting the order to filled', () => {
    const h = omsHarness();
    const id = h.oms.submit(buy(2, 100)).order.clientOrderId;
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: id, venueOrderId: 'v', ts: 2 });
    h.oms.onVenueUpdate({ kind: 'canceled', clientOrderId: id, reason: 'says the stream', ts: 3 });
    expect(h.oms.onVenueFill(vfill(id, 'late', 2, 99, 2))).toEqual({ applied: 0, covered: 0 });
    expect(h.portfolio.qty('X')).toBe(0);
    expect(h.problems.map((p) => p.code)).toContain('FILL_ON_FINAL_ORDER');
    expect(h.reconcileAsked).toEqual([id]);
    expect(h.oms.parkedFills(id).map((f) => f.fillId)).toEqual(['late']);
    expect(h.oms.onVenueFill({ ...h.oms.parkedFills(id)[0]!, confirmed: true })).toEqual({ applied: 2, covered: 0 });
    expect(h.oms.get(id)).toMatchObject({ status: 'filled', filledQty: 2 });
    expect(h.oms.get(id)!.reason).toMatch(/corrected by reconciliation/);
    expect(h.portfolio.qty('X')).toBe(2);
  });

  it('keeps an order pending when the venue says its submission outcome is unknown, and asks for reconciliation', async () => {
    const h = omsHarness();
    h.venue.failNextSubmit = Object.assign(new Error('HTTP 500 after create'), { ambiguous: true });
    const { order } = h.oms.submit(buy(1, 100));
    await flush();
    expect(h.oms.get(order.clientOrderId)!.status).toBe('pending_new');
    expect(h.problems.map((p) => p.code)).toContain('SUBMIT_UNRESOLVED');
    expect(h.reconcileAsked).toEqual([order.clientOrderId]);
  });

  it("KILL's cancels use the venue's cancel-all first, and cancel order by order when it fails", async () => {
    const h = omsHarness();
    const ids = [h.oms.submit(buy(1, 100)).order.clientOrderId, h.oms.submit(buy(1, 99)).order.clientOrderId];
    h.oms.cancelMany(ids, true);
    await flush();
    expect(h.venue.cancelAlls).toBe(1);
    expect(h.venue.cancels).toEqual([]);
    expect(ids.map((id) => h.oms.get(id)!.status)).toEqual(['pending_cancel', 'pending_cancel']);
    h.venue.failCancelAll = new Error('503');
    h.oms.cancelMany(ids, true);
    await flush();
    expect(h.venue.cancels).toEqual(ids);
    expect(h.problems.map((p) => p.code)).toContain('CANCEL_ALL_FAILED');
  });
});
