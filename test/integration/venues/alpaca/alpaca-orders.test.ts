// Orders through AlpacaVenue + the real SDK against the loopback Alpaca server:
// accept / fill / partial fill over trade_updates, cancel, replace, rejects,
// duplicate client order ids, 429 / 5xx / timeouts on submission with the
// lookup-before-resend rule (the server must end up with exactly one order).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaVenue } from '../../../../src/engine/venues/alpaca/alpaca-venue.js';
import { VenueError } from '../../../../src/engine/venues/alpaca/errors.js';
import type { VenueOrderRequest } from '../../../../src/engine/venues/venue.js';
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

const buy = (clientOrderId: string, qty: number, extra: Partial<VenueOrderRequest> = {}): VenueOrderRequest => ({
  clientOrderId,
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  qty,
  timeInForce: 'day',
  ...extra,
});

/** The methods and paths of the requests after `from`, order-relevant ones only. */
function orderTraffic(from = 0): string[] {
  return server.requests
    .slice(from)
    .filter((r) => r.path.startsWith('/v2/orders'))
    .map((r) => `${r.method} ${r.path}`);
}

describe('submit -> accepted -> fills', () => {
  it('a market order is accepted and filled: one VenueFill with cumulative and leaves', async () => {
    await start();
    server.setPrice('AAPL', 191.25);
    await venue.submitOrder(buy('m-1', 10));
    const fill = await waitFor(() => listener.fillsFor('m-1')[0], 'fill');
    const order = server.orderByClientId('m-1')!;
    expect(listener.update('m-1', 'accepted')).toMatchObject({ venueOrderId: order.id });
    expect(fill).toMatchObject({ clientOrderId: 'm-1', symbol: 'AAPL', side: 'buy', qty: 10, price: 191.25, fee: 0, cumQty: 10, leavesQty: 0 });
    expect(fill.fillId).toBe(`${order.id}:10`);
    // accepted exactly once, though both the POST answer and the 'new' event carry it
    await waitFor(() => server.tradeUpdatesSent.length >= 2, 'events sent');
    expect(listener.updatesFor('m-1').filter((u) => u.kind === 'accepted')).toHaveLength(1);
    expect(server.positions.get('AAPL')).toEqual({ qty: 10, avg: 191.25 });
    const body = server.requests.find((r) => r.method === 'POST' && r.path === '/v2/orders')!.body as Record<string, unknown>;
    expect(body).toMatchObject({ client_order_id: 'm-1', symbol: 'AAPL', qty: '10', side: 'buy', type: 'market', time_in_force: 'day' });
  });

  it('partial fills: quantities from cumulative deltas, prices per execution, ids per cumulative qty', async () => {
    await start();
    server.scriptNextFills([
      { qty: 3, price: 100 },
      { qty: 7, price: 101 },
    ]);
    await venue.submitOrder(buy('p-1', 10));
    await waitFor(() => listener.fillsFor('p-1').length === 2, 'two fills');
    const id = server.orderByClientId('p-1')!.id;
    expect(listener.fillsFor('p-1')).toEqual([
      expect.objectContaining({ qty: 3, price: 100, cumQty: 3, leavesQty: 7, fillId: `${id}:3` }),
      expect.objectContaining({ qty: 7, price: 101, cumQty: 10, leavesQty: 0, fillId: `${id}:10` }),
    ]);
    // a replayed partial_fill (same cumulative qty) does not count twice
    const partial = server.tradeUpdatesSent.find((u) => u.data.event === 'partial_fill')!.data;
    server.sendTradeUpdate(structuredClone(partial));
    await waitFor(() => venue.health().duplicateEventsIgnored >= 1, 'duplicate noticed');
    expect(listener.fillsFor('p-1')).toHaveLength(2);
  });

  it('a fill event without qty/price (older payloads) is derived from filled_qty and filled_avg_price', async () => {
    await start();
    server.externalOrder({ clientOrderId: 'x-1', symbol: 'AAPL', side: 'buy', qty: 10, limitPrice: 150 });
    await waitFor(() => listener.update('x-1', 'accepted'), 'external order seen');
    server.fill('x-1', 4, 150);
    await waitFor(() => listener.fillsFor('x-1').length === 1, 'first fill');
    const o = server.orderByClientId('x-1')!;
    // a second execution of 6 @ 149 arrives as a bare cumulative update
    server.sendTradeUpdate({
      event: 'fill',
      timestamp: new Date().toISOString(),
      order: { ...server.wireOrder(o), status: 'filled', filled_qty: '10', filled_avg_price: '149.4' },
    });
    await waitFor(() => listener.fillsFor('x-1').length === 2, 'derived fill');
    expect(listener.fillsFor('x-1')[1]).toMatchObject({ qty: 6, price: 149, cumQty: 10, leavesQty: 0, fillId: `${o.id}:10` });
    // events of orders placed outside the app are forwarded and counted
    expect(venue.health().externalOrderEvents).toBeGreaterThanOrEqual(3);
  });

  it('a resting limit order fills when the market trades through it', async () => {
    await start();
    await venue.submitOrder(buy('l-1', 5, { type: 'limit', limitPrice: 180 }));
    await waitFor(() => listener.update('l-1', 'accepted'), 'accepted');
    expect(listener.fillsFor('l-1')).toHaveLength(0);
    expect(await venue.getOpenOrders()).toEqual([expect.objectContaining({ clientOrderId: 'l-1', type: 'limit', limitPrice: 180, qty: 5, filledQty: 0 })]);
    server.setPrice('AAPL', 179.5);
    const f = await waitFor(() => listener.fillsFor('l-1')[0], 'fill');
    expect(f).toMatchObject({ qty: 5, price: 180, leavesQty: 0 });
  });
});

describe('cancel and replace', () => {
  it('cancel: DELETE, then the trade_updates cancel becomes a canceled update', async () => {
    await start();
    await venue.submitOrder(buy('c-1', 5, { type: 'limit', limitPrice: 100 }));
    await waitFor(() => listener.update('c-1', 'accepted'), 'accepted');
    await venue.cancelOrder('c-1');
    const u = await waitFor(() => listener.update('c-1', 'canceled'), 'canceled');
    expect(u.reason).toContain('canceled');
    expect(server.count('DELETE', `/v2/orders/${server.orderByClientId('c-1')!.id}`)).toBe(1);
    expect(server.orderByClientId('c-1')!.status).toBe('canceled');
  });

  it('cancel of a filled order: refused locally when known filled, else Alpaca answers 422 -> cancel_rejected + the missed fill', async () => {
    await start({ reconcileIntervalMs: 60_000 });
    await venue.submitOrder(buy('c-2', 1));
    await waitFor(() => listener.fillsFor('c-2')[0], 'filled');
    // the venue knows it is filled: refused without a request
    const deletes = server.requests.filter((r) => r.method === 'DELETE').length;
    await venue.cancelOrder('c-2');
    expect(listener.update('c-2', 'cancel_rejected')?.reason).toContain('already filled');
    expect(server.requests.filter((r) => r.method === 'DELETE').length).toBe(deletes);

    // filled while trade_updates was down: the venue still thinks it is open
    await venue.submitOrder(buy('c-3', 2, { type: 'limit', limitPrice: 150 }));
    await waitFor(() => listener.update('c-3', 'accepted'), 'accepted');
    server.cutTradeStream();
    server.fill('c-3', 2, 150);
    await venue.cancelOrder('c-3');
    const id = server.orderByClientId('c-3')!.id;
    const r = await waitFor(() => listener.update('c-3', 'cancel_rejected'), 'cancel rejected');
    expect(r.reason).toContain(`alpaca DELETE /v2/orders/${id}`);
    expect(r.reason).toContain('not cancelable');
    // and it re-read the order: the fill the stream missed is reported once
    const f = await waitFor(() => listener.fillsFor('c-3')[0], 'missed fill');
    expect(f).toMatchObject({ qty: 2, price: 150, cumQty: 2, leavesQty: 0, fillId: `${id}:2` });
    server.restoreTradeStream();
  });

  it('replace: PATCH with a derived client order id; confirmed by trade_updates; later events map back', async () => {
    await start();
    await venue.submitOrder(buy('r-1', 5, { type: 'limit', limitPrice: 150 }));
    await waitFor(() => listener.update('r-1', 'accepted'), 'accepted');
    await venue.replaceOrder('r-1', { qty: 8, limitPrice: 151 });
    const u = await waitFor(() => listener.update('r-1', 'replaced'), 'replaced');
    expect(u).toMatchObject({ qty: 8, limitPrice: 151 });
    expect(listener.updatesFor('r-1').filter((x) => x.kind === 'replaced')).toHaveLength(1);
    const repl = server.orderByClientId('r-1~r1')!;
    expect(repl.replaces).toBe(server.orderByClientId('r-1')!.id);
    server.fill('r-1~r1', 8, 151);
    const f = await waitFor(() => listener.fillsFor('r-1')[0], 'fill of the replacement');
    expect(f).toMatchObject({ clientOrderId: 'r-1', qty: 8, cumQty: 8, leavesQty: 0, fillId: `${repl.id}:8` });
    expect(await venue.getOpenOrders()).toEqual([]);
  });

  it('replace of a partially filled order is refused without a request', async () => {
    await start();
    await venue.submitOrder(buy('r-2', 10, { type: 'limit', limitPrice: 150 }));
    await waitFor(() => listener.update('r-2', 'accepted'), 'accepted');
    server.fill('r-2', 4, 150);
    await waitFor(() => listener.fillsFor('r-2')[0], 'partial');
    await venue.replaceOrder('r-2', { qty: 12 });
    expect(listener.update('r-2', 'cancel_rejected')?.reason).toContain('partially filled');
    expect(server.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });
});

describe('rejects', () => {
  it('insufficient buying power (403): rejected INSUFFICIENT_BUYING_POWER naming venue, endpoint and field', async () => {
    await start();
    await venue.submitOrder(buy('bp-1', 10_000));
    const r = listener.update('bp-1', 'rejected');
    expect(r?.code).toBe('INSUFFICIENT_BUYING_POWER');
    expect(r?.reason).toContain('alpaca POST /v2/orders');
    expect(r?.reason).toContain('insufficient buying power');
    expect(r?.reason).toContain("field 'buying_power'");
    expect(server.orders).toHaveLength(0);
    expect(listener.fills).toHaveLength(0);
  });

  it('selling shares not held of a non-shortable asset: INSUFFICIENT_POSITION', async () => {
    await start({ symbols: ['PNNY'] });
    await venue.submitOrder({ clientOrderId: 's-1', symbol: 'PNNY', side: 'sell', type: 'market', qty: 5, timeInForce: 'day' });
    expect(listener.update('s-1', 'rejected')?.code).toBe('INSUFFICIENT_POSITION');
  });

  it('unknown asset (422): UNKNOWN_SYMBOL', async () => {
    await start();
    await venue.submitOrder({ ...buy('u-1', 1), symbol: 'NOPE' });
    const r = listener.update('u-1', 'rejected');
    expect(r?.code).toBe('UNKNOWN_SYMBOL');
    expect(r?.reason).toContain("field 'symbol'");
  });

  it('an order rejected after acceptance (trade_updates rejected) is reported rejected, never filled', async () => {
    await start();
    server.rejectNextOrder('exchange closed');
    await venue.submitOrder(buy('rj-1', 1));
    const r = await waitFor(() => listener.update('rj-1', 'rejected'), 'rejected');
    expect(r.code).toBe('INVALID_ORDER');
    expect(r.reason).toContain('rejected by Alpaca');
    expect(listener.fillsFor('rj-1')).toHaveLength(0);
  });

  it('invalid requests are refused locally without being sent', async () => {
    await start();
    await venue.submitOrder(buy('bad-1', -3));
    await venue.submitOrder(buy('bad-2', 1, { type: 'limit' }));
    expect(listener.update('bad-1', 'rejected')?.reason).toContain("field 'qty'");
    expect(listener.update('bad-2', 'rejected')?.reason).toContain("field 'limit_price'");
    expect(server.count('POST', '/v2/orders')).toBe(0);
  });
});

describe('duplicate client order ids', () => {
  it('Alpaca refuses a reused client_order_id (422): DUPLICATE_CLIENT_ORDER_ID, no second order', async () => {
    await start();
    // placed earlier by another session of the app (or another program)
    server.externalOrder({ clientOrderId: 'dup-1', symbol: 'AAPL', side: 'buy', qty: 1, limitPrice: 100 });
    await venue.submitOrder(buy('dup-1', 2));
    const r = listener.updatesFor('dup-1').find((u) => u.kind === 'rejected');
    expect(r).toMatchObject({ code: 'DUPLICATE_CLIENT_ORDER_ID' });
    expect(r && 'reason' in r ? r.reason : '').toContain("field 'client_order_id'");
    expect(server.orders.filter((o) => o.client_order_id === 'dup-1')).toHaveLength(1);
  });

  it('the same id twice through this venue is refused before sending', async () => {
    await start();
    await venue.submitOrder(buy('dup-2', 1));
    await venue.submitOrder(buy('dup-2', 1));
    expect(listener.update('dup-2', 'rejected')?.code).toBe('DUPLICATE_CLIENT_ORDER_ID');
    expect(server.count('POST', '/v2/orders')).toBe(1);
  });
});

describe('transient failures on submission', () => {
  it('429 with Retry-After: waits, re-sends once (no lookup needed), one order', async () => {
    await start();
    server.failNext({ method: 'POST', path: '/v2/orders' }, { status: 429, headers: { 'Retry-After': '0.3' }, body: { code: 42910000, message: 'rate limit exceeded' } });
    const from = server.requests.length;
    await venue.submitOrder(buy('rl-1', 1));
    await waitFor(() => listener.fillsFor('rl-1')[0], 'filled');
    expect(orderTraffic(from)).toEqual(['POST /v2/orders', 'POST /v2/orders']);
    expect(server.orders).toHaveLength(1);
    expect(venue.health().submitRetries).toBe(1);
  });

  it('429 on every attempt: the submission fails with a retryable RATE_LIMITED error; nothing was placed', async () => {
    await start();
    server.failNext({ method: 'POST', path: '/v2/orders' }, { status: 429, headers: { 'Retry-After': '0' }, body: { message: 'rate limit exceeded' } }, 3);
    let err: unknown;
    await venue.submitOrder(buy('rl-2', 1)).catch((e: unknown) => (err = e));
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).code).toBe('RATE_LIMITED');
    expect((err as VenueError).retryable).toBe(true);
    expect(server.orders).toHaveLength(0);
  });

  it('5xx: looks the order up by client order id before re-sending; exactly one order', async () => {
    await start();
    server.failNext({ method: 'POST', path: '/v2/orders' }, { status: 503, body: { message: 'upstream unavailable' } });
    const from = server.requests.length;
    await venue.submitOrder(buy('5x-1', 2));
    await waitFor(() => listener.fillsFor('5x-1')[0], 'filled');
    expect(orderTraffic(from)).toEqual(['POST /v2/orders', 'GET /v2/orders:by_client_order_id', 'POST /v2/orders']);
    expect(server.orders).toHaveLength(1);
    expect(venue.health().ambiguousSubmissions).toBe(1);
  });

  it('timeout after Alpaca accepted the order: the lookup finds it, nothing is re-sent', async () => {
    await start({ timeoutMs: 1_000 });
    server.hangNext({ method: 'POST', path: '/v2/orders' }, { process: true });
    const from = server.requests.length;
    await venue.submitOrder(buy('to-1', 3));
    const order = server.orderByClientId('to-1')!;
    await waitFor(() => listener.fillsFor('to-1')[0], 'filled');
    expect(server.count('POST', '/v2/orders')).toBe(1);
    expect(server.orders).toHaveLength(1);
    expect(orderTraffic(from)).toEqual(['POST /v2/orders', 'GET /v2/orders:by_client_order_id']);
    expect(listener.update('to-1', 'accepted')?.venueOrderId).toBe(order.id);
    expect(listener.fillsFor('to-1')).toHaveLength(1);
    const h = venue.health();
    expect(h.ambiguousSubmissions).toBe(1);
    expect(h.clientOrderIdLookups).toBe(1);
    expect(h.errors.TIMEOUT).toBe(1);
  });

  it('timeout of a request Alpaca never processed: lookup misses, then one re-send; exactly one order', async () => {
    await start({ timeoutMs: 1_000 });
    server.hangNext({ method: 'POST', path: '/v2/orders' }, { process: false });
    const from = server.requests.length;
    await venue.submitOrder(buy('to-2', 3));
    await waitFor(() => listener.fillsFor('to-2')[0], 'filled');
    expect(orderTraffic(from)).toEqual(['POST /v2/orders', 'GET /v2/orders:by_client_order_id', 'POST /v2/orders']);
    expect(server.orders).toHaveLength(1);
  });

  it('the original lands late and the re-send meets a 422 duplicate: the venue adopts its own order', async () => {
    await start({ timeoutMs: 800 });
    server.hangNext({ method: 'POST', path: '/v2/orders' }, { process: false });
    let lateId = '';
    server.failNext(
      { method: 'POST', path: '/v2/orders' },
      {
        status: 422,
        body: { code: 40010001, message: 'client_order_id must be unique' },
        // the first (timed-out) request reaches the matching engine just before the re-send
        onHit: () => (lateId = server.externalOrder({ clientOrderId: 'late-1', symbol: 'AAPL', side: 'buy', qty: 2, limitPrice: 100 }).id),
      },
    );
    const from = server.requests.length;
    await venue.submitOrder(buy('late-1', 2, { type: 'limit', limitPrice: 100 }));
    await waitFor(() => listener.update('late-1', 'accepted'), 'accepted');
    expect(orderTraffic(from)).toEqual(['POST /v2/orders', 'GET /v2/orders:by_client_order_id', 'POST /v2/orders', 'GET /v2/orders:by_client_order_id']);
    expect(listener.update('late-1', 'accepted')!.venueOrderId).toBe(lateId);
    expect(listener.update('late-1', 'rejected')).toBeUndefined();
    expect(server.orders).toHaveLength(1);
  });

  it('timeout and a failing lookup: the order is parked, never reported rejected, and resolved later', async () => {
    await start({ timeoutMs: 800 });
    server.hangNext({ method: 'POST', path: '/v2/orders' }, { process: true });
    server.failNext({ method: 'GET', path: '/v2/orders:by_client_order_id' }, { status: 500, body: { message: 'db down' } }, 3);
    await venue.submitOrder(buy('to-3', 1, { type: 'limit', limitPrice: 100 }));
    expect(listener.update('to-3', 'rejected')).toBeUndefined();
    // the reconcile timer resolves it by client order id
    await waitFor(() => listener.update('to-3', 'accepted'), 'resolved by reconcile');
    expect(server.count('POST', '/v2/orders')).toBe(1);
    expect(server.orders).toHaveLength(1);
    expect(listener.update('to-3', 'rejected')).toBeUndefined();
  });

  it('an unreadable POST answer is treated as ambiguous: lookup, no second order', async () => {
    await start();
    server.corruptNext({ method: 'POST', path: '/v2/orders' }, (body) => {
      const b = body as Record<string, unknown>;
      b.filled_qty = 'lots';
      return b;
    });
    await venue.submitOrder(buy('mf-1', 1, { type: 'limit', limitPrice: 100 }));
    await waitFor(() => listener.update('mf-1', 'accepted'), 'accepted');
    expect(server.count('POST', '/v2/orders')).toBe(1);
    expect(server.orders).toHaveLength(1);
    const h = venue.health();
    expect(h.malformed.rest).toBe(1);
    expect(h.lastMalformed).toContain("field 'filled_qty'");
  });
});
