// Historical stock bars through the SDK's StockApi.stockBarSingle
// (GET /v2/stocks/{symbol}/bars), following next_page_token with the SDK's
// pagination helper. Each bar is validated; a malformed bar is dropped and
// reported (a history gap is better than a wrong price), never returned.
import { pagination, type marketData } from '@alpacahq/alpaca-trade-api';
import type { Bar } from '../../../shared/domain.js';
import { VenueError, toVenueError } from './errors.js';
import { RestBarPayload, parsePayload } from './schemas.js';

export const ALPACA_TIMEFRAMES = ['1Min', '5Min', '15Min', '30Min', '1Hour', '1Day'] as const;
export type AlpacaTimeframe = (typeof ALPACA_TIMEFRAMES)[number];

export const TIMEFRAME_MS: Record<AlpacaTimeframe, number> = {
  '1Min': 60_000,
  '5Min': 300_000,
  '15Min': 900_000,
  '30Min': 1_800_000,
  '1Hour': 3_600_000,
  '1Day': 86_400_000,
};

/** Alpaca's largest page. */
export const MAX_PAGE_SIZE = 10_000;

export interface AlpacaBarsRequest {
  symbol: string;
  timeframe: AlpacaTimeframe;
  /** Inclusive start (epoch ms or Date). */
  start: number | Date;
  /** Inclusive end (epoch ms or Date); Alpaca defaults to now. */
  end?: number | Date;
  /** Most bars to return in total (all pages); default: every bar in range. */
  limit?: number;
  feed?: 'iex' | 'sip';
  /** 'asc' (default) or 'desc' (newest first, as Alpaca returns them). */
  sort?: 'asc' | 'desc';
  /** Bars per request (Alpaca's `limit` parameter), 1..10000. Default min(limit, 10000). */
  pageSize?: number;
}

export interface AlpacaBarsResult {
  bars: Bar[];
  /** Requests made (pages followed). */
  pages: number;
  /** Bars dropped as malformed, one error each (naming endpoint and field). */
  malformed: VenueError[];
}

/**
 * Fetches bars for one symbol across every page. Errors are VenueErrors naming
 * `GET /v2/stocks/{symbol}/bars`; the SDK transport already retried 429/5xx.
 */
export async function fetchAlpacaBars(stocks: marketData.StockApi, req: AlpacaBarsRequest): Promise<AlpacaBarsResult> {
  const endpoint = `GET /v2/stocks/${req.symbol}/bars`;
  if (!(ALPACA_TIMEFRAMES as readonly string[]).includes(req.timeframe)) {
    throw new VenueError('INVALID_REQUEST', `alpaca ${endpoint}: unsupported timeframe '${String(req.timeframe)}' (field 'timeframe'); use one of ${ALPACA_TIMEFRAMES.join(', ')}`, {
      endpoint,
      field: 'timeframe',
      retryable: false,
      ambiguous: false,
    });
  }
  const total = req.limit === undefined ? Infinity : Math.max(0, Math.floor(req.limit));
  const out: AlpacaBarsResult = { bars: [], pages: 0, malformed: [] };
  if (total === 0) return out;
  const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(req.pageSize ?? (Number.isFinite(total) ? total : MAX_PAGE_SIZE))));
  const start = req.start instanceof Date ? req.start : new Date(req.start);
  const end = req.end === undefined ? undefined : req.end instanceof Date ? req.end : new Date(req.end);
  let index = 0;
  const pages = pagination.paginate<marketData.StockBar>(async (pageToken) => {
    out.pages++;
    try {
      const r = await stocks.stockBarSingle({
        symbol: req.symbol,
        timeframe: req.timeframe,
        start,
        ...(end ? { end } : {}),
        limit: pageSize,
        sort: req.sort ?? 'asc',
        ...(req.feed ? { feed: req.feed } : {}),
        ...(pageToken ? { pageToken } : {}),
      });
      return { items: r.bars ?? [], nextPageToken: r.nextPageToken };
    } catch (e) {
      throw toVenueError(e, endpoint, pageToken ? 'page_token' : undefined);
    }
  });
  for await (const b of pages) {
    const i = index++;
    try {
      const v = parsePayload(RestBarPayload, { timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v }, endpoint, 'market-data', ['bars', i]);
      out.bars.push({ symbol: req.symbol, ts: v.timestamp.getTime(), open: v.open, high: v.high, low: v.low, close: v.close, volume: v.volume });
    } catch (e) {
      if (e instanceof VenueError) out.malformed.push(e);
      else throw e;
    }
    if (out.bars.length >= total) break;
  }
  return out;
}
