// CcxtVenue market data against the loopback Coinbase Exchange, through ccxt's
// real coinbaseexchange implementation: markets -> instruments, bars, quotes
// (streamed and polled), public trades, and the capability checks.
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveClock } from '../../../../src/engine/core/clock.js';
import { CcxtVenue, crossCheckPrices, VenueError } from '../../../../src/engine/venues/ccxt/index.js';
import { Instrument } from '../../../../src/shared/domain.js';
import { LOOPBACK_CREDENTIALS } from '../../../support/loopback/exchange-server.js';
import { cid, Recorder, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('CcxtVenue markets and instruments', () => {
  it('builds instruments from loadMarkets with the exchange precision', async () => {
    h = await startHarness({}, {
      products: [
        { id: 'BTC-USD', base: 'BTC', quote: 'USD', quoteIncrement: '0.01', baseIncrement: '0.00000001', minMarketFunds: '1', price: 30_000 },
        { id: 'ETH-USD', base: 'ETH', quote: 'USD', quoteIncrement: '0.05', baseIncrement: '0.001', minMarketFunds: '10', price: 2_000 },
        { id: 'SOL-USD', base: 'SOL', quote: 'USD', quoteIncrement: '0.001', baseIncrement: '0.01', minMarketFunds: '1', price: 100 },
      ],
    }, false);
    const list = await h.venue.instruments();
    expect(list.map((i) => i.symbol)).toEqual(['BTC/USD', 'ETH/USD']);
    for (const i of list) expect(() => Instrument.parse(i)).not.toThrow();
    const btc = list.find((i) => i.symbol === 'BTC/USD')!;
    const eth = list.find((i) => i.symbol === 'ETH/USD')!;
    expect(btc).toMatchObject({ tickSize: 0.01, lotSize: 0.00000001, minNotional: 1, assetClass: 'crypto', calendar: '24x7', shortable: false });
    expect(eth).toMatchObject({ tickSize: 0.05, lotSize: 0.001, minNotional: 10 });
    expect(h.venue.isMarketOpen('BTC/USD', Date.UTC(2024, 0, 6, 3))).toBe(true); // a Saturday night: crypto never closes
    expect(h.venue.isMarketOpen('DOGE/USD', Date.now())).toBe(false);
    // loadMarkets took the two public endpoints ccxt uses for this exchange
    expect(h.server.count('GET', '/products')).toBe(1);
    expect(h.server.count('GET', '/currencies')).toBe(1);
  });

  it('refuses a symbol the exchange does not list, naming it', async () => {
    h = await startHarness({ symbols: ['BTC/USD', 'XYZ/USD'] }, {}, false);
    const err = await h.venue.instruments().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).code).toBe('BAD_SYMBOL');
    expect((err as VenueError).message).toMatch(/coinbaseexchange loadMarkets: .*field 'symbols'.*'XYZ\/USD' is not a market/);
  });

  it('refuses exchanges without fetchOHLCV, fetchTicker or createOrder, and unknown ids', () => {
    const lacking = ccxt.exchanges.find((id) => {
      const Ctor = (ccxt as unknown as Record<string, new () => { has: Record<string, unknown> }>)[id];
      if (typeof Ctor !== 'function') return false;
      const has = new Ctor().has;
      return !has.fetchOHLCV && has.fetchTicker && has.createOrder;
    });
    expect(lacking, 'some ccxt exchange lacks fetchOHLCV').toBeDefined();
    const make = (exchangeId: string) =>
      new CcxtVenue({ exchangeId, apiKey: 'k', secret: 's', sandbox: false, symbols: ['BTC/USD'], clock: new LiveClock() });
    expect(() => make(lacking!)).toThrow(/lacks fetchOHLCV; CcxtVenue needs fetchOHLCV, fetchTicker, createOrder/);
    try {
      make('no-such-exchange');
      expect.unreachable();
    } catch (e) {
      expect((e as VenueError).code).toBe('NOT_SUPPORTED');
      expect((e as VenueError).message).toMatch(/field 'exchangeId'.*'no-such-exchange' is not a ccxt exchange id/);
    }
  });

  it('switches to the sandbox only where the exchange has one', () => {
    const v = new CcxtVenue({
      exchangeId: 'coinbaseexchange',
      apiKey: LOOPBACK_CREDENTIALS.apiKey,
      secret: LOOPBACK_CREDENTIALS.secret,
      password: LOOPBACK_CREDENTIALS.passphrase,
      sandbox: true,
      symbols: ['BTC/USD'],
      clock: new LiveClock(),
    });
    const api = (v as unknown as { ex: { urls: { api: Record<string, string> } } }).ex.urls.api;
    expect(api.public).toContain('sandbox');
    const noSandbox = ccxt.exchanges.find((id) => {
      const Ctor = (ccxt as unknown as Record<string, new () => { has: Record<string, unknown>; urls: Record<string, unknown> }>)[id];
      if (typeof Ctor !== 'function') return false;
      const ex = new Ctor();
      return ex.has.fetchOHLCV && ex.has.fetchTicker && ex.has.createOrder && ex.urls.test === undefined;
    });
    expect(noSandbox).toBeDefined();
    expect(() => new CcxtVenue({ exchangeId: noSandbox!, apiKey: 'k', secret: 's', sandbox: true, symbols: ['BTC/USD'], clock: new LiveClock() })).toThrow(
      /has no testnet\/sandbox/,
    );
  });
});

describe('CcxtVenue bars', () => {
  it('returns the most recent completed 1-minute bars, oldest first, as the exchange reports them', async () => {
    h = await startHarness({}, { historyMinutes: 500 }, false);
    const bars = await h.venue.getBars('BTC/USD', 400); // more than one 300-candle request
    expect(bars).toHaveLength(400);
    const now = Date.now();
    const currentMinute = now - (now % 60_000);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.ts - bars[i - 1]!.ts).toBe(60_000);
    expect(bars.at(-1)!.ts).toBeLessThan(currentMinute + 60_000);
    expect(bars.every((b) => b.ts + 60_000 <= h!.clock.now())).toBe(true); // completed only
    // same numbers as the exchange's own candles endpoint
    const res = await fetch(`${h.server.urls.public}/products/BTC-USD/candles?granularity=60`);
    const raw = (await res.json()) as number[][];
    const byTs = new Map(raw.map((c) => [c[0]! * 1000, c]));
    const sample = bars.at(-5)!;
    const c = byTs.get(sample.ts)!;
    expect([sample.low, sample.high, sample.open, sample.close, sample.volume]).toEqual([c[1], c[2], c[3], c[4], c[5]]);
    expect(h.server.count('GET', '/products/BTC-USD/candles')).toBeGreaterThanOrEqual(2);
  });

  it('emits a completed bar on the listener once its minute has closed', async () => {
    // The loopback's candles end with the minute it started in, and the venue
    // starts counting from the minute it connected in: set up again if a
    // minute closed in between, so both name the minute this test waits for.
    let minute = -1;
    while (minute < 0) {
      const before = Date.now();
      h = await startHarness({}, {}, true);
      const after = Date.now();
      if (before - (before % 60_000) === after - (after % 60_000)) minute = after - (after % 60_000);
      else await h.close();
    }
    expect(h!.rec.bars).toHaveLength(0);
    const now = Date.now();
    // move the venue's clock past the end of the current minute
    h!.clock.offset = minute + 60_000 - now + 1_000;
    const bar = await waitFor(() => h!.rec.bars.find((b) => b.symbol === 'BTC/USD' && b.ts === minute), 'bar of the current minute');
    const [serverBar] = await h!.venue.getBars('BTC/USD', 1);
    expect(bar).toEqual(serverBar);
  });
});

describe('CcxtVenue quotes and trades', () => {
  it('streams quotes with watchTicker and public trades with watchTrades', async () => {
    h = await startHarness();
    expect(h.venue.streams('watchTicker')).toBe(true);
    expect(h.rec.connection[0]).toEqual({ state: 'connected', reason: undefined });
    const q = await waitFor(() => h!.rec.quotes.find((x) => x.symbol === 'BTC/USD'), 'BTC quote');
    expect(q).toMatchObject({ bid: 29_997, ask: 30_003, bidSize: 1, askSize: 1 });
    h.server.setBook('BTC-USD', { bids: [{ price: 30_100, size: 2 }], asks: [{ price: 30_110, size: 3 }] });
    await waitFor(() => h!.rec.quotes.find((x) => x.symbol === 'BTC/USD' && x.bid === 30_100 && x.ask === 30_110 && x.askSize === 3), 'updated quote');
    await waitFor(() => h!.server.streamSessions >= 1, 'a stream session');
    // an outside trade against our resting order is a public trade
    await h.venue.submitOrder({ clientOrderId: cid(), symbol: 'BTC/USD', side: 'buy', type: 'limit', qty: 0.25, limitPrice: 30_050, timeInForce: 'gtc' });
    await waitFor(() => h!.rec.updates.find((u) => u.kind === 'accepted'), 'accepted');
    h.server.externalTrade('BTC-USD', 'sell', 0.25);
    const t = await waitFor(() => h!.rec.trades.find((x) => x.symbol === 'BTC/USD'), 'public trade');
    expect(t).toMatchObject({ price: 30_050, size: 0.25 });
    expect(h.server.count('GET', '/products/BTC-USD/ticker')).toBe(0); // no polling while streaming
  });

  it('polls fetchTicker when streaming is off, opening no stream', async () => {
    h = await startHarness({ streaming: 'poll' });
    expect(h.venue.streams('watchTicker')).toBe(false);
    const q = await waitFor(() => h!.rec.quotes.find((x) => x.symbol === 'ETH/USD'), 'ETH quote');
    expect(q).toMatchObject({ bid: 1_999.8, ask: 2_000.2 });
    h.server.setBook('ETH-USD', { bids: [{ price: 2_010, size: 1 }], asks: [{ price: 2_011, size: 1 }] });
    await waitFor(() => h!.rec.quotes.find((x) => x.symbol === 'ETH/USD' && x.bid === 2_010), 'polled update');
    expect(h.server.count('GET', '/products/ETH-USD/ticker')).toBeGreaterThanOrEqual(2);
    expect(h.server.streamSessions).toBe(0);
  });

  it('reports a dropped stream as disconnected and reconnects with backoff', async () => {
    h = await startHarness();
    await waitFor(() => h!.rec.quotes.length > 0 && h!.server.streamSessions >= 2, 'streams up');
    h.server.setStreamsEnabled(false); // drops every stream and refuses reconnects
    await waitFor(() => h!.rec.connection.find((c) => c.state === 'disconnected'), 'disconnected');
    const down = h.rec.connection.find((c) => c.state === 'disconnected')!;
    expect(down.reason).toMatch(/^watch\w+ (BTC|ETH)\/USD: coinbaseexchange watch\w+ (BTC|ETH)\/USD: /);
    await waitFor(() => h!.server.refusedStreams >= 2, 'reconnect attempts');
    expect(h.rec.connection.at(-1)!.state).toBe('disconnected');
    h.server.setStreamsEnabled(true);
    await waitFor(() => h!.rec.connection.at(-1)!.state === 'connected' && h!.rec.connection.length >= 3, 'connected again');
    const before = h.rec.quotes.length;
    h.server.setBook('BTC-USD', { bids: [{ price: 29_000, size: 1 }], asks: [{ price: 29_001, size: 1 }] });
    await waitFor(() => h!.rec.quotes.slice(before).find((q) => q.bid === 29_000), 'quotes after reconnect');
    expect(h.venue.health().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('refuses a malformed ticker, naming the field, and emits no quote from it', async () => {
    h = await startHarness({ streaming: 'poll' }, {}, false);
    h.server.inject({ method: 'GET', path: '/products/BTC-USD/ticker', times: 1_000, action: { kind: 'mutate', mutate: (b: Record<string, unknown>) => ({ ...b, bid: '-5' }) } });
    const rec = new Recorder();
    await h.venue.connect(rec);
    await waitFor(() => rec.quotes.find((q) => q.symbol === 'ETH/USD') && h!.venue.health().malformedByEndpoint.fetchTicker, 'ETH quote and a refused BTC ticker');
    expect(rec.quotes.filter((q) => q.symbol === 'BTC/USD')).toHaveLength(0);
    expect(h.venue.health().lastMalformed).toMatch(/coinbaseexchange fetchTicker: malformed payload \(field 'ticker.bid'\)/);
  });
});

describe('crossCheckPrices', () => {
  it('flags a difference above 0.5% between two exchanges', () => {
    expect(crossCheckPrices(100, 100.4).flagged).toBe(false);
    expect(crossCheckPrices(100, 100.6).flagged).toBe(true);
    expect(crossCheckPrices(30_000, 30_000).relativeDiff).toBe(0);
    expect(crossCheckPrices(100, 101, 0.02).flagged).toBe(false);
    expect(crossCheckPrices(100, 99).absoluteDiff).toBe(1);
    expect(() => crossCheckPrices(Number.NaN, 1)).toThrow(/price a is NaN/);
    expect(() => crossCheckPrices(1, 0)).toThrow(/price b is 0/);
  });
});
