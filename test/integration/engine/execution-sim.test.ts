// Execution algorithms end to end on the simulator venue: a manual TWAP's
// children go through the risk engine to the paper broker and fill; the parent
// shows in the orders snapshot with `algo`, its children with `parentId`, and
// its decision lists the children with their fills. With a journal: the session
// replays identically, and after a restart the unfinished parent is ended
// cleanly (not resumed) with its open children canceled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';
import { readJournal } from '../../../src/engine/journal/reader.js';
import { replayJournal } from '../../../src/engine/replay.js';

process.env.TRADEDESK_JOURNAL_ANCHOR = 'file';
const MIN = 60_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('execution algorithms on the simulator', () => {
  it('a manual TWAP is sliced into risk-checked children that fill at the paper broker; parent and children show in orders and the decision log', async () => {
    // the ensemble trades alongside: concentration room so that its positions do not refuse our children
    const e = await createEngine({ sim: { seed: 42, speed: 'max' }, risk: { maxConcentrationPct: 1 } });
    await e.prepare();
    e.runUntil(e.now() + 2 * MIN); // a bar for the participation cap
    const r = await e.handlers.submitOrder({ symbol: 'BAC', side: 'buy', type: 'market', qty: 120, timeInForce: 'day', algo: { kind: 'twap', durationMs: 4 * MIN, sliceMs: MIN } });
    expect(r.accepted).toBe(true);
    expect(r.clientOrderId).toMatch(/^pa-/);
    e.runUntil(e.now() + 12 * MIN);
    const parent = e.algos.get(r.clientOrderId)!;
    const children = e.oms.recent(10_000).filter((o) => o.parentId === r.clientOrderId);
    expect(parent).toMatchObject({ algo: 'twap', status: 'filled', filledQty: 120 });
    expect(children.length).toBeGreaterThanOrEqual(4);
    expect(children.reduce((a, c) => a + c.filledQty, 0)).toBe(120);
    expect(children.every((c) => c.status === 'filled')).toBe(true);
    // the parent never reached the venue; every child passed its own risk check
    expect(e.oms.get(r.clientOrderId)).toBeUndefined();
    for (const c of children) expect(e.decisions.get(c.clientOrderId)?.summary.outcome).toBe('submitted');
    const detail = await e.handlers.getDecision({ id: r.clientOrderId });
    expect(detail.summary).toMatchObject({ outcome: 'submitted', status: 'filled', filledQty: 120 });
    expect(detail.children!.map((c) => c.order.clientOrderId).sort()).toEqual(children.map((c) => c.clientOrderId).sort());
    expect(detail.children!.reduce((a, c) => a + c.fills.reduce((b, f) => b + f.qty, 0), 0)).toBe(120);
    const snap = await e.handlers.snapshot({});
    expect(snap.orders.find((o) => o.clientOrderId === r.clientOrderId)).toMatchObject({ algo: 'twap', status: 'filled' });
    expect(snap.orders.filter((o) => o.parentId === r.clientOrderId).length).toBe(children.length);
    await e.stop();
  });

  it("the ensemble's orders at or above the ADV threshold are worked as TWAP parents; smaller ones go straight to the OMS", async () => {
    // the benefit/cost filter off: this is about routing, and the filter skips most of a large entry's (impact included)
    const e = await createEngine({ sim: { seed: 42, speed: 'max' }, execution: { algo: { advThresholdPct: 0.0001 } as never }, costs: { benefitCostRatio: 0 } as never });
    await e.prepare();
    e.runUntil(e.now() + 60 * MIN);
    const parents = e.algos.parents();
    const direct = e.oms.recent(10_000).filter((o) => o.parentId === undefined && o.source !== 'manual' && o.status !== 'denied');
    expect(parents.length).toBeGreaterThan(0);
    expect(direct.length).toBeGreaterThan(0);
    for (const p of parents) {
      expect(p).toMatchObject({ algo: 'twap', type: 'limit' });
      expect(p.source).not.toBe('manual');
      const kids = e.oms.recent(10_000).filter((o) => o.parentId === p.clientOrderId);
      expect(kids.length).toBeGreaterThan(0);
      expect(kids.every((k) => k.source === p.source && k.limitPrice !== undefined && (p.side === 'buy' ? k.limitPrice <= p.limitPrice! : k.limitPrice >= p.limitPrice!))).toBe(true);
    }
    await e.stop();
  });

  it('bad algorithm input is refused naming the field', async () => {
    const e = await createEngine({ sim: { seed: 42, speed: 'max' } });
    await e.prepare();
    expect(() => e.handlers.submitOrder({ symbol: 'BAC', side: 'buy', type: 'market', qty: 10, timeInForce: 'day', algo: { kind: 'iceberg' } })).toThrow(/algo\.kind.*limit/);
    expect(() => e.handlers.submitOrder({ symbol: 'BAC', side: 'buy', type: 'limit', limitPrice: 50, qty: 10, timeInForce: 'day', algo: { kind: 'iceberg', displayQty: 20 } })).toThrow(/algo\.displayQty/);
    await e.stop();
  });

  it('journals the algorithm, replays identically, and ends an unfinished parent cleanly after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-algo-'));
    dirs.push(dir);
    const a = await createEngine({ sim: { seed: 42, speed: 'max' } }, { dataDir: dir });
    await a.prepare();
    a.runUntil(a.now() + 2 * MIN);
    const q = a.quotes.get('BAC')!;
    const below = Math.round(q.bid * 0.97 * 100) / 100; // rests below the market, inside the price collar
    const r = await a.handlers.submitOrder({ symbol: 'BAC', side: 'buy', type: 'limit', limitPrice: below, qty: 100, timeInForce: 'day', algo: { kind: 'iceberg', displayQty: 10 } });
    expect(r.accepted).toBe(true);
    a.runUntil(a.now() + 3 * MIN);
    const child = a.oms.openOrders('BAC').find((o) => o.parentId === r.clientOrderId)!;
    expect(child).toMatchObject({ qty: 10, limitPrice: below });
    await a.stop();
    const events = [...readJournal(dir)].filter((x) => x.kind === 'algo').map((x) => JSON.parse(x.data) as { event: string });
    expect(events.map((x) => x.event)).toEqual(['start', 'child']);

    const b = await createEngine({ sim: { seed: 42, speed: 'max' } }, { dataDir: dir });
    await b.prepare();
    const ended = b.algos.get(r.clientOrderId)!;
    expect(ended.status).toBe('canceled');
    expect(ended.reason).toMatch(/engine restarted: iceberg ended, not resumed; 0 of 100 filled, 1 open child\(ren\) canceled/);
    b.runUntil(b.now() + MIN);
    expect(b.oms.get(child.clientOrderId)!.status).toBe('canceled');
    expect(b.oms.openOrders('BAC').some((o) => o.parentId === r.clientOrderId)).toBe(false);
    // the decision log rebuilt from the journal still shows the parent's child
    expect((await b.handlers.getDecision({ id: r.clientOrderId })).children!.map((c) => c.order.clientOrderId)).toContain(child.clientOrderId);
    await b.stop();
    const replay = await replayJournal(dir);
    expect(replay.divergence).toBeUndefined();
    expect(replay).toMatchObject({ ok: true, sessions: 2 });
  });
});
