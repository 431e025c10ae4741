// Venue truth after faults, end to end: the real engine (reconciler, OMS,
// portfolio, risk) on the real Alpaca SDK against the loopback Alpaca server.
// Streams drop while orders fill, REST reads are slow, fill events repeat, a
// create is answered 500 after it happened, a venue message claims a cancel the
// venue later contradicts. After each, the engine's positions equal the
// venue's, every execution counts once, and no filled order is journaled
// canceled.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/engine/core/config.js';
import { Engine, type JournalSink } from '../../../../src/engine/engine.js';
import type { JournalKind } from '../../../../src/engine/journal/records.js';
import { AlpacaVenue } from '../../../../src/engine/venues/alpaca/alpaca-venue.js';
import type { Order } from '../../../../src/shared/domain.js';
import { AlpacaLoopbackServer, loopbackVenueOptions, waitFor } from '../../../support/loopback/alpaca-server.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

class Records implements JournalSink {
  readonly list: Array<{ kind: JournalKind; data: Record<string, unknown> }> = [];
  append(_ts: number, kind: JournalKind, payload: unknown): void {
    this.list.push({ kind, data: JSON.parse(JSON.stringify(payload)) as Record<string, unknown> });
  }
  of(kind: JournalKind, cid?: string): Array<Record<string, unknown>> {
    return this.list.filter((r) => r.kind === kind && (!cid || r.data.clientOrderId === cid)).map((r) => r.data);
  }
  /** Quantity journaled as applied fills for one order. */
  filled(cid: string): number {
    return this.of('fill', cid).reduce((s, f) => s + (f.qty as number), 0);
  }
  statuses(cid: string): string[] {
    return this.of('order', cid).map((o) => o.status as string);
  }
}

let server: AlpacaLoopbackServer;
let engine: Engine;
let journal: Records;

beforeEach(async () => {
  server = await AlpacaLoopbackServer.start();
  server.openAllDay(); // whatever the wall clock says
  for (const [s, p] of [['AAPL', 190], ['MSFT', 410]] as const) {
    server.setPrice(s, p);
    server.setBars(s, AlpacaLoopbackServer.minuteBars(30, Math.floor(Date.now() / 60_000) * 60_000 - 120_000, p));
  }
  journal = new Records();
  const config = loadConfig({ venue: 'alpaca-paper', symbols: ['AAPL', 'MSFT'], strategy: { enabled: false }, risk: { priceCollarPct: 0.5 } });
  engine = new Engine(config, { journal, venue: () => new AlpacaVenue(loopbackVenueOptions(server, { reconcileIntervalMs: 100 })) });
  await engine.start();
  await waitFor(() => engine.reconciliation.state === 'complete', 'start-up reconciliation');
  for (const [s, p] of [['AAPL', 190], ['MSFT', 410]] as const) server.pushQuote({ S: s, t: Date.now(), bp: p - 0.1, bs: 100, ap: p + 0.1, as: 100 });
  await waitFor(() => engine.referencePrice('AAPL') && engine.referencePrice('MSFT'), 'quotes');
});

afterEach(async () => {
  await engine?.stop();
  await server?.close();
});

const h = () => engine.handlers;

async function limitBuy(symbol: string, qty: number, limitPrice: number): Promise<string> {
  const r = await h().submitOrder({ symbol, side: 'buy', type: 'limit', qty, limitPrice, timeInForce: 'day' });
  expect(r.accepted).toBe(true);
  await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'accepted', `${r.clientOrderId} accepted`);
  return r.clientOrderId;
}

async function outage(during: () => void | Promise<void>): Promise<void> {
  server.cutTradeStream();
  await waitFor(() => engine.status().tradingState === 'HALTED', 'HALTED by the disconnect');
  await during();
  server.restoreTradeStream();
  await waitFor(() => engine.reconciliation.trigger === 'reconnect' && !['running', 'none'].includes(engine.reconciliation.state), 'reconnect reconciliation');
}

function venueQty(symbol: string): number {
  return server.positions.get(symbol)?.qty ?? 0;
}

function canceledWhileFilled(o: Order | undefined): boolean {
  return !!o && o.status === 'canceled' && o.filledQty >= o.qty;
}

describe('venue truth after faults (Alpaca, engine end to end)', () => {
  it('a partial fill missed during an outage counts once: inferred at reconnect, its late replay recognized, the rest applied live; FLATTEN leaves the venue flat', async () => {
    const cid = await limitBuy('MSFT', 10, 405);
    await outage(() => server.fill(cid, 4, 404.5));
    expect(engine.portfolio.qty('MSFT')).toBe(4);
    expect(engine.oms.get(cid)).toMatchObject({ status: 'partially_filled', filledQty: 4 });
    expect(journal.of('fill', cid)).toEqual([expect.objectContaining({ qty: 4, price: 404.5, inferred: true })]);
    expect(engine.reconciliation.differences).toEqual([]);
    // the partial_fill event Alpaca never sent arrives late (a replaying proxy): not applied again
    const missed = server.tradeUpdatesSent.find((u) => !u.delivered && u.data.event === 'partial_fill')!;
    server.sendTradeUpdate(structuredClone(missed.data));
    // the rest fills on the live stream
    server.fill(cid, 6, 405);
    await waitFor(() => engine.oms.get(cid)?.status === 'filled', 'filled');
    expect(engine.portfolio.qty('MSFT')).toBe(10);
    expect(venueQty('MSFT')).toBe(10);
    expect(journal.filled(cid)).toBe(10);
    expect(journal.statuses(cid)).not.toContain('canceled');
    // FLATTEN after the outage: resume first (nothing to acknowledge), then close out
    await h().resume({ reason: 'after the outage' });
    expect(engine.status().tradingState).toBe('ACTIVE');
    const f = await h().flatten({ reason: 'end of test' });
    expect(f.positionsLeft).toBe(0);
    await waitFor(() => venueQty('MSFT') === 0 || undefined, 'flat at the venue');
    expect(engine.portfolio.qty('MSFT')).toBe(0);
  });

  it('a full fill during an outage with a slow REST read, while the missed event is replayed mid-read: one inferred fill, the replay recognized, never canceled', async () => {
    const cid = await limitBuy('AAPL', 5, 189);
    server.cutTradeStream();
    await waitFor(() => engine.status().tradingState === 'HALTED', 'HALTED');
    server.fill(cid, 5, 188.9);
    // the order read is slow; while it is outstanding the stream is back and the fill is replayed
    server.failNext({ method: 'GET', path: '/v2/orders:by_client_order_id' }, { status: 200, delayMs: 600 });
    server.restoreTradeStream();
    await waitFor(() => engine.reconciliation.state === 'running', 'pass running');
    server.sendTradeUpdate(structuredClone(server.tradeUpdatesSent.find((u) => !u.delivered && u.data.event === 'fill')!.data));
    await waitFor(() => engine.reconciliation.state === 'complete', 'pass complete');
    await waitFor(() => journal.of('fill.covered', cid).length || undefined, 'replay recognized');
    expect(engine.oms.get(cid)).toMatchObject({ status: 'filled', filledQty: 5 });
    expect(engine.portfolio.qty('AAPL')).toBe(5);
    expect(venueQty('AAPL')).toBe(5);
    expect(journal.filled(cid)).toBe(5);
    expect(journal.statuses(cid)).not.toContain('canceled');
    // the position check did not also adopt it
    expect(journal.of('input.adjust_position')).toEqual([]);
  });

  it('the same fill event delivered twice, and again after a reconciliation, counts once', async () => {
    const cid = await limitBuy('AAPL', 3, 189);
    server.fill(cid, 3, 189);
    await waitFor(() => engine.oms.get(cid)?.status === 'filled', 'filled');
    const ev = server.tradeUpdatesSent.find((u) => u.data.event === 'fill')!.data;
    server.sendTradeUpdate(structuredClone(ev));
    await outage(() => undefined);
    server.sendTradeUpdate(structuredClone(ev));
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.portfolio.qty('AAPL')).toBe(3);
    expect(journal.filled(cid)).toBe(3);
    expect(journal.of('fill', cid)).toHaveLength(1);
  });

  it('a create answered 500 after Alpaca made the order is looked up, never marked rejected, and fills once', async () => {
    server.failNext({ method: 'POST', path: '/v2/orders' }, { status: 500, process: true, body: { code: 50010000, message: 'internal server error' } });
    const r = await h().submitOrder({ symbol: 'AAPL', side: 'buy', type: 'market', qty: 2, timeInForce: 'day' });
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'filled', 'filled');
    expect(server.count('POST', '/v2/orders')).toBe(1);
    expect(server.orders).toHaveLength(1);
    expect(journal.statuses(r.clientOrderId)).not.toContain('rejected');
    expect(engine.portfolio.qty('AAPL')).toBe(2);
    expect(journal.filled(r.clientOrderId)).toBe(2);
  });

  it('a fill before the acknowledgement (the POST answer held past the timeout) is applied once, after an accepted', async () => {
    server.hangNext({ method: 'POST', path: '/v2/orders' }, { process: true });
    const r = await h().submitOrder({ symbol: 'MSFT', side: 'buy', type: 'market', qty: 1, timeInForce: 'day' });
    await waitFor(() => engine.oms.get(r.clientOrderId)?.status === 'filled', 'filled', 20_000);
    expect(server.orders).toHaveLength(1);
    expect(journal.filled(r.clientOrderId)).toBe(1);
    expect(engine.portfolio.qty('MSFT')).toBe(1);
  });

  it('an order the engine was told is canceled but that fills at Alpaca: the fill is held, the venue asked, the order corrected to filled, a difference shown', async () => {
    const cid = await limitBuy('MSFT', 2, 405);
    const o = server.orderByClientId(cid)!;
    // a bogus 'canceled' message for a live order
    server.sendTradeUpdate({ event: 'canceled', timestamp: new Date().toISOString(), order: { ...server.wireOrder(o), status: 'canceled' } });
    await waitFor(() => engine.oms.get(cid)?.status === 'canceled', 'canceled here');
    server.fill(cid, 2, 404);
    await waitFor(() => engine.oms.get(cid)?.status === 'filled', 'corrected to filled');
    expect(engine.portfolio.qty('MSFT')).toBe(2);
    expect(journal.filled(cid)).toBe(2);
    expect(canceledWhileFilled(engine.oms.get(cid))).toBe(false);
    expect(engine.alerts.recent().some((a) => a.code === 'FILL_ON_FINAL_ORDER')).toBe(true);
    expect(engine.reconciliation.differences.map((d) => d.detail).join('\n')).toMatch(new RegExp(`${cid}.*filled|filled.*${cid}`));
  });

  it('RESUME after an outage with an unexplained difference goes to REDUCING and says why, until each difference is acknowledged', async () => {
    await outage(() => server.setPosition('AAPL', 7, 185));
    expect(engine.portfolio.qty('AAPL')).toBe(7);
    expect(engine.reconciliation.state).toBe('differences');
    const st = await h().resume({ reason: 'operator back' });
    expect(st.tradingState).toBe('REDUCING');
    expect(st.lastStateChange?.reason).toMatch(/not yet acknowledged/);
    for (const d of engine.reconciliation.differences) h().acknowledgeDifference({ id: d.id });
    expect(engine.status().tradingState).toBe('ACTIVE');
  });

  it('a venue answer that contradicts itself (more filled than ordered) is refused naming the order and field; nothing applied; RESUME stops at REDUCING', async () => {
    const cid = await limitBuy('AAPL', 3, 185);
    server.corruptNext({ method: 'GET', path: '/v2/orders:by_client_order_id' }, (b) => ({ ...(b as Record<string, unknown>), filled_qty: '9', filled_avg_price: '185' }));
    await outage(() => undefined);
    // refused by the adapter's payload check, naming the field; the reconciler names the order
    const alert = engine.alerts.recent().find((a) => a.code === 'RECONCILE_ORDER_UNREADABLE');
    expect(alert?.message).toMatch(new RegExp(`order ${cid} \\(AAPL\\).*filled_qty 9 exceeds qty 3 \\(field 'filled_qty'\\)`));
    expect(engine.reconciliation.state).toBe('differences');
    expect(engine.oms.get(cid)).toMatchObject({ status: 'accepted', filledQty: 0 });
    expect(engine.portfolio.qty('AAPL')).toBe(0);
    expect(journal.of('fill', cid)).toEqual([]);
    expect((await h().resume({ reason: 'looked at it' })).tradingState).toBe('REDUCING');
  });

  it('an order modified outside the app during an outage: reconnect adopts the venue\'s quantity and limit before any fill, shows a difference, and the rest fills once', async () => {
    const cid = await limitBuy('AAPL', 5, 189);
    let replacement = '';
    await outage(async () => {
      // the trader changes it on Alpaca's web dashboard: PATCH /v2/orders/{id} (the replacement has a new id)
      const id = server.orderByClientId(cid)!.id;
      const r = await fetch(`${server.endpoints().rest}/v2/orders/${id}`, {
        method: 'PATCH',
        headers: { 'APCA-API-KEY-ID': server.keyId, 'APCA-API-SECRET-KEY': server.secret, 'content-type': 'application/json' },
        body: JSON.stringify({ qty: '8', limit_price: '188.5' }),
      });
      expect(r.status).toBe(200);
      replacement = ((await r.json()) as { client_order_id: string }).client_order_id;
      await nextTurn();
      server.fill(replacement, 3, 188.5);
    });
    // the venue's terms, then its fills: 3 of 8 @ 188.5, working
    expect(engine.oms.get(cid)).toMatchObject({ qty: 8, limitPrice: 188.5, filledQty: 3, status: 'partially_filled' });
    expect(engine.portfolio.qty('AAPL')).toBe(3);
    expect(engine.reconciliation.differences.map((d) => d.detail)).toEqual([expect.stringMatching(new RegExp(`order ${cid} was 5 @ 189 here but is 8 @ 188.5 at alpaca.*venue's terms applied`))]);
    expect(journal.of('input.venue_update', cid).some((u) => u.kind === 'replaced' && u.qty === 8)).toBe(true);
    // the replacement's later fills on the live stream count on this order, once; it is not adopted as an external order
    server.fill(replacement, 5, 188.4);
    await waitFor(() => engine.oms.get(cid)?.status === 'filled', 'filled');
    expect(engine.portfolio.qty('AAPL')).toBe(8);
    expect(journal.filled(cid)).toBe(8);
    expect(engine.oms.openOrders()).toEqual([]);
  });

  it("the app's own modify whose confirmation is lost in an outage is adopted at reconnect without a difference", async () => {
    const cid = await limitBuy('MSFT', 4, 405);
    const m = await h().replaceOrder({ clientOrderId: cid, qty: 6, limitPrice: 404 });
    expect(m.requested).toBe(true);
    server.cutTradeStream(); // before Alpaca's 'replaced' / 'new' events go out: they are lost
    await waitFor(() => server.orders.some((o) => o.replaces === server.orderByClientId(cid)!.id) || undefined, 'replacement at the venue');
    await waitFor(() => engine.status().tradingState === 'HALTED', 'HALTED by the disconnect');
    expect(engine.oms.get(cid)).toMatchObject({ qty: 4, limitPrice: 405 }); // not confirmed here
    server.restoreTradeStream();
    await waitFor(() => engine.reconciliation.trigger === 'reconnect' && !['running', 'none'].includes(engine.reconciliation.state), 'reconnect reconciliation');
    expect(engine.oms.get(cid)).toMatchObject({ qty: 6, limitPrice: 404 });
    expect(engine.reconciliation.differences).toEqual([]);
  });

  it('KILL uses DELETE /v2/orders first, then verifies nothing rests', async () => {
    const a = await limitBuy('AAPL', 1, 180);
    const b = await limitBuy('MSFT', 1, 400);
    const k = await h().kill({ reason: 'test' });
    expect(k.stillOpen).toBe(0);
    expect(server.cancelAllRequests).toBe(1);
    expect(engine.oms.get(a)?.status).toBe('canceled');
    expect(engine.oms.get(b)?.status).toBe('canceled');
    expect(server.orders.filter((o) => ['new', 'accepted', 'partially_filled'].includes(o.status))).toEqual([]);
  });
});
