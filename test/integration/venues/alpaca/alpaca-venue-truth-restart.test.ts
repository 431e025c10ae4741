// Venue truth across a restart: a partial fill missed during a stream outage is
// counted by one inferred fill at reconnect; the engine is then stopped and
// started again from its journal (real SQLite files); the execution the stream
// missed arrives only now, replayed. The restarted engine must recognize it as
// already counted (its spans come back from the journal), not count it twice.
// Real engine, real Alpaca SDK, loopback Alpaca server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/engine/core/config.js';
import { Engine } from '../../../../src/engine/engine.js';
import { readJournal } from '../../../../src/engine/journal/reader.js';
import type { JournalKind } from '../../../../src/engine/journal/records.js';
import { AlpacaVenue } from '../../../../src/engine/venues/alpaca/alpaca-venue.js';
import { AlpacaLoopbackServer, loopbackVenueOptions, waitFor } from '../../../support/loopback/alpaca-server.js';

let server: AlpacaLoopbackServer;
let engine: Engine | undefined;
let dir: string;
const config = loadConfig({ venue: 'alpaca-paper', symbols: ['MSFT'], strategy: { enabled: false }, risk: { priceCollarPct: 0.5 } });

async function startEngine(): Promise<Engine> {
  const e = new Engine(config, { dataDir: dir, venue: () => new AlpacaVenue(loopbackVenueOptions(server, { reconcileIntervalMs: 100 })) });
  await e.start();
  await waitFor(() => !['none', 'running'].includes(e.reconciliation.state), 'start-up reconciliation');
  server.pushQuote({ S: 'MSFT', t: Date.now(), bp: 409.9, bs: 100, ap: 410.1, as: 100 });
  await waitFor(() => e.referencePrice('MSFT'), 'a quote');
  return e;
}

/** Records of one kind for one order, across every session of the journal. */
function journaled(kind: JournalKind, cid: string): Array<Record<string, unknown>> {
  return [...readJournal(dir, new Set([kind]))].map((r) => JSON.parse(r.data) as Record<string, unknown>).filter((d) => d.clientOrderId === cid);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'td-alpaca-restart-'));
  server = await AlpacaLoopbackServer.start();
  server.openAllDay();
  server.setPrice('MSFT', 410);
  server.setBars('MSFT', AlpacaLoopbackServer.minuteBars(30, Math.floor(Date.now() / 60_000) * 60_000 - 120_000, 410));
  engine = await startEngine();
});

afterEach(async () => {
  await engine?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('venue truth across a restart (Alpaca, engine end to end)', () => {
  it('an execution counted by an inferred fill before a restart and replayed after it is recognized, not counted twice', async () => {
    const r = await engine!.handlers.submitOrder({ symbol: 'MSFT', side: 'buy', type: 'limit', qty: 10, limitPrice: 405, timeInForce: 'day' });
    expect(r.accepted).toBe(true);
    const cid = r.clientOrderId;
    await waitFor(() => engine!.oms.get(cid)?.status === 'accepted', 'accepted');
    server.cutTradeStream();
    await waitFor(() => engine!.status().tradingState === 'HALTED', 'HALTED by the disconnect');
    server.fill(cid, 4, 404.5);
    server.restoreTradeStream();
    await waitFor(() => engine!.reconciliation.trigger === 'reconnect' && !['running', 'none'].includes(engine!.reconciliation.state), 'reconnect reconciliation');
    expect(engine!.portfolio.qty('MSFT')).toBe(4);
    // the journal commits in groups: read it once the record is there
    await waitFor(() => journaled('fill', cid).length || undefined, 'the inferred fill journaled');
    const inferred = journaled('fill', cid);
    expect(inferred).toEqual([expect.objectContaining({ qty: 4, inferred: true, spans: [[0, 4]] })]);

    await engine!.stop();
    engine = await startEngine();
    expect(engine.oms.get(cid)).toMatchObject({ status: 'partially_filled', filledQty: 4 });
    expect(engine.portfolio.qty('MSFT')).toBe(4);

    // the partial_fill Alpaca never delivered arrives now, after the restart (a replaying proxy)
    const missed = server.tradeUpdatesSent.find((u) => !u.delivered && u.data.event === 'partial_fill')!;
    expect(missed).toBeDefined();
    server.sendTradeUpdate(structuredClone(missed.data));
    await waitFor(() => journaled('fill.covered', cid).length || undefined, 'the replay recognized');
    expect(journaled('fill.covered', cid)).toEqual([expect.objectContaining({ qty: 4, span: [0, 4] })]);
    expect(engine.portfolio.qty('MSFT')).toBe(4);
    expect(engine.oms.get(cid)?.filledQty).toBe(4);

    // the rest fills live; positions end equal to the venue's
    server.fill(cid, 6, 405);
    await waitFor(() => engine!.oms.get(cid)?.status === 'filled', 'filled');
    expect(engine.portfolio.qty('MSFT')).toBe(10);
    expect(server.positions.get('MSFT')?.qty).toBe(10);
    const journaledQty = () => journaled('fill', cid).reduce((s, f) => s + (f.qty as number), 0);
    await waitFor(() => journaledQty() === 10 || undefined, 'the live fill journaled');
    expect(journaled('fill', cid).map((f) => f.qty)).toEqual([4, 6]);

    // and a third session still knows that execution: delivered again, it is a duplicate (not held, not journaled again)
    await engine.stop();
    engine = await startEngine();
    expect(engine.portfolio.qty('MSFT')).toBe(10);
    server.sendTradeUpdate(structuredClone(missed.data));
    await waitFor(() => engine!.alerts.recent().some((a) => a.code === 'DUPLICATE_FILL') || undefined, 'the repeat refused as a duplicate');
    expect(journaled('fill.covered', cid)).toHaveLength(1);
    expect(journaledQty()).toBe(10);
    expect(engine.portfolio.qty('MSFT')).toBe(10);
  });
});
