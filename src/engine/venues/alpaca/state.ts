// The state every part of the Alpaca adapter shares: resolved options, the SDK,
// the listener, the tracked orders, the health counters, and the small helpers
// they all use (REST calls that become VenueErrors, payload validation, error
// counting, emitting order updates, retry delays). One instance per AlpacaVenue;
// connection.ts, orders.ts, order-tracking.ts, account.ts and market-data.ts
// each hold it.
import type { z } from 'zod';
import type { TimerHandle } from '../../core/clock.js';
import type { VenueListener, VenueOrderUpdate } from '../venue.js';
import { VENUE_NAME, VenueError, toVenueError, venueMessage } from './errors.js';
import { resolveOptions, type AlpacaVenueOptions, type ResolvedAlpacaOptions } from './options.js';
import { parsePayload, type OrderPayload } from './schemas.js';
import { createAlpacaSdk, type AlpacaSdk } from './sdk.js';

export const EPS = 1e-9;

export type TerminalKind = 'filled' | 'canceled' | 'expired' | 'rejected';

/** One order as this venue follows it, across Alpaca's replacements. */
export interface TrackedOrder {
  appCid: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  /** The app's total order quantity. */
  qty: number;
  limitPrice?: number;
  external: boolean;
  venueOrderId?: string;
  /** Alpaca order ids this order had before replacements. */
  retired: Set<string>;
  /** filled_qty of the current Alpaca order, as last accounted. */
  venueCum: number;
  /** filled_avg_price of the current Alpaca order, as last accounted. */
  lastAvg: number;
  /** Filled on replaced predecessors. */
  baseCum: number;
  accepted: boolean;
  terminal?: TerminalKind;
  /** A POST for this order is in progress. */
  inFlight: boolean;
  /** Submission outcome unknown: re-read on the reconcile timer. */
  unresolved: boolean;
  misses: number;
  replaceSeq: number;
  pendingReplace?: { alpacaCid: string; ack?: OrderPayload };
}

export interface AlpacaVenueHealth {
  venue: typeof VENUE_NAME;
  /** Both streams up (as last reported through onConnection). */
  connected: boolean;
  tradeStream: 'up' | 'down' | 'off';
  dataStream: 'up' | 'down' | 'off';
  /** Payloads rejected by validation, per source. */
  malformed: { rest: number; tradeUpdates: number; marketData: number };
  lastMalformed?: string;
  /** Streams re-established after a drop. */
  reconnects: { tradeUpdates: number; marketData: number };
  /** Fill / terminal events already accounted (replays, REST re-reads). */
  duplicateEventsIgnored: number;
  /** Submissions that ended ambiguously (timeout, transport, 5xx, unreadable answer). */
  ambiguousSubmissions: number;
  clientOrderIdLookups: number;
  /** POSTs re-sent (after 429, or after a lookup confirmed the order absent). */
  submitRetries: number;
  unresolvedSubmissions: number;
  reconciliations: number;
  /** trade_updates events for orders not submitted through this venue. */
  externalOrderEvents: number;
  /** Open orders the domain cannot express (stop, fok, notional...), skipped. */
  unsupportedOrders: number;
  /** VenueErrors seen, by code. */
  errors: Record<string, number>;
  lastError?: string;
}

export class AlpacaState {
  readonly o: ResolvedAlpacaOptions;
  readonly sdk: AlpacaSdk;
  readonly symbolSet: Set<string>;
  /** Crypto symbols (always open; no stock data stream). */
  readonly crypto = new Set<string>();
  listener: VenueListener | null = null;
  /** Set while the venue tears its streams down: their close events are not a drop. */
  closing = false;
  /** The timer that re-reads submissions whose outcome is unknown (orders.ts). */
  reconcileTimer: TimerHandle | undefined;
  /** Tracked orders by the app's client order id. */
  readonly orders = new Map<string, TrackedOrder>();
  /** Alpaca client_order_id (replacements: `<cid>~r<n>`) -> the app's client order id. */
  readonly aliases = new Map<string, string>();
  readonly h: AlpacaVenueHealth = {
    venue: VENUE_NAME,
    connected: false,
    tradeStream: 'off',
    dataStream: 'off',
    malformed: { rest: 0, tradeUpdates: 0, marketData: 0 },
    reconnects: { tradeUpdates: 0, marketData: 0 },
    duplicateEventsIgnored: 0,
    ambiguousSubmissions: 0,
    clientOrderIdLookups: 0,
    submitRetries: 0,
    unresolvedSubmissions: 0,
    reconciliations: 0,
    externalOrderEvents: 0,
    unsupportedOrders: 0,
    errors: {},
  };

  /**
   * @throws VenueError('CONFIG') for invalid options, e.g. more than 30 symbols on the IEX feed.
   */
  constructor(options: AlpacaVenueOptions) {
    this.o = resolveOptions(options);
    this.sdk = createAlpacaSdk(this.o);
    this.symbolSet = new Set(this.o.symbols);
    for (const s of this.o.symbols) if (s.includes('/')) this.crypto.add(s);
  }

  get tradeEndpoint(): string {
    return `wss trade_updates ${this.o.endpoints.stream}`;
  }

  get dataEndpoint(): string {
    return `wss market data ${this.o.endpoints.dataStream}/v2/${this.o.feed}`;
  }

  // ---- health / errors --------------------------------------------------------

  noteError(e: VenueError): void {
    this.h.errors[e.code] = (this.h.errors[e.code] ?? 0) + 1;
    this.h.lastError = e.message;
  }

  noteMalformed(source: keyof AlpacaVenueHealth['malformed'], e: VenueError): void {
    this.h.malformed[source]++;
    this.h.lastMalformed = e.message;
    this.noteError(e);
  }

  parseRest<S extends z.ZodType>(schema: S, value: unknown, endpoint: string): z.output<S> {
    try {
      return parsePayload(schema, value, endpoint);
    } catch (e) {
      if (e instanceof VenueError) this.noteMalformed('rest', e);
      throw e;
    }
  }

  /** Runs one SDK call; anything it throws becomes a VenueError naming the endpoint. */
  async rest<T>(endpoint: string, fn: () => Promise<T>, field?: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const ve = toVenueError(e, endpoint, field);
      this.noteError(ve);
      throw ve;
    }
  }

  /** Order requests need the trade_updates listener: their outcomes arrive as events. */
  requireConnected(endpoint: string): void {
    if (this.listener) return;
    throw new VenueError('STREAM', venueMessage(endpoint, 'not connected: call connect() first (order outcomes arrive on trade_updates)'), { endpoint, retryable: true, ambiguous: false });
  }

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.clock.setTimer(this.o.clock.now() + Math.max(0, ms), resolve));
  }

  backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.o.retry;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
  }

  // ---- emitting ---------------------------------------------------------------

  emitUpdate(u: VenueOrderUpdate): void {
    this.listener?.onOrderUpdate(u);
  }

  cancelRejected(clientOrderId: string, reason: string): void {
    this.emitUpdate({ kind: 'cancel_rejected', clientOrderId, reason, ts: this.o.clock.now() });
  }
}
