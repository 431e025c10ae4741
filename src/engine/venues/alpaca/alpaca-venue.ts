// AlpacaVenue: the Venue interface on Alpaca's Trading and Market Data APIs,
// through the real @alpacahq/alpaca-trade-api v4 SDK (REST Api classes, the
// TradingStream for trade_updates and the StockDataStream for bars / quotes /
// trades). This class only composes the adapter's parts, which share one
// AlpacaState (state.ts):
//
//   connection.ts      connect / disconnect, both streams, reconnects, onConnection
//   orders.ts          where an order is sent: submit with lookup-before-resend,
//                      cancel, replace, cancel-all, the timer for unknown outcomes
//   order-tracking.ts  tracked orders, cumulative fill accounting, trade_updates
//   account.ts         facts for the Reconciler: account, positions, open orders, getOrder
//   market-data.ts     stream bars / quotes / trades, instruments, calendar, bars
//   mapping.ts, schemas.ts, errors.ts, options.ts, sdk.ts, bars.ts: as named
//
// Venues report facts; they never reconcile on the engine's behalf. Alpaca does
// not replay missed events; after an outage the engine's Reconciler reads each
// order (getOrder) and applies what was missed. Everything that could become an
// order, fill, position or bar is validated with zod (schemas.ts); a malformed
// one is rejected with an error naming the venue, endpoint and field, counted in
// health(), and dropped.
import type { Bar, Instrument } from '../../../shared/domain.js';
import { AlpacaMultiBarFetcher } from '../../data/alpaca-bar-fetcher.js';
import type { BarFetcher } from '../../data/bar-cache.js';
import type {
  Venue,
  VenueAccount,
  VenueListener,
  VenueOpenOrder,
  VenueOrderRequest,
  VenueOrderState,
  VenuePosition,
} from '../venue.js';
import { AlpacaAccount } from './account.js';
import type { AlpacaTimeframe } from './bars.js';
import { AlpacaConnection } from './connection.js';
import { VENUE_NAME } from './errors.js';
import { AlpacaMarketData, type AlpacaMarketStatus } from './market-data.js';
import type { AlpacaVenueOptions, ResolvedAlpacaOptions } from './options.js';
import { AlpacaOrderTracking } from './order-tracking.js';
import { AlpacaOrders } from './orders.js';
import { AlpacaState, type AlpacaVenueHealth } from './state.js';

export type { AlpacaVenueHealth } from './state.js';
export type { AlpacaMarketStatus } from './market-data.js';

export class AlpacaVenue implements Venue {
  readonly id = VENUE_NAME;
  private readonly s: AlpacaState;
  private readonly tracking: AlpacaOrderTracking;
  private readonly orders: AlpacaOrders;
  private readonly account: AlpacaAccount;
  private readonly market: AlpacaMarketData;
  private readonly connection: AlpacaConnection;
  private multiBars: AlpacaMultiBarFetcher | undefined;

  /**
   * @throws VenueError('CONFIG') for invalid options, e.g. more than 30 symbols on the IEX feed.
   */
  constructor(private readonly options: AlpacaVenueOptions) {
    this.s = new AlpacaState(options);
    this.tracking = new AlpacaOrderTracking(this.s);
    this.orders = new AlpacaOrders(this.s, this.tracking);
    this.account = new AlpacaAccount(this.s, this.tracking);
    this.market = new AlpacaMarketData(this.s);
    this.connection = new AlpacaConnection(this.s, {
      onTradeUpdate: (u) => this.tracking.onTradeUpdate(u),
      onStreamBar: (b) => this.market.onStreamBar(b),
      onStreamQuote: (q) => this.market.onStreamQuote(q),
      onStreamTrade: (t) => this.market.onStreamTrade(t),
      loadCalendar: () => this.market.loadCalendar(),
      scheduleReconcile: () => this.orders.scheduleReconcile(),
    });
  }

  /** The resolved endpoints (official URLs unless overridden). */
  get endpoints(): Readonly<ResolvedAlpacaOptions['endpoints']> {
    return this.s.o.endpoints;
  }

  // ---- lifecycle (connection.ts) ---------------------------------------------

  /**
   * Checks the credentials (GET /v2/account), loads the market calendar, opens
   * trade_updates and (for stock symbols) the market-data stream, and resolves
   * once both are authenticated and subscribed. Rejects with a VenueError:
   * AUTH_FAILED for refused credentials (REST or stream), STREAM when a stream
   * does not come up within streams.connectTimeoutMs.
   */
  connect(listener: VenueListener): Promise<void> {
    return this.connection.connect(listener);
  }

  disconnect(): Promise<void> {
    return this.connection.disconnect();
  }

  /** Counters and stream states; a snapshot (safe to keep). */
  health(): AlpacaVenueHealth {
    return structuredClone({ ...this.s.h, unresolvedSubmissions: [...this.s.orders.values()].filter((t) => t.unresolved).length });
  }

  // ---- market data (market-data.ts) -----------------------------------------

  instruments(): Promise<Instrument[]> {
    return this.market.instruments();
  }

  /**
   * Crypto: always open. Stocks: Alpaca's calendar (/v2/calendar, loaded on
   * connect) within its loaded range, else the local NYSE rules. Regular
   * session only; extended hours are not considered open.
   */
  isMarketOpen(symbol: string, ts: number): boolean {
    return this.market.isMarketOpen(symbol, ts);
  }

  /** Alpaca's market clock (GET /v2/clock). */
  marketStatus(): Promise<AlpacaMarketStatus> {
    return this.market.marketStatus();
  }

  /** Most recent completed 1-minute bars, oldest first. */
  getBars(symbol: string, limit: number): Promise<Bar[]> {
    return this.market.getBars(symbol, limit);
  }

  /**
   * Historical bars of any supported timeframe, across every page
   * (next_page_token). Malformed bars are dropped and counted in health().
   */
  getHistoricalBars(
    symbol: string,
    timeframe: AlpacaTimeframe,
    range: { start: number | Date; end?: number | Date; limit?: number; pageSize?: number; sort?: 'asc' | 'desc' },
  ): Promise<Bar[]> {
    return this.market.getHistoricalBars(symbol, timeframe, range);
  }

  /**
   * The bar cache's fetcher for this account: many symbols per request
   * (GET /v2/stocks/bars), so a warm-up of N symbols is a few requests, not N.
   * The caller's FetchScheduler owns the data budget (the SDK's own limiter is
   * off for it); dropped bars are counted in health() as for getHistoricalBars.
   */
  barFetcher(): BarFetcher {
    return (this.multiBars ??= new AlpacaMultiBarFetcher({ ...this.options, rateLimit: false }, { onMalformed: (e) => this.s.noteMalformed('rest', e) }));
  }

  // ---- orders (orders.ts) ----------------------------------------------------

  submitOrder(request: VenueOrderRequest): Promise<void> {
    return this.orders.submitOrder(request);
  }

  cancelOrder(clientOrderId: string): Promise<void> {
    return this.orders.cancelOrder(clientOrderId);
  }

  /**
   * PATCH /v2/orders/{id} with a fresh client_order_id (`<clientOrderId>~r<n>`);
   * partially filled orders are refused (Alpaca-API#165). See orders.ts.
   */
  replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    return this.orders.replaceOrder(clientOrderId, changes);
  }

  /** DELETE /v2/orders: Alpaca cancels every open order (KILL's first step); the cancels arrive on trade_updates. */
  cancelAll(): Promise<void> {
    return this.orders.cancelAll();
  }

  isResolving(clientOrderId: string): boolean {
    return this.orders.isResolving(clientOrderId);
  }

  // ---- facts for the Reconciler (account.ts) -----------------------------------

  getAccount(): Promise<VenueAccount> {
    return this.account.getAccount();
  }

  /** Signed quantities: Alpaca reports shorts as side 'short' (with a negative qty). */
  getPositions(): Promise<VenuePosition[]> {
    return this.account.getPositions();
  }

  /** Open orders (up to 500), including ones placed outside the app; stop/fok/notional orders are skipped and counted. */
  getOpenOrders(): Promise<VenueOpenOrder[]> {
    return this.account.getOpenOrders();
  }

  /**
   * The order as Alpaca has it now, following replacements; undefined on a 404
   * (Alpaca never had it). Reports only: nothing is emitted.
   */
  getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    return this.account.getOrder(clientOrderId);
  }
}
