// CcxtVenue: the Venue interface over any ccxt exchange that has fetchOHLCV,
// fetchTicker and createOrder. This class only composes the adapter's parts,
// which share one CcxtState (state.ts):
//
//   exchange.ts       builds the ccxt exchange instance (sandbox, URLs, checks)
//   connection.ts     connect / disconnect, watch* streams with reconnect, poll loops
//   orders.ts         where an order is sent: createOrder with lookup-before-resend,
//                     cancel, replace, cancel-all
//   lookup.ts         lookup by client order id (found / absent / unknown)
//   order-tracking.ts order state and trades: adopt, fills exactly once, stream
//                     order updates, unresolved and never-created submissions
//   order-refresh.ts  REST refresh of order state (per order, and the periodic pass)
//   account.ts        facts for the Reconciler: account, positions and cost basis,
//                     open orders, getOrder, getFills
//   market-data.ts    markets and instruments, quotes, public trades, bars
//   payload.ts, errors.ts, client-ids.ts, types.ts: as named
//
// Market data and order events stream through ccxt.pro's watch* methods where
// the exchange has them and are polled under the exchange's rateLimit
// otherwise. The REST API is the source of truth for order state: stream events
// trigger a refresh (fetchOrder + the order's trades) before a terminal state is
// reported, so every fill is emitted before the cancel that follows it, and
// each fill exactly once (deduplicated by trade id). A submission is reported
// rejected only on proof; an unknown outcome stays pending (isResolving) and is
// looked up until the exchange answers. Nothing is sent twice.
//
// Facts for the engine's Reconciler: getOrder / getFills (the same fillIds as
// the live path), getOpenOrders, getPositions, getAccount; cancelAll uses the
// exchange's cancelAllOrders. The venue never applies them on the engine's
// behalf. Every ccxt error class maps to a typed VenueError (errors.ts);
// malformed payloads are refused (payload.ts), counted in health(), and never
// become a quote, bar, order, fill or position.
import type { Bar, Instrument, Quote } from '../../../shared/domain.js';
import type {
  Venue,
  VenueAccount,
  VenueFill,
  VenueListener,
  VenueOpenOrder,
  VenueOrderRequest,
  VenueOrderState,
  VenuePosition,
} from '../venue.js';
import { CcxtAccount } from './account.js';
import { exchangeClientOrderId } from './client-ids.js';
import { CcxtConnection } from './connection.js';
import type { CcxtExchange } from './exchange.js';
import { CcxtLookup } from './lookup.js';
import { CcxtMarketData } from './market-data.js';
import { CcxtOrderRefresh } from './order-refresh.js';
import { CcxtOrderTracking } from './order-tracking.js';
import { CcxtOrders } from './orders.js';
import { CcxtState } from './state.js';
import type { CcxtVenueHealth, CcxtVenueOptions } from './types.js';

export type { CcxtVenueHealth, CcxtVenueOptions } from './types.js';

export class CcxtVenue implements Venue {
  readonly id: string;
  readonly exchangeId: string;
  private readonly ex: CcxtExchange;
  private readonly s: CcxtState;
  private readonly market: CcxtMarketData;
  private readonly account: CcxtAccount;
  private readonly tracking: CcxtOrderTracking;
  private readonly refresh: CcxtOrderRefresh;
  private readonly orders: CcxtOrders;
  private readonly connection: CcxtConnection;

  constructor(opts: CcxtVenueOptions) {
    this.exchangeId = opts.exchangeId;
    this.id = `ccxt:${opts.exchangeId}`;
    this.s = new CcxtState(opts);
    this.ex = this.s.ex;
    this.market = new CcxtMarketData(this.s);
    const lookup = new CcxtLookup(this.s);
    this.account = new CcxtAccount(this.s, this.market, lookup);
    this.tracking = new CcxtOrderTracking(this.s, this.market, this.account, {
      scheduleReconcile: (rec) => this.refresh.scheduleReconcile(rec),
      resolve: (rec) => this.refresh.resolve(rec),
      cancelOrder: (clientOrderId) => this.cancelOrder(clientOrderId),
    });
    this.refresh = new CcxtOrderRefresh(this.s, this.tracking, lookup);
    this.orders = new CcxtOrders(this.s, this.market, lookup, this.tracking, this.refresh);
    this.connection = new CcxtConnection(this.s, this.market, this.tracking, this.refresh);
  }

  // ---- lifecycle (connection.ts) ---------------------------------------------

  connect(listener: VenueListener): Promise<void> {
    return this.connection.connect(listener);
  }

  disconnect(): Promise<void> {
    return this.connection.disconnect();
  }

  // ---- market data (market-data.ts) -----------------------------------------

  instruments(): Promise<Instrument[]> {
    return this.market.instruments();
  }

  getBars(symbol: string, limit: number): Promise<Bar[]> {
    return this.market.getBars(symbol, limit);
  }

  isMarketOpen(symbol: string, ts: number): boolean {
    return this.market.isMarketOpen(symbol, ts);
  }

  // ---- orders (orders.ts, order-tracking.ts) ------------------------------------

  submitOrder(request: VenueOrderRequest): Promise<void> {
    return this.orders.submitOrder(request);
  }

  cancelOrder(clientOrderId: string): Promise<void> {
    return this.orders.cancelOrder(clientOrderId);
  }

  replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    return this.orders.replaceOrder(clientOrderId, changes);
  }

  /**
   * Cancels every open order of the configured symbols in one request per
   * symbol (ccxt cancelAllOrders), where the exchange has it; otherwise does
   * nothing and the engine cancels order by order.
   */
  cancelAll(): Promise<void> {
    return this.orders.cancelAll();
  }

  /** True while a submission's outcome is being established: in flight, or unknown and looked up each refresh pass. */
  isResolving(clientOrderId: string): boolean {
    return this.tracking.isResolving(clientOrderId);
  }

  // ---- facts for the Reconciler (account.ts) -----------------------------------

  getAccount(): Promise<VenueAccount> {
    return this.account.getAccount();
  }

  getPositions(): Promise<VenuePosition[]> {
    return this.account.getPositions();
  }

  getOpenOrders(): Promise<VenueOpenOrder[]> {
    return this.account.getOpenOrders();
  }

  /**
   * One order by client order id, as the exchange reports it now. undefined
   * only when listings of open and done orders prove it absent; throws when
   * the exchange cannot tell or answers something contradictory.
   */
  getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    return this.account.getOrder(clientOrderId);
  }

  /** Every execution of one order, oldest first, with the fillIds the live path emits (`${symbol}:${tradeId}`). */
  getFills(clientOrderId: string): Promise<VenueFill[]> {
    return this.account.getFills(clientOrderId);
  }

  // ---- extras -------------------------------------------------------------

  /** Counters of retries, rate limits, malformed payloads, reconnects and the like. */
  health(): CcxtVenueHealth {
    return { ...this.s.counters, malformedByEndpoint: { ...this.s.counters.malformedByEndpoint } };
  }

  /** The client order id the exchange sees for an engine client order id. */
  exchangeClientOrderId(clientOrderId: string): string {
    return exchangeClientOrderId(clientOrderId, this.s.idFormat);
  }

  /** The venue order id of an order placed through this venue, once acknowledged. */
  venueOrderIdOf(clientOrderId: string): string | undefined {
    return this.s.orders.get(clientOrderId)?.venueOrderId;
  }

  /** Latest quote received for a symbol. */
  lastQuote(symbol: string): Quote | undefined {
    return this.s.lastQuotes.get(symbol);
  }

  /** Whether data arrives through watch* streams (true) or polling (false) for a capability. */
  streams(capability: 'watchTicker' | 'watchTrades' | 'watchOHLCV' | 'watchOrders' | 'watchMyTrades'): boolean {
    return this.s.streams(capability);
  }
}
