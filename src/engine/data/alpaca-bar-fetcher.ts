// BarFetchers for Alpaca, for the bar cache:
//
// - venueBarFetcher(venue): one symbol per request through any venue with
//   getHistoricalBars (AlpacaVenue: GET /v2/stocks/{symbol}/bars, paginated).
// - AlpacaMultiBarFetcher: many symbols per request through the SDK's
//   StockApi.stockBars (GET /v2/stocks/bars?symbols=A,B,C; the SDK's fetch is
//   core/node-fetch.ts, on node:http), following
//   next_page_token. Alpaca sorts a multi-symbol answer by symbol then time and
//   applies one `limit` across all symbols, so the cache sizes each batch to fit
//   one page (10_000 bars): 300 symbols x 300 daily bars is 10 requests instead
//   of 300. AlpacaVenue has no multi-symbol method, so this fetcher builds the
//   same SDK clients the venue builds (createAlpacaSdk over the same validated
//   AlpacaVenueOptions), classifies errors with the venue's toVenueError and
//   validates every bar with the venue's RestBarPayload schema.
//
// Budget: when a FetchScheduler owns the 200/min budget, build the venue / this
// fetcher with `rateLimit: false` so the SDK's own limiter does not spend it a
// second time, and with `retry: {maxAttempts: 1}` if the scheduler should own
// retries (otherwise the SDK retries 429 / 5xx itself first).
import { isAscii } from 'node:buffer';
import type { Bar } from '../../shared/domain.js';
import { createNodeFetch } from '../core/node-fetch.js';
import { ALPACA_TIMEFRAMES, MAX_PAGE_SIZE, type AlpacaTimeframe } from '../venues/alpaca/bars.js';
import { VenueError, toVenueError } from '../venues/alpaca/errors.js';
import { resolveOptions, type AlpacaVenueOptions } from '../venues/alpaca/options.js';
import { RestBarPayload, parsePayload } from '../venues/alpaca/schemas.js';
import { createAlpacaSdk, type AlpacaSdk } from '../venues/alpaca/sdk.js';
import type { BarFetchRequest, BarFetchResult, BarFetcher } from './bar-cache.js';

/** Alpaca's historical-data budget (requests per minute) for the FetchScheduler that owns it. */
export const ALPACA_DATA_RATE = { maxRequests: 200, intervalMs: 60_000 } as const;

/** Anything with AlpacaVenue's getHistoricalBars. */
export interface HistoricalBarsSource {
  getHistoricalBars(
    symbol: string,
    timeframe: AlpacaTimeframe,
    range: { start: number | Date; end?: number | Date; limit?: number; pageSize?: number; sort?: 'asc' | 'desc' },
  ): Promise<Bar[]>;
}

function alpacaTimeframe(tf: string, endpoint: string): AlpacaTimeframe {
  if ((ALPACA_TIMEFRAMES as readonly string[]).includes(tf)) return tf as AlpacaTimeframe;
  throw new VenueError('INVALID_REQUEST', `alpaca ${endpoint}: unsupported timeframe '${tf}' (field 'timeframe'); use one of ${ALPACA_TIMEFRAMES.join(', ')}`, {
    endpoint,
    field: 'timeframe',
    retryable: false,
    ambiguous: false,
  });
}

/** One symbol per request through `venue.getHistoricalBars`. */
export function venueBarFetcher(venue: HistoricalBarsSource, opts: { pageSize?: number } = {}): BarFetcher {
  const pageSize = Math.min(MAX_PAGE_SIZE, opts.pageSize ?? MAX_PAGE_SIZE);
  return {
    maxSymbolsPerRequest: 1,
    pageSize,
    async fetchBars(req: BarFetchRequest): Promise<BarFetchResult> {
      const out: Bar[] = [];
      for (const symbol of req.symbols) {
        const tf = alpacaTimeframe(req.timeframe, `GET /v2/stocks/${symbol}/bars`);
        out.push(...(await venue.getHistoricalBars(symbol, tf, { start: req.start, end: req.end, pageSize })));
      }
      return out;
    },
  };
}

export interface AlpacaMultiBarFetcherOptions {
  /** Symbols per request (kept well inside URL limits). Default 100. */
  maxSymbolsPerRequest?: number;
  /** Bars per page (Alpaca's limit parameter), 1..10000. Default 10000. */
  pageSize?: number;
}

export interface AlpacaMultiBarStats {
  /** HTTP requests made (pages). */
  requests: number;
  bars: number;
  /** Bars dropped as malformed (each also in `malformed`). */
  dropped: number;
  malformed: VenueError[];
}

interface WireBar {
  t?: unknown;
  o?: unknown;
  h?: unknown;
  l?: unknown;
  c?: unknown;
  v?: unknown;
}

const pos = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * The common case checked without zod (~50x cheaper on 90k bars): the same
 * rules as RestBarPayload - a valid timestamp, finite positive prices, a finite
 * non-negative volume, high >= open/close/low, low <= open/close. Returns
 * undefined for anything else, which then goes through the schema. `times`
 * remembers the page's parsed timestamps: the symbols of a page share them.
 */
function fastBar(symbol: string, b: WireBar | null | undefined, times: Map<string, number>): Bar | undefined {
  if (!b) return undefined;
  const { o, h, l, c, v } = b;
  if (!(pos(o) && pos(h) && pos(l) && pos(c) && typeof v === 'number' && Number.isFinite(v) && v >= 0)) return undefined;
  if (h < Math.max(o, c, l) - 1e-12 || l > Math.min(o, c) + 1e-12) return undefined;
  const t = b.t;
  let ts: number;
  if (typeof t === 'string') {
    const known = times.get(t);
    if (known === undefined) times.set(t, (ts = Date.parse(t)));
    else ts = known;
  } else ts = t instanceof Date ? t.getTime() : NaN;
  if (!Number.isFinite(ts)) return undefined;
  return { symbol, ts, open: o, high: h, low: l, close: c, volume: v };
}

/** Many symbols per request: GET /v2/stocks/bars through the SDK's StockApi.stockBars. */
export class AlpacaMultiBarFetcher implements BarFetcher {
  readonly maxSymbolsPerRequest: number;
  readonly pageSize: number;
  private readonly sdk: AlpacaSdk;
  private readonly feed: 'iex' | 'sip';
  readonly stats: AlpacaMultiBarStats = { requests: 0, bars: 0, dropped: 0, malformed: [] };

  /** `options` as for AlpacaVenue (credentials, endpoints, feed, timeout, retry, rateLimit); `symbols` is ignored. */
  constructor(options: AlpacaVenueOptions, opts: AlpacaMultiBarFetcherOptions = {}) {
    const o = resolveOptions({ ...options, symbols: [] });
    // The SDK over node:http (core/node-fetch.ts): its requests, auth, retries and errors as
    // always, the pages read natively (undici's fetch cost ~0.2 s of CPU more on the
    // benchmark's first 14.6 MB, while its JavaScript warms up).
    this.sdk = createAlpacaSdk(o, { dataFetchApi: createNodeFetch() });
    this.feed = o.feed;
    this.maxSymbolsPerRequest = Math.max(1, Math.floor(opts.maxSymbolsPerRequest ?? 100));
    this.pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(opts.pageSize ?? MAX_PAGE_SIZE)));
  }

  async fetchBars(req: BarFetchRequest): Promise<BarFetchResult> {
    const endpoint = 'GET /v2/stocks/bars';
    const timeframe = alpacaTimeframe(req.timeframe, endpoint);
    const bars: Bar[] = [];
    let requests = 0;
    let pageToken: string | undefined;
    const start = new Date(req.start);
    const end = new Date(req.end);
    for (let page = 0; ; page++) {
      if (req.signal?.aborted) throw req.signal.reason;
      requests++;
      this.stats.requests++;
      let r: { bars?: Record<string, unknown>; next_page_token?: string | null };
      try {
        // stockBarsRaw: the SDK builds, signs, rate-limits and retries the request; the
        // body is read with JSON.parse (the SDK's lossless-json parser costs ~2 us per
        // bar, and bar numbers are plain doubles). A bars page is ASCII: read as latin1
        // it is one copy, not a UTF-8 decode (~8 ms per 1.4 MB page, the SDK's json()).
        const res = await this.sdk.stocks.stockBarsRaw(
          { symbols: req.symbols.join(','), timeframe, start, end, limit: this.pageSize, sort: 'asc', feed: this.feed, ...(pageToken ? { pageToken } : {}) },
          req.signal ? { signal: req.signal } : undefined,
        );
        const body = Buffer.from(await res.raw.arrayBuffer());
        r = JSON.parse(body.toString(isAscii(body) ? 'latin1' : 'utf8')) as typeof r;
      } catch (e) {
        throw toVenueError(e, endpoint, pageToken ? 'page_token' : undefined);
      }
      if (r === null || typeof r !== 'object') {
        throw new VenueError('MALFORMED_PAYLOAD', `alpaca ${endpoint}: malformed payload rejected: expected an object (field 'bars')`, {
          endpoint,
          field: 'bars',
          retryable: false,
          ambiguous: false,
        });
      }
      const times = new Map<string, number>();
      for (const [symbol, list] of Object.entries(r.bars ?? {})) {
        if (!Array.isArray(list)) continue;
        for (let i = 0; i < list.length; i++) {
          const b = list[i] as unknown as WireBar;
          const fast = fastBar(symbol, b, times);
          if (fast) {
            bars.push(fast);
            continue;
          }
          // Anything unusual goes through the venue's schema: it accepts what zod accepts
          // (numeric strings...) and names the field of what it rejects.
          try {
            // The SDK passes the multi-symbol map through unconverted: `t` is the wire's RFC 3339 string.
            const t: unknown = b?.t;
            const timestamp = t instanceof Date ? t : new Date(typeof t === 'string' ? t : NaN);
            const v = parsePayload(RestBarPayload, { timestamp, open: b?.o, high: b?.h, low: b?.l, close: b?.c, volume: b?.v }, endpoint, 'market-data');
            bars.push({ symbol, ts: v.timestamp.getTime(), open: v.open, high: v.high, low: v.low, close: v.close, volume: v.volume });
          } catch (e) {
            if (!(e instanceof VenueError)) throw e;
            this.stats.dropped++;
            // The symbol is a map key: name it as sent (wirePath would snake-case it).
            const field = `bars.${symbol}[${i}].${e.field ?? '(payload)'}`;
            const named = new VenueError('MALFORMED_PAYLOAD', e.message.replace(`(field '${e.field ?? ''}')`, `(field '${field}')`), { endpoint, field, retryable: false, ambiguous: false });
            if (this.stats.malformed.length < 100) this.stats.malformed.push(named);
          }
        }
      }
      pageToken = typeof r.next_page_token === 'string' && r.next_page_token !== '' ? r.next_page_token : undefined;
      if (!pageToken) break;
    }
    this.stats.bars += bars.length;
    return { bars, requests };
  }
}
