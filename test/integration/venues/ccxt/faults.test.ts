// CcxtVenue under faults injected by the loopback Coinbase Exchange: rate
// limits, 5xx, timeouts (with and without the request taking effect), bad
// credentials, malformed payloads. ccxt's real coinbaseexchange implementation
// raises the errors; CcxtVenue maps, retries, looks up and reports them.
import { afterEach, describe, expect, it } from 'vitest';
import { VenueError } from '../../../../src/engine/venues/ccxt/index.js';
import type { VenueOrderRequest } from '../../../../src/engine/venues/venue.js';
import { LOOPBACK_CREDENTIALS } from '../../../support/loopback/exchange-server.js';
import { cid, Recorder, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const order = (over: Partial<VenueOrderRequest> = {}): VenueOrderRequest => ({
  clientOrderId: cid('f'),
  symbol: 'BTC/USD',
  side: 'buy',
  type: 'limit',
  qty: 0.1,
  limitPrice: 29_000,
  timeInForce: 'gtc',
  ...over,
});

describe('CcxtVenue retries', () => {
  it('rate limited (429) -> waits, looks the order up, sends once more -> exactly one order', async () => {
    h = await startHarness();
    h.server.failNext('POST', '/orders', 429, 'Private rate limit exceeded', 1, { 'Retry-After': '0' });
    const req = order();
    await h.venue.submitOrder(req);
    const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    const onServer = h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId));
    expect(onServer).toHaveLength(1);
    expect(onServer[0]!.id).toBe(acc.venueOrderId);
    expect(h.server.count('POST', '/orders')).toBe(2);
    // the lookup happened between the two sends
    const paths = h.server.requests.map((r) => `${r.method} ${r.path}`);
    const firstPost = paths.indexOf('POST /orders');
    const lookup = paths.indexOf(`GET /orders/client:${h.venue.exchangeClientOrderId(req.clientOrderId)}`);
    expect(lookup).toBeGreaterThan(firstPost);
    expect(paths.lastIndexOf('POST /orders')).toBeGreaterThan(lookup);
    const health = h.venue.health();
    expect(health).toMatchObject({ rateLimited: 1, lookups: 1, resends: 1 });
    expect(h.rec.update(req.clientOrderId, 'rejected')).toBeUndefined();
  });

  it('rate limited reads are retried after the wait and succeed', async () => {
    h = await startHarness({}, {}, false);
    h.server.failNext('GET', '/products/BTC-USD/candles', 429, 'Public rate limit exceeded', 2, { 'Retry-After': '0' });
    const bars = await h.venue.getBars('BTC/USD', 10);
    expect(bars).toHaveLength(10);
    expect(h.venue.health()).toMatchObject({ rateLimited: 2, retries: 2 });
    expect(h.server.count('GET', '/products/BTC-USD/candles')).toBe(3);
  });

  it('5xx on createOrder -> looked up, absent, sent again -> exactly one order', async () => {
    h = await startHarness();
    h.server.failNext('POST', '/orders', 500, 'Internal server error');
    const req = order();
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    expect(h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId))).toHaveLength(1);
    expect(h.server.count('POST', '/orders')).toBe(2);
    expect(h.venue.health()).toMatchObject({ serverErrors: 1, lookups: 1, resends: 1 });
  });

  it('5xx on reads is retried; persistent 5xx fails with a typed, retryable error', async () => {
    h = await startHarness({}, {}, false);
    h.server.failNext('GET', '/products/ETH-USD/candles', 503, 'Service Unavailable');
    expect(await h.venue.getBars('ETH/USD', 5)).toHaveLength(5);
    expect(h.venue.health().retries).toBe(1);
    h.server.failNext('GET', '/products/ETH-USD/candles', 502, 'Bad Gateway', 10);
    const err = (await h.venue.getBars('ETH/USD', 5).catch((e: unknown) => e)) as VenueError;
    expect(err).toBeInstanceOf(VenueError);
    expect(err).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retryable: true, venue: 'coinbaseexchange', endpoint: 'fetchOHLCV' });
    expect(err.message).toMatch(/^coinbaseexchange fetchOHLCV: exchange unavailable \(server error\) — .*502/);
    expect(h.server.count('GET', '/products/ETH-USD/candles')).toBe(2 + 4); // 4 attempts under the policy
  });

  it('timeout after the exchange took the order -> lookup by client id finds it -> not sent again', async () => {
    h = await startHarness({ timeoutMs: 400 });
    h.server.inject({ method: 'POST', path: '/orders', action: { kind: 'hang', process: true } });
    const req = order();
    await h.venue.submitOrder(req);
    const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    const onServer = h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId));
    expect(onServer).toHaveLength(1);
    expect(acc.venueOrderId).toBe(onServer[0]!.id);
    expect(h.server.count('POST', '/orders')).toBe(1);
    expect(h.venue.health()).toMatchObject({ timeouts: 1, lookups: 1, adoptedAfterLookup: 1, resends: 0 });
    // and it is a live order like any other
    h.server.externalTrade('BTC-USD', 'sell', 0.1);
    expect(await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill')).toMatchObject({ qty: 0.1, price: 29_000, leavesQty: 0 });
  });

  it('timeout before the exchange took the order -> lookup finds nothing -> sent once more -> exactly one order', async () => {
    h = await startHarness({ timeoutMs: 400 });
    h.server.inject({ method: 'POST', path: '/orders', action: { kind: 'hang', process: false } });
    const req = order({ type: 'market', limitPrice: undefined, qty: 0.2 });
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill');
    expect(h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId))).toHaveLength(1);
    expect(h.server.count('POST', '/orders')).toBe(2);
    expect(h.venue.health()).toMatchObject({ timeouts: 1, lookups: 1, resends: 1 });
    expect(h.rec.fillsFor(req.clientOrderId)).toHaveLength(1);
  });

  it('a connection reset after the order took effect is treated like a timeout', async () => {
    h = await startHarness();
    h.server.inject({ method: 'POST', path: '/orders', action: { kind: 'reset', process: true } });
    const req = order();
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    expect(h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId))).toHaveLength(1);
    expect(h.server.count('POST', '/orders')).toBe(1);
    expect(h.venue.health()).toMatchObject({ networkErrors: 1, adoptedAfterLookup: 1 });
  });
});

describe('CcxtVenue credentials', () => {
  for (const [what, over, message] of [
    ['api key', { apiKey: 'not-the-key' }, 'Invalid API Key'],
    ['passphrase', { password: 'wrong' }, 'Invalid Passphrase'],
    ['secret', { secret: Buffer.from('another-secret').toString('base64') }, 'invalid signature'],
  ] as const) {
    it(`a bad ${what} fails connect with AUTH_FAILED naming venue, endpoint and field`, async () => {
      h = await startHarness(over, {}, false);
      const rec = new Recorder();
      const err = (await h.venue.connect(rec).catch((e: unknown) => e)) as VenueError;
      expect(err).toBeInstanceOf(VenueError);
      expect(err).toMatchObject({ code: 'AUTH_FAILED', retryable: false, field: 'apiKey', endpoint: 'fetchBalance' });
      expect(err.message).toMatch(/^coinbaseexchange fetchBalance: authentication failed: check apiKey, secret and password \(field 'apiKey'\)/);
      expect(err.message).toContain(message);
      expect(h.server.count('GET', '/accounts')).toBe(1); // not retried
      expect(rec.connection).toHaveLength(0);
    });
  }

  it('the loopback really requires the key: a correct key passes', async () => {
    h = await startHarness({ apiKey: LOOPBACK_CREDENTIALS.apiKey });
    expect(h.rec.connection[0]!.state).toBe('connected');
    expect(h.server.requests.filter((r) => r.private).every((r) => r.status === 200)).toBe(true);
  });
});

describe('CcxtVenue malformed payloads', () => {
  it('a malformed createOrder answer -> never reported rejected; the order stays pending and is adopted (not canceled) once a lookup can read it', async () => {
    h = await startHarness();
    const strip = (b: Record<string, unknown>) => {
      delete b.id;
      return b;
    };
    h.server.inject({ method: 'POST', path: '/orders', action: { kind: 'mutate', mutate: strip } });
    h.server.inject({ method: 'GET', path: /^\/orders\/client:/, times: 3, action: { kind: 'mutate', mutate: strip } });
    const req = order({ qty: 0.3 });
    await h.venue.submitOrder(req);
    // the outcome is unknown: nothing reported, the order pending and being resolved
    expect(h.rec.updatesFor(req.clientOrderId)).toEqual([]);
    expect(h.venue.isResolving(req.clientOrderId)).toBe(true);
    expect(h.venue.health().unresolved).toBe(1);
    expect(h.venue.health().lastError).toMatch(/malformed payload \(field 'id'\)/);
    const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'adopted once readable');
    const serverOrder = h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId))[0]!;
    expect(acc.venueOrderId).toBe(serverOrder.id);
    expect(serverOrder.status).toBe('open'); // ours, adopted: not canceled
    expect(h.venue.isResolving(req.clientOrderId)).toBe(false);
    expect(h.rec.update(req.clientOrderId, 'rejected')).toBeUndefined();
    expect(h.server.count('POST', '/orders')).toBe(1); // not sent again
    expect(h.server.count('DELETE', `/orders/${serverOrder.id}`)).toBe(0);
    expect(h.venue.health().malformedByEndpoint.createOrder).toBe(1);
    expect(h.venue.health().malformedByEndpoint.fetchOrder).toBeGreaterThanOrEqual(1);
    expect((await h.venue.getOpenOrders()).map((o) => o.clientOrderId)).toContain(req.clientOrderId);
  });

  it('malformed fills are refused naming the field and never become fills', async () => {
    h = await startHarness();
    const noPrice = (m: Record<string, unknown>) => (m.type === 'match' ? { ...m, price: undefined } : m);
    h.server.mutateStream(noPrice);
    h.server.inject({ method: 'GET', path: '/fills', times: 1_000, action: { kind: 'mutate', mutate: (list: Record<string, unknown>[]) => list.map((f) => ({ ...f, price: '0' })) } });
    await waitFor(() => h!.server.streamSessions >= 2, 'streams');
    const req = order({ type: 'market', limitPrice: undefined, qty: 0.5 });
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    await waitFor(
      () => h!.venue.health().malformedByEndpoint.fetchOrderTrades && h!.venue.health().malformedByEndpoint.watchMyTrades && h!.venue.health().fillGaps >= 1,
      'refused trades',
    );
    expect(h.venue.health().fillGaps).toBeGreaterThanOrEqual(1);
    expect(h.venue.health().lastMalformed).toMatch(/^coinbaseexchange (fetchOrderTrades|fetchMyTrades|watchMyTrades|watchTrades): malformed payload \(field 'trade.price'\)/);
    expect(h.rec.fills).toHaveLength(0);
    expect(h.rec.trades).toHaveLength(0);
    // once the exchange sends sound data, the fill arrives, once
    h.server.clearFaults();
    h.server.mutateStream(undefined);
    const fill = await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill from sound data');
    expect(fill).toMatchObject({ qty: 0.5, price: 30_003, cumQty: 0.5 });
    await waitFor(() => h!.server.count('GET', '/fills') > 0, 'more reconciles');
    expect(h.rec.fillsFor(req.clientOrderId)).toHaveLength(1);
  });

  it('a malformed balance -> positions and account fail naming the field; no position is reported', async () => {
    h = await startHarness();
    const req = order({ type: 'market', limitPrice: undefined, qty: 0.5 });
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill');
    h.server.inject({
      method: 'GET',
      path: '/accounts',
      times: 2,
      action: { kind: 'mutate', mutate: (list: Record<string, unknown>[]) => list.map((a) => (a.currency === 'BTC' ? { ...a, balance: 'lots', available: 'lots' } : a)) },
    });
    const err = (await h.venue.getPositions().catch((e: unknown) => e)) as VenueError;
    expect(err).toBeInstanceOf(VenueError);
    expect(err.code).toBe('MALFORMED_PAYLOAD');
    expect(err.message).toMatch(/^coinbaseexchange fetchBalance: malformed payload \(field 'balance.total.BTC'\) — balance.total.BTC is missing/);
    const err2 = (await h.venue.getAccount().catch((e: unknown) => e)) as VenueError;
    expect(err2.code).toBe('MALFORMED_PAYLOAD');
    // with a negative balance ccxt parses, CcxtVenue refuses
    h.server.inject({ method: 'GET', path: '/accounts', action: { kind: 'mutate', mutate: (list: Record<string, unknown>[]) => list.map((a) => (a.currency === 'BTC' ? { ...a, balance: '-1', available: '-1', hold: '0' } : a)) } });
    const err3 = (await h.venue.getPositions().catch((e: unknown) => e)) as VenueError;
    expect(err3.message).toMatch(/^coinbaseexchange fetchBalance: malformed payload \(field 'balance.total.BTC'\) — balance.total.BTC is -1/);
    expect(h.venue.health().malformedByEndpoint.fetchBalance).toBe(3);
    // sound again: the real position
    expect(await h.venue.getPositions()).toEqual([{ symbol: 'BTC/USD', qty: 0.5, avgPrice: 30_003 }]);
  });
});
