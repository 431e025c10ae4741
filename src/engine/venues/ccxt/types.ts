// The ccxt adapter's shared types: its options, its health counters, and the
// record it keeps per order (OrderRec) and the answer of a lookup by client
// order id.
import type { OrderSide, OrderType, TimeInForce } from '../../../shared/domain.js';
import type { Clock } from '../../core/clock.js';
import type { ClientOrderIdFormat } from './client-ids.js';
import type { RetryPolicy, VenueError } from './errors.js';
import type { ParsedOrder } from './payload.js';

export interface CcxtVenueOptions {
  /** A ccxt exchange id, e.g. 'coinbaseexchange', 'kraken', 'binance'. */
  exchangeId: string;
  apiKey: string;
  secret: string;
  /** Passphrase, for exchanges that issue one (ccxt's `password`). */
  password?: string;
  /** Trade on the exchange's testnet/sandbox (refused when it has none). */
  sandbox: boolean;
  /** Overrides merged into the exchange's `urls.api` (e.g. { public, private, ws }), for proxies and tests. */
  urls?: Record<string, string>;
  /** Unified ccxt symbols, e.g. ['BTC/USD', 'ETH/USD']. Spot markets only. */
  symbols: string[];
  clock: Clock;
  /** 'auto' (default): watch* where the exchange has them, polling otherwise. 'poll': never open a stream. */
  streaming?: 'auto' | 'poll';
  /** Polling interval for quotes, trades and orders (never below the exchange's rateLimit per request). Default 2000. */
  pollIntervalMs?: number;
  /** Polling interval for completed 1-minute bars. Default 10000. */
  barPollIntervalMs?: number;
  /** How long after a minute closes its bar is fetched and emitted. Default 3000. */
  barGraceMs?: number;
  /** Full REST reconcile of open orders while order streams are up. Default 30000. */
  reconcileIntervalMs?: number;
  /** ccxt request timeout. Default 10000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How client order ids are presented to the exchange; defaults per exchange (Coinbase Exchange needs UUIDs). */
  clientOrderIdFormat?: ClientOrderIdFormat;
  /** Account currency for cash/equity; default the quote currency of the first symbol. */
  accountCurrency?: string;
}

export interface CcxtVenueHealth {
  requests: number;
  retries: number;
  rateLimited: number;
  timeouts: number;
  networkErrors: number;
  serverErrors: number;
  authErrors: number;
  /** Client-order-id lookups after an order whose outcome was unknown. */
  lookups: number;
  /** Orders found by such a lookup (and therefore not sent again). */
  adoptedAfterLookup: number;
  /** Orders re-sent after lookups proved them absent. */
  resends: number;
  malformed: number;
  malformedByEndpoint: Record<string, number>;
  lastMalformed: string | undefined;
  streamErrors: number;
  reconnects: number;
  reconciles: number;
  /** Orders canceled or changed outside the app. */
  externalChanges: number;
  /** Orders or trades on the account that the app did not place. */
  foreignOrders: number;
  /** Orders whose createOrder outcome stayed unknown after the send; they stay pending and are looked up each reconcile pass. */
  unresolved: number;
  /** Such orders the exchange later proved never created (reported rejected). */
  provenAbsent: number;
  /** Times an order's filled quantity was ahead of the fills its trades explained. */
  fillGaps: number;
  duplicateClientIdsRefused: number;
  listenerErrors: number;
  lastError: string | undefined;
}

export const emptyHealth = (): CcxtVenueHealth => ({
  requests: 0,
  retries: 0,
  rateLimited: 0,
  timeouts: 0,
  networkErrors: 0,
  serverErrors: 0,
  authErrors: 0,
  lookups: 0,
  adoptedAfterLookup: 0,
  resends: 0,
  malformed: 0,
  malformedByEndpoint: {},
  lastMalformed: undefined,
  streamErrors: 0,
  reconnects: 0,
  reconciles: 0,
  externalChanges: 0,
  foreignOrders: 0,
  unresolved: 0,
  provenAbsent: 0,
  fillGaps: 0,
  duplicateClientIdsRefused: 0,
  listenerErrors: 0,
  lastError: undefined,
});

/** One order sent through this venue, as this venue knows it. */
export interface OrderRec {
  clientOrderId: string;
  exClientId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  requestedQty: number;
  requestedPrice: number | undefined;
  /** Quantity and price as sent (rounded), or as last changed. */
  qty: number;
  limitPrice: number | undefined;
  amountStr: string;
  priceStr: string | undefined;
  createdAt: number;
  venueOrderId: string | undefined;
  accepted: boolean;
  terminal: boolean;
  cumQty: number;
  cancelRequested: boolean;
  cancelAfterAck: boolean;
  reconcileAfterAck: boolean;
  /**
   * Set while the outcome of the createOrder is unknown (the send and its
   * lookups could not tell): the order stays pending and each reconcile
   * pass looks it up until the exchange answers. Holds the last reason.
   */
  unresolved: string | undefined;
  /** The createOrder failure that left the outcome unknown. */
  sendError: VenueError | undefined;
  reconciling: Promise<void> | undefined;
  reconcileAgain: boolean;
}

/** What a lookup by client order id established. */
export type Lookup = { kind: 'found'; order: ParsedOrder } | { kind: 'absent' } | { kind: 'unknown'; error: VenueError };
