// A modify is written ahead of the venue like an order: under durable group
// commit (a broker venue's mode), the modify's own durable record and its risk
// decision are on disk before replaceOrder reaches the venue, and the modify
// waits for them (it does not leave in the same synchronous step).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAnchor } from '../../../../src/engine/journal/anchor.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import { readJournal } from '../../../../src/engine/journal/reader.js';
import { omsHarness } from '../../../support/oms-harness.js';
import { setImmediate as turn } from 'node:timers/promises';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('modify write-ahead', () => {
  it("the modify's record and its decision are durable before replaceOrder reaches the venue", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-modify-wa-'));
    dirs.push(dir);
    const journal = Journal.open(dir, { anchor: new FileAnchor(dir), durableGroupMs: 60_000, durableGroupRecords: 256 });
    let ts = Date.parse('2026-01-05T14:30:00Z');
    const seqs: Array<{ kind: string; seq: number }> = [];
    const h = omsHarness(undefined, { record: (kind, payload) => void seqs.push({ kind, seq: journal.append(++ts, kind, payload) }), writeAhead: () => journal.whenDurable() });
    const { order } = h.oms.submit({ symbol: 'X', side: 'buy', type: 'limit', qty: 5, limitPrice: 99, timeInForce: 'day', source: 't', reason: 't' });
    await turn();
    h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'v1', ts: h.now() });
    await turn();
    const atReplace: number[] = [];
    (h.venue as { replaceOrder: (id: string) => Promise<void> }).replaceOrder = async () => void atReplace.push(journal.durableSeq);
    const r = h.oms.replace(order.clientOrderId, { qty: 8, limitPrice: 98.5 });
    expect(r.requested).toBe(true);
    expect(atReplace).toEqual([]); // held by the gate: its records are not on disk yet
    await turn();
    expect(atReplace).toHaveLength(1);
    const modify = seqs.filter((s) => s.kind === 'order.modify');
    const decision = seqs.filter((s) => s.kind === 'decision').at(-1)!;
    expect(modify).toHaveLength(1);
    expect(atReplace[0]).toBeGreaterThanOrEqual(modify[0]!.seq);
    expect(atReplace[0]).toBeGreaterThanOrEqual(decision.seq);
    journal.close();
    const rec = [...readJournal(dir)].find((x) => x.kind === 'order.modify')!;
    expect(JSON.parse(rec.data)).toEqual({ clientOrderId: order.clientOrderId, qty: 8, limitPrice: 98.5, decisionId: `${order.clientOrderId}:modify:1` });
  });

  it('a denied modify journals its decision and nothing to send', () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-modify-wa-'));
    dirs.push(dir);
    const journal = Journal.open(dir, { anchor: new FileAnchor(dir) });
    let ts = Date.parse('2026-01-05T14:30:00Z');
    const kinds: string[] = [];
    const h = omsHarness(undefined, { record: (kind, payload) => (kinds.push(kind), void journal.append(++ts, kind, payload)), writeAhead: () => journal.whenDurable() });
    const { order } = h.oms.submit({ symbol: 'X', side: 'buy', type: 'limit', qty: 5, limitPrice: 99, timeInForce: 'day', source: 't', reason: 't' });
    const calls: string[] = [];
    (h.venue as { replaceOrder: (id: string) => Promise<void> }).replaceOrder = async (id) => void calls.push(id);
    const r = h.oms.replace(order.clientOrderId, { qty: 5_000 }); // above maxOrderQty 1,000
    expect(r.requested).toBe(false);
    expect(kinds.filter((k) => k === 'order.modify')).toEqual([]);
    expect(kinds.at(-1)).toBe('decision');
    expect(calls).toEqual([]);
    journal.close();
  });
});
