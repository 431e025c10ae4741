// CcxtVenue reports facts, and only facts: a createOrder whose outcome is
// unknown (created, then answered 5xx or a generic error; lookups failing) is
// never reported rejected; it stays pending until the exchange answers, then
// is adopted with its fills, each once. Fills on a polling venue reach the
// listener within two poll intervals, measured on the venue's (virtual) clock.
// getOrder / getFills / cancelAll against the loopback Coinbase Exchange.
import { afterEach, describe, expect, it } from 'vitest';
import { VenueError } from '../../../../src/engine/venues/ccxt/index.js';
import type { VenueFill, VenueOrderRequest } from '../../../../src/engine/venues/venue.js';
import { cid, startHarness, VirtualTime, waitFor, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const market = (qty: number): VenueOrderRequest => ({ clientOrderId: cid('o'), symbol: 'BTC/USD', side: 'buy', type: 'market', qty, timeInForce: 'gtc' });
const limit = (qty: number, limitPrice: number): VenueOrderRequest => ({ ...market(qty), clientOrderId: cid('o'), type: 'limit', limitPrice });
/** Every fill listed twice, as a flaky exchange does. */
const twice = { method: 'GET', path: '/fills', times: 10_000, action: { kind: 'mutate' as const, mutate: (l: unknown[]) => [...l, ...l] } };
/** Created, then answered with an exchange-style error body that ccxt raises as a generic ExchangeError. */
const createdThenGenericError = { method: 'POST', path: '/orders', action: { kind: 'status' as const, status: 400, body: { message: 'Internal error, please retry' }, process: true } };

describe('CcxtVenue unknown outcomes', () => {
  it('created, then answered 500 -> looked up, accepted, one order at the exchange, its fill once, never rejected', async () => {
    h = await startHarness({ streaming: 'poll' });
    h.server.inject({ method: 'POST', path: '/orders', action: { kind: 'status', status: 500, body: { message: 'Internal server error' }, process: true } });
    h.server.inject(twice);
    const req = market(0.5);
    await h.venue.submitOrder(req);
    const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill');
    const onServer = h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId));
    expect(onServer).toHaveLength(1);
    expect(acc.venueOrderId).toBe(onServer[0]!.id);
    expect(h.server.count('POST', '/orders')).toBe(1);
    expect(h.server.count('GET', '/fills')).toBeGreaterThanOrEqual(1); // listed twice
    expect(h.rec.fillsFor(req.clientOrderId)).toHaveLength(1);
    expect(h.rec.update(req.clientOrderId, 'rejected')).toBeUndefined();
    expect(h.venue.health()).toMatchObject({ lookups: 1, adoptedAfterLookup: 1, resends: 0 });
  });

  it('created, then a generic ExchangeError (HitBTC-style 500 body) -> not rejected: looked up and accepted', async () => {
    h = await startHarness();
    h.server.inject(createdThenGenericError);
    const req = limit(0.2, 29_000);
    await h.venue.submitOrder(req);
    expect(h.venue.health().lastError).toMatch(/createOrder: exchange error/);
    const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    expect(h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId)).map((o) => o.id)).toEqual([acc.venueOrderId]);
    expect(h.rec.update(req.clientOrderId, 'rejected')).toBeUndefined();
    expect(h.server.count('POST', '/orders')).toBe(1);
  });

  it('a generic error and the lookup proving the order absent -> rejected as never created, not re-sent', async () => {
    h = await startHarness();
    h.server.failNext('POST', '/orders', 400, 'Internal error, please retry'); // not processed
    const req = limit(0.2, 29_000);
    await h.venue.submitOrder(req);
    const r = h.rec.update(req.clientOrderId, 'rejected')!;
    expect(r.reason).toMatch(/never created at coinbaseexchange/);
    expect(h.server.count('POST', '/orders')).toBe(1);
    expect(h.venue.isResolving(req.clientOrderId)).toBe(false);
  });

  it('lookups failing repeatedly -> the order stays pending (no rejected), and is adopted with its fill when the exchange answers', async () => {
    h = await startHarness({ streaming: 'poll' });
    h.server.inject(createdThenGenericError);
    h.server.inject({ method: 'GET', path: /^\/(orders|fills)/, times: 40, action: { kind: 'status', status: 503, body: { message: 'Service Unavailable' } } });
    const req = market(0.5);
    await h.venue.submitOrder(req);
    expect(h.venue.isResolving(req.clientOrderId)).toBe(true);
    await waitFor(() => h!.server.count('GET', /^\/(orders|fills)/) >= 30, 'many failed lookups');
    expect(h.rec.updatesFor(req.clientOrderId)).toEqual([]);
    expect(h.venue.isResolving(req.clientOrderId)).toBe(true);
    const fill = await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill once the exchange answers');
    expect(fill).toMatchObject({ qty: 0.5, price: 30_003, leavesQty: 0 });
    expect(h.rec.updatesFor(req.clientOrderId).map((u) => u.kind)).toEqual(['accepted']);
    expect(h.venue.isResolving(req.clientOrderId)).toBe(false);
    expect(h.server.count('POST', '/orders')).toBe(1);
  });

  it('a fill visible before the acknowledgement is reported after the accepted, once', async () => {
    h = await startHarness({ streaming: 'poll' });
    h.server.inject(twice);
    h.server.inject({ method: 'POST', path: '/orders', action: { kind: 'hold' } });
    const req = market(0.5);
    const sending = h.venue.submitOrder(req);
    // the poll reads the account's trades while the order is still in flight
    await waitFor(() => h!.server.count('GET', '/fills') >= 2, 'trades read before the ack');
    expect(h.rec.fillsFor(req.clientOrderId)).toHaveLength(0);
    expect(h.venue.isResolving(req.clientOrderId)).toBe(true);
    expect(h.server.releaseHeld()).toBe(1);
    await sending;
    await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill');
    expect(h.rec.fillsFor(req.clientOrderId)).toHaveLength(1);
    const seq = [...h.rec.updatesFor(req.clientOrderId).map((u) => u.kind)];
    expect(seq[0]).toBe('accepted');
    expect(h.venue.health().foreignOrders).toBe(0);
  });
});

describe('CcxtVenue polling: fills within two poll intervals (virtual time)', () => {
  const POLL = 2_000; // the default
  async function polling(): Promise<VirtualTime> {
    const vt = new VirtualTime();
    h = await startHarness({ clock: vt.clock, streaming: 'poll', pollIntervalMs: undefined, reconcileIntervalMs: undefined, barPollIntervalMs: undefined, retry: undefined });
    vt.attach(h.server);
    return vt;
  }

  it('a market order filled between two polls, its trade reported twice, reaches the listener within two poll intervals, once', async () => {
    const vt = await polling();
    const emittedAt: number[] = [];
    const onFill = h!.rec.onFill.bind(h!.rec);
    h!.rec.onFill = (f: VenueFill) => {
      emittedAt.push(vt.now());
      onFill(f);
    };
    h!.server.inject(twice);
    // the acknowledgement is lost (created, then a generic error) and the first lookup cannot tell
    h!.server.inject(createdThenGenericError);
    h!.server.failNext('GET', /^\/orders\/client:/, 503, 'Service Unavailable');
    const req = market(0.5);
    const traded = vt.now(); // the exchange fills it as it creates it
    void h!.venue.submitOrder(req);
    const at = await vt.until(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill', 60_000);
    expect(at - traded).toBeLessThanOrEqual(2 * POLL);
    expect(emittedAt[0]! - traded).toBeLessThanOrEqual(2 * POLL);
    await vt.advance(3 * POLL);
    expect(h!.rec.fillsFor(req.clientOrderId)).toHaveLength(1);
    expect(h!.rec.updatesFor(req.clientOrderId).map((u) => u.kind)).toEqual(['accepted']);
    expect(h!.server.count('GET', '/fills')).toBeGreaterThanOrEqual(1); // each listing has it twice
  }, 60_000);

  it('fills during an outage reach the listener within two poll intervals of the exchange answering again', async () => {
    const vt = await polling();
    const req = limit(0.1, 29_000);
    void h!.venue.submitOrder(req);
    await vt.until(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    // a 33 s outage of the private reads; the order fills during it
    h!.server.inject({ method: 'GET', path: /^\/(orders|fills)/, times: 1_000, action: { kind: 'status', status: 503, body: { message: 'Service Unavailable' } } });
    h!.server.inject(twice);
    h!.server.externalTrade('BTC-USD', 'sell', 0.1);
    await vt.advance(33_000);
    expect(h!.rec.fillsFor(req.clientOrderId)).toHaveLength(0);
    h!.server.clearFaults();
    h!.server.inject(twice);
    const back = vt.now();
    const at = await vt.until(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill', 60_000);
    expect(at - back).toBeLessThanOrEqual(2 * POLL);
    await vt.advance(2 * POLL);
    expect(h!.rec.fillsFor(req.clientOrderId)).toHaveLength(1);
  }, 60_000);
});

describe('CcxtVenue getOrder / getFills / cancelAll', () => {
  it('getOrder reports status, filled quantity and average price; undefined only when proven absent', async () => {
    h = await startHarness();
    const a = limit(1, 29_990);
    await h.venue.submitOrder(a);
    await waitFor(() => h!.rec.update(a.clientOrderId, 'accepted'), 'accepted');
    expect(await h.venue.getOrder(a.clientOrderId)).toMatchObject({ status: 'accepted', filledQty: 0, qty: 1, limitPrice: 29_990, avgFillPrice: 0 });
    h.server.externalTrade('BTC-USD', 'sell', 0.4);
    expect(await h.venue.getOrder(a.clientOrderId)).toMatchObject({ status: 'partially_filled', filledQty: 0.4, avgFillPrice: 29_990 });
    const m = market(1.5);
    await h.venue.submitOrder(m);
    await waitFor(() => h!.rec.fillsFor(m.clientOrderId).length === 2, 'fills');
    const st = (await h.venue.getOrder(m.clientOrderId))!;
    expect(st).toMatchObject({ status: 'filled', filledQty: 1.5 });
    expect(st.avgFillPrice).toBeCloseTo((30_003 + 0.5 * 30_006) / 1.5, 6);
    // another session (after a restart) finds it by client order id alone
    const other = h.makeVenue();
    expect(await other.getOrder(m.clientOrderId)).toMatchObject({ status: 'filled', venueOrderId: st.venueOrderId });
    expect(await other.getOrder(cid('never-sent'))).toBeUndefined();
    // cannot tell -> throws, never undefined
    h.server.inject({ method: 'GET', path: /^\/orders/, times: 100, action: { kind: 'status', status: 503, body: { message: 'Service Unavailable' } } });
    await expect(other.getOrder(cid('unknown'))).rejects.toBeInstanceOf(VenueError);
  });

  it('getFills returns every execution with the live fillIds, once each, even when the exchange lists them twice', async () => {
    h = await startHarness();
    const m = market(1.5);
    await h.venue.submitOrder(m);
    await waitFor(() => h!.rec.fillsFor(m.clientOrderId).length === 2, 'fills');
    h.server.inject(twice);
    const fills = await h.venue.getFills(m.clientOrderId);
    const live = h.rec.fillsFor(m.clientOrderId);
    expect(fills.map((f) => f.fillId).sort()).toEqual(live.map((f) => f.fillId).sort());
    expect(fills.map((f) => [f.qty, f.cumQty, f.leavesQty])).toEqual([
      [1, 1, 0.5],
      [0.5, 1.5, 0],
    ]);
    expect(await h.makeVenue().getFills(m.clientOrderId)).toHaveLength(2);
  });

  it('an answer that contradicts itself is refused naming the order and the field', async () => {
    h = await startHarness();
    const a = limit(1, 29_990);
    await h.venue.submitOrder(a);
    const acc = await waitFor(() => h!.rec.update(a.clientOrderId, 'accepted'), 'accepted');
    h.server.inject({ method: 'GET', path: `/orders/${acc.venueOrderId}`, times: 1_000, action: { kind: 'mutate', mutate: (o: Record<string, unknown>) => ({ ...o, filled_size: '2' }) } });
    const e1 = (await h.venue.getOrder(a.clientOrderId).catch((e: unknown) => e)) as VenueError;
    h.server.clearFaults();
    expect(e1).toMatchObject({ code: 'MALFORMED_PAYLOAD', field: 'filled' });
    expect(e1.message).toContain(`order ${acc.venueOrderId}`);
    h.server.externalTrade('BTC-USD', 'sell', 0.4);
    await waitFor(() => h!.rec.fillsFor(a.clientOrderId)[0], 'fill');
    for (const price of ['-1', 'NaN', '0']) {
      h.server.inject({ method: 'GET', path: '/fills', times: 1_000, action: { kind: 'mutate', mutate: (l: Record<string, unknown>[]) => l.map((f) => ({ ...f, price })) } });
      const e2 = (await h.venue.getFills(a.clientOrderId).catch((e: unknown) => e)) as VenueError;
      h.server.clearFaults();
      expect(e2).toMatchObject({ code: 'MALFORMED_PAYLOAD', endpoint: 'fetchOrderTrades' });
      if (price === 'NaN') {
        expect(e2.field).toBe('[0].price'); // ccxt itself chokes on it: located in the raw answer
      } else {
        expect(e2.field).toBe('trade.price');
        expect(e2.message).toContain(`of order ${acc.venueOrderId}`);
      }
    }
    h.server.inject({ method: 'GET', path: '/fills', times: 1_000, action: { kind: 'mutate', mutate: (l: Record<string, unknown>[]) => l.map((f) => ({ ...f, size: '5' })) } });
    const e3 = (await h.venue.getFills(a.clientOrderId).catch((e: unknown) => e)) as VenueError;
    h.server.clearFaults();
    expect(e3).toMatchObject({ code: 'MALFORMED_PAYLOAD', field: 'trade.amount' });
    expect(e3.message).toContain(`order ${a.clientOrderId}`);
    expect(h.rec.fillsFor(a.clientOrderId)).toHaveLength(1);
    expect(h.venue.health().malformed).toBeGreaterThanOrEqual(5);
  });

  it('cancelAll cancels every resting order in one request per symbol and reports each canceled', async () => {
    h = await startHarness();
    const a = limit(0.1, 29_000);
    const b = limit(0.2, 28_000);
    await h.venue.submitOrder(a);
    await h.venue.submitOrder(b);
    await waitFor(() => h!.rec.update(a.clientOrderId, 'accepted') && h!.rec.update(b.clientOrderId, 'accepted'), 'accepted');
    const outside = h.server.placeOutside('BTC-USD', 'buy', 0.1, 27_000);
    await h.venue.cancelAll();
    expect(h.server.count('DELETE', '/orders')).toBe(2); // BTC-USD and ETH-USD
    expect(h.server.count('DELETE', /^\/orders\/.+/)).toBe(0);
    expect([...h.server.orders.values()].filter((o) => o.status !== 'done')).toEqual([]);
    expect(outside.status).toBe('done');
    for (const r of [a, b]) expect((await waitFor(() => h!.rec.update(r.clientOrderId, 'canceled'), 'canceled')).reason).toBe('canceled on request');
  });
});
