// AlpacaVenue over the real @alpacahq/alpaca-trade-api SDK against the loopback
// Alpaca server: account, positions, open orders, assets, calendar / clock,
// credentials, malformed REST payloads, 429 / 5xx on reads, historical bars.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaVenue } from '../../../../src/engine/venues/alpaca/alpaca-venue.js';
import { VenueError } from '../../../../src/engine/venues/alpaca/errors.js';
import { AlpacaLoopbackServer, RecordingListener, loopbackVenueOptions } from '../../../support/loopback/alpaca-server.js';

let server: AlpacaLoopbackServer;
let venue: AlpacaVenue | undefined;

beforeEach(async () => {
  server = await AlpacaLoopbackServer.start();
});

afterEach(async () => {
  await venue?.disconnect();
  venue = undefined;
  await server.close();
});

async function connected(overrides: Parameters<typeof loopbackVenueOptions>[1] = {}): Promise<{ venue: AlpacaVenue; listener: RecordingListener }> {
  venue = new AlpacaVenue(loopbackVenueOptions(server, overrides));
  const listener = new RecordingListener();
  await venue.connect(listener);
  return { venue, listener };
}

async function rejection(p: Promise<unknown>): Promise<VenueError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VenueError);
    return e as VenueError;
  }
  throw new Error('expected the call to reject');
}

describe('AlpacaVenue REST through the SDK', () => {
  it('reads account, positions (signed) and open orders, including ones placed outside the app', async () => {
    server.cash = 50_000;
    server.setPosition('AAPL', 10, 180);
    server.setPosition('MSFT', -5, 400);
    const ext = server.externalOrder({ clientOrderId: 'placed-in-web-ui', symbol: 'AAPL', side: 'buy', qty: 3, type: 'limit', limitPrice: 150 });
    const { venue, listener } = await connected();
    expect(listener.connection.at(-1)?.state).toBe('connected');

    const account = await venue.getAccount();
    expect(account.cash).toBe(50_000);
    // equity = cash + 10 x 190 - 5 x 410; buying power = cash - the resting buy (3 x 150)
    expect(account.equity).toBeCloseTo(50_000 + 1_900 - 2_050, 6);
    expect(account.buyingPower).toBeCloseTo(50_000 - 450, 6);

    const positions = await venue.getPositions();
    expect(positions).toEqual(
      expect.arrayContaining([
        { symbol: 'AAPL', qty: 10, avgPrice: 180 },
        { symbol: 'MSFT', qty: -5, avgPrice: 400 },
      ]),
    );

    // changed outside the app: the venue reports what Alpaca has now
    server.setPosition('AAPL', 0, 0);
    expect((await venue.getPositions()).map((p) => p.symbol)).toEqual(['MSFT']);

    const open = await venue.getOpenOrders();
    expect(open).toEqual([
      {
        clientOrderId: 'placed-in-web-ui',
        venueOrderId: ext.id,
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        qty: 3,
        limitPrice: 150,
        timeInForce: 'day',
        filledQty: 0,
      },
    ]);
  });

  it('maps assets to instruments: tick by price, lot by fractionability', async () => {
    venue = new AlpacaVenue(loopbackVenueOptions(server, { symbols: ['AAPL', 'SPY', 'PNNY'] }));
    const byId = new Map((await venue.instruments()).map((i) => [i.symbol, i]));
    expect(byId.get('AAPL')).toMatchObject({ tickSize: 0.01, lotSize: 1e-9, minNotional: 1, shortable: true, calendar: 'nyse', assetClass: 'us_equity' });
    expect(byId.get('SPY')).toMatchObject({ tickSize: 0.01, lotSize: 1, minNotional: 0, shortable: true });
    // $0.50 stock: sub-penny tick; not easy to borrow: not shortable
    expect(byId.get('PNNY')).toMatchObject({ tickSize: 0.0001, lotSize: 1, shortable: false });
    expect(server.count('GET', '/v2/assets/PNNY')).toBe(1);
  });

  it('refuses an unknown symbol with an error naming endpoint and field', async () => {
    venue = new AlpacaVenue(loopbackVenueOptions(server, { symbols: ['AAPL', 'NOPE'] }));
    const e = await rejection(venue.instruments());
    expect(e.code).toBe('UNKNOWN_SYMBOL');
    expect(e.message).toContain('alpaca GET /v2/assets/NOPE');
    expect(e.message).toContain("field 'symbol'");
  });

  it('uses Alpaca calendar for isMarketOpen and reads the clock', async () => {
    // a normal Wednesday, declared an early close by the venue's calendar
    const day = '2031-01-15';
    server.calendarOverrides.set(day, { open: '09:30', close: '13:00' });
    const fixedNow = Date.parse(`${day}T17:00:00Z`); // 12:00 New York
    const { venue } = await connected({ clock: { now: () => fixedNow, setTimer: (_at, _fn) => ({ id: 0 }), cancelTimer: () => undefined } });
    expect(venue.isMarketOpen('AAPL', Date.parse(`${day}T17:00:00Z`))).toBe(true); // 12:00 NY
    expect(venue.isMarketOpen('AAPL', Date.parse(`${day}T19:00:00Z`))).toBe(false); // 14:00 NY: closed early
    expect(venue.isMarketOpen('AAPL', Date.parse('2031-01-18T17:00:00Z'))).toBe(false); // Saturday
    expect(venue.isMarketOpen('ZZZZ', Date.parse(`${day}T17:00:00Z`))).toBe(false); // not configured
    const status = await venue.marketStatus();
    expect(typeof status.isOpen).toBe('boolean');
    expect(status.nextClose).toBeGreaterThan(status.timestamp - 86_400_000);
    expect(server.count('GET', '/v2/calendar')).toBe(1);
  });

  it('bad credentials: connect fails with a clear, non-retryable auth error (401)', async () => {
    venue = new AlpacaVenue(loopbackVenueOptions(server, { secretKey: 'wrong' }));
    const e = await rejection(venue.connect(new RecordingListener()));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.retryable).toBe(false);
    expect(e.status).toBe(401);
    expect(e.message).toContain('alpaca GET /v2/account');
    expect(e.message).toContain('APCA-API-KEY-ID');
    expect(server.tradeStreamClients).toBe(0);
  });

  it('bad credentials answered with 403 are an auth error too', async () => {
    server.authFailureStatus = 403;
    venue = new AlpacaVenue(loopbackVenueOptions(server, { keyId: 'not-a-key' }));
    const e = await rejection(venue.connect(new RecordingListener()));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.status).toBe(403);
  });

  it('a stream that refuses the credentials fails connect() naming the stream', async () => {
    server.tradeStreamAuthFails = true;
    venue = new AlpacaVenue(loopbackVenueOptions(server));
    const e = await rejection(venue.connect(new RecordingListener()));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toContain('trade_updates');
    expect(e.message).toContain(server.endpoints().stream);
  });

  it('rejects a malformed positions payload naming endpoint and field, and counts it', async () => {
    server.setPosition('AAPL', 10, 180);
    const { venue } = await connected();
    server.corruptNext({ method: 'GET', path: '/v2/positions' }, (body) => {
      (body as Array<Record<string, unknown>>)[0]!.qty = 'ten';
      return body;
    });
    const e = await rejection(venue.getPositions());
    expect(e.code).toBe('MALFORMED_PAYLOAD');
    expect(e.message).toContain('alpaca GET /v2/positions');
    expect(e.field).toBe('[0].qty');
    expect(venue.health().malformed.rest).toBe(1);
    // the next, well-formed answer is used as is
    expect(await venue.getPositions()).toEqual([{ symbol: 'AAPL', qty: 10, avgPrice: 180 }]);
  });

  it('rejects a malformed account payload (buying_power missing)', async () => {
    const { venue } = await connected();
    server.corruptNext({ method: 'GET', path: '/v2/account' }, (body) => {
      delete (body as Record<string, unknown>).buying_power;
      return body;
    });
    const e = await rejection(venue.getAccount());
    expect(e.field).toBe('buying_power');
    expect(e.message).toContain('alpaca GET /v2/account');
  });

  it('429 with Retry-After on a read: the SDK waits and retries; the caller sees success', async () => {
    const { venue } = await connected();
    const before = server.count('GET', '/v2/account');
    server.failNext({ method: 'GET', path: '/v2/account' }, { status: 429, headers: { 'Retry-After': '0.2' }, body: { code: 42910000, message: 'rate limit exceeded' } });
    const account = await venue.getAccount();
    expect(account.cash).toBe(100_000);
    expect(server.count('GET', '/v2/account') - before).toBe(2);
  });

  it('5xx on a read is retried with backoff; exhausted retries give a retryable SERVER_ERROR', async () => {
    const { venue } = await connected();
    server.failNext({ method: 'GET', path: '/v2/positions' }, { status: 503, body: { message: 'service unavailable' } });
    expect(await venue.getPositions()).toEqual([]);
    server.failNext({ method: 'GET', path: '/v2/positions' }, { status: 500, body: { message: 'internal error' } }, 3);
    const e = await rejection(venue.getPositions());
    expect(e.code).toBe('SERVER_ERROR');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('alpaca GET /v2/positions');
    expect(e.status).toBe(500);
  });

  it('429 exhausted on a read: RATE_LIMITED with the Retry-After delay', async () => {
    const { venue } = await connected();
    server.failNext({ method: 'GET', path: '/v2/account' }, { status: 429, headers: { 'Retry-After': '0' }, body: { message: 'too many requests' } }, 3);
    const e = await rejection(venue.getAccount());
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(0);
  });

  it('latency: slow answers still arrive; answers slower than the deadline are a TIMEOUT (reads: not ambiguous)', async () => {
    const { venue } = await connected({ timeoutMs: 400 });
    server.latencyMs = 100;
    expect((await venue.getAccount()).cash).toBe(100_000);
    server.latencyMs = 1_000;
    const e = await rejection(venue.getAccount());
    expect(e.code).toBe('TIMEOUT');
    expect(e.retryable).toBe(true);
    expect(e.ambiguous).toBe(false);
    expect(e.message).toContain('alpaca GET /v2/account');
    server.latencyMs = 0;
  });

  it('refuses more than 30 symbols on the IEX feed; sip allows them', () => {
    const many = Array.from({ length: 31 }, (_, i) => `S${i}`);
    let err: unknown;
    try {
      new AlpacaVenue(loopbackVenueOptions(server, { symbols: many }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).code).toBe('CONFIG');
    expect((err as VenueError).message).toMatch(/IEX feed streams at most 30 symbols.*31/);
    expect((err as VenueError).field).toBe('symbols');
    expect(() => new AlpacaVenue(loopbackVenueOptions(server, { symbols: many, feed: 'sip' }))).not.toThrow();
  });

  it('defaults to the official Alpaca endpoints', () => {
    const v = new AlpacaVenue({ keyId: 'k', secretKey: 's', paper: true, symbols: ['AAPL'], clock: { now: () => 0, setTimer: () => ({ id: 0 }), cancelTimer: () => undefined } });
    expect(v.endpoints).toEqual({
      rest: 'https://paper-api.alpaca.markets',
      data: 'https://data.alpaca.markets',
      stream: 'wss://paper-api.alpaca.markets/stream',
      dataStream: 'wss://stream.data.alpaca.markets',
    });
    const live = new AlpacaVenue({ keyId: 'k', secretKey: 's', paper: false, symbols: ['AAPL'], clock: { now: () => 0, setTimer: () => ({ id: 0 }), cancelTimer: () => undefined } });
    expect(live.endpoints.rest).toBe('https://api.alpaca.markets');
    expect(live.endpoints.stream).toBe('wss://api.alpaca.markets/stream');
  });
});

describe('historical bars', () => {
  const lastOpen = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;

  it('follows next_page_token across pages, oldest first, no gaps or duplicates', async () => {
    server.setBars('AAPL', AlpacaLoopbackServer.minuteBars(2_500, lastOpen));
    venue = new AlpacaVenue(loopbackVenueOptions(server));
    const bars = await venue.getHistoricalBars('AAPL', '1Min', { start: lastOpen - 3_000 * 60_000, end: lastOpen + 60_000, pageSize: 1_000 });
    expect(bars).toHaveLength(2_500);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.ts - bars[i - 1]!.ts).toBe(60_000);
    expect(bars.at(-1)!.ts).toBe(lastOpen);
    const reqs = server.requests.filter((r) => r.path === '/v2/stocks/AAPL/bars');
    expect(reqs).toHaveLength(3);
    expect(reqs[0]!.query.page_token).toBeUndefined();
    expect(reqs[1]!.query.page_token).toBeTruthy();
    expect(reqs[2]!.query.page_token).toBeTruthy();
    expect(reqs[0]!.query.feed).toBe('iex');
    expect(reqs[0]!.query.timeframe).toBe('1Min');
  });

  it('aggregated timeframes (5Min) and the total limit', async () => {
    server.setBars('AAPL', AlpacaLoopbackServer.minuteBars(100, Math.floor(lastOpen / 300_000) * 300_000 + 240_000));
    venue = new AlpacaVenue(loopbackVenueOptions(server));
    const bars = await venue.getHistoricalBars('AAPL', '5Min', { start: lastOpen - 200 * 60_000, pageSize: 7, limit: 15 });
    expect(bars).toHaveLength(15);
    for (const b of bars) expect(b.ts % 300_000).toBe(0);
    expect(server.requests.filter((r) => r.path === '/v2/stocks/AAPL/bars').map((r) => r.query.timeframe)).toEqual(['5Min', '5Min', '5Min']);
  });

  it('getBars: the most recent completed 1-minute bars, oldest first', async () => {
    const current = Math.floor(Date.now() / 60_000) * 60_000; // in progress: must be excluded
    server.setBars('AAPL', AlpacaLoopbackServer.minuteBars(300, current));
    venue = new AlpacaVenue(loopbackVenueOptions(server));
    const bars = await venue.getBars('AAPL', 50);
    expect(bars).toHaveLength(50);
    expect(bars.at(-1)!.ts).toBe(current - 60_000);
    expect(bars[0]!.ts).toBe(current - 50 * 60_000);
    expect(bars.every((b) => b.symbol === 'AAPL' && b.high >= b.low)).toBe(true);
  });

  it('drops and counts a malformed bar; the rest of the history is kept', async () => {
    server.setBars('AAPL', AlpacaLoopbackServer.minuteBars(10, lastOpen));
    venue = new AlpacaVenue(loopbackVenueOptions(server));
    server.corruptNext({ method: 'GET', path: '/v2/stocks/AAPL/bars' }, (body) => {
      ((body as { bars: Array<Record<string, unknown>> }).bars[3]!).h = 'NaN';
      return body;
    });
    const bars = await venue.getHistoricalBars('AAPL', '1Min', { start: lastOpen - 20 * 60_000 });
    expect(bars).toHaveLength(9);
    expect(bars.some((b) => b.ts === lastOpen - 6 * 60_000)).toBe(false);
    const h = venue.health();
    expect(h.malformed.rest).toBe(1);
    expect(h.lastMalformed).toContain('alpaca GET /v2/stocks/AAPL/bars');
    expect(h.lastMalformed).toContain("field 'bars[3].h'");
  });
});
