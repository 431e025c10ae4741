// The ccxt exchange instance: the part of ccxt's Exchange this adapter uses
// (CcxtExchange), and createExchange, which builds it from the options (ccxt.pro
// class where there is one, rate limiting on, sandbox mode, URL overrides) and
// refuses an exchange that lacks what the adapter needs.
import { ccxtLib } from './ccxt-lib.js';
import { venueError } from './errors.js';
import type { CcxtVenueOptions } from './types.js';

const REQUIRED = ['fetchOHLCV', 'fetchTicker', 'createOrder'] as const;

export interface ExchangeMarket {
  id: string;
  symbol: string;
  base: string;
  quote: string;
  type?: string;
  spot?: boolean;
  active?: boolean;
  precision?: { amount?: number; price?: number };
  limits?: { amount?: { min?: number }; cost?: { min?: number } };
}

/** The part of a ccxt Exchange instance this adapter uses. */
export interface CcxtExchange {
  id: string;
  has: Record<string, boolean | string | undefined>;
  urls: Record<string, unknown>;
  rateLimit: number;
  precisionMode: number;
  markets: Record<string, ExchangeMarket> | undefined;
  features?: Record<string, { fetchOHLCV?: { limit?: unknown } } | undefined>;
  last_response_headers?: Record<string, unknown>;
  last_json_response?: unknown;
  clients?: Record<string, { isConnected?: boolean }>;
  setSandboxMode(on: boolean): void;
  loadHttpProxyAgent?(): Promise<unknown>;
  loadMarkets(reload?: boolean): Promise<Record<string, ExchangeMarket>>;
  amountToPrecision(symbol: string, amount: number): string;
  priceToPrecision(symbol: string, price: number): string;
  fetchTicker(symbol: string): Promise<unknown>;
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<unknown>;
  fetchTrades(symbol: string, since?: number, limit?: number): Promise<unknown>;
  fetchBalance(): Promise<unknown>;
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<unknown>;
  editOrder(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params?: Record<string, unknown>): Promise<unknown>;
  cancelOrder(id: string, symbol?: string, params?: Record<string, unknown>): Promise<unknown>;
  fetchOrder(id: string | undefined, symbol?: string, params?: Record<string, unknown>): Promise<unknown>;
  fetchOpenOrders(symbol?: string, since?: number, limit?: number): Promise<unknown>;
  fetchOrders(symbol?: string, since?: number, limit?: number): Promise<unknown>;
  fetchClosedOrders(symbol?: string, since?: number, limit?: number): Promise<unknown>;
  fetchMyTrades(symbol?: string, since?: number, limit?: number): Promise<unknown>;
  fetchOrderTrades(id: string, symbol?: string): Promise<unknown>;
  cancelAllOrders(symbol?: string): Promise<unknown>;
  watchTicker(symbol: string): Promise<unknown>;
  watchTrades(symbol: string): Promise<unknown>;
  watchOHLCV(symbol: string, timeframe: string): Promise<unknown>;
  watchOrders(symbol?: string): Promise<unknown>;
  watchMyTrades(symbol?: string): Promise<unknown>;
  close(): Promise<unknown>;
}

type ExchangeCtor = new (config: Record<string, unknown>) => unknown;

/**
 * Builds the exchange for `opts`. Throws a VenueError: BAD_REQUEST without
 * symbols, NOT_SUPPORTED for an unknown exchange id, one lacking fetchOHLCV /
 * fetchTicker / createOrder, or a sandbox request on an exchange without one.
 */
export function createExchange(opts: CcxtVenueOptions, symbols: string[]): CcxtExchange {
  const ctx = { venue: opts.exchangeId, endpoint: 'constructor' };
  if (symbols.length === 0) throw venueError('BAD_REQUEST', { ...ctx, field: 'symbols' }, 'at least one symbol is required');
  const ccxt = ccxtLib();
  const ctor =
    (ccxt.pro as unknown as Record<string, ExchangeCtor | undefined>)[opts.exchangeId] ??
    (ccxt as unknown as Record<string, ExchangeCtor | undefined>)[opts.exchangeId];
  if (!ccxt.exchanges.includes(opts.exchangeId) || typeof ctor !== 'function') {
    throw venueError('NOT_SUPPORTED', { ...ctx, field: 'exchangeId' }, `'${opts.exchangeId}' is not a ccxt exchange id`);
  }
  const config: Record<string, unknown> = {
    apiKey: opts.apiKey,
    secret: opts.secret,
    enableRateLimit: true,
    enableLastJsonResponse: true,
    timeout: opts.timeoutMs ?? 10_000,
  };
  if (opts.password !== undefined) config.password = opts.password;
  const ex = new ctor(config) as CcxtExchange;
  const missing = REQUIRED.filter((m) => !ex.has[m]);
  if (missing.length) {
    throw venueError(
      'NOT_SUPPORTED',
      { ...ctx, field: 'exchangeId' },
      `ccxt exchange '${opts.exchangeId}' lacks ${missing.join(', ')}; CcxtVenue needs ${REQUIRED.join(', ')}`,
    );
  }
  if (opts.sandbox) {
    const noSandbox = venueError('NOT_SUPPORTED', { ...ctx, endpoint: 'setSandboxMode', field: 'sandbox' }, `'${opts.exchangeId}' has no testnet/sandbox in ccxt`);
    if (!ex.urls.test) throw noSandbox;
    try {
      ex.setSandboxMode(true);
    } catch {
      throw noSandbox;
    }
  }
  guardStreamSends(ex);
  if (opts.urls) {
    const api = ex.urls.api;
    if (api && typeof api === 'object') ex.urls.api = { ...(api as Record<string, unknown>), ...opts.urls };
    else ex.urls.api = opts.urls.api ?? opts.urls.rest ?? Object.values(opts.urls)[0];
  }
  return ex;
}

/**
 * ccxt sends a stream's subscribe message after a throttle delay and drops
 * the promise of that send; when the socket closes in between, the send's
 * rejection is unhandled (and would take the process down). The failure
 * itself reaches the watch* caller through the closed connection, so the
 * send promise only needs a handler.
 */
function guardStreamSends(exchange: CcxtExchange): void {
  type WsClientLike = { send?: (m: unknown) => Promise<unknown>; tradedeskGuarded?: boolean };
  const ex = exchange as unknown as { client?: (url: string) => WsClientLike };
  const original = ex.client;
  if (typeof original !== 'function') return;
  ex.client = function (this: unknown, url: string): WsClientLike {
    const c = original.call(this, url);
    if (c && typeof c.send === 'function' && !c.tradedeskGuarded) {
      const send = c.send.bind(c);
      c.send = (m: unknown) => {
        const p = send(m);
        p.catch(() => undefined);
        return p;
      };
      c.tradedeskGuarded = true;
    }
    return c;
  };
}
