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
//   of 300. This fetcher builds the same SDK clients the venue builds
//   (createAlpacaSdk over the same validated AlpacaVenueOptions; AlpacaVenue.barFetcher()
//   hands one out), classifies errors with the venue's toVenueError, and reads
//   each page from its bytes into columns (alpaca-bars-read.ts: every bar checked
//   by the rules of the venue's RestBarPayload schema).
//
// Budget: when a FetchScheduler owns the 200/min budget, build the venue / this
// fetcher with `rateLimit: false` so the SDK's own limiter does not spend it a
// second time, and with `retry: {maxAttempts: 1}` if the scheduler should own
// retries (otherwise the SDK retries 429 / 5xx itself first).
import type { Bar } from '../../shared/domain.js';
import { createNodeFetch } from '../core/node-fetch.js';
import { ALPACA_TIMEFRAMES, MAX_PAGE_SIZE, type AlpacaTimeframe } from '../venues/alpaca/bars.js';
import { VenueError, toVenueError } from '../venues/alpaca/errors.js';
import { resolveOptions, type AlpacaVenueOptions } from '../venues/alpaca/options.js';
import { createAlpacaSdk, type AlpacaSdk } from '../venues/alpaca/sdk.js';
import { ENDPOINT, readBarsPage, type BarsPage } from './alpaca-bars-read.js';
import { BarBatch } from './bar-columns.js';
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
  /** The venue's own fetcher asking for many symbols per request, where it has one (AlpacaVenue); else one symbol per request. */
  barFetcher?(): BarFetcher;
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
  /** Told of every bar dropped as malformed (the venue counts them in its health). */
  onMalformed?: (e: VenueError) => void;
}

export interface AlpacaMultiBarStats {
  /** HTTP requests made (pages). */
  requests: number;
  bars: number;
  /** Bars dropped as malformed (each also in `malformed`). */
  dropped: number;
  malformed: VenueError[];
}

/** Many symbols per request: GET /v2/stocks/bars through the SDK's StockApi.stockBars. */
export class AlpacaMultiBarFetcher implements BarFetcher {
  readonly maxSymbolsPerRequest: number;
  readonly pageSize: number;
  private readonly sdk: AlpacaSdk;
  private readonly feed: 'iex' | 'sip';
  private readonly onMalformed: ((e: VenueError) => void) | undefined;
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
    this.onMalformed = opts.onMalformed;
  }

  async fetchBars(req: BarFetchRequest): Promise<BarFetchResult> {
    const endpoint = ENDPOINT;
    const timeframe = alpacaTimeframe(req.timeframe, endpoint);
    let bars: BarBatch | undefined;
    let requests = 0;
    let pageToken: string | undefined;
    const start = new Date(req.start);
    const end = new Date(req.end);
    for (;;) {
      if (req.signal?.aborted) throw req.signal.reason;
      requests++;
      this.stats.requests++;
      let page: BarsPage;
      try {
        // stockBarsRaw: the SDK builds, signs, rate-limits and retries the request; the
        // body is read from its bytes (readBarsPage: the SDK's lossless-json parser costs
        // ~2 us per bar, JSON.parse ~1 us, and bar numbers are plain doubles).
        const res = await this.sdk.stocks.stockBarsRaw(
          { symbols: req.symbols.join(','), timeframe, start, end, limit: this.pageSize, sort: 'asc', feed: this.feed, ...(pageToken ? { pageToken } : {}) },
          req.signal ? { signal: req.signal } : undefined,
        );
        page = readBarsPage(Buffer.from(await res.raw.arrayBuffer()));
      } catch (e) {
        throw toVenueError(e, endpoint, pageToken ? 'page_token' : undefined);
      }
      if (!bars) bars = page.bars;
      else bars.append(page.bars);
      this.stats.dropped += page.malformed.length;
      for (const m of page.malformed) {
        if (this.stats.malformed.length < 100) this.stats.malformed.push(m);
        this.onMalformed?.(m);
      }
      pageToken = page.nextPageToken;
      if (!pageToken) break;
    }
    bars ??= new BarBatch(0);
    this.stats.bars += bars.length;
    return { bars, requests };
  }
}
