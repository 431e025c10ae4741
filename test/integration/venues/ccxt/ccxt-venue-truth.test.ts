// Venue truth after faults, end to end on crypto: the real engine (reconciler,
// OMS, portfolio, risk) on the real ccxt (coinbaseexchange) against the loopback
// exchange. A resting order fills while the streams are down; a create is
// answered 500 after the exchange made the order; a fill is reported twice.
// The engine's positions end equal to the exchange's balances, each execution
// counted once, nothing journaled rejected or canceled that the exchange has live or filled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/engine/core/config.js';
import { Engine, type JournalSink } from '../../../../src/engine/engine.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import type { JournalKind } from '../../../../src/engine/journal/records.js';
import { replayJournal } from '../../../../src/engine/replay.js';
import { startHarness, waitFor, type Harness } from './helpers.js';

/** The real SQLite journal (for `replay`), with every record also kept in memory for the assertions. */
class Records implements JournalSink {
  readonly list: Array<{ kind: JournalKind; data: Record<string, unknown> }> = [];
  constructor(private readonly file: Journal) {}
  append(ts: number, kind: JournalKind, payload: unknown): void {
    this.file.append(ts, kind, payload);
    this.list.push({ kind, data: JSON.parse(JSON.stringify(payload)) as Record<string, unknown> });
  }
  flush(): void {
    this.file.flush();
  }
  close(): void {
    this.file.close();
  }
  of(kind: JournalKind, cid: string): Array<Record<string, unknown>> {
    return this.list.filter((r) => r.kind === kind && r.data.clientOrderId === cid).map((r) => r.data);
  }
}

let h: Harness;
let engine: Engine;
let journal: Records;
let dir: string;

beforeEach(async () => {
  h = await startHarness({}, {}, false);
  dir = mkdtempSync(join(tmpdir(), 'td-ccxt-truth-'));
  journal = new Records(Journal.open(dir));
  const config = loadConfig({ venue: 'ccxt:coinbaseexchange', symbols: ['BTC/USD', 'ETH/USD'], strategy: { enabled: false }, risk: { priceCollarPct: 0.5, maxOrderNotional: 1e9, maxPositionNotional: 1e9, maxPositionPctEquity: 1, maxConcentrationPct: 1, maxGrossExposurePct: 20, maxNetExposurePct: 20, maxLeverage: 20 } });
  engine = new Engine(config, { journal, dataDir: dir, venue: () => h.venue });
  await engine.start();
  await waitFor(() => !['none', 'running'].includes(engine.reconciliation.state), 'start-up reconciliation');
  for (const d of engine.reconciliation.differences) engine.handlers.acknowledgeDifference({ id: d.id });
  await waitFor(() => engine.referencePrice('BTC/USD'), 'a BTC quote');
});

afterEach(async () => {
  await engine?.stop();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const btcHeld = () => h.server.balanceOf('BTC').balance;

describe('venue truth after faults (ccxt, engine end to end)', () => {
  it('a resting order filled while the streams were down counts once, is never journaled canceled, and positions match the exchange', async () => {
    const before = engine.portfolio.qty('BTC/USD');
    const heldBefore = btcHeld();
    const px = Math.round(engine.referencePrice('BTC/USD')! * 0.99);
    const r = await engine.handlers.submitOrder({ symbol: 'BTC/USD', side: 'buy', type: 'limit', qty: 0.3, limitPrice: px, timeInForce: 'gtc' });
    expect(r.accepted).toBe(true);
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'accepted', 'accepted');
    h.server.setStreamsEnabled(false);
    h.server.dropStreams();
    await waitFor(() => journal.list.some((x) => x.kind === 'input.connection' && x.data.state === 'disconnected'), 'the engine hears the outage');
    // an outside seller trades through our bid while we cannot hear it
    h.server.externalTrade('BTC-USD', 'sell', 0.1, px);
    h.server.externalTrade('BTC-USD', 'sell', 0.2, px);
    h.server.setStreamsEnabled(true);
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'filled', 'filled after the outage', 30_000);
    await waitFor(() => engine.reconciliation.trigger === 'reconnect' && engine.reconciliation.state !== 'running', 'reconnect reconciliation settled', 30_000);
    const fills = journal.of('fill', r.clientOrderId);
    expect(fills.reduce((s, f) => s + (f.qty as number), 0)).toBeCloseTo(0.3, 9);
    expect(new Set(fills.map((f) => f.fillId)).size).toBe(fills.length);
    expect(journal.of('order', r.clientOrderId).map((o) => o.status)).not.toContain('canceled');
    expect(engine.portfolio.qty('BTC/USD') - before).toBeCloseTo(0.3, 9);
    expect(btcHeld() - heldBefore).toBeCloseTo(0.3, 9);
    // the session, outage and reconciliation included, replays to the same decisions, orders and fills
    await engine.stop();
    engine = undefined as unknown as Engine;
    const replay = await replayJournal(dir);
    expect(replay.divergence).toBeUndefined();
    expect(replay.ok).toBe(true);
    expect(replay.compared).toBeGreaterThan(5);
  });

  it('a partial fill during an outage with a slow REST read of that order counts once; the rest fills live', async () => {
    const before = engine.portfolio.qty('BTC/USD');
    const px = Math.round(engine.referencePrice('BTC/USD')! * 0.99);
    const r = await engine.handlers.submitOrder({ symbol: 'BTC/USD', side: 'buy', type: 'limit', qty: 0.3, limitPrice: px, timeInForce: 'gtc' });
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'accepted', 'accepted');
    h.server.setStreamsEnabled(false);
    h.server.dropStreams();
    await waitFor(() => journal.list.some((x) => x.kind === 'input.connection' && x.data.state === 'disconnected'), 'the engine hears the outage');
    h.server.externalTrade('BTC-USD', 'sell', 0.1, px);
    // the next reads of the order are held back until released (a slow REST answer)
    h.server.inject({ method: 'GET', path: /^\/orders\//, times: 2, action: { kind: 'hold' } });
    h.server.setStreamsEnabled(true);
    await waitFor(() => h.server.heldCount > 0 || undefined, 'a held order read');
    await new Promise((res) => setTimeout(res, 300));
    h.server.releaseHeld();
    await waitFor(() => Math.abs((engine.oms.get(r.clientOrderId)?.filledQty ?? 0) - 0.1) < 1e-9 || undefined, 'the missed 0.1', 30_000);
    h.server.releaseHeld();
    h.server.externalTrade('BTC-USD', 'sell', 0.2, px);
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'filled', 'filled live', 30_000);
    await new Promise((res) => setTimeout(res, 500)); // late duplicates, if any, would land here
    const fills = journal.of('fill', r.clientOrderId);
    expect(fills.reduce((s, f) => s + (f.qty as number), 0)).toBeCloseTo(0.3, 9);
    expect(new Set(fills.map((f) => f.fillId)).size).toBe(fills.length);
    expect(journal.of('order', r.clientOrderId).map((o) => o.status)).not.toContain('canceled');
    expect(engine.portfolio.qty('BTC/USD') - before).toBeCloseTo(0.3, 9);
  });

  it('an order the exchange wrongly reported canceled that then fills: the fill is held, the exchange asked, the order corrected to filled, a difference shown', async () => {
    const before = engine.portfolio.qty('BTC/USD');
    const px = Math.round(engine.referencePrice('BTC/USD')! * 0.99);
    const r = await engine.handlers.submitOrder({ symbol: 'BTC/USD', side: 'buy', type: 'limit', qty: 0.2, limitPrice: px, timeInForce: 'gtc' });
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'accepted', 'accepted');
    const id = h.server.apiOrders(r.clientOrderId.replace(/[^0-9a-f-]/g, '')).at(0)?.id ?? engine.oms.get(r.clientOrderId)!.venueOrderId!;
    // one wrong answer: the open-order list misses it and its own read says canceled
    h.server.inject({ method: 'GET', path: '/orders', action: { kind: 'mutate', mutate: (b: Array<{ id: string }>) => b.filter((o) => o.id !== id) } });
    h.server.inject({ method: 'GET', path: `/orders/${id}`, action: { kind: 'mutate', mutate: (b: Record<string, unknown>) => ({ ...b, status: 'done', done_reason: 'canceled' }) } });
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'canceled', 'canceled here', 30_000);
    h.server.externalTrade('BTC-USD', 'sell', 0.2, px);
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'filled', 'corrected to filled', 30_000);
    expect(engine.portfolio.qty('BTC/USD') - before).toBeCloseTo(0.2, 9);
    expect(journal.of('fill', r.clientOrderId).reduce((s, f) => s + (f.qty as number), 0)).toBeCloseTo(0.2, 9);
    expect(engine.alerts.recent().some((a) => a.code === 'FILL_ON_FINAL_ORDER')).toBe(true);
    expect(engine.reconciliation.differences.map((d) => d.detail).join('\n')).toContain(`order ${r.clientOrderId} was canceled here but filled`);
  });

  it('a create answered 500 after the exchange made the order is looked up, never rejected, and its fill counted once', async () => {
    h.server.inject({ method: 'POST', path: '/orders', action: { kind: 'status', status: 500, body: { message: 'Internal server error' }, process: true } });
    const before = engine.portfolio.qty('ETH/USD');
    const r = await engine.handlers.submitOrder({ symbol: 'ETH/USD', side: 'buy', type: 'market', qty: 0.5, timeInForce: 'day' });
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'filled', 'filled', 30_000);
    expect(h.server.apiOrders().filter((o) => o.side === 'buy' && o.product_id === 'ETH-USD')).toHaveLength(1);
    expect(journal.of('order', r.clientOrderId).map((o) => o.status)).not.toContain('rejected');
    expect(engine.portfolio.qty('ETH/USD') - before).toBeCloseTo(0.5, 9);
    expect(journal.of('fill', r.clientOrderId).reduce((s, f) => s + (f.qty as number), 0)).toBeCloseTo(0.5, 9);
  });
});
