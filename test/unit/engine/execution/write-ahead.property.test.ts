// The write-ahead rule under durable group commit, over random interleavings of
// submits, cancels, modifies, kills, venue acks and fills, other journal records
// and event-loop turns: the OMS runs on a real Journal (SQLite files, group
// commit on) and the venue is instrumented to read the journal's durable seq at
// the moment each call reaches it. No order, cancel or modify reaches the venue
// before the order's record is on disk; every approved order does reach it once
// its group commits, and the calls for one order arrive in the order they were made.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAnchor } from '../../../../src/engine/journal/anchor.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import type { Order } from '../../../../src/shared/domain.js';
import { omsHarness } from '../../../support/oms-harness.js';
import { setImmediate as turn } from 'node:timers/promises';

type Cmd =
  | { t: 'submit'; qty: number; limit: boolean }
  | { t: 'cancel'; pick: number }
  | { t: 'replace'; pick: number; qty: number }
  | { t: 'kill'; cancelAll: boolean }
  | { t: 'ack'; pick: number }
  | { t: 'fill'; pick: number; frac: number }
  | { t: 'quote' }
  | { t: 'turn' };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('submit' as const), qty: fc.integer({ min: 1, max: 50 }), limit: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replace' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('kill' as const), cancelAll: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('fill' as const), pick: fc.nat(), frac: fc.double({ min: 0.1, max: 1, noNaN: true }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('quote' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('turn' as const) }) },
);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('write-ahead under durable group commit', () => {
  it('nothing reaches the venue before its order record is durable; every approved order reaches it; per-order call order is kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 40 }), async (cmds) => {
        const dir = mkdtempSync(join(tmpdir(), 'td-write-ahead-'));
        dirs.push(dir);
        const journal = Journal.open(dir, { anchor: new FileAnchor(dir), durableGroupMs: 60_000, durableGroupRecords: 256 });
        let ts = Date.parse('2026-01-05T14:30:00Z');
        /** Seq of each order's last journaled order record. */
        const orderSeq = new Map<string, number>();
        const h = omsHarness(undefined, {
          record: (kind, payload) => {
            const seq = journal.append(++ts, kind, payload);
            if (kind === 'order') orderSeq.set((payload as Order).clientOrderId, seq);
          },
          writeAhead: () => journal.whenDurable(),
        });
        const calls: Array<{ id: string; what: string }> = [];
        const reached = (id: string, what: string): void => {
          expect(journal.durableSeq, `${what} of ${id} reached the venue before its record (seq ${orderSeq.get(id)}) was durable`).toBeGreaterThanOrEqual(orderSeq.get(id)!);
          calls.push({ id, what });
        };
        const v = h.venue;
        const submit = v.submitOrder.bind(v);
        v.submitOrder = (r) => (reached(r.clientOrderId, 'submit'), submit(r));
        const cancel = v.cancelOrder.bind(v);
        v.cancelOrder = (id) => (reached(id, 'cancel'), cancel(id));
        (v as { replaceOrder: (id: string) => Promise<void> }).replaceOrder = async (id) => reached(id, 'replace');
        const cancelAll = v.cancelAll.bind(v);
        v.cancelAll = () => {
          // a venue's cancel-all reaches the orders it holds: one whose submit is still waiting for the journal is not among them
          for (const o of h.oms.openOrders()) if (o.status === 'pending_cancel' && calls.some((c) => c.id === o.clientOrderId && c.what === 'submit')) reached(o.clientOrderId, 'cancel-all');
          return cancelAll();
        };
        const atVenue = (pick: number): Order | undefined => {
          const open = h.oms.openOrders().filter((o) => calls.some((c) => c.id === o.clientOrderId && c.what === 'submit'));
          return open.length ? open[pick % open.length] : undefined;
        };
        let fills = 0;
        for (const c of cmds) {
          h.tick();
          const open = h.oms.openOrders();
          const pick = (n: number): Order | undefined => (open.length ? open[n % open.length] : undefined);
          switch (c.t) {
            case 'submit':
              h.oms.submit({ symbol: 'X', side: 'buy', type: c.limit ? 'limit' : 'market', qty: c.qty, limitPrice: c.limit ? 99 : undefined, timeInForce: 'day', source: 'prop', reason: 'prop' });
              break;
            case 'cancel': {
              const o = pick(c.pick);
              if (o) h.oms.cancel(o.clientOrderId);
              break;
            }
            case 'replace': {
              const o = pick(c.pick);
              if (o) h.oms.replace(o.clientOrderId, { qty: Math.max(c.qty, o.filledQty + 1) });
              break;
            }
            case 'kill':
              h.oms.cancelMany(open.map((o) => o.clientOrderId), c.cancelAll);
              break;
            case 'ack': {
              const o = atVenue(c.pick);
              if (o) h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: o.clientOrderId, venueOrderId: `v-${o.clientOrderId}`, ts: h.now() });
              break;
            }
            case 'fill': {
              const o = atVenue(c.pick);
              if (!o) break;
              const qty = Math.max(1, Math.floor((o.qty - o.filledQty) * c.frac));
              const cum = o.filledQty + qty;
              h.oms.onVenueFill({ clientOrderId: o.clientOrderId, fillId: `f${++fills}`, symbol: 'X', side: o.side, qty, price: 99, fee: 0, ts: h.now(), cumQty: cum, leavesQty: o.qty - cum });
              break;
            }
            case 'quote':
              journal.append(++ts, 'input.quote', { symbol: 'X', bid: 99, ask: 100 });
              break;
            case 'turn':
              await turn();
              break;
          }
        }
        await turn();
        await turn();
        // every approved order reached the venue, once
        expect(v.submitted.map((r) => r.clientOrderId).sort()).toEqual([...new Set(calls.filter((c) => c.what === 'submit').map((c) => c.id))].sort());
        expect(v.submitted).toHaveLength(h.oms.submitted);
        // for each order, nothing arrives before its submit
        for (const [i, c] of calls.entries()) {
          if (c.what !== 'submit') expect(calls.slice(0, i).some((p) => p.id === c.id && p.what === 'submit'), `${c.what} of ${c.id} before its submit`).toBe(true);
        }
        expect(h.problems.filter((p) => p.code === 'JOURNAL_FAILED' || p.code === 'SEND_FAILED')).toEqual([]);
        journal.close();
        rmSync(dir, { recursive: true, force: true });
      }),
      {
        numRuns: 40,
        // found by this test: a cancel-all sent while a later order's submit still waited for the same commit was
        // counted as reaching that order before its submit (the check's mistake, not the OMS's)
        examples: [[[{ t: 'submit', qty: 1, limit: false }, { t: 'kill', cancelAll: true }, { t: 'submit', qty: 1, limit: false }, { t: 'cancel', pick: 1142615563 }]]],
      },
    );
  });

  it('in immediate mode (simulated time) the venue is called synchronously, in the same turn as the submit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-write-ahead-'));
    dirs.push(dir);
    const journal = Journal.open(dir, { anchor: new FileAnchor(dir) });
    let ts = Date.parse('2026-01-05T14:30:00Z');
    const h = omsHarness(undefined, { record: (kind, payload) => journal.append(++ts, kind, payload), writeAhead: () => journal.whenDurable() });
    const { order } = h.oms.submit({ symbol: 'X', side: 'buy', type: 'limit', qty: 5, limitPrice: 99, timeInForce: 'day', source: 't', reason: 't' });
    expect(h.venue.submitted.map((r) => r.clientOrderId)).toEqual([order.clientOrderId]);
    expect(journal.durableSeq).toBe(journal.lastSeq);
    journal.close();
  });

  it('group mode: orders wait for the end of the turn and share one fsync; meanwhile the OMS reports them awaiting the journal (what reconciliation checks)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-write-ahead-'));
    dirs.push(dir);
    const journal = Journal.open(dir, { anchor: new FileAnchor(dir), durableGroupMs: 60_000 });
    let ts = Date.parse('2026-01-05T14:30:00Z');
    const h = omsHarness(undefined, { record: (kind, payload) => journal.append(++ts, kind, payload), writeAhead: () => journal.whenDurable() });
    const a = h.oms.submit({ symbol: 'X', side: 'buy', type: 'limit', qty: 5, limitPrice: 99, timeInForce: 'day', source: 't', reason: 't' }).order;
    const b = h.oms.submit({ symbol: 'X', side: 'buy', type: 'limit', qty: 6, limitPrice: 99, timeInForce: 'day', source: 't', reason: 't' }).order;
    expect(h.venue.submitted).toHaveLength(0);
    expect(h.oms.awaitingJournal(a.clientOrderId)).toBe(true);
    await turn();
    expect(h.venue.submitted.map((r) => r.clientOrderId)).toEqual([a.clientOrderId, b.clientOrderId]);
    expect(h.oms.awaitingJournal(a.clientOrderId)).toBe(false);
    // both orders' records shared one fsync
    expect(journal.stats.durableCommits).toBe(1);
    journal.close();
  });
});
