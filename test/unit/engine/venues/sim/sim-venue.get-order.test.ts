// getOrder / getFills: one order in any state, and every fill of it, for
// reconciliation - the same answers with and without a state file.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../../src/engine/core/clock.js';
import { SimVenue } from '../../../../../src/engine/venues/sim/sim-venue.js';
import type { VenueOrderRequest } from '../../../../../src/engine/venues/venue.js';
import { Recorder } from './helpers.js';
import { removeTempDirs, stateConfig, tempDir } from './state-helpers.js';

afterEach(() => removeTempDirs());

async function session(stateFile?: string) {
  const cfg = stateConfig();
  const clock = new SimulatedClock(Date.parse(cfg.start));
  const venue = new SimVenue(clock, cfg, stateFile ? { stateFile } : {});
  const rec = new Recorder(clock);
  await venue.connect(rec);
  clock.advanceTo(clock.now() + 1_000);
  const send = (r: Partial<VenueOrderRequest> & Pick<VenueOrderRequest, 'clientOrderId' | 'symbol' | 'qty'>) =>
    venue.submitOrder({ side: 'buy', type: 'market', timeInForce: 'gtc', ...r });
  const spy = venue.lastQuote('SPY')!;
  const dis = venue.lastQuote('DIS')!;
  await send({ clientOrderId: 'walk', symbol: 'DIS', qty: 6_000, type: 'limit', limitPrice: Math.round(dis.ask * 101) / 100 });
  await send({ clientOrderId: 'mkt', symbol: 'SPY', qty: 10 });
  await send({ clientOrderId: 'rest', symbol: 'SPY', qty: 4, type: 'limit', limitPrice: Math.round(spy.bid * 95) / 100 });
  await send({ clientOrderId: 'gone', symbol: 'SPY', qty: 4, type: 'limit', limitPrice: Math.round(spy.bid * 95) / 100 });
  await send({ clientOrderId: 'bad', symbol: 'SPY', qty: 1.5 });
  await send({ clientOrderId: '', symbol: 'SPY', qty: 1 });
  await send({ clientOrderId: 'mkt', symbol: 'KO', qty: 99 });
  clock.advanceTo(clock.now() + 10_000);
  await venue.cancelOrder('gone');
  await venue.replaceOrder('rest', { qty: 6 });
  clock.advanceTo(clock.now() + 10_000);
  const ids = ['walk', 'mkt', 'rest', 'gone', 'bad', '', 'never'];
  const orders = await Promise.all(ids.map((id) => venue.getOrder(id)));
  const fills = await Promise.all(ids.map((id) => venue.getFills(id)));
  return { venue, rec, orders: Object.fromEntries(ids.map((id, k) => [id, orders[k]])), fills: Object.fromEntries(ids.map((id, k) => [id, fills[k]!])) };
}

describe('SimVenue getOrder / getFills', () => {
  it('reports each order in its state with filled quantity and average fill price', async () => {
    const { orders, fills, rec } = await session();
    expect(orders.walk).toMatchObject({ clientOrderId: 'walk', symbol: 'DIS', side: 'buy', type: 'limit', qty: 6_000, status: 'partially_filled', timeInForce: 'gtc' });
    expect(orders.walk!.venueOrderId).toMatch(/^sim-\d+$/);
    const walkFills = fills.walk!;
    expect(walkFills).toEqual(rec.fillsFor('walk'));
    expect(walkFills.length).toBeGreaterThan(1);
    const qty = walkFills.reduce((s, f) => s + f.qty, 0);
    expect(orders.walk!.filledQty).toBeCloseTo(qty, 9);
    expect(orders.walk!.avgFillPrice).toBeCloseTo(walkFills.reduce((s, f) => s + f.qty * f.price, 0) / qty, 9);
    expect(orders.mkt).toMatchObject({ symbol: 'SPY', qty: 10, status: 'filled', filledQty: 10 });
    expect(fills.mkt!.map((f) => f.clientOrderId)).toEqual(fills.mkt!.map(() => 'mkt'));
    expect(orders.rest).toMatchObject({ status: 'accepted', qty: 6, filledQty: 0, avgFillPrice: 0 });
    expect(orders.gone).toMatchObject({ status: 'canceled', filledQty: 0 });
    expect(orders.bad).toMatchObject({ status: 'rejected', symbol: 'SPY', qty: 1.5, filledQty: 0, venueOrderId: '' });
    expect(orders['']).toBeUndefined();
    expect(orders.never).toBeUndefined();
    expect(fills.never).toEqual([]);
    expect(fills.gone).toEqual([]);
  });

  it('gives the same answers with a state file as in memory', async () => {
    const mem = await session();
    const file = await session(join(tempDir(), 'sim-venue.sqlite'));
    expect(file.orders).toEqual(mem.orders);
    expect(file.fills).toEqual(mem.fills);
    expect(file.rec.updates).toEqual(mem.rec.updates);
    expect(file.rec.fills).toEqual(mem.rec.fills);
    expect(file.rec.quotes).toEqual(mem.rec.quotes);
    file.venue.close();
  });

  it('tells a submission within its simulated latency as resolving (a lookup cannot tell yet), and not once it arrived', async () => {
    const cfg = stateConfig();
    const clock = new SimulatedClock(Date.parse(cfg.start));
    const venue = new SimVenue(clock, cfg);
    await venue.connect(new Recorder(clock));
    clock.advanceTo(clock.now() + 1_000);
    const spy = venue.lastQuote('SPY')!;
    await venue.submitOrder({ clientOrderId: 'slow', symbol: 'SPY', side: 'buy', type: 'limit', qty: 4, limitPrice: Math.round(spy.bid * 95) / 100, timeInForce: 'gtc' });
    expect(venue.isResolving('slow')).toBe(true);
    expect(await venue.getOrder('slow')).toBeUndefined();
    expect(venue.isResolving('other')).toBe(false);
    clock.advanceTo(clock.now() + cfg.latencyMs);
    expect(venue.isResolving('slow')).toBe(false);
    expect(await venue.getOrder('slow')).toMatchObject({ clientOrderId: 'slow', status: 'accepted' });
  });
});
