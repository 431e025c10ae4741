// Streams through AlpacaVenue + the real SDK (TradingStream, StockDataStream)
// against the loopback Alpaca server: market data to onBar / onQuote / onTrade,
// streams dropped mid-order and re-established with backoff (the venue reports
// facts - getOrder - and the engine's reconciler applies them), cancel-all,
// malformed stream payloads rejected and counted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaVenue } from '../../../../src/engine/venues/alpaca/alpaca-venue.js';
import { AlpacaLoopbackServer, RecordingListener, loopbackVenueOptions, waitFor } from '../../../support/loopback/alpaca-server.js';

let server: AlpacaLoopbackServer;
let venue: AlpacaVenue;
let listener: RecordingListener;

async function start(overrides: Parameters<typeof loopbackVenueOptions>[1] = {}): Promise<void> {
  venue = new AlpacaVenue(loopbackVenueOptions(server, overrides));
  listener = new RecordingListener();
  await venue.connect(listener);
}

beforeEach(async () => {
  server = await AlpacaLoopbackServer.start();
});

afterEach(async () => {
  await venue?.disconnect();
  await server.close();
});

const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;

describe('market data stream', () => {
  it('subscribes bars, quotes and trades (msgpack, IEX feed) and maps them to the listener', async () => {
    await start();
    expect(server.dataStreamClients).toBe(1);
    server.pushBar({ S: 'AAPL', t: minute, o: 190.1, h: 190.5, l: 189.9, c: 190.2, v: 1200, n: 40, vw: 190.2 });
    server.pushQuote({ S: 'MSFT', t: minute + 1_500, bp: 409.9, bs: 3, ap: 410.1, as: 5 });
    server.pushTrade({ S: 'AAPL', t: minute + 2_250, p: 190.15, s: 25 });
    server.pushBar({ S: 'TSLA', t: minute, o: 1, h: 1, l: 1, c: 1, v: 1 }); // not subscribed: never delivered
    await waitFor(() => listener.bars.length && listener.quotes.length && listener.trades.length, 'market data');
    expect(listener.bars).toEqual([{ symbol: 'AAPL', ts: minute, open: 190.1, high: 190.5, low: 189.9, close: 190.2, volume: 1200 }]);
    expect(listener.quotes).toEqual([{ symbol: 'MSFT', ts: minute + 1_500, bid: 409.9, ask: 410.1, bidSize: 3, askSize: 5 }]);
    expect(listener.trades).toEqual([{ symbol: 'AAPL', ts: minute + 2_250, price: 190.15, size: 25 }]);
    expect(venue.health()).toMatchObject({ connected: true, tradeStream: 'up', dataStream: 'up' });
  });

  it('a malformed bar is rejected naming the field, counted, and never reaches onBar', async () => {
    await start();
    server.pushBar({ S: 'AAPL', t: minute, o: 'abc', h: 190.5, l: 189.9, c: 190.2, v: 1200 });
    server.pushBar({ S: 'AAPL', t: minute + 60_000, o: 190, h: 189, l: 189.5, c: 190.2, v: 10 }); // high below low
    server.pushBar({ S: 'AAPL', t: minute + 120_000, o: 190, h: 191, l: 189, c: 190.5, v: 10 });
    await waitFor(() => listener.bars.length === 1, 'the valid bar');
    expect(listener.bars[0]!.ts).toBe(minute + 120_000);
    const h = venue.health();
    expect(h.malformed.marketData).toBe(2);
    expect(h.lastMalformed).toContain('alpaca wss market data');
    expect(h.lastMalformed).toMatch(/field '(h|l)'/);
  });

  it("the server's symbol limit (405) fails connect() with the reason and the field", async () => {
    await server.close();
    server = await AlpacaLoopbackServer.start({ symbolLimit: { iex: 1 } });
    venue = new AlpacaVenue(loopbackVenueOptions(server));
    let err: unknown;
    await venue.connect(new RecordingListener()).catch((e: unknown) => (err = e));
    expect(err).toMatchObject({ code: 'STREAM', field: 'symbols', retryable: false });
    expect((err as Error).message).toContain('symbol limit exceeded');
    expect((err as Error).message).toContain('/v2/iex');
  });

  it('data stream dropped: reported disconnected, reconnected with backoff, resubscribed, data flows again', async () => {
    await start();
    server.dropDataStream();
    await waitFor(() => listener.connection.some((c) => c.state === 'disconnected'), 'disconnected');
    expect(listener.connection.find((c) => c.state === 'disconnected')!.reason).toContain('market data stream');
    await waitFor(() => listener.connection.at(-1)?.state === 'connected' && server.dataStreamClients === 1, 'reconnected');
    await waitFor(() => venue.health().reconnects.marketData === 1, 'counted');
    server.pushBar({ S: 'MSFT', t: minute, o: 410, h: 411, l: 409, c: 410.5, v: 100 });
    await waitFor(() => listener.bars.length === 1, 'bar after reconnect');
    expect(listener.connection.map((c) => c.state)).toEqual(['connected', 'disconnected', 'connected']);
  });
});

describe('trade_updates stream', () => {
  it('dropped mid-order: the venue reports the reconnect and emits nothing on its own; getOrder reports the missed fill and later replays are ignored', async () => {
    await start({ reconcileIntervalMs: 50 });
    await venue.submitOrder({ clientOrderId: 'mid-1', symbol: 'AAPL', side: 'buy', type: 'limit', qty: 10, limitPrice: 150, timeInForce: 'gtc' });
    await waitFor(() => listener.update('mid-1', 'accepted'), 'accepted');
    server.cutTradeStream();
    await waitFor(() => listener.connection.at(-1)?.state === 'disconnected', 'disconnected');
    expect(listener.connection.at(-1)!.reason).toContain('trade_updates');
    server.fill('mid-1', 4, 149.5);
    server.fill('mid-1', 6, 150);
    expect(server.tradeUpdatesSent.filter((u) => !u.delivered).map((u) => u.data.event)).toEqual(['partial_fill', 'fill']);
    server.restoreTradeStream();
    await waitFor(() => listener.connection.at(-1)?.state === 'connected', 'reconnected');
    // several timer ticks later: the venue applied nothing by itself (the engine's reconciler owns that)
    await new Promise((r) => setTimeout(r, 300));
    expect(listener.fillsFor('mid-1')).toHaveLength(0);
    expect(venue.health().reconnects.tradeUpdates).toBe(1);
    // the fact, as the reconciler reads it
    const state = await venue.getOrder('mid-1');
    expect(state).toMatchObject({ clientOrderId: 'mid-1', status: 'filled', qty: 10, filledQty: 10, avgFillPrice: 149.8, symbol: 'AAPL', side: 'buy' });
    expect(await venue.getOrder('never-sent')).toBeUndefined();
    expect(venue.isResolving('mid-1')).toBe(false);
    // a late replay of the missed fill is below the baseline the read moved: ignored
    server.sendTradeUpdate(structuredClone(server.tradeUpdatesSent.find((u) => u.data.event === 'fill')!.data));
    await waitFor(() => venue.health().duplicateEventsIgnored >= 1, 'replay ignored');
    expect(listener.fillsFor('mid-1')).toHaveLength(0);
  });

  it('cancelAll sends one DELETE /v2/orders and every open order is canceled on the stream', async () => {
    await start();
    for (const id of ['ca-1', 'ca-2']) {
      await venue.submitOrder({ clientOrderId: id, symbol: 'MSFT', side: 'buy', type: 'limit', qty: 2, limitPrice: 300, timeInForce: 'day' });
      await waitFor(() => listener.update(id, 'accepted'), `${id} accepted`);
    }
    await venue.cancelAll();
    await waitFor(() => listener.update('ca-1', 'canceled') && listener.update('ca-2', 'canceled'), 'both canceled');
    expect(server.cancelAllRequests).toBe(1);
    expect(server.count('DELETE', '/v2/orders')).toBe(1);
  });

  it('a malformed fill event is rejected naming the field, counted, and creates no fill or position', async () => {
    await start();
    await venue.submitOrder({ clientOrderId: 'bad-fill', symbol: 'AAPL', side: 'buy', type: 'limit', qty: 5, limitPrice: 150, timeInForce: 'day' });
    await waitFor(() => listener.update('bad-fill', 'accepted'), 'accepted');
    const o = server.orderByClientId('bad-fill')!;
    const fill = (patch: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      event: 'fill',
      timestamp: new Date().toISOString(),
      price: '150',
      qty: '5',
      ...extra,
      order: { ...server.wireOrder(o), status: 'filled', filled_qty: '5', filled_avg_price: '150', ...patch },
    });
    server.sendTradeUpdate(fill({ filled_qty: 'five' }));
    server.sendTradeUpdate(fill({ filled_qty: '50' })); // more than the order's qty
    server.sendTradeUpdate(fill({ client_order_id: undefined }));
    server.sendTradeUpdate(fill({}, { price: '-150' }));
    server.sendTradeUpdate({ event: 'fill', timestamp: new Date().toISOString() }); // no order at all (SDK-level reject)
    await waitFor(() => venue.health().malformed.tradeUpdates === 5, 'five rejected');
    expect(listener.fillsFor('bad-fill')).toHaveLength(0);
    expect(listener.fills).toHaveLength(0);
    const h = venue.health();
    expect(h.lastMalformed).toContain('alpaca wss trade_updates');
    expect(h.errors.MALFORMED_PAYLOAD).toBe(5);
    // the venue position was never touched; a genuine fill still works
    expect(server.positions.has('AAPL')).toBe(false);
    server.fill('bad-fill', 5, 150);
    const f = await waitFor(() => listener.fillsFor('bad-fill')[0], 'genuine fill');
    expect(f).toMatchObject({ qty: 5, price: 150, cumQty: 5 });
    expect(listener.fills).toHaveLength(1);
  });

  it('names the malformed field in wire spelling', async () => {
    await start();
    await venue.submitOrder({ clientOrderId: 'bad-2', symbol: 'AAPL', side: 'buy', type: 'limit', qty: 5, limitPrice: 150, timeInForce: 'day' });
    await waitFor(() => listener.update('bad-2', 'accepted'), 'accepted');
    const o = server.orderByClientId('bad-2')!;
    server.sendTradeUpdate({ event: 'partial_fill', timestamp: new Date().toISOString(), price: '150', qty: '1', order: { ...server.wireOrder(o), filled_qty: 'x1' } });
    await waitFor(() => venue.health().malformed.tradeUpdates === 1, 'rejected');
    expect(venue.health().lastMalformed).toContain("field 'data.order.filled_qty'");
  });

  it('disconnect() closes both streams and reports disconnected once', async () => {
    await start();
    await venue.disconnect();
    expect(listener.connection.map((c) => c.state)).toEqual(['connected', 'disconnected']);
    await waitFor(() => server.tradeStreamClients === 0 && server.dataStreamClients === 0, 'closed');
    expect(venue.health()).toMatchObject({ connected: false, tradeStream: 'off', dataStream: 'off' });
  });
});
