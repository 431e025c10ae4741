// BarCache.loadBars for 20 symbols from the loopback Alpaca server, through the
// real @alpacahq SDK: many symbols per request (GET /v2/stocks/bars) and one per
// request through AlpacaVenue.getHistoricalBars; a repeat load makes no request,
// new days fetch only the tail, a 429 is retried after its Retry-After, and
// transport failures map to the venue's errors (TIMEOUT, NETWORK, AUTH_FAILED).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveClock, type TimerHandle } from '../../../src/engine/core/clock.js';
import { AlpacaMultiBarFetcher, venueBarFetcher } from '../../../src/engine/data/alpaca-bar-fetcher.js';
import { BarCache } from '../../../src/engine/data/bar-cache.js';
import { nyseSessionFor } from '../../../src/engine/data/calendar.js';
import { FetchScheduler, type FetchProgress } from '../../../src/engine/data/fetch-scheduler.js';
import { AlpacaVenue } from '../../../src/engine/venues/alpaca/alpaca-venue.js';
import { AlpacaLoopbackServer, loopbackVenueOptions, type LoopbackBar } from '../../support/loopback/alpaca-server.js';

const DAY = 86_400_000;
const t = (s: string): number => Date.parse(s);
const endOf = (date: string): number => t(`${date}T00:00:00Z`) + DAY - 1;
const SYMBOLS = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'IWM', 'AMZN', 'GOOG', 'META', 'NVDA', 'TSLA', 'JPM', 'BAC', 'XOM', 'CVX', 'KO', 'PEP', 'WMT', 'COST', 'DIS', 'NFLX'];

/** Daily bars for NYSE session dates in [from, to], each given at the session open (the loopback stamps them 00:00Z of the date). */
function sessionBars(i: number, from: string, to: string): LoopbackBar[] {
  const out: LoopbackBar[] = [];
  for (let d = t(`${from}T00:00:00Z`); d <= t(`${to}T00:00:00Z`); d += DAY) {
    const s = nyseSessionFor(d + 17 * 3_600_000);
    if (!s) continue;
    const o = 50 + i * 10 + out.length * 0.25;
    out.push({ t: s.open, o, h: o + 1, l: o - 0.5, c: o + 0.5, v: 1_000 * (i + 1) + out.length });
  }
  return out;
}

let server: AlpacaLoopbackServer;
let dir: string;
let cache: BarCache;

beforeEach(async () => {
  server = await AlpacaLoopbackServer.start();
  dir = mkdtempSync(join(tmpdir(), 'tradedesk-load-bars-'));
  cache = new BarCache(join(dir, 'cache', 'bars.sqlite'));
  SYMBOLS.forEach((s, i) => server.setBars(s, sessionBars(i, '2025-01-02', '2025-03-14')));
});

afterEach(async () => {
  cache.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const barRequests = (): typeof server.requests => server.requests.filter((r) => r.path === '/v2/stocks/bars' || /^\/v2\/stocks\/[^/]+\/bars$/.test(r.path));

describe('loadBars from the loopback Alpaca server', () => {
  it('many symbols per request: one request for 20 symbols, none the second time, only the tail after new days', async () => {
    const fetcher = new AlpacaMultiBarFetcher(loopbackVenueOptions(server, { rateLimit: false, retry: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 200 } }));
    const progress: FetchProgress[] = [];
    const scheduler = new FetchScheduler({ concurrency: 4, rate: { maxRequests: 200, intervalMs: 60_000 }, onProgress: (p) => progress.push(p) });
    const spec = { venue: 'alpaca', symbols: SYMBOLS, timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-03-14') };

    const first = await cache.loadBars(spec, fetcher, scheduler);
    expect(barRequests()).toHaveLength(1);
    expect(barRequests()[0]!.query.symbols!.split(',').sort()).toEqual([...SYMBOLS].sort());
    expect(first.requests).toBe(1);
    SYMBOLS.forEach((s, i) => {
      const expected = sessionBars(i, '2025-01-02', '2025-03-14');
      const got = first.series.get(s)!.toBars();
      expect(got).toHaveLength(expected.length);
      // stamped 00:00Z of the session date, OHLCV as served
      expect(got[0]).toEqual({ symbol: s, ts: t('2025-01-02T00:00:00Z'), open: expected[0]!.o, high: expected[0]!.h, low: expected[0]!.l, close: expected[0]!.c, volume: expected[0]!.v });
      expect(got.at(-1)!.ts).toBe(t('2025-03-14T00:00:00Z'));
    });
    expect(progress.at(-1)).toMatchObject({ done: 1, total: 1, failed: 0, inFlight: 0, queued: 0 });

    const again = await cache.loadBars(spec, fetcher, scheduler);
    expect(again.requests).toBe(0);
    expect(barRequests()).toHaveLength(1);
    expect(again.series).toEqual(first.series);

    // the venue publishes another week
    SYMBOLS.forEach((s, i) => server.setBars(s, sessionBars(i, '2025-01-02', '2025-03-21')));
    const later = await cache.loadBars({ ...spec, end: endOf('2025-03-21') }, fetcher, scheduler);
    const reqs = barRequests();
    expect(reqs).toHaveLength(2);
    expect(t(reqs[1]!.query.start!)).toBe(endOf('2025-03-14') + 1);
    expect(later.fetchedBars).toBe(SYMBOLS.length * 5);
    SYMBOLS.forEach((s, i) => expect(later.series.get(s)).toHaveLength(sessionBars(i, '2025-01-02', '2025-03-21').length));
    expect((await cache.loadBars({ ...spec, end: endOf('2025-03-23') }, fetcher, scheduler)).requests).toBe(0);
  });

  it('one symbol per request through AlpacaVenue.getHistoricalBars', async () => {
    const venue = new AlpacaVenue(loopbackVenueOptions(server, { rateLimit: false }));
    const scheduler = new FetchScheduler({ concurrency: 6, rate: { maxRequests: 200, intervalMs: 60_000 } });
    const spec = { venue: 'alpaca', symbols: SYMBOLS, timeframe: '1Day', start: t('2025-01-02T00:00:00Z'), end: endOf('2025-03-14') };
    const r = await cache.loadBars(spec, venueBarFetcher(venue), scheduler);
    expect(r.fetches).toBe(20);
    expect(new Set(barRequests().map((q) => q.path))).toEqual(new Set(SYMBOLS.map((s) => `/v2/stocks/${s}/bars`)));
    expect(scheduler.stats().maxInFlight).toBeLessThanOrEqual(6);
    SYMBOLS.forEach((s, i) => expect(r.series.get(s)).toHaveLength(sessionBars(i, '2025-01-02', '2025-03-14').length));
    expect((await cache.loadBars(spec, venueBarFetcher(venue), scheduler)).fetches).toBe(0);
    expect(barRequests()).toHaveLength(20);
  });

  it('a 429 with Retry-After is retried by the scheduler after that wait', async () => {
    const fetcher = new AlpacaMultiBarFetcher(loopbackVenueOptions(server, { rateLimit: false, retry: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 200 } }));
    // a live clock that records the waits the scheduler asks for
    const live = new LiveClock();
    const waits: number[] = [];
    const clock = {
      now: () => live.now(),
      setTimer: (at: number, fn: () => void) => {
        waits.push(at - live.now());
        return live.setTimer(at, fn);
      },
      cancelTimer: (h: TimerHandle) => live.cancelTimer(h),
    };
    const scheduler = new FetchScheduler({ concurrency: 2, clock, retry: { maxAttempts: 3, baseDelayMs: 5_000 } });
    server.failNext({ method: 'GET', path: '/v2/stocks/bars' }, { status: 429, body: { code: 42910000, message: 'rate limit exceeded' }, headers: { 'Retry-After': '1' } });
    const r = await cache.loadBars({ venue: 'alpaca', symbols: SYMBOLS.slice(0, 5), timeframe: '1Day', start: t('2025-03-03T00:00:00Z'), end: endOf('2025-03-14') }, fetcher, scheduler);
    expect(barRequests()).toHaveLength(2);
    expect(scheduler.stats().retries).toBe(1);
    // it waited for Retry-After (1 s), not the 5 s backoff
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(900);
    expect(waits[0]).toBeLessThanOrEqual(1_000);
    expect(r.series.get('AAPL')).toHaveLength(10);
  });

  it('multi-symbol transport failures keep the venue error mapping: no answer before the deadline is TIMEOUT, a refused connection NETWORK, a 401 AUTH_FAILED', async () => {
    const spec = { venue: 'alpaca', symbols: SYMBOLS.slice(0, 3), timeframe: '1Day', start: t('2025-03-03T00:00:00Z'), end: endOf('2025-03-14') };
    const once = (): FetchScheduler => new FetchScheduler({ concurrency: 1, retry: { maxAttempts: 1 } });
    server.hangNext({ method: 'GET', path: '/v2/stocks/bars' });
    const slow = new AlpacaMultiBarFetcher(loopbackVenueOptions(server, { rateLimit: false, retry: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 200 }, timeoutMs: 300 }));
    await expect(cache.loadBars(spec, slow, once())).rejects.toMatchObject({ code: 'TIMEOUT', endpoint: 'GET /v2/stocks/bars', retryable: true });

    const badKey = new AlpacaMultiBarFetcher(loopbackVenueOptions({ keyId: server.keyId, secret: 'wrong', endpoints: () => server.endpoints() }, { rateLimit: false, retry: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 200 } }));
    await expect(cache.loadBars(spec, badKey, once())).rejects.toMatchObject({ code: 'AUTH_FAILED', status: 401 });

    const port = server.port;
    await server.close();
    const gone = new AlpacaMultiBarFetcher(
      loopbackVenueOptions({ keyId: 'k', secret: 's', endpoints: () => ({ rest: `http://127.0.0.1:${port}`, data: `http://127.0.0.1:${port}`, stream: `ws://127.0.0.1:${port}/stream`, dataStream: `ws://127.0.0.1:${port}` }) }, { rateLimit: false, retry: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 200 } }),
    );
    const refused = await cache.loadBars(spec, gone, once()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'NETWORK', endpoint: 'GET /v2/stocks/bars', retryable: true });
    expect((refused as Error).message).toContain('ECONNREFUSED');
    server = await AlpacaLoopbackServer.start();
  });

  it('a malformed bar in a multi-symbol answer is dropped and reported, naming the field', async () => {
    const fetcher = new AlpacaMultiBarFetcher(loopbackVenueOptions(server, { rateLimit: false }));
    server.corruptNext({ method: 'GET', path: '/v2/stocks/bars' }, (body) => {
      (body as { bars: Record<string, Array<Record<string, unknown>>> }).bars.MSFT![2]!.h = 'NaN';
      return body;
    });
    const r = await cache.loadBars(
      { venue: 'alpaca', symbols: ['AAPL', 'MSFT'], timeframe: '1Day', start: t('2025-03-03T00:00:00Z'), end: endOf('2025-03-14') },
      fetcher,
      new FetchScheduler(),
    );
    expect(r.series.get('AAPL')).toHaveLength(10);
    expect(r.series.get('MSFT')).toHaveLength(9);
    expect(r.series.get('MSFT')!.toBars().some((b) => b.ts === t('2025-03-05T00:00:00Z'))).toBe(false);
    expect(fetcher.stats.dropped).toBe(1);
    expect(fetcher.stats.malformed[0]!.message).toContain('alpaca GET /v2/stocks/bars');
    expect(fetcher.stats.malformed[0]!.field).toBe('bars.MSFT[2].h');
    expect(fetcher.stats.malformed[0]!.message).toContain("field 'bars.MSFT[2].h'");
  });

  it('the server answers the same pre-serialized (precomputeBars, as the benchmark) as built per request: pages, sort and corruption included', async () => {
    const get = async (query: string): Promise<unknown> => {
      const res = await fetch(`http://127.0.0.1:${server.port}/v2/stocks/bars?${query}`, { headers: { 'APCA-API-KEY-ID': server.keyId, 'APCA-API-SECRET-KEY': server.secret } });
      expect(res.status).toBe(200);
      return res.json();
    };
    const queries = [
      'symbols=MSFT,AAPL,SPY&timeframe=1Day&start=2025-01-02T00:00:00Z&end=2025-03-14T23:59:59Z&limit=10000',
      'symbols=MSFT,AAPL,SPY&timeframe=1Day&start=2025-02-03T00:00:00Z&end=2025-03-14T23:59:59Z&limit=25&sort=desc',
    ];
    const built = [];
    for (const q of queries) built.push(await get(q));
    const page2 = (built[1] as { next_page_token: string }).next_page_token;
    expect(page2).toBeTruthy();
    built.push(await get(`${queries[1]}&page_token=${page2}`));
    server.precomputeBars('1Day');
    const joined = [];
    for (const q of queries) joined.push(await get(q));
    joined.push(await get(`${queries[1]}&page_token=${page2}`));
    expect(joined).toEqual(built);
    expect(Object.keys((joined[0] as { bars: object }).bars).sort()).toEqual(['AAPL', 'MSFT', 'SPY']);
    // a corruption fault sees the pre-serialized answer as its object
    server.corruptNext({ method: 'GET', path: '/v2/stocks/bars' }, (body) => {
      (body as { bars: Record<string, Array<Record<string, unknown>>> }).bars.SPY![0]!.o = 'x';
      return body;
    });
    const corrupted = (await get(queries[0]!)) as { bars: Record<string, Array<Record<string, unknown>>> };
    expect(corrupted.bars.SPY![0]!.o).toBe('x');
    expect(corrupted.bars.AAPL).toEqual((built[0] as typeof corrupted).bars.AAPL);
  });
});
