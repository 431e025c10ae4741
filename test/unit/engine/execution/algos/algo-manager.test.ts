// Execution algorithms on the real OMS and risk engine (scripted venue): a TWAP
// slices on schedule under the participation cap, an iceberg replenishes its
// visible part on fill, the parent is risk-checked for its full quantity and
// every child again, and cancel / HALT / a refused child stop the parent.
import { describe, expect, it } from 'vitest';
import { algoHarness } from '../../../../support/algo-harness.js';
import { wideLimits } from '../../../../support/oms-harness.js';

const MIN = 60_000;
const twap = (qty: number, durationMs = 5 * MIN) => ({ symbol: 'X', side: 'buy' as const, type: 'market' as const, qty, timeInForce: 'day' as const, source: 'manual', reason: 'test', algo: { kind: 'twap' as const, durationMs, sliceMs: MIN } });

describe('TWAP', () => {
  it('sends one child per slice, each a marketable limit checked by the risk engine, until the parent is filled', () => {
    const h = algoHarness();
    h.bar(10_000); // cap 0.1 x 10,000 = 1,000: not binding
    const { order: parent, decision } = h.algos.submit(twap(100));
    expect(decision.approved).toBe(true);
    expect(parent.algo).toBe('twap');
    expect(h.venue.submitted.map((r) => r.clientOrderId)).not.toContain(parent.clientOrderId); // the parent never leaves
    for (let k = 0; k < 5; k++) {
      const kids = h.children(parent.clientOrderId);
      expect(kids).toHaveLength(k + 1);
      const child = kids[k]!;
      expect(child).toMatchObject({ parentId: parent.clientOrderId, qty: 20, type: 'limit', limitPrice: 100.07 }); // ask 100.01 + 5 bps, up to the tick
      // every child had its own approved risk decision
      expect(h.checked.some((c) => c.order.clientOrderId === child.clientOrderId && c.decision.approved)).toBe(true);
      h.ack(child.clientOrderId);
      h.fill(child.clientOrderId, 20, 100 + k);
      h.tick(MIN / 2);
      expect(h.children(parent.clientOrderId)).toHaveLength(k + 1); // nothing before the next slice
      h.tick(MIN / 2);
    }
    const done = h.algos.get(parent.clientOrderId)!;
    expect(done).toMatchObject({ status: 'filled', filledQty: 100, avgFillPrice: 102 });
    expect(h.records.map((r) => r.event)).toEqual(['start', 'child', 'child', 'child', 'child', 'child', 'finish']);
    expect(h.records.at(-1)!.reason).toMatch(/complete/);
  });

  it('caps each child at the participation share of the last bar and catches up later', () => {
    const h = algoHarness();
    h.bar(150); // 0.1 x 150 = 15 < the 20 due
    const { order: p } = h.algos.submit(twap(100));
    const first = h.children(p.clientOrderId)[0]!;
    expect(first.qty).toBe(15);
    h.ack(first.clientOrderId);
    h.fill(first.clientOrderId, 15);
    h.bar(1_000); // a new bar within the first slice: the 5 still due of its 20
    const second = h.children(p.clientOrderId)[1]!;
    expect(second.qty).toBe(5);
    h.ack(second.clientOrderId);
    h.fill(second.clientOrderId, 5);
    h.tick(MIN);
    expect(h.children(p.clientOrderId)[2]!.qty).toBe(20); // 40 due - 20 filled
  });

  it('without a bar volume no child can be sized: nothing is sent until one arrives', () => {
    const h = algoHarness();
    const { order: p } = h.algos.submit(twap(100));
    h.tick(MIN);
    expect(h.children(p.clientOrderId)).toHaveLength(0);
    h.bar(1_000);
    expect(h.children(p.clientOrderId)).toHaveLength(1);
  });
});

describe('iceberg', () => {
  it('shows the display quantity at the parent limit and replenishes it when it fills (not on a partial fill)', () => {
    const h = algoHarness();
    const { order: p } = h.algos.submit({ symbol: 'X', side: 'sell', type: 'limit', limitPrice: 101, qty: 25, timeInForce: 'day', source: 'manual', reason: 't', algo: { kind: 'iceberg', displayQty: 10 } });
    let kids = h.children(p.clientOrderId);
    expect(kids).toHaveLength(1);
    expect(kids[0]).toMatchObject({ qty: 10, limitPrice: 101, side: 'sell' });
    h.ack(kids[0]!.clientOrderId);
    h.fill(kids[0]!.clientOrderId, 4);
    expect(h.children(p.clientOrderId)).toHaveLength(1);
    h.fill(kids[0]!.clientOrderId, 6);
    kids = h.children(p.clientOrderId);
    expect(kids.map((k) => k.qty)).toEqual([10, 10]);
    h.ack(kids[1]!.clientOrderId);
    h.fill(kids[1]!.clientOrderId, 10);
    kids = h.children(p.clientOrderId);
    expect(kids.map((k) => k.qty)).toEqual([10, 10, 5]);
    h.ack(kids[2]!.clientOrderId);
    h.fill(kids[2]!.clientOrderId, 5);
    expect(h.algos.get(p.clientOrderId)).toMatchObject({ status: 'filled', filledQty: 25 });
  });

  it('its children are never re-priced by the order monitor (they stay at the parent limit)', () => {
    const h = algoHarness();
    const { order: p } = h.algos.submit({ symbol: 'X', side: 'buy', type: 'limit', limitPrice: 99, qty: 20, timeInForce: 'day', source: 'manual', reason: 't', algo: { kind: 'iceberg', displayQty: 10 } });
    const child = h.children(p.clientOrderId)[0]!;
    h.ack(child.clientOrderId);
    h.tick(h.settings.monitor.limitTimeoutMs * 3);
    expect(h.replaces).toHaveLength(0);
    expect(h.oms.get(child.clientOrderId)!.status).toBe('accepted');
  });
});

/** A TWAP parent whose first child is working (acknowledged). */
function runningTwap() {
  const h = algoHarness();
  h.bar(10_000);
  const { order: p } = h.algos.submit(twap(100));
  const first = h.children(p.clientOrderId)[0]!;
  h.ack(first.clientOrderId);
  return { h, p, first };
}

describe('stopping a parent', () => {
  it('a TWAP still unfilled when its duration and grace are over stops: the working child canceled, the rest never sent', () => {
    const h = algoHarness(undefined, { algo: { overrunMs: 30_000 } as never });
    h.bar(150); // the cap (15 a child) keeps it behind its schedule of 20 a minute
    const { order: p } = h.algos.submit(twap(100)); // 5 min + 30 s grace
    const deadline = h.records[0]!.deadline!;
    expect(deadline).toBe(h.now() + 5 * MIN + 30_000);
    for (let k = 0; k < 5; k++) {
      const kid = h.children(p.clientOrderId).at(-1)!;
      h.ack(kid.clientOrderId);
      h.fill(kid.clientOrderId, kid.qty);
      h.tick(MIN);
    }
    // at 5 min (the duration's end, inside the grace) it still works its remainder: 5 filled children of 15, a 6th sent
    const last = h.children(p.clientOrderId).at(-1)!;
    expect(h.children(p.clientOrderId)).toHaveLength(6);
    expect(h.algos.get(p.clientOrderId)).toMatchObject({ status: 'partially_filled', filledQty: 75 });
    h.ack(last.clientOrderId);
    h.tick(MIN); // 6 min: past the 5.5 min deadline, the 6th child still working
    expect(h.venue.cancels).toEqual([last.clientOrderId]);
    h.venueCanceled(last.clientOrderId); // the parent ends once its child is confirmed canceled
    const end = h.algos.get(p.clientOrderId)!;
    expect(end.status).toBe('canceled');
    expect(end.reason).toMatch(new RegExp(`deadline ${new Date(deadline).toISOString()} passed .* with 75 of 100 filled`));
    expect(h.alerts.some((a) => a.code === 'ALGO_STOPPED' && /deadline/.test(a.message))).toBe(true);
    const sent = h.venue.submitted.length;
    for (let k = 0; k < 5; k++) h.tick(MIN);
    expect(h.venue.submitted.length).toBe(sent);
  });

  it('before its deadline a TWAP behind schedule keeps working its remainder', () => {
    const h = algoHarness(undefined, { algo: { overrunMs: 10 * MIN } as never });
    h.bar(150);
    const { order: p } = h.algos.submit(twap(100));
    for (let k = 0; k < 8; k++) {
      const kid = h.children(p.clientOrderId).at(-1)!;
      if (h.oms.get(kid.clientOrderId)!.status === 'pending_new') {
        h.ack(kid.clientOrderId);
        h.fill(kid.clientOrderId, kid.qty);
      }
      h.tick(MIN);
    }
    expect(h.algos.get(p.clientOrderId)!.status).toBe('filled'); // 8 min: past its 5 min duration, inside the grace
  });

  it('cancel of the parent cancels its working child and sends nothing more', () => {
    const { h, p, first: child } = runningTwap();
    expect(h.algos.cancel(p.clientOrderId)).toMatchObject({ requested: true });
    expect(h.venue.cancels).toEqual([child.clientOrderId]);
    h.venueCanceled(child.clientOrderId);
    for (let k = 0; k < 10; k++) h.tick(MIN);
    expect(h.children(p.clientOrderId)).toHaveLength(1);
    expect(h.algos.get(p.clientOrderId)).toMatchObject({ status: 'canceled' });
    expect(h.records.at(-1)).toMatchObject({ event: 'finish', reason: 'canceled by request' });
    expect(h.algos.cancel('td-nope')).toBeUndefined(); // not a parent: the OMS's cancel applies
  });

  it('HALT stops the parent: children canceled, none sent after', () => {
    const { h, p } = runningTwap();
    h.risk.setState('HALTED', 'operator', 'test');
    h.algos.onTradingState({ ts: h.now(), from: 'ACTIVE', to: 'HALTED', actor: 'operator', reason: 'test', scope: 'account' });
    const sent = h.venue.submitted.length;
    h.venueCanceled(h.children(p.clientOrderId)[0]!.clientOrderId);
    h.risk.setState('ACTIVE', 'operator', 'back');
    for (let k = 0; k < 6; k++) h.tick(MIN);
    expect(h.venue.submitted.length).toBe(sent);
    expect(h.algos.get(p.clientOrderId)!.status).toBe('canceled');
    expect(h.algos.get(p.clientOrderId)!.reason).toMatch(/HALTED/);
  });

  it('a HALT scoped to a strategy or a symbol stops only the parents it covers', () => {
    const h = algoHarness();
    h.bar(10_000);
    const mine = h.algos.submit({ ...twap(100), source: 'trend' }).order;
    const other = h.algos.submit({ ...twap(100), source: 'meanrev' }).order;
    h.algos.onTradingState({ ts: h.now(), from: 'ACTIVE', to: 'HALTED', actor: 'operator', reason: 'scoped', scope: 'strategy:trend' });
    h.venueCanceled(h.children(mine.clientOrderId)[0]!.clientOrderId);
    expect(h.algos.get(mine.clientOrderId)!.status).toBe('canceled');
    expect(h.algos.get(other.clientOrderId)!.status).toBe('accepted');
    h.algos.onTradingState({ ts: h.now(), from: 'ACTIVE', to: 'HALTED', actor: 'operator', reason: 'scoped', scope: 'instrument:X' });
    expect(h.venue.cancels).toContain(h.children(other.clientOrderId)[0]!.clientOrderId);
  });

  it('a parent larger than the limits allow is denied whole and sends nothing', () => {
    const h = algoHarness(wideLimits({ maxOrderQty: 50, maxOrderNotional: 1e9, maxPositionNotional: 1e9 }));
    h.bar(10_000);
    const { order, decision } = h.algos.submit(twap(100));
    expect(decision.approved).toBe(false);
    expect(order.status).toBe('denied');
    expect(order.reason).toMatch(/^denied: /);
    expect(h.venue.submitted).toHaveLength(0);
    expect(h.records).toHaveLength(0);
  });

  it('a child the risk engine refuses stops the parent with the reason', () => {
    const { h, p, first } = runningTwap();
    h.fill(first.clientOrderId, 20);
    h.risk.setState('REDUCING', 'operator', 'test'); // a buy now adds exposure: refused
    h.tick(MIN);
    const end = h.algos.get(p.clientOrderId)!;
    expect(end.status).toBe('canceled');
    expect(end.reason).toMatch(/denied/);
    expect(h.venue.submitted).toHaveLength(1);
    expect(end.filledQty).toBe(20);
  });

  it('a child canceled at the venue (not by the algorithm) stops the parent', () => {
    const { h, p, first } = runningTwap();
    h.venueCanceled(first.clientOrderId);
    expect(h.algos.get(p.clientOrderId)).toMatchObject({ status: 'canceled' });
    expect(h.algos.get(p.clientOrderId)!.reason).toMatch(/canceled/);
  });

  it('ends recovered parents cleanly after a restart: open children canceled, the parent finished with its fills', () => {
    const h = algoHarness();
    const parent = { clientOrderId: 'pa-old-twap-000001', symbol: 'X', side: 'buy' as const, type: 'market' as const, qty: 100, timeInForce: 'day' as const, status: 'partially_filled' as const, filledQty: 20, avgFillPrice: 100, source: 'manual', reason: 'm', createdAt: 0, updatedAt: 0, algo: 'twap' };
    const canceled: string[] = [];
    const n = h.algos.endRecovered([parent], () => [{ ...parent, clientOrderId: 'child-1', parentId: parent.clientOrderId }], () => ({ qty: 40, avg: 101 }), (id) => canceled.push(id));
    expect(n).toBe(1);
    expect(canceled).toEqual(['child-1']);
    expect(h.algos.get(parent.clientOrderId)).toMatchObject({ status: 'canceled', filledQty: 40, avgFillPrice: 101 });
    expect(h.records.at(-1)).toMatchObject({ event: 'finish' });
    expect(h.records.at(-1)!.reason).toMatch(/engine restarted.*not resumed.*40 of 100 filled.*1 open child/);
  });
});
