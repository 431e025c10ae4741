// CcxtVenue order entry against the loopback Coinbase Exchange through ccxt's
// real coinbaseexchange implementation: fills, partial fills, cancels, rejects,
// client order ids, precision, outside-the-app changes, positions.
import { afterEach, describe, expect, it } from 'vitest';
import type { VenueOrderRequest } from '../../../../src/engine/venues/venue.js';
import { cid, Recorder, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const market = (qty: number, side: 'buy' | 'sell' = 'buy', symbol = 'BTC/USD'): VenueOrderRequest => ({
  clientOrderId: cid(side),
  symbol,
  side,
  type: 'market',
  qty,
  timeInForce: 'gtc',
});
const limit = (qty: number, limitPrice: number, side: 'buy' | 'sell' = 'buy', symbol = 'BTC/USD'): VenueOrderRequest => ({
  clientOrderId: cid(side),
  symbol,
  side,
  type: 'limit',
  qty,
  limitPrice,
  timeInForce: 'gtc',
});

for (const streaming of ['auto', 'poll'] as const) {
  describe(`CcxtVenue orders (${streaming === 'auto' ? 'watch streams' : 'polling'})`, () => {
    it('submit -> accepted -> fill, with the client order id on the exchange', async () => {
      h = await startHarness({ streaming });
      const req = market(0.5);
      await h.venue.submitOrder(req);
      const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
      const fill = await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'fill');
      const onServer = h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId));
      expect(onServer).toHaveLength(1);
      expect(acc.venueOrderId).toBe(onServer[0]!.id);
      expect(fill).toMatchObject({ symbol: 'BTC/USD', side: 'buy', qty: 0.5, price: 30_003, cumQty: 0.5, leavesQty: 0 });
      expect(fill.fee).toBeCloseTo(30_003 * 0.5 * 0.006, 6);
      // the order's last word is its fill; nothing after it, and exactly one fill
      await waitFor(() => h!.server.count('GET', `/orders/${acc.venueOrderId}`) >= 1 || streaming === 'auto', 'reconcile');
      expect(h.rec.fillsFor(req.clientOrderId)).toHaveLength(1);
      expect(h.rec.updatesFor(req.clientOrderId).map((u) => u.kind)).toEqual(['accepted']);
      const positions = await h.venue.getPositions();
      expect(positions).toEqual([{ symbol: 'BTC/USD', qty: 0.5, avgPrice: 30_003 }]);
      const account = await h.venue.getAccount();
      expect(account.cash).toBeCloseTo(100_000 - 30_003 * 0.5 * 1.006, 6);
      expect(account.buyingPower).toBeCloseTo(account.cash, 6);
      expect(account.equity).toBeGreaterThan(account.cash);
      expect(h.venue.streams('watchMyTrades')).toBe(streaming === 'auto');
      if (streaming === 'poll') expect(h.server.streamSessions).toBe(0);
    });

    it('partial fills of a resting limit order carry cumulative and leaves quantities', async () => {
      h = await startHarness({ streaming });
      const req = limit(1, 29_990);
      await h.venue.submitOrder(req);
      const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
      expect(h.rec.fillsFor(req.clientOrderId)).toHaveLength(0); // rests below the ask
      expect(h.server.orders.get(acc.venueOrderId)!.status).toBe('open');
      expect(h.server.externalTrade('BTC-USD', 'sell', 0.4)).toBeCloseTo(0.4, 12);
      const first = await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[0], 'first partial fill');
      expect(first).toMatchObject({ qty: 0.4, price: 29_990, cumQty: 0.4, leavesQty: 0.6 });
      expect(first.fee).toBeCloseTo(29_990 * 0.4 * 0.004, 6); // maker
      const open = await h.venue.getOpenOrders();
      expect(open.find((o) => o.clientOrderId === req.clientOrderId)).toMatchObject({ qty: 1, filledQty: 0.4, limitPrice: 29_990, venueOrderId: acc.venueOrderId });
      h.server.externalTrade('BTC-USD', 'sell', 5);
      const second = await waitFor(() => h!.rec.fillsFor(req.clientOrderId)[1], 'second fill');
      expect(second).toMatchObject({ qty: 0.6, cumQty: 1, leavesQty: 0 });
      expect(new Set(h.rec.fillsFor(req.clientOrderId).map((f) => f.fillId)).size).toBe(2);
    });

    it('cancel -> canceled on the exchange and on the listener', async () => {
      h = await startHarness({ streaming });
      const req = limit(0.3, 29_000);
      await h.venue.submitOrder(req);
      const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
      await h.venue.cancelOrder(req.clientOrderId);
      const c = await waitFor(() => h!.rec.update(req.clientOrderId, 'canceled'), 'canceled');
      expect(c.reason).toBe('canceled on request');
      expect(h.server.orders.get(acc.venueOrderId)).toMatchObject({ status: 'done', done_reason: 'canceled' });
      expect(h.server.balanceOf('USD').hold).toBe(0);
      expect(h.server.count('DELETE', `/orders/${acc.venueOrderId}`)).toBe(1);
      // a second cancel is refused locally, nothing sent
      await h.venue.cancelOrder(req.clientOrderId);
      expect(h.rec.update(req.clientOrderId, 'cancel_rejected')?.reason).toMatch(/already done/);
      expect(h.server.count('DELETE', `/orders/${acc.venueOrderId}`)).toBe(1);
    });
  });
}

describe('CcxtVenue orders', () => {
  it('a market order sweeping two price levels fills twice', async () => {
    h = await startHarness();
    const req = market(1.5);
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.fillsFor(req.clientOrderId).length === 2, 'two fills');
    const [a, b] = h.rec.fillsFor(req.clientOrderId).sort((x, y) => x.cumQty - y.cumQty);
    expect(a).toMatchObject({ qty: 1, price: 30_003, cumQty: 1, leavesQty: 0.5 });
    expect(b).toMatchObject({ qty: 0.5, price: 30_006, cumQty: 1.5, leavesQty: 0 });
  });

  it('canceling an order that already filled is refused with the reason', async () => {
    h = await startHarness({ streaming: 'poll', pollIntervalMs: 60_000 }); // nothing reconciles on its own
    const req = limit(0.2, 30_050); // crosses the ask: fills at once
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    await waitFor(() => h!.server.apiOrders(h!.venue.exchangeClientOrderId(req.clientOrderId))[0]?.status === 'done', 'filled on the exchange');
    await h.venue.cancelOrder(req.clientOrderId);
    await waitFor(() => h!.rec.update(req.clientOrderId, 'cancel_rejected') ?? h!.rec.update(req.clientOrderId, 'canceled'), 'cancel outcome');
    expect(h.rec.update(req.clientOrderId, 'canceled')).toBeUndefined();
    const fills = h.rec.fillsFor(req.clientOrderId);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ qty: 0.2, price: 30_003, leavesQty: 0 });
    // the fill was reported before the refusal
    const kinds = h.rec.updatesFor(req.clientOrderId).map((u) => u.kind);
    expect(kinds).toEqual(['accepted', 'cancel_rejected']);
    expect(h.rec.update(req.clientOrderId, 'cancel_rejected')!.reason).toMatch(/already filled/);
  });

  it('insufficient funds -> rejected with INSUFFICIENT_BUYING_POWER / INSUFFICIENT_POSITION', async () => {
    h = await startHarness({}, { balances: { USD: 1_000, BTC: 0.01 } });
    const buy = limit(1, 29_000);
    await h.venue.submitOrder(buy);
    const r = await waitFor(() => h!.rec.update(buy.clientOrderId, 'rejected'), 'buy rejected');
    expect(r.code).toBe('INSUFFICIENT_BUYING_POWER');
    expect(r.reason).toMatch(/^coinbaseexchange createOrder: insufficient funds \(field 'amount'\) — coinbaseexchange Insufficient funds/);
    const sell = market(0.5, 'sell');
    await h.venue.submitOrder(sell);
    expect((await waitFor(() => h!.rec.update(sell.clientOrderId, 'rejected'), 'sell rejected')).code).toBe('INSUFFICIENT_POSITION');
    expect(h.server.apiOrders()).toHaveLength(0);
    expect(h.server.count('POST', '/orders')).toBe(2); // refused at once, not retried
    expect(h.rec.fills).toHaveLength(0);
  });

  it('a client order id used before -> DUPLICATE_CLIENT_ORDER_ID, locally or by the exchange', async () => {
    h = await startHarness();
    const req = limit(0.1, 29_000);
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    // same session: refused without sending
    await h.venue.submitOrder({ ...req, qty: 0.2 });
    expect(h.rec.updatesFor(req.clientOrderId).filter((u) => u.kind === 'rejected')).toHaveLength(1);
    expect(h.rec.update(req.clientOrderId, 'rejected')!.code).toBe('DUPLICATE_CLIENT_ORDER_ID');
    expect(h.server.count('POST', '/orders')).toBe(1);
    // another session (e.g. after a restart) reusing the id: the exchange refuses it
    const other = h.makeVenue();
    const rec2 = new Recorder();
    await other.connect(rec2);
    await other.submitOrder({ ...req });
    const r = await waitFor(() => rec2.update(req.clientOrderId, 'rejected'), 'rejected by the exchange');
    expect(r.code).toBe('DUPLICATE_CLIENT_ORDER_ID');
    expect(r.reason).toMatch(/coinbaseexchange createOrder: client order id already used \(field 'clientOrderId'\).*duplicate client_oid/);
    expect(h.server.count('POST', '/orders')).toBe(2);
    expect(h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId))).toHaveLength(1);
  });

  it('rounds price and amount to the exchange increments before sending', async () => {
    h = await startHarness();
    const req = limit(0.123456789, 29_000.123);
    await h.venue.submitOrder(req);
    const acc = await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    const posted = h.server.requests.find((r) => r.method === 'POST' && r.path === '/orders')!;
    expect(posted.body).toMatchObject({ size: '0.12345678', price: '29000.12', client_oid: h.venue.exchangeClientOrderId(req.clientOrderId), time_in_force: 'GTC' });
    expect(h.server.orders.get(acc.venueOrderId)).toMatchObject({ size: 0.12345678, price: 29_000.12 });
    // the engine learns what was actually sent
    expect(h.rec.update(req.clientOrderId, 'replaced')).toMatchObject({ qty: 0.12345678, limitPrice: 29_000.12 });
    // below the smallest increment: refused locally, never sent
    const tiny = limit(0.000000001, 29_000);
    await h.venue.submitOrder(tiny);
    const r = h.rec.update(tiny.clientOrderId, 'rejected')!;
    expect(r.code).toBe('INVALID_ORDER');
    expect(r.reason).toMatch(/coinbaseexchange createOrder: .*\(field 'qty'\).*minimum amount precision/);
    // notional below the exchange minimum (min_market_funds 1 USD): refused locally
    const small = limit(0.00001, 29_000);
    await h.venue.submitOrder(small);
    expect(h.rec.update(small.clientOrderId, 'rejected')!.reason).toMatch(/field 'qty'.*notional 0.29000000 is below the minimum 1/);
    expect(h.server.count('POST', '/orders')).toBe(1);
  });

  it('reports orders canceled, resized or placed outside the app', async () => {
    h = await startHarness();
    const a = limit(0.5, 29_100);
    const b = limit(0.5, 29_200);
    await h.venue.submitOrder(a);
    await h.venue.submitOrder(b);
    const accA = await waitFor(() => h!.rec.update(a.clientOrderId, 'accepted'), 'a accepted');
    const accB = await waitFor(() => h!.rec.update(b.clientOrderId, 'accepted'), 'b accepted');
    h.server.cancelOutside(accA.venueOrderId);
    const c = await waitFor(() => h!.rec.update(a.clientOrderId, 'canceled'), 'a canceled outside');
    expect(c.reason).toMatch(/canceled outside the app/);
    h.server.resizeOutside(accB.venueOrderId, 0.8);
    const rep = await waitFor(() => h!.rec.update(b.clientOrderId, 'replaced'), 'b resized');
    expect(rep).toMatchObject({ qty: 0.8, limitPrice: 29_200 });
    // the larger order now fills completely
    h.server.externalTrade('BTC-USD', 'sell', 0.8, 29_200);
    await waitFor(() => h!.rec.fillsFor(b.clientOrderId).find((f) => f.leavesQty === 0), 'b filled');
    expect(h.rec.fillsFor(b.clientOrderId).reduce((s, f) => s + f.qty, 0)).toBeCloseTo(0.8, 12);
    const outside = h.server.placeOutside('BTC-USD', 'buy', 0.1, 28_000);
    const open = await h.venue.getOpenOrders();
    expect(open.find((o) => o.venueOrderId === outside.id)?.clientOrderId).toBe(`external:${outside.id}`);
    await waitFor(() => h!.venue.health().foreignOrders >= 1, 'foreign order counted');
    expect(h.venue.health().externalChanges).toBeGreaterThanOrEqual(2);
    expect(h.rec.update(b.clientOrderId, 'canceled')).toBeUndefined();
  });

  it('replace is refused with a clear reason where the exchange cannot edit orders', async () => {
    h = await startHarness();
    const req = limit(0.1, 29_000);
    await h.venue.submitOrder(req);
    await waitFor(() => h!.rec.update(req.clientOrderId, 'accepted'), 'accepted');
    await h.venue.replaceOrder(req.clientOrderId, { qty: 0.2 });
    expect(h.rec.update(req.clientOrderId, 'cancel_rejected')!.reason).toMatch(/coinbaseexchange editOrder: replace is not supported.*cancel and resubmit/);
    expect(h.server.count('POST', '/orders')).toBe(1);
  });

  it('a cancel requested while the order is still being placed is applied on acknowledgement', async () => {
    h = await startHarness();
    const req = limit(0.1, 29_000);
    h.server.failNext('POST', '/orders', 503, 'Service Unavailable');
    const sending = h.venue.submitOrder(req);
    await h.venue.cancelOrder(req.clientOrderId);
    await sending;
    await waitFor(() => h!.rec.update(req.clientOrderId, 'canceled'), 'canceled after ack');
    expect(h.rec.updatesFor(req.clientOrderId).map((u) => u.kind)).toEqual(['accepted', 'canceled']);
    expect(h.server.apiOrders(h.venue.exchangeClientOrderId(req.clientOrderId))[0]!.status).toBe('done');
  });
});
