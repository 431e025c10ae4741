import { describe, expect, it } from 'vitest';
import type { SimConfig } from '../../../../../src/engine/core/config.js';
import { CRYPTO_FEE_RATE } from '../../../../../src/engine/venues/sim/account.js';
import type { VenueOrderRequest } from '../../../../../src/engine/venues/venue.js';
import { advance, connectedVenue, iso } from './helpers.js';

/** Monday 2026-01-05 10:00 New York: NYSE open. Latency 50 ms, quotes every 5 s. */
const OPEN = '2026-01-05T15:00:00.000Z';

async function ready(over: Partial<SimConfig> = {}) {
  const ctx = await connectedVenue({ start: OPEN, latencyMs: 50, quoteIntervalS: 5, ...over });
  advance(ctx.clock, 1_000); // the step at +0 s has run; the next is at +5 s
  let seq = 0;
  const submit = async (o: Partial<VenueOrderRequest> & Pick<VenueOrderRequest, 'symbol' | 'side' | 'qty'>) => {
    const clientOrderId = o.clientOrderId ?? `c${++seq}`;
    await ctx.venue.submitOrder({ type: 'market', timeInForce: 'gtc', ...o, clientOrderId });
    return clientOrderId;
  };
  /** Processes requests sent now (latency 50 ms) without reaching the next quote step. */
  const settle = () => advance(ctx.clock, 100);
  return { ...ctx, submit, settle };
}

const ticks = (price: number, tick = 0.01) => Math.round(price / tick);

describe('SimVenue orders: rejects', () => {
  it('rejects unknown symbols', async () => {
    const { submit, settle, rec } = await ready();
    const id = await submit({ symbol: 'NOPE', side: 'buy', qty: 1 });
    settle();
    expect(rec.updatesFor(id)).toMatchObject([{ kind: 'rejected', code: 'UNKNOWN_SYMBOL' }]);
  });

  it('rejects malformed orders as INVALID_ORDER', async () => {
    const { submit, settle, rec, venue } = await ready();
    const bad: Array<Partial<VenueOrderRequest> & Pick<VenueOrderRequest, 'symbol' | 'side' | 'qty'>> = [
      { symbol: 'SPY', side: 'buy', qty: 0 },
      { symbol: 'SPY', side: 'buy', qty: -5 },
      { symbol: 'SPY', side: 'buy', qty: 1.5 },
      { symbol: 'SPY', side: 'buy', qty: NaN },
      { symbol: 'BTC/USD', side: 'buy', qty: 0.00015 },
      { symbol: 'SPY', side: 'buy', qty: 1, type: 'limit' },
      { symbol: 'SPY', side: 'buy', qty: 1, type: 'limit', limitPrice: 100.005 },
      { symbol: 'SPY', side: 'buy', qty: 1, type: 'limit', limitPrice: NaN },
      { symbol: 'SPY', side: 'buy', qty: 1, type: 'market', limitPrice: 100 },
      { symbol: 'DOGE/USD', side: 'buy', qty: 1 }, // ~0.15 USD: below the 1 USD minimum notional
      { symbol: 'SPY', side: 'hold' as 'buy', qty: 1 },
      { symbol: 'SPY', side: 'buy', qty: 1, timeInForce: 'fok' as 'gtc' },
    ];
    const ids = [];
    for (const o of bad) ids.push(await submit(o));
    settle();
    for (const id of ids) expect(rec.updatesFor(id), id).toMatchObject([{ kind: 'rejected', code: 'INVALID_ORDER' }]);
    expect(rec.fills).toEqual([]);
    expect(await venue.getOpenOrders()).toEqual([]);
  });

  it('rejects stock orders outside the session as MARKET_CLOSED, but accepts crypto', async () => {
    const { submit, settle, rec } = await ready({ start: '2026-01-03T15:00:00.000Z' }); // Saturday
    const spy = await submit({ symbol: 'SPY', side: 'buy', qty: 1 });
    const btc = await submit({ symbol: 'BTC/USD', side: 'buy', qty: 0.001 });
    settle();
    expect(rec.updatesFor(spy)).toMatchObject([{ kind: 'rejected', code: 'MARKET_CLOSED' }]);
    expect(rec.updatesFor(btc)[0]).toMatchObject({ kind: 'accepted' });
    expect(rec.fillsFor(btc).length).toBeGreaterThan(0);
  });

  it('rejects a stock order right at the close', async () => {
    const { submit, clock, rec } = await ready({ start: '2026-01-05T20:59:00.000Z' });
    clock.advanceTo(iso('2026-01-05T20:59:59.980Z'));
    const id = await submit({ symbol: 'SPY', side: 'buy', qty: 1 }); // arrives at 21:00:00.050Z
    advance(clock, 1_000);
    expect(rec.updatesFor(id)).toMatchObject([{ kind: 'rejected', code: 'MARKET_CLOSED' }]);
  });

  it('rejects buys beyond buying power: 2x margin for stocks, cash only for crypto', async () => {
    const { submit, settle, rec, venue } = await ready();
    const spyAsk = venue.lastQuote('SPY')!.ask;
    const tooBig = await submit({ symbol: 'SPY', side: 'buy', qty: Math.ceil(200_100 / spyAsk), type: 'limit', limitPrice: spyAsk });
    // crypto: 1.2x cash is within the stock buying power (2x) but not within cash
    const btcBid = venue.lastQuote('BTC/USD')!.bid;
    const btcQty = Math.round((120_000 / btcBid) * 1e4) / 1e4;
    const cryptoTooBig = await submit({ symbol: 'BTC/USD', side: 'buy', qty: btcQty, type: 'limit', limitPrice: btcBid });
    settle();
    expect(rec.updatesFor(tooBig)).toMatchObject([{ kind: 'rejected', code: 'INSUFFICIENT_BUYING_POWER' }]);
    expect(rec.updatesFor(cryptoTooBig)).toMatchObject([{ kind: 'rejected', code: 'INSUFFICIENT_BUYING_POWER' }]);
    // within limits: accepted
    const ok = await submit({ symbol: 'SPY', side: 'buy', qty: Math.floor(190_000 / spyAsk), type: 'limit', limitPrice: Math.round((spyAsk - 5) * 100) / 100 });
    settle();
    expect(rec.updatesFor(ok)[0]).toMatchObject({ kind: 'accepted' });
  });

  it('rejects selling crypto not held (not shortable) as INSUFFICIENT_POSITION', async () => {
    const { submit, settle, rec, venue } = await ready();
    const none = await submit({ symbol: 'BTC/USD', side: 'sell', qty: 0.01 });
    settle();
    expect(rec.updatesFor(none)).toMatchObject([{ kind: 'rejected', code: 'INSUFFICIENT_POSITION' }]);
    const buy = await submit({ symbol: 'BTC/USD', side: 'buy', qty: 0.01 });
    settle();
    expect(rec.fillsFor(buy).at(-1)!.leavesQty).toBe(0);
    expect((await venue.getPositions()).find((p) => p.symbol === 'BTC/USD')!.qty).toBeCloseTo(0.01, 10);
    const tooMuch = await submit({ symbol: 'BTC/USD', side: 'sell', qty: 0.02 });
    const exact = await submit({ symbol: 'BTC/USD', side: 'sell', qty: 0.01 });
    settle();
    expect(rec.updatesFor(tooMuch)).toMatchObject([{ kind: 'rejected', code: 'INSUFFICIENT_POSITION' }]);
    expect(rec.updatesFor(exact)[0]).toMatchObject({ kind: 'accepted' });
    expect((await venue.getPositions()).find((p) => p.symbol === 'BTC/USD')).toBeUndefined();
  });

  it('rejects a reused clientOrderId', async () => {
    const { submit, settle, rec } = await ready();
    await submit({ clientOrderId: 'dup', symbol: 'SPY', side: 'buy', qty: 1 });
    await submit({ clientOrderId: 'dup', symbol: 'SPY', side: 'buy', qty: 2 });
    settle();
    const u = rec.updatesFor('dup');
    expect(u[0]).toMatchObject({ kind: 'accepted' });
    expect(u.find((x) => x.kind === 'rejected')).toMatchObject({ code: 'DUPLICATE_CLIENT_ORDER_ID' });
    expect(rec.fillsFor('dup').reduce((a, f) => a + f.qty, 0)).toBe(1);
  });
});

describe('SimVenue orders: execution', () => {
  it('acks after the latency, then fills a market order at the touch up to the displayed size and walks the book', async () => {
    const { submit, settle, rec, venue, clock } = await ready();
    const q = venue.lastQuote('DBC')!;
    const qty = Math.floor(q.askSize * 2.5);
    const sentAt = clock.now();
    const id = await submit({ symbol: 'DBC', side: 'buy', qty });
    expect(rec.updatesFor(id)).toEqual([]); // nothing before the latency
    settle();
    const acc = rec.updatesFor(id)[0]!;
    expect(acc).toMatchObject({ kind: 'accepted', ts: sentAt + 50 });
    expect(acc.kind === 'accepted' && acc.venueOrderId).toMatch(/^sim-/);
    const fills = rec.fillsFor(id);
    expect(fills.length).toBe(3);
    const step = Math.max(1, Math.round((ticks(q.ask) - ticks(q.bid)) / 2));
    expect(fills.map((f) => f.qty)).toEqual([q.askSize, q.askSize, qty - 2 * q.askSize]);
    expect(fills.map((f) => ticks(f.price))).toEqual([ticks(q.ask), ticks(q.ask) + step, ticks(q.ask) + 2 * step]);
    expect(fills.map((f) => f.cumQty)).toEqual([q.askSize, 2 * q.askSize, qty]);
    expect(fills.map((f) => f.leavesQty)).toEqual([qty - q.askSize, qty - 2 * q.askSize, 0]);
    expect(fills.every((f) => f.ts === sentAt + 50 && f.fee === 0 && f.side === 'buy' && f.symbol === 'DBC')).toBe(true);
    expect(new Set(fills.map((f) => f.fillId)).size).toBe(3);
    expect(await venue.getOpenOrders()).toEqual([]);
  });

  it('sells walk down the bids', async () => {
    const { submit, settle, rec, venue } = await ready();
    const q = venue.lastQuote('USO')!;
    const id = await submit({ symbol: 'USO', side: 'sell', qty: q.bidSize + 1 });
    settle();
    const fills = rec.fillsFor(id);
    expect(fills.map((f) => f.qty)).toEqual([q.bidSize, 1]);
    expect(fills[0]!.price).toBe(q.bid);
    expect(fills[1]!.price).toBeLessThan(q.bid);
    expect((await venue.getPositions()).find((p) => p.symbol === 'USO')!.qty).toBe(-(q.bidSize + 1));
  });

  it('fills a market order too big for the visible levels over successive quotes', async () => {
    const { submit, settle, rec, venue, clock } = await ready({ startingCash: 1_000_000 });
    const q = venue.lastQuote('LINK/USD')!;
    const qty = Math.round(q.askSize * 100 * 7) / 100; // 7 levels' worth; 5 are visible per quote
    const id = await submit({ symbol: 'LINK/USD', side: 'buy', qty });
    settle();
    const first = rec.fillsFor(id);
    expect(first.length).toBe(5);
    expect(first.at(-1)!.leavesQty).toBeGreaterThan(0);
    expect((await venue.getOpenOrders()).map((o) => o.clientOrderId)).toEqual([id]);
    advance(clock, 5_000);
    const all = rec.fillsFor(id);
    expect(all.length).toBeGreaterThan(5);
    expect(all[5]!.ts).toBeGreaterThan(first[0]!.ts);
    expect(all.at(-1)!.leavesQty).toBe(0);
    expect(all.at(-1)!.cumQty).toBeCloseTo(qty, 10);
    // crypto pays 10 bps on each fill
    for (const f of all) expect(f.fee).toBeCloseTo(f.qty * f.price * CRYPTO_FEE_RATE, 10);
  });

  it('fills a marketable limit at the touch for the displayed size and rests the remainder', async () => {
    const { submit, settle, rec, venue, clock } = await ready();
    const q = venue.lastQuote('SOL/USD')!;
    const qty = Math.round(q.askSize * 100 * 2) / 100;
    const limit = Math.round((q.ask + 0.1) * 100) / 100;
    const id = await submit({ symbol: 'SOL/USD', side: 'buy', qty, type: 'limit', limitPrice: limit });
    settle();
    expect(rec.fillsFor(id)).toMatchObject([{ qty: q.askSize, price: q.ask }]);
    expect(await venue.getOpenOrders()).toMatchObject([{ clientOrderId: id, filledQty: q.askSize, qty, limitPrice: limit }]);
    // the remainder keeps taking the touch on later quotes while the ask is within the limit
    for (let k = 0; k < 200 && rec.fillsFor(id).at(-1)!.leavesQty > 0; k++) advance(clock, 5_000);
    const later = rec.fillsFor(id).slice(1);
    expect(later.length).toBeGreaterThan(0);
    for (const f of later) {
      const quote = rec.quotes.find((x) => x.symbol === 'SOL/USD' && x.ts === f.ts)!;
      expect(f.price).toBe(quote.ask);
      expect(f.price).toBeLessThanOrEqual(limit);
      expect(f.qty).toBeLessThanOrEqual(quote.askSize);
    }
  });

  it('fills a resting limit later, at its limit, when the touch crosses it, up to the displayed size per quote', async () => {
    const { submit, settle, rec, venue, clock } = await ready({ startingCash: 2_000_000 });
    const q = venue.lastQuote('BTC/USD')!;
    const limit = Math.round((q.bid - 30) * 100) / 100;
    const qty = Math.round(q.askSize * 1e4 * 3) / 1e4;
    const id = await submit({ symbol: 'BTC/USD', side: 'buy', qty, type: 'limit', limitPrice: limit });
    settle();
    expect(rec.updatesFor(id)).toMatchObject([{ kind: 'accepted' }]);
    expect(rec.fillsFor(id)).toEqual([]);
    const acceptedAt = clock.now();
    for (let k = 0; k < 17_280 * 2 && (rec.fillsFor(id).at(-1)?.leavesQty ?? 1) > 0; k++) advance(clock, 5_000);
    const fills = rec.fillsFor(id);
    expect(fills.length).toBeGreaterThan(1);
    expect(fills.at(-1)!.leavesQty).toBe(0);
    const firstFill = fills[0]!.ts;
    for (const f of fills) {
      const quote = rec.quotes.find((x) => x.symbol === 'BTC/USD' && x.ts === f.ts)!;
      expect(f.price).toBe(limit);
      expect(quote.ask).toBeLessThanOrEqual(limit);
      expect(f.qty).toBeLessThanOrEqual(quote.askSize + 1e-12);
    }
    // no quote between acceptance and the first fill crossed the limit
    const crossedEarlier = rec.quotes.some((x) => x.symbol === 'BTC/USD' && x.ts > acceptedAt && x.ts < firstFill && x.ask <= limit);
    expect(crossedEarlier).toBe(false);
  });

  it('IOC: fills what it can at once and cancels the rest', async () => {
    const { submit, settle, rec, venue } = await ready();
    const q = venue.lastQuote('DBC')!;
    const id = await submit({ symbol: 'DBC', side: 'buy', qty: q.askSize * 2, type: 'limit', limitPrice: q.ask, timeInForce: 'ioc' });
    const passive = await submit({ symbol: 'DBC', side: 'buy', qty: 10, type: 'limit', limitPrice: q.bid, timeInForce: 'ioc' });
    settle();
    expect(rec.fillsFor(id)).toMatchObject([{ qty: q.askSize, leavesQty: q.askSize }]);
    expect(rec.updatesFor(id).map((u) => u.kind)).toEqual(['accepted', 'canceled']);
    expect(rec.fillsFor(passive)).toEqual([]);
    expect(rec.updatesFor(passive).map((u) => u.kind)).toEqual(['accepted', 'canceled']);
    expect(await venue.getOpenOrders()).toEqual([]);
  });
});

describe('SimVenue orders: cancel, replace, expiry', () => {
  it('cancels an open order; a cancel of a filled or unknown order is cancel_rejected', async () => {
    const { submit, settle, rec, venue } = await ready();
    const q = venue.lastQuote('SPY')!;
    const resting = await submit({ symbol: 'SPY', side: 'buy', qty: 10, type: 'limit', limitPrice: Math.round((q.bid - 5) * 100) / 100 });
    const filled = await submit({ symbol: 'SPY', side: 'buy', qty: 1 });
    settle();
    expect(await venue.getOpenOrders()).toHaveLength(1);
    await venue.cancelOrder(resting);
    await venue.cancelOrder(filled);
    await venue.cancelOrder('never-sent');
    settle();
    expect(rec.updatesFor(resting).map((u) => u.kind)).toEqual(['accepted', 'canceled']);
    expect(rec.updatesFor(filled).at(-1)).toMatchObject({ kind: 'cancel_rejected', reason: 'order already filled' });
    expect(rec.updatesFor('never-sent')).toMatchObject([{ kind: 'cancel_rejected', reason: 'unknown order' }]);
    expect(await venue.getOpenOrders()).toEqual([]);
    // canceling twice: the second is rejected
    await venue.cancelOrder(resting);
    settle();
    expect(rec.updatesFor(resting).at(-1)).toMatchObject({ kind: 'cancel_rejected', reason: 'order already canceled' });
  });

  it('replaces qty and limit price; a marketable replace fills at once; bad replaces are cancel_rejected', async () => {
    const { submit, settle, rec, venue } = await ready();
    const q = venue.lastQuote('KO')!;
    const low = Math.round((q.bid - 1) * 100) / 100;
    const id = await submit({ symbol: 'KO', side: 'buy', qty: 10, type: 'limit', limitPrice: low });
    settle();
    await venue.replaceOrder(id, { qty: 20, limitPrice: Math.round((low - 0.5) * 100) / 100 });
    settle();
    expect(rec.updatesFor(id).at(-1)).toMatchObject({ kind: 'replaced', qty: 20, limitPrice: Math.round((low - 0.5) * 100) / 100 });
    expect(await venue.getOpenOrders()).toMatchObject([{ clientOrderId: id, qty: 20, limitPrice: Math.round((low - 0.5) * 100) / 100, filledQty: 0 }]);

    await venue.replaceOrder(id, { qty: 2.5 });
    await venue.replaceOrder(id, { limitPrice: 70.001 });
    settle();
    const rejects = rec.updatesFor(id).filter((u) => u.kind === 'cancel_rejected');
    expect(rejects).toHaveLength(2);

    // move the limit through the ask: fills at the touch
    await venue.replaceOrder(id, { limitPrice: q.ask });
    settle();
    expect(rec.fillsFor(id)).toMatchObject([{ qty: 20, price: q.ask, leavesQty: 0 }]);
    expect(await venue.getOpenOrders()).toEqual([]);
    await venue.replaceOrder(id, { qty: 30 });
    settle();
    expect(rec.updatesFor(id).at(-1)).toMatchObject({ kind: 'cancel_rejected', reason: 'order already filled' });
  });

  it('refuses to replace qty down to or below the filled quantity', async () => {
    const { submit, settle, rec, venue } = await ready();
    const q = venue.lastQuote('DBC')!;
    const id = await submit({ symbol: 'DBC', side: 'buy', qty: q.askSize + 100, type: 'limit', limitPrice: q.ask });
    settle();
    expect(rec.fillsFor(id)).toHaveLength(1);
    await venue.replaceOrder(id, { qty: q.askSize });
    settle();
    expect(rec.updatesFor(id).at(-1)).toMatchObject({ kind: 'cancel_rejected' });
    expect((await venue.getOpenOrders())[0]).toMatchObject({ qty: q.askSize + 100, filledQty: q.askSize });
  });

  it('expires day orders at the close; gtc orders stay open', async () => {
    const { submit, settle, rec, venue, clock } = await ready({ start: '2026-01-05T20:00:00.000Z' });
    const q = venue.lastQuote('SPY')!;
    const px = Math.round((q.bid - 20) * 100) / 100;
    const day = await submit({ symbol: 'SPY', side: 'buy', qty: 5, type: 'limit', limitPrice: px, timeInForce: 'day' });
    const gtc = await submit({ symbol: 'SPY', side: 'buy', qty: 5, type: 'limit', limitPrice: px, timeInForce: 'gtc' });
    const btcPx = Math.round((venue.lastQuote('BTC/USD')!.bid * 0.8) * 100) / 100;
    const cryptoDay = await submit({ symbol: 'BTC/USD', side: 'buy', qty: 0.001, type: 'limit', limitPrice: btcPx, timeInForce: 'day' });
    settle();
    clock.advanceTo(iso('2026-01-05T20:59:59Z'));
    expect(rec.updatesFor(day).map((u) => u.kind)).toEqual(['accepted']);
    clock.advanceTo(iso('2026-01-05T21:00:01Z'));
    expect(rec.updatesFor(day).at(-1)).toEqual({ kind: 'expired', clientOrderId: day, ts: iso('2026-01-05T21:00:00Z') });
    expect(rec.updatesFor(gtc).map((u) => u.kind)).toEqual(['accepted']);
    expect((await venue.getOpenOrders()).map((o) => o.clientOrderId).sort()).toEqual([cryptoDay, gtc].sort());
    // crypto has no session: its day orders expire at 00:00 UTC
    clock.advanceTo(iso('2026-01-06T00:00:01Z'));
    expect(rec.updatesFor(cryptoDay).at(-1)).toMatchObject({ kind: 'expired', ts: iso('2026-01-06T00:00:00Z') });
  });
});

describe('SimVenue account', () => {
  it('books stock fills into cash, positions and equity, without fees', async () => {
    const { submit, settle, rec, venue } = await ready();
    const id = await submit({ symbol: 'SPY', side: 'buy', qty: 100 });
    settle();
    const fills = rec.fillsFor(id);
    const cost = fills.reduce((a, f) => a + f.qty * f.price, 0);
    const acct = await venue.getAccount();
    expect(acct.cash).toBeCloseTo(100_000 - cost, 6);
    const pos = await venue.getPositions();
    expect(pos).toEqual([{ symbol: 'SPY', qty: 100, avgPrice: expect.closeTo(cost / 100, 8) }]);
    const q = venue.lastQuote('SPY')!;
    const mid = (q.bid + q.ask) / 2;
    expect(acct.equity).toBeCloseTo(acct.cash + 100 * mid, 1);
    // buying power = 2 x equity - gross position value
    expect(acct.buyingPower).toBeCloseTo(2 * acct.equity - 100 * mid, 1);
  });

  it('charges 10 bps on crypto fills', async () => {
    const { submit, settle, rec, venue } = await ready();
    const id = await submit({ symbol: 'ETH/USD', side: 'buy', qty: 1 });
    settle();
    const fills = rec.fillsFor(id);
    const notional = fills.reduce((a, f) => a + f.qty * f.price, 0);
    const fees = fills.reduce((a, f) => a + f.fee, 0);
    expect(fees).toBeCloseTo(notional * 0.001, 8);
    expect((await venue.getAccount()).cash).toBeCloseTo(100_000 - notional - fees, 6);
  });

  it('reserves buying power for open buys and frees it on cancel; reducing a position needs none', async () => {
    const { submit, settle, rec, venue } = await ready();
    const q = venue.lastQuote('SPY')!;
    const px = Math.round((q.bid - 5) * 100) / 100;
    const qty = Math.floor(150_000 / px);
    const big = await submit({ symbol: 'SPY', side: 'buy', qty, type: 'limit', limitPrice: px });
    settle();
    expect((await venue.getAccount()).buyingPower).toBeCloseTo(200_000 - qty * px, 6);
    const second = await submit({ symbol: 'SPY', side: 'buy', qty: Math.ceil(60_000 / px), type: 'limit', limitPrice: px });
    settle();
    expect(rec.updatesFor(second)).toMatchObject([{ kind: 'rejected', code: 'INSUFFICIENT_BUYING_POWER' }]);
    await venue.cancelOrder(big);
    settle();
    expect((await venue.getAccount()).buyingPower).toBeCloseTo(200_000, 6);

    // use most of the buying power, then sell it all back: the sell adds no exposure
    const buy = await submit({ symbol: 'QQQ', side: 'buy', qty: Math.floor(190_000 / venue.lastQuote('QQQ')!.ask / 1.01) });
    settle();
    const held = (await venue.getPositions()).find((p) => p.symbol === 'QQQ')!.qty;
    expect(rec.fillsFor(buy).at(-1)!.leavesQty).toBe(0);
    expect((await venue.getAccount()).buyingPower).toBeLessThan(20_000);
    const sell = await submit({ symbol: 'QQQ', side: 'sell', qty: held });
    settle();
    expect(rec.updatesFor(sell)[0]).toMatchObject({ kind: 'accepted' });
    expect(await venue.getPositions()).toEqual([]);
  });

  it('allows shorting stocks within buying power', async () => {
    const { submit, settle, rec, venue } = await ready();
    const id = await submit({ symbol: 'AAPL', side: 'sell', qty: 50 });
    settle();
    const f = rec.fillsFor(id);
    expect(f.at(-1)!.leavesQty).toBe(0);
    expect(await venue.getPositions()).toEqual([{ symbol: 'AAPL', qty: -50, avgPrice: expect.closeTo(f.reduce((a, x) => a + x.price * x.qty, 0) / 50, 8) }]);
    const tooBig = await submit({ symbol: 'AAPL', side: 'sell', qty: Math.ceil(250_000 / venue.lastQuote('AAPL')!.bid) });
    settle();
    expect(rec.updatesFor(tooBig)).toMatchObject([{ kind: 'rejected', code: 'INSUFFICIENT_BUYING_POWER' }]);
  });
});

describe('SimVenue determinism', () => {
  it('gives identical quotes, bars, acks and fills for the same seed and the same requests', async () => {
    const runOnce = async () => {
      const ctx = await connectedVenue({ start: OPEN, latencyMs: 50, seed: 7 }, true);
      const { clock, venue } = ctx;
      for (let k = 0; k < 20; k++) {
        advance(clock, 17_000);
        const q = venue.lastQuote('NVDA')!;
        await venue.submitOrder({ clientOrderId: `m${k}`, symbol: k % 2 ? 'NVDA' : 'ETH/USD', side: k % 3 ? 'buy' : 'sell', type: 'market', qty: k % 2 ? 300 : 0.5, timeInForce: 'gtc' });
        await venue.submitOrder({ clientOrderId: `l${k}`, symbol: 'NVDA', side: 'buy', type: 'limit', qty: 50, limitPrice: Math.round((q.bid - 0.05) * 100) / 100, timeInForce: 'day' });
        if (k % 4 === 3) await venue.cancelOrder(`l${k - 1}`);
      }
      advance(clock, 10 * 60_000);
      return { log: ctx.rec.log, account: await venue.getAccount(), positions: await venue.getPositions() };
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(a.log.filter((e) => (e as [string])[0] === 'f').length).toBeGreaterThan(20);
    expect(JSON.stringify(a.log)).toBe(JSON.stringify(b.log));
    expect(a.account).toEqual(b.account);
    expect(a.positions).toEqual(b.positions);
  });
});
