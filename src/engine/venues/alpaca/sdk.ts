// The real @alpacahq/alpaca-trade-api v4 clients the venue talks through. The
// SDK's `Alpaca` facade has no base-URL option, so the venue builds the same
// generated Api classes the facade builds, from a trading / market-data
// `Configuration` that carries the credentials, the per-request timeout, the
// SDK's retry policy (GET-only, Retry-After aware), its rate limiter and, when
// overridden, an explicit basePath. Streams are the SDK's TradingStream and
// StockDataStream with reconnect + exponential backoff switched on.
import { OrdersApi, marketData, streaming, trading } from '@alpacahq/alpaca-trade-api';
import type { ResolvedAlpacaOptions } from './options.js';

export interface AlpacaSdk {
  orders: OrdersApi;
  account: trading.AccountsApi;
  positions: trading.PositionsApi;
  assets: trading.AssetsApi;
  clock: trading.ClockApi;
  calendar: trading.CalendarApi;
  stocks: marketData.StockApi;
  newTradingStream(): streaming.TradingStream;
  newStockStream(): streaming.StockDataStream;
}

export interface AlpacaSdkTransport {
  /** The fetch the market-data clients use (default: Node's fetch). */
  dataFetchApi?: typeof fetch;
}

export function createAlpacaSdk(o: ResolvedAlpacaOptions, transport: AlpacaSdkTransport = {}): AlpacaSdk {
  const shared = {
    keyId: o.keyId,
    secret: o.secretKey,
    timeoutMs: o.timeoutMs,
    // SDK retries only safe verbs (GET...) on 408/425/429/5xx and network
    // failures, honouring Retry-After; POST/PATCH/DELETE are never replayed by it.
    retry: { maxRetries: o.retry.maxAttempts - 1, retryDelayMs: o.retry.baseDelayMs, maxDelayMs: o.retry.maxDelayMs },
    rateLimit: o.rateLimit === false ? undefined : o.rateLimit,
  };
  const tradingConfig = new trading.Configuration({
    ...shared,
    paper: o.paper,
    ...(o.customRest ? { basePath: o.endpoints.rest } : {}),
  });
  const dataConfig = new marketData.Configuration({
    ...shared,
    ...(o.customData ? { basePath: o.endpoints.data } : {}),
    ...(transport.dataFetchApi ? { fetchApi: transport.dataFetchApi } : {}),
  });
  const credentials = { keyId: o.keyId, secret: o.secretKey };
  const reconnect = {
    reconnect: true,
    maxReconnectAttempts: streaming.UNLIMITED_RECONNECT_ATTEMPTS,
    backoff: true,
    initialReconnectMs: o.streams.initialReconnectMs,
    maxReconnectMs: o.streams.maxReconnectMs,
    reconnectJitter: 0.2,
  };
  return {
    orders: new OrdersApi(tradingConfig),
    account: new trading.AccountsApi(tradingConfig),
    positions: new trading.PositionsApi(tradingConfig),
    assets: new trading.AssetsApi(tradingConfig),
    clock: new trading.ClockApi(tradingConfig),
    calendar: new trading.CalendarApi(tradingConfig),
    stocks: new marketData.StockApi(dataConfig),
    newTradingStream: () => new streaming.TradingStream({ credentials, paper: o.paper, url: o.endpoints.stream, ...reconnect }),
    newStockStream: () => new streaming.StockDataStream({ credentials, feed: o.feed, url: `${o.endpoints.dataStream}/v2/${o.feed}`, ...reconnect }),
  };
}
