// AlpacaVenue: the Venue interface on Alpaca's Trading and Market Data APIs,
// through the real @alpacahq/alpaca-trade-api v4 SDK (REST Api classes, the
// TradingStream for trade_updates and the StockDataStream for bars / quotes /
// trades).
//
// Order safety. Every order carries the app's clientOrderId as Alpaca's
// client_order_id, which Alpaca keeps unique per account. A submission that ends
// ambiguously (timeout, transport failure, 5xx, unreadable answer) is looked up
// with GET /v2/orders:by_client_order_id BEFORE anything is re-sent; only a
// confirmed miss is re-sent (same client_order_id, so even a late original can
// never make a second order: Alpaca would refuse it with a 422 duplicate, which
// the venue then resolves with another lookup). 429 is not ambiguous (nothing was
// accepted) and is re-sent after Retry-After. A submission whose outcome stays
// unknown is parked and re-read on a timer, never reported as rejected while it
// might be live.
//
// Events. Acks, fills, cancels, expiries, rejects and replaces come from the
// trade_updates stream (and from the REST answer of a submission). Alpaca does
// not replay missed events; after an outage the engine's Reconciler reads each
// order (getOrder) and applies what was missed - this venue only reports facts.
// A getOrder read also moves this venue's per-order cumulative baseline, so a
// late stream event reports only what lies beyond what the engine was told. Fill quantities are
// derived from the order's cumulative filled_qty, so a replayed or re-read event
// never counts twice; the price is the event's own price when its qty matches
// that delta, else derived from the change in filled_avg_price. fillId =
// `${alpacaOrderId}:${cumulativeFilledQty}` - the same from the stream and from
// a REST re-read. Fees are 0: Alpaca charges no commission on US equities (the
// regulatory TAF/SEC fees are booked later as account activities, not per fill).
//
// Payloads. Everything that could become an order, fill, position or bar is
// validated with zod (schemas.ts); a malformed one is rejected with an error
// naming the venue, endpoint and field, counted in health(), and dropped.
import { randomUUID } from 'node:crypto';
import { streaming } from '@alpacahq/alpaca-trade-api';
import type { z } from 'zod';
import type { Bar, Instrument } from '../../../shared/domain.js';
import type { TimerHandle } from '../../core/clock.js';
import { isNyseOpen, newYorkOffsetMs } from '../../data/calendar.js';
import type {
  Venue,
  VenueAccount,
  VenueFill,
  VenueListener,
  VenueOpenOrder,
  VenueOrderRequest,
  VenueOrderState,
  VenueOrderUpdate,
  VenuePosition,
  VenueRejectCode,
} from '../venue.js';
import { fetchAlpacaBars, type AlpacaTimeframe } from './bars.js';
import { VENUE_NAME, VenueError, rejectCodeOf, toVenueError, venueMessage } from './errors.js';
import { REPLACE_SUFFIX, assetToInstrument, round9, toOpenOrder, wireDecimal } from './mapping.js';
import { resolveOptions, type AlpacaVenueOptions, type ResolvedAlpacaOptions } from './options.js';
import {
  AccountPayload,
  AssetPayload,
  CalendarPayload,
  ClockPayload,
  OrderPayload,
  PositionsPayload,
  StreamBarPayload,
  StreamQuotePayload,
  StreamTradePayload,
  TradeUpdatePayload,
  parsePayload,
  type WireNaming,
} from './schemas.js';
import { createAlpacaSdk, type AlpacaSdk } from './sdk.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const EPS = 1e-9;
/** Lookups that must all miss before an unresolved submission is declared never accepted. */
const UNRESOLVED_MISSES = 3;
/** Tracked orders kept before terminal ones are pruned (oldest first). */
const TRACK_CAP = 10_000;

type TerminalKind = 'filled' | 'canceled' | 'expired' | 'rejected';

interface TrackedOrder {
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

export interface AlpacaMarketStatus {
  timestamp: number;
  isOpen: boolean;
  nextOpen: number;
  nextClose: number;
}

export class AlpacaVenue implements Venue {
  readonly id = VENUE_NAME;
  private readonly o: ResolvedAlpacaOptions;
  private readonly sdk: AlpacaSdk;
  private readonly symbolSet: Set<string>;
  private listener: VenueListener | null = null;
  private tradeStream: streaming.TradingStream | undefined;
  private dataStream: streaming.StockDataStream | undefined;
  private tradeUp = false;
  private dataUp = false;
  private tradeAcks = 0;
  private dataAuths = 0;
  private reported = false;
  private closing = false;
  private reconcileTimer: TimerHandle | undefined;
  private reconciling: Promise<void> | null = null;
  private instrumentCache: Instrument[] | null = null;
  private readonly crypto = new Set<string>();
  /** NY date -> session (UTC ms) from Alpaca's calendar; dates in [calFrom, calTo] without an entry are closed. */
  private readonly sessions = new Map<string, { open: number; close: number }>();
  private calFrom = '';
  private calTo = '';
  private readonly orders = new Map<string, TrackedOrder>();
  private readonly aliases = new Map<string, string>();
  private readonly h: AlpacaVenueHealth = {
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

  /** The resolved endpoints (official URLs unless overridden). */
  get endpoints(): Readonly<ResolvedAlpacaOptions['endpoints']> {
    return this.o.endpoints;
  }

  private get tradeEndpoint(): string {
    return `wss trade_updates ${this.o.endpoints.stream}`;
  }

  private get dataEndpoint(): string {
    return `wss market data ${this.o.endpoints.dataStream}/v2/${this.o.feed}`;
  }

  // ---- lifecycle ------------------------------------------------------------

  /**
   * Checks the credentials (GET /v2/account), loads the market calendar, opens
   * trade_updates and (for stock symbols) the market-data stream, and resolves
   * once both are authenticated and subscribed. Rejects with a VenueError:
   * AUTH_FAILED for refused credentials (REST or stream), STREAM when a stream
   * does not come up within streams.connectTimeoutMs.
   */
  async connect(listener: VenueListener): Promise<void> {
    await this.teardown(false);
    this.closing = false;
    const account = await this.rest('GET /v2/account', () => this.sdk.account.getAccount());
    this.parseRest(AccountPayload, account, 'GET /v2/account');
    try {
      await this.loadCalendar();
    } catch (e) {
      this.noteError(toVenueError(e, 'GET /v2/calendar'));
    }
    this.listener = listener;
    try {
      await this.openStreams();
    } catch (e) {
      await this.teardown(false);
      throw e;
    }
    this.scheduleReconcile();
  }

  async disconnect(): Promise<void> {
    await this.teardown(true);
  }

  private async teardown(report: boolean): Promise<void> {
    this.closing = true;
    if (this.reconcileTimer) this.o.clock.cancelTimer(this.reconcileTimer);
    this.reconcileTimer = undefined;
    for (const s of [this.tradeStream, this.dataStream]) {
      if (!s) continue;
      s.removeAllListeners();
      s.on(streaming.EVENT.CLIENT_ERROR, () => undefined);
      s.disconnect();
    }
    this.tradeStream = undefined;
    this.dataStream = undefined;
    this.tradeUp = false;
    this.dataUp = false;
    this.h.tradeStream = 'off';
    this.h.dataStream = 'off';
    const l = this.listener;
    this.listener = null;
    const was = this.reported;
    this.reported = false;
    this.h.connected = false;
    if (report && l && was) l.onConnection('disconnected', 'disconnect requested');
  }

  private async openStreams(): Promise<void> {
    const timeout = this.o.streams.connectTimeoutMs;
    const ts = this.sdk.newTradingStream();
    this.tradeStream = ts;
    this.tradeAcks = 0;
    let acked!: () => void;
    const firstAck = new Promise<void>((r) => (acked = r));
    ts.onTradeUpdate((u) => this.onTradeUpdate(u));
    ts.on(streaming.EVENT.SUBSCRIPTION, (streams: unknown) => {
      if (this.tradeStream !== ts || !Array.isArray(streams) || !streams.includes('trade_updates')) return;
      this.tradeUp = true;
      this.h.tradeStream = 'up';
      acked();
      if (this.tradeAcks++ > 0) {
        // Alpaca does not replay what was missed: the engine's reconciler reads
        // the orders after the reconnect (reported through onConnection)
        this.h.reconnects.tradeUpdates++;
      }
      this.updateConnection();
    });
    ts.onDisconnect(() => {
      if (this.closing || this.tradeStream !== ts) return;
      this.tradeUp = false;
      this.h.tradeStream = 'down';
      this.updateConnection(`${VENUE_NAME} trade_updates stream (${this.o.endpoints.stream}) closed; reconnecting with backoff`);
    });
    ts.onError((msg) => this.onStreamError('tradeUpdates', msg));
    ts.subscribeTradeUpdates();
    ts.connect();

    const stocks = this.o.symbols.filter((s) => !this.crypto.has(s));
    let ds: streaming.StockDataStream | undefined;
    let dataAcked!: () => void;
    let dataFailed!: (e: VenueError) => void;
    const firstDataAck = new Promise<void>((resolve, reject) => {
      dataAcked = resolve;
      dataFailed = reject;
    });
    firstDataAck.catch(() => undefined);
    if (stocks.length > 0) {
      ds = this.sdk.newStockStream();
      this.dataStream = ds;
      this.dataAuths = 0;
      ds.onBar((b) => this.onStreamBar(b));
      ds.onQuote((q) => this.onStreamQuote(q));
      ds.onTrade((t) => this.onStreamTrade(t));
      // Up once the server confirms the subscriptions (after every (re)authentication).
      ds.on(streaming.EVENT.SUBSCRIPTION, (subs: unknown) => {
        if (this.dataStream !== ds || this.dataUp) return;
        const bars = (subs as { bars?: unknown } | null)?.bars;
        if (!Array.isArray(bars) || !stocks.every((s) => bars.includes(s))) return;
        this.dataUp = true;
        this.h.dataStream = 'up';
        dataAcked();
        if (this.dataAuths++ > 0) this.h.reconnects.marketData++;
        this.updateConnection();
      });
      ds.onDisconnect(() => {
        if (this.closing || this.dataStream !== ds) return;
        this.dataUp = false;
        this.h.dataStream = 'down';
        this.updateConnection(`${VENUE_NAME} market data stream (${this.o.endpoints.dataStream}/v2/${this.o.feed}) closed; reconnecting with backoff`);
      });
      ds.onError((msg) => {
        this.onStreamError('marketData', msg);
        // Alpaca's terminal subscription errors: fail connect() at once with the reason.
        if (this.dataStream === ds && this.dataAuths === 0 && /symbol limit exceeded|insufficient subscription|connection limit exceeded/.test(msg)) {
          const field = msg.includes('symbol') ? 'symbols' : msg.includes('subscription') ? 'feed' : 'key/secret';
          dataFailed(new VenueError('STREAM', venueMessage(this.dataEndpoint, `market data subscription refused: ${msg}`, field), { endpoint: this.dataEndpoint, field, retryable: false, ambiguous: false }));
        }
      });
      ds.subscribeForBars(stocks);
      ds.subscribeForQuotes(stocks);
      ds.subscribeForTrades(stocks);
      ds.connect();
    }

    const tr = await ts.waitForAuthenticationResult(timeout);
    if (!tr.authenticated) throw this.streamAuthError(this.tradeEndpoint, tr);
    await this.within(firstAck, timeout, this.tradeEndpoint, "no 'listening' acknowledgement for trade_updates");
    if (ds) {
      const dr = await ds.waitForAuthenticationResult(timeout);
      if (!dr.authenticated) throw this.streamAuthError(this.dataEndpoint, dr);
      await this.within(firstDataAck, timeout, this.dataEndpoint, `no subscription acknowledgement for ${stocks.join(',')}`);
    }
    this.updateConnection();
  }

  private streamAuthError(endpoint: string, r: streaming.StreamAuthResult): VenueError {
    const rejected = r.status === streaming.STREAM_AUTH_STATUS.SERVER_REJECTED;
    const field = 'key/secret';
    const e = rejected
      ? new VenueError('AUTH_FAILED', venueMessage(endpoint, `stream authentication rejected: ${r.message}${r.code !== undefined ? ` [code ${r.code}]` : ''}`, field), {
          endpoint,
          field,
          retryable: false,
          ambiguous: false,
        })
      : new VenueError('STREAM', venueMessage(endpoint, `stream not authenticated (${r.status}): ${r.message}`), { endpoint, retryable: true, ambiguous: false });
    this.noteError(e);
    return e;
  }

  private within(p: Promise<void>, ms: number, endpoint: string, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.h.lastError ? ` (last stream error: ${this.h.lastError})` : '';
        const e = new VenueError('STREAM', venueMessage(endpoint, `${what} within ${ms} ms${last}`), { endpoint, retryable: true, ambiguous: false });
        this.noteError(e);
        reject(e);
      }, ms);
      p.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (e: unknown) => {
          clearTimeout(timer);
          if (e instanceof VenueError) this.noteError(e);
          reject(e);
        },
      );
    });
  }

  private updateConnection(reason?: string): void {
    const up = this.tradeUp && (this.dataStream === undefined || this.dataUp);
    if (up && !this.reported) {
      this.reported = true;
      this.h.connected = true;
      this.listener?.onConnection('connected');
    } else if (!up && this.reported) {
      this.reported = false;
      this.h.connected = false;
      this.listener?.onConnection('disconnected', reason);
    }
  }

  // ---- health / errors --------------------------------------------------------

  /** Counters and stream states; a snapshot (safe to keep). */
  health(): AlpacaVenueHealth {
    return structuredClone({ ...this.h, unresolvedSubmissions: [...this.orders.values()].filter((t) => t.unresolved).length });
  }

  private noteError(e: VenueError): void {
    this.h.errors[e.code] = (this.h.errors[e.code] ?? 0) + 1;
    this.h.lastError = e.message;
  }

  private noteMalformed(source: keyof AlpacaVenueHealth['malformed'], e: VenueError): void {
    this.h.malformed[source]++;
    this.h.lastMalformed = e.message;
    this.noteError(e);
  }

  private parseRest<S extends z.ZodType>(schema: S, value: unknown, endpoint: string): z.output<S> {
    try {
      return parsePayload(schema, value, endpoint);
    } catch (e) {
      if (e instanceof VenueError) this.noteMalformed('rest', e);
      throw e;
    }
  }

  private onStreamError(source: 'tradeUpdates' | 'marketData', msg: string): void {
    const endpoint = source === 'tradeUpdates' ? this.tradeEndpoint : this.dataEndpoint;
    if (/^failed to (decode|process) message/.test(msg)) {
      const e = new VenueError('MALFORMED_PAYLOAD', venueMessage(endpoint, `malformed payload rejected: ${msg}`, source === 'tradeUpdates' ? 'data.order' : 'frame'), {
        endpoint,
        field: source === 'tradeUpdates' ? 'data.order' : 'frame',
        retryable: false,
        ambiguous: false,
      });
      this.noteMalformed(source, e);
      return;
    }
    this.h.lastError = venueMessage(endpoint, msg);
  }

  /** Runs one SDK call; anything it throws becomes a VenueError naming the endpoint. */
  private async rest<T>(endpoint: string, fn: () => Promise<T>, field?: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const ve = toVenueError(e, endpoint, field);
      this.noteError(ve);
      throw ve;
    }
  }

  /** Order requests need the trade_updates listener: their outcomes arrive as events. */
  private requireConnected(endpoint: string): void {
    if (this.listener) return;
    throw new VenueError('STREAM', venueMessage(endpoint, 'not connected: call connect() first (order outcomes arrive on trade_updates)'), { endpoint, retryable: true, ambiguous: false });
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.clock.setTimer(this.o.clock.now() + Math.max(0, ms), resolve));
  }

  private backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.o.retry;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
  }

  // ---- emitting ---------------------------------------------------------------

  private emitUpdate(u: VenueOrderUpdate): void {
    this.listener?.onOrderUpdate(u);
  }

  private ensureAccepted(t: TrackedOrder, venueOrderId: string, ts: number): void {
    if (!t.venueOrderId) t.venueOrderId = venueOrderId;
    if (t.accepted || t.terminal === 'rejected') return;
    t.accepted = true;
    this.emitUpdate({ kind: 'accepted', clientOrderId: t.appCid, venueOrderId: t.venueOrderId, ts });
  }

  private terminate(t: TrackedOrder, kind: Exclude<TerminalKind, 'filled'>, ts: number, reason: string, code: VenueRejectCode = 'INVALID_ORDER'): void {
    t.unresolved = false;
    if (t.terminal) {
      this.h.duplicateEventsIgnored++;
      return;
    }
    t.terminal = kind;
    if (kind === 'canceled') this.emitUpdate({ kind: 'canceled', clientOrderId: t.appCid, reason, ts });
    else if (kind === 'expired') this.emitUpdate({ kind: 'expired', clientOrderId: t.appCid, ts });
    else this.emitUpdate({ kind: 'rejected', clientOrderId: t.appCid, reason, code, ts });
  }

  private cancelRejected(clientOrderId: string, reason: string): void {
    this.emitUpdate({ kind: 'cancel_rejected', clientOrderId, reason, ts: this.o.clock.now() });
  }

  /**
   * Accounts the order's cumulative filled_qty: emits one VenueFill for the
   * increase since the last accounted state, nothing for a replay.
   */
  private applyFills(t: TrackedOrder, o: OrderPayload, ts: number, exec?: { qty?: number | null; price?: number | null }): void {
    if (o.id !== t.venueOrderId) return;
    const cum = o.filledQty;
    const prev = t.venueCum;
    if (cum <= prev + EPS) {
      if (exec) this.h.duplicateEventsIgnored++;
      return;
    }
    const delta = round9(cum - prev);
    const avg = o.filledAvgPrice ?? 0;
    let price: number;
    if (exec?.price != null && exec.qty != null && Math.abs(exec.qty - delta) < EPS) price = exec.price;
    else {
      const derived = (cum * avg - prev * t.lastAvg) / delta;
      price = Number.isFinite(derived) && derived > 0 ? Number(derived.toFixed(6)) : avg;
    }
    t.venueCum = cum;
    t.lastAvg = avg;
    const cumQty = round9(t.baseCum + cum);
    if (o.qty != null) t.qty = Math.max(t.qty, round9(t.baseCum + o.qty));
    const leavesQty = Math.max(0, round9(t.qty - cumQty));
    if (leavesQty <= EPS) {
      t.terminal = 'filled';
      t.unresolved = false;
    }
    const fill: VenueFill = {
      clientOrderId: t.appCid,
      fillId: `${o.id}:${wireDecimal(cum)}`,
      symbol: t.symbol,
      side: t.side,
      qty: delta,
      price,
      fee: 0,
      ts,
      cumQty,
      leavesQty,
    };
    this.listener?.onFill(fill);
  }

  // ---- order bookkeeping -------------------------------------------------------

  private appCidOf(alpacaCid: string): string {
    const a = this.aliases.get(alpacaCid);
    if (a) return a;
    const m = REPLACE_SUFFIX.exec(alpacaCid);
    if (m) {
      const base = alpacaCid.slice(0, m.index);
      if (this.orders.has(base)) return base;
    }
    return alpacaCid;
  }

  private track(t: TrackedOrder): void {
    this.orders.set(t.appCid, t);
    if (this.orders.size > TRACK_CAP) {
      for (const [cid, x] of this.orders) {
        if (this.orders.size <= TRACK_CAP) break;
        if (!x.terminal) continue;
        this.orders.delete(cid);
      }
    }
  }

  /** An order first seen on the stream: placed outside the app (or before a restart). */
  private adopt(o: OrderPayload, appCid: string, exec?: { qty?: number | null }): TrackedOrder {
    const baseline = exec?.qty != null ? Math.max(0, round9(o.filledQty - exec.qty)) : o.filledQty;
    const t: TrackedOrder = {
      appCid,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      qty: o.qty ?? o.filledQty,
      ...(o.limitPrice != null ? { limitPrice: o.limitPrice } : {}),
      external: true,
      venueOrderId: o.id,
      retired: new Set(),
      venueCum: baseline,
      lastAvg: baseline > 0 ? (o.filledAvgPrice ?? 0) : 0,
      baseCum: 0,
      accepted: false,
      inFlight: false,
      unresolved: false,
      misses: 0,
      replaceSeq: 0,
    };
    this.track(t);
    return t;
  }

  /** Applies a REST snapshot of an order (POST answer, lookup, reconcile). */
  private async applySnapshot(t: TrackedOrder, o: OrderPayload): Promise<void> {
    const ts = o.updatedAt?.getTime() ?? this.o.clock.now();
    t.unresolved = false;
    t.misses = 0;
    if (t.venueOrderId && o.id !== t.venueOrderId) {
      if (o.replaces === t.venueOrderId) return this.finishReplace(t, o, ts);
      if (t.retired.has(o.id)) return;
    }
    if (o.status === 'replaced' && o.replacedBy) {
      if (!t.venueOrderId) t.venueOrderId = o.id;
      this.ensureAccepted(t, o.id, ts);
      this.applyFills(t, o, ts);
      const next = await this.rest(`GET /v2/orders/${o.replacedBy}`, () => this.sdk.orders.getOrderByOrderID({ orderId: o.replacedBy! }), 'order_id');
      const n = this.parseRest(OrderPayload, next, `GET /v2/orders/${o.replacedBy}`);
      return this.finishReplace(t, n, ts);
    }
    if (o.status === 'rejected') {
      if (!t.venueOrderId) t.venueOrderId = o.id;
      return this.terminate(t, 'rejected', ts, venueMessage('order', `order ${o.id} rejected by Alpaca (status rejected)`));
    }
    this.ensureAccepted(t, o.id, ts);
    this.applyFills(t, o, ts);
    if (o.status === 'canceled') this.terminate(t, 'canceled', ts, 'canceled at alpaca');
    else if (o.status === 'expired') this.terminate(t, 'expired', ts, 'expired at alpaca');
  }

  private finishReplace(t: TrackedOrder, n: OrderPayload, ts: number): void {
    if (t.venueOrderId === n.id) return;
    if (t.venueOrderId) t.retired.add(t.venueOrderId);
    t.baseCum = round9(t.baseCum + t.venueCum);
    t.venueCum = 0;
    t.lastAvg = 0;
    t.venueOrderId = n.id;
    this.aliases.set(n.clientOrderId, t.appCid);
    t.qty = round9(t.baseCum + (n.qty ?? t.qty - t.baseCum));
    if (n.limitPrice != null) t.limitPrice = n.limitPrice;
    t.pendingReplace = undefined;
    this.emitUpdate({
      kind: 'replaced',
      clientOrderId: t.appCid,
      qty: t.qty,
      ...(t.limitPrice !== undefined ? { limitPrice: t.limitPrice } : {}),
      ts,
    });
    this.applyFills(t, n, ts);
  }

  // ---- trade_updates ----------------------------------------------------------

  private onTradeUpdate(raw: streaming.TradeUpdate): void {
    if (!this.listener) return;
    let u: TradeUpdatePayload;
    try {
      u = parsePayload(TradeUpdatePayload, raw, this.tradeEndpoint, 'trading', ['data']);
      if ((u.event === 'fill' || u.event === 'partial_fill') && !(u.order.filledQty > 0)) {
        throw new VenueError('MALFORMED_PAYLOAD', venueMessage(this.tradeEndpoint, `malformed payload rejected: '${u.event}' event with filled_qty ${u.order.filledQty}`, 'data.order.filled_qty'), {
          endpoint: this.tradeEndpoint,
          field: 'data.order.filled_qty',
          retryable: false,
          ambiguous: false,
        });
      }
    } catch (e) {
      if (e instanceof VenueError) this.noteMalformed('tradeUpdates', e);
      return;
    }
    try {
      this.handleTradeUpdate(u);
    } catch (e) {
      this.noteError(toVenueError(e, this.tradeEndpoint));
    }
  }

  private handleTradeUpdate(u: TradeUpdatePayload): void {
    const o = u.order;
    const ts = u.timestamp?.getTime() ?? this.o.clock.now();
    const appCid = this.appCidOf(o.clientOrderId);
    const exec = { qty: u.qty, price: u.price };
    const t = this.orders.get(appCid) ?? this.adopt(o, appCid, u.event === 'fill' || u.event === 'partial_fill' ? exec : undefined);
    if (t.external) this.h.externalOrderEvents++;

    // Identity: a replacement order, or an event of an order already replaced.
    if (t.venueOrderId && o.id !== t.venueOrderId) {
      if (o.replaces === t.venueOrderId) {
        if (u.event === 'rejected' || u.event === 'canceled' || u.event === 'expired') {
          t.pendingReplace = undefined;
          this.cancelRejected(t.appCid, `${VENUE_NAME}: replacement order ${o.id} ${u.event}; the original order stands`);
          return;
        }
        this.finishReplace(t, o, ts);
      } else if (t.retired.has(o.id)) {
        return;
      } else if (u.event !== 'replaced') {
        return;
      }
    }

    switch (u.event) {
      case 'new':
      case 'accepted':
      case 'pending_new':
      case 'accepted_for_bidding':
        this.ensureAccepted(t, o.id, ts);
        return;
      case 'partial_fill':
      case 'fill':
        this.ensureAccepted(t, o.id, ts);
        this.applyFills(t, o, ts, exec);
        return;
      case 'canceled':
        this.applyFills(t, o, ts);
        this.terminate(t, 'canceled', ts, 'canceled at alpaca');
        return;
      case 'expired':
        this.applyFills(t, o, ts);
        this.terminate(t, 'expired', ts, 'expired at alpaca');
        return;
      case 'rejected':
        this.terminate(t, 'rejected', ts, `rejected by Alpaca (trade_updates 'rejected' for order ${o.id})`);
        return;
      case 'replaced': {
        if (o.replaces && o.id === t.venueOrderId) return; // the replacement itself, handled above
        const newId = o.replacedBy;
        if (!newId || t.venueOrderId === newId) return;
        const ack = t.pendingReplace?.ack;
        if (ack && ack.id === newId) this.finishReplace(t, ack, ts);
        else void this.fetchReplacement(t, newId, ts);
        return;
      }
      case 'order_replace_rejected':
        t.pendingReplace = undefined;
        this.cancelRejected(t.appCid, `${VENUE_NAME}: replace rejected (trade_updates 'order_replace_rejected' for order ${o.id})`);
        return;
      case 'order_cancel_rejected':
        this.cancelRejected(t.appCid, `${VENUE_NAME}: cancel rejected (trade_updates 'order_cancel_rejected' for order ${o.id})`);
        return;
      default:
        // pending_cancel, pending_replace, done_for_day, calculated, stopped, suspended: no state change for the app
        return;
    }
  }

  private async fetchReplacement(t: TrackedOrder, newId: string, ts: number): Promise<void> {
    try {
      const endpoint = `GET /v2/orders/${newId}`;
      const n = this.parseRest(OrderPayload, await this.rest(endpoint, () => this.sdk.orders.getOrderByOrderID({ orderId: newId }), 'order_id'), endpoint);
      this.finishReplace(t, n, ts);
    } catch {
      // noted; the reconcile pass retries
    }
  }

  // ---- market data ------------------------------------------------------------

  private parseStream<S extends z.ZodType>(schema: S, value: unknown, naming: WireNaming): z.output<S> | undefined {
    try {
      return parsePayload(schema, value, this.dataEndpoint, naming);
    } catch (e) {
      if (e instanceof VenueError) this.noteMalformed('marketData', e);
      return undefined;
    }
  }

  private onStreamBar(b: streaming.StreamBar): void {
    if (!this.listener || !this.symbolSet.has(b.symbol)) return;
    const v = this.parseStream(StreamBarPayload, b, 'market-data');
    if (!v) return;
    this.listener.onBar({ symbol: v.symbol, ts: v.timestamp.getTime(), open: v.open, high: v.high, low: v.low, close: v.close, volume: v.volume });
  }

  private onStreamQuote(q: streaming.StreamQuote): void {
    if (!this.listener || !this.symbolSet.has(q.symbol)) return;
    const v = this.parseStream(StreamQuotePayload, q, 'market-data');
    if (!v) return;
    this.listener.onQuote({ symbol: v.symbol, ts: v.timestamp.getTime(), bid: v.bidPrice, ask: v.askPrice, bidSize: v.bidSize, askSize: v.askSize });
  }

  private onStreamTrade(t: streaming.StreamTrade): void {
    if (!this.listener || !this.symbolSet.has(t.symbol)) return;
    const v = this.parseStream(StreamTradePayload, t, 'market-data');
    if (!v) return;
    this.listener.onTrade({ symbol: v.symbol, ts: v.timestamp.getTime(), price: v.price, size: v.size });
  }

  // ---- reference data -----------------------------------------------------------

  async instruments(): Promise<Instrument[]> {
    if (!this.instrumentCache) {
      const assets = await Promise.all(
        this.o.symbols.map(async (s) => {
          const endpoint = `GET /v2/assets/${s}`;
          let raw: unknown;
          try {
            raw = await this.rest(endpoint, () => this.sdk.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: s }), 'symbol');
          } catch (e) {
            if (e instanceof VenueError && e.code === 'NOT_FOUND') {
              const u = new VenueError('UNKNOWN_SYMBOL', venueMessage(endpoint, `'${s}' is not an Alpaca asset`, 'symbol'), { endpoint, field: 'symbol', retryable: false, ambiguous: false, status: 404 });
              this.noteError(u);
              throw u;
            }
            throw e;
          }
          const a = this.parseRest(AssetPayload, raw, endpoint);
          if (!a.tradable || a.status !== 'active') {
            const u = new VenueError('UNKNOWN_SYMBOL', venueMessage(endpoint, `'${s}' is not tradable at Alpaca (status ${a.status}, tradable ${a.tradable})`, 'tradable'), {
              endpoint,
              field: 'tradable',
              retryable: false,
              ambiguous: false,
            });
            this.noteError(u);
            throw u;
          }
          return a;
        }),
      );
      const prices = await this.latestPrices(assets.filter((a) => a._class === 'us_equity').map((a) => a.symbol));
      this.instrumentCache = assets.map((a) => {
        if (a._class === 'crypto') this.crypto.add(a.symbol);
        return assetToInstrument(a, prices.get(a.symbol));
      });
    }
    return this.instrumentCache.map((i) => ({ ...i }));
  }

  /** Last trade prices (for the $1 tick rule); empty when unavailable (then tick 0.01). */
  private async latestPrices(symbols: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (symbols.length === 0) return out;
    try {
      const r = await this.rest('GET /v2/stocks/trades/latest', () => this.sdk.stocks.stockLatestTrades({ symbols: symbols.join(','), feed: this.o.feed }));
      for (const s of symbols) {
        const p = Number(r.trades?.[s]?.p);
        if (Number.isFinite(p) && p > 0) out.set(s, p);
      }
    } catch {
      // noted in health(); instruments fall back to the 0.01 tick
    }
    return out;
  }

  private async loadCalendar(): Promise<void> {
    const now = this.o.clock.now();
    const start = new Date(now - 7 * DAY_MS);
    const end = new Date(now + 60 * DAY_MS);
    const days = this.parseRest(CalendarPayload, await this.rest('GET /v2/calendar', () => this.sdk.calendar.legacyCalendar({ start, end })), 'GET /v2/calendar');
    this.sessions.clear();
    for (const d of days) {
      const date = d.date.toISOString().slice(0, 10);
      const noon = Date.parse(`${date}T12:00:00Z`);
      const offset = newYorkOffsetMs(noon);
      const open = Date.parse(`${date}T${d.open}:00Z`) - offset;
      const close = Date.parse(`${date}T${d.close}:00Z`) - offset;
      if (close > open) this.sessions.set(date, { open, close });
    }
    this.calFrom = nyDate(start.getTime() + DAY_MS);
    this.calTo = nyDate(end.getTime() - DAY_MS);
  }

  /**
   * Crypto: always open. Stocks: Alpaca's calendar (/v2/calendar, loaded on
   * connect) within its loaded range, else the local NYSE rules. Regular
   * session only; extended hours are not considered open.
   */
  isMarketOpen(symbol: string, ts: number): boolean {
    if (!this.symbolSet.has(symbol)) return false;
    if (this.crypto.has(symbol)) return true;
    const date = nyDate(ts);
    if (this.calFrom && date >= this.calFrom && date <= this.calTo) {
      const s = this.sessions.get(date);
      return s !== undefined && ts >= s.open && ts < s.close;
    }
    return isNyseOpen(ts);
  }

  /** Alpaca's market clock (GET /v2/clock). */
  async marketStatus(): Promise<AlpacaMarketStatus> {
    const c = this.parseRest(ClockPayload, await this.rest('GET /v2/clock', () => this.sdk.clock.legacyClock()), 'GET /v2/clock');
    return { timestamp: c.timestamp.getTime(), isOpen: c.isOpen, nextOpen: c.nextOpen.getTime(), nextClose: c.nextClose.getTime() };
  }

  // ---- bars -------------------------------------------------------------------------

  /** Most recent completed 1-minute bars, oldest first. */
  async getBars(symbol: string, limit: number): Promise<Bar[]> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return [];
    const now = this.o.clock.now();
    // ~390 regular-session minutes a day; doubled for gaps, plus a long weekend.
    const lookbackDays = Math.ceil(n / 390) * 2 + 5;
    const bars = await this.getHistoricalBars(symbol, '1Min', { start: now - lookbackDays * DAY_MS, end: now, limit: n + 1, sort: 'desc' });
    return bars
      .filter((b) => b.ts + MINUTE_MS <= now)
      .slice(0, n)
      .reverse();
  }

  /**
   * Historical bars of any supported timeframe, across every page
   * (next_page_token). Malformed bars are dropped and counted in health().
   */
  async getHistoricalBars(
    symbol: string,
    timeframe: AlpacaTimeframe,
    range: { start: number | Date; end?: number | Date; limit?: number; pageSize?: number; sort?: 'asc' | 'desc' },
  ): Promise<Bar[]> {
    try {
      const r = await fetchAlpacaBars(this.sdk.stocks, { symbol, timeframe, feed: this.o.feed, ...range });
      for (const m of r.malformed) this.noteMalformed('rest', m);
      return r.bars;
    } catch (e) {
      const ve = toVenueError(e, `GET /v2/stocks/${symbol}/bars`);
      this.noteError(ve);
      throw ve;
    }
  }

  // ---- account ------------------------------------------------------------------------

  async getAccount(): Promise<VenueAccount> {
    const endpoint = 'GET /v2/account';
    const a = this.parseRest(AccountPayload, await this.rest(endpoint, () => this.sdk.account.getAccount()), endpoint);
    return { cash: a.cash, equity: a.equity, buyingPower: a.buyingPower };
  }

  /** Signed quantities: Alpaca reports shorts as side 'short' (with a negative qty). */
  async getPositions(): Promise<VenuePosition[]> {
    const endpoint = 'GET /v2/positions';
    const list = this.parseRest(PositionsPayload, await this.rest(endpoint, () => this.sdk.positions.getAllOpenPositions()), endpoint);
    return list.map((p) => ({ symbol: p.symbol, qty: p.side === 'short' ? -Math.abs(p.qty) : Math.abs(p.qty), avgPrice: p.avgEntryPrice }));
  }

  /** Open orders (up to 500), including ones placed outside the app; stop/fok/notional orders are skipped and counted. */
  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    const endpoint = 'GET /v2/orders';
    const raw = await this.rest(endpoint, () => this.sdk.orders.getAllOrders({ status: 'open', limit: 500, direction: 'asc' }));
    const list = this.parseRest(OrderPayload.array(), raw, endpoint);
    const out: VenueOpenOrder[] = [];
    for (const o of list) {
      const mapped = toOpenOrder(o, this.appCidOf(o.clientOrderId));
      if (mapped) out.push(mapped);
      else this.h.unsupportedOrders++;
    }
    return out;
  }

  // ---- orders -----------------------------------------------------------------------------

  async submitOrder(request: VenueOrderRequest): Promise<void> {
    const req = { ...request };
    this.requireConnected('POST /v2/orders');
    const reject = (code: VenueRejectCode, reason: string): void =>
      this.emitUpdate({ kind: 'rejected', clientOrderId: req.clientOrderId, code, reason, ts: this.o.clock.now() });
    const local = localProblem(req);
    if (local) return reject('INVALID_ORDER', venueMessage('POST /v2/orders', `not sent: ${local.what}`, local.field));
    if (this.orders.has(req.clientOrderId)) {
      return reject(
        'DUPLICATE_CLIENT_ORDER_ID',
        venueMessage('POST /v2/orders', `not sent: client order id '${req.clientOrderId}' was already submitted through this venue`, 'client_order_id'),
      );
    }
    const t: TrackedOrder = {
      appCid: req.clientOrderId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      qty: req.qty,
      ...(req.limitPrice !== undefined ? { limitPrice: req.limitPrice } : {}),
      external: false,
      retired: new Set(),
      venueCum: 0,
      lastAvg: 0,
      baseCum: 0,
      accepted: false,
      inFlight: true,
      unresolved: false,
      misses: 0,
      replaceSeq: 0,
    };
    this.track(t);
    try {
      await this.submitWithRecovery(t, req);
    } finally {
      t.inFlight = false;
    }
  }

  private async submitWithRecovery(t: TrackedOrder, req: VenueOrderRequest): Promise<void> {
    const endpoint = 'POST /v2/orders';
    const body = {
      symbol: req.symbol,
      qty: wireDecimal(req.qty),
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      clientOrderId: req.clientOrderId,
      ...(req.type === 'limit' ? { limitPrice: wireDecimal(req.limitPrice!) } : {}),
    } as const;
    let ambiguous = false;
    const max = this.o.retry.maxAttempts;
    for (let attempt = 0; ; attempt++) {
      let err: VenueError | undefined;
      let placed: OrderPayload | undefined;
      try {
        const answer = await this.sdk.orders.postOrder({ postOrderRequest: body });
        placed = this.parseRest(OrderPayload, answer, endpoint);
        if (placed.clientOrderId !== req.clientOrderId) {
          const field = 'client_order_id';
          const e = new VenueError('MALFORMED_PAYLOAD', venueMessage(endpoint, `malformed payload rejected: answer is for client_order_id '${placed.clientOrderId}', not '${req.clientOrderId}'`, field), {
            endpoint,
            field,
            retryable: false,
            ambiguous: true,
          });
          this.noteMalformed('rest', e);
          throw e;
        }
      } catch (e) {
        err = toVenueError(e, endpoint);
        if (!(e instanceof VenueError)) this.noteError(err);
        placed = undefined;
      }
      if (placed) {
        // Applied outside the try: a failure here must never lead to a re-send.
        await this.applySnapshot(t, placed).catch((e: unknown) => this.noteError(toVenueError(e, endpoint)));
        return;
      }
      if (!err) throw new Error('unreachable: POST neither answered nor failed');

      // An unreadable answer to a POST means the order probably exists: treat as ambiguous.
      const isAmbiguous = err.ambiguous || err.code === 'MALFORMED_PAYLOAD';
      if (err.code === 'DUPLICATE_CLIENT_ORDER_ID' && ambiguous) {
        // Our own earlier, ambiguous attempt landed after all: an order with this
        // client_order_id exists. Adopt it; if it cannot be read now, reconcile later.
        const found = await this.lookupSubmission(t);
        if (found !== 'found') t.unresolved = true;
        return;
      }
      const rejectCode = rejectCodeOf(err);
      if (rejectCode && !isAmbiguous) {
        return this.terminate(t, 'rejected', this.o.clock.now(), err.message, rejectCode);
      }
      if (err.code === 'AUTH_FAILED') {
        this.orders.delete(t.appCid);
        throw err;
      }
      if (err.code === 'RATE_LIMITED' && attempt + 1 < max) {
        // Nothing was accepted: re-send after Retry-After (or a backoff).
        this.h.submitRetries++;
        await this.delay(err.retryAfterMs ?? this.backoff(attempt));
        continue;
      }
      if (isAmbiguous) {
        ambiguous = true;
        this.h.ambiguousSubmissions++;
        const found = await this.lookupSubmission(t);
        if (found === 'found') return;
        if (found === 'missing' && attempt + 1 < max) {
          this.h.submitRetries++;
          await this.delay(this.backoff(attempt));
          continue;
        }
        // Outcome unknown (or still absent after every attempt): never report a
        // possibly-live order as rejected; re-read it on the reconcile timer.
        t.unresolved = true;
        this.h.lastError = venueMessage(endpoint, `outcome of client order id '${t.appCid}' unknown after ${attempt + 1} attempt(s); reconciling by client_order_id`, 'client_order_id');
        return;
      }
      if (err.retryable && attempt + 1 < max) {
        this.h.submitRetries++;
        await this.delay(this.backoff(attempt));
        continue;
      }
      // Definitely not accepted (e.g. 429 after every attempt).
      this.orders.delete(t.appCid);
      throw err;
    }
  }

  /** GET /v2/orders:by_client_order_id for a submission; 'unknown' when the lookup itself failed. */
  private async lookupSubmission(t: TrackedOrder): Promise<'found' | 'missing' | 'unknown'> {
    const endpoint = 'GET /v2/orders:by_client_order_id';
    this.h.clientOrderIdLookups++;
    try {
      const raw = await this.rest(endpoint, () => this.sdk.orders.getOrderByClientOrderId({ clientOrderId: t.appCid }), 'client_order_id');
      const o = this.parseRest(OrderPayload, raw, endpoint);
      await this.applySnapshot(t, o);
      return 'found';
    } catch (e) {
      if (e instanceof VenueError && e.code === 'NOT_FOUND') return 'missing';
      return 'unknown';
    }
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    this.requireConnected('DELETE /v2/orders');
    const t = this.orders.get(clientOrderId);
    if (t?.terminal) return this.cancelRejected(clientOrderId, `${VENUE_NAME}: order ${clientOrderId} is already ${t.terminal}`);
    let venueOrderId = t?.venueOrderId;
    if (!venueOrderId) {
      const endpoint = 'GET /v2/orders:by_client_order_id';
      this.h.clientOrderIdLookups++;
      try {
        const raw = await this.rest(endpoint, () => this.sdk.orders.getOrderByClientOrderId({ clientOrderId }), 'client_order_id');
        const o = this.parseRest(OrderPayload, raw, endpoint);
        venueOrderId = o.id;
        if (t) await this.applySnapshot(t, o);
      } catch (e) {
        if (e instanceof VenueError && e.code === 'NOT_FOUND') return this.cancelRejected(clientOrderId, venueMessage(endpoint, `no order with client order id '${clientOrderId}'`, 'client_order_id'));
        throw e;
      }
    }
    const endpoint = `DELETE /v2/orders/${venueOrderId}`;
    for (let attempt = 0; ; attempt++) {
      try {
        // 204: accepted for cancellation; the outcome arrives as trade_updates 'canceled'.
        await this.rest(endpoint, () => this.sdk.orders.deleteOrderByOrderID({ orderId: venueOrderId }), 'order_id');
        return;
      } catch (e) {
        const ve = e as VenueError;
        if (ve.code === 'NOT_FOUND' || ve.code === 'INVALID_REQUEST' || ve.code === 'UNKNOWN') {
          this.cancelRejected(clientOrderId, ve.message);
          // Alpaca knows something the venue missed (a fill, a cancel): re-read the order.
          if (t && !t.terminal) await this.refresh(t).catch(() => undefined);
          return;
        }
        // A cancel is idempotent at Alpaca: safe to repeat after a timeout or 5xx.
        if (ve.retryable && attempt + 1 < this.o.retry.maxAttempts) {
          await this.delay(ve.retryAfterMs ?? this.backoff(attempt));
          continue;
        }
        throw ve;
      }
    }
  }

  /**
   * PATCH /v2/orders/{id} with a fresh client_order_id (`<clientOrderId>~r<n>`),
   * so the replacement can be looked up after an ambiguous answer and its events
   * map back to the app's order. Confirmed by trade_updates ('replaced' / the
   * replacement's 'new'), then reported as one 'replaced' update. Partially filled
   * orders are refused: Alpaca's replacement would carry the full new qty, not
   * the unfilled rest (Alpaca-API#165).
   */
  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    this.requireConnected('PATCH /v2/orders');
    const t = this.orders.get(clientOrderId);
    const refuse = (why: string): void => this.cancelRejected(clientOrderId, `${VENUE_NAME}: replace of ${clientOrderId} not sent: ${why}`);
    if (!t || !t.venueOrderId || t.terminal) return refuse('no open order with this client order id at alpaca');
    if (t.baseCum + t.venueCum > 0) return refuse('the order is partially filled; Alpaca would give the replacement the full new qty (Alpaca-API#165): cancel and submit the rest instead');
    if (changes.qty !== undefined && !(Number.isFinite(changes.qty) && changes.qty > 0)) return refuse(`qty ${String(changes.qty)} must be a positive number`);
    if (changes.limitPrice !== undefined && (t.type !== 'limit' || !(Number.isFinite(changes.limitPrice) && changes.limitPrice > 0))) {
      return refuse(t.type !== 'limit' ? 'a market order has no limit price' : `limitPrice ${String(changes.limitPrice)} must be a positive number`);
    }
    if (t.pendingReplace) return refuse('a replace is already pending');
    let alpacaCid = `${clientOrderId}~r${++t.replaceSeq}`;
    if (alpacaCid.length > 128) alpacaCid = `r${t.replaceSeq}-${randomUUID()}`;
    this.aliases.set(alpacaCid, clientOrderId);
    t.pendingReplace = { alpacaCid };
    const endpoint = `PATCH /v2/orders/${t.venueOrderId}`;
    const oldId = t.venueOrderId;
    try {
      const n = await this.rest(
        endpoint,
        () =>
          this.sdk.orders.patchOrderByOrderId({
            orderId: oldId,
            patchOrderRequest: {
              ...(changes.qty !== undefined ? { qty: wireDecimal(changes.qty) } : {}),
              ...(changes.limitPrice !== undefined ? { limitPrice: wireDecimal(changes.limitPrice) } : {}),
              clientOrderId: alpacaCid,
            },
          }),
        'order_id',
      );
      this.onReplaceAck(t, this.parseRest(OrderPayload, n, endpoint));
    } catch (e) {
      const ve = e as VenueError;
      if (ve.ambiguous || ve.code === 'MALFORMED_PAYLOAD') {
        const lookup = 'GET /v2/orders:by_client_order_id';
        this.h.clientOrderIdLookups++;
        try {
          const raw = await this.rest(lookup, () => this.sdk.orders.getOrderByClientOrderId({ clientOrderId: alpacaCid }), 'client_order_id');
          this.onReplaceAck(t, this.parseRest(OrderPayload, raw, lookup));
          return;
        } catch (le) {
          if (!(le instanceof VenueError && le.code === 'NOT_FOUND')) {
            // Unknown: keep pendingReplace so stream events can still confirm it.
            return;
          }
        }
      }
      if (t.pendingReplace?.alpacaCid === alpacaCid) t.pendingReplace = undefined;
      this.cancelRejected(clientOrderId, ve.message);
    }
  }

  private onReplaceAck(t: TrackedOrder, n: OrderPayload): void {
    this.aliases.set(n.clientOrderId, t.appCid);
    if (t.venueOrderId === n.id) return; // already confirmed by the stream
    if (t.pendingReplace) t.pendingReplace.ack = n;
    // The replacement's own 'new' / the old order's 'replaced' confirms it.
  }

  // ---- reconciliation -----------------------------------------------------------------------

  /** Re-reads parked submissions (outcome unknown) on a timer until Alpaca answers for them. */
  private scheduleReconcile(): void {
    const tick = (): void => {
      this.reconcileTimer = undefined;
      if (this.closing) return;
      if ([...this.orders.values()].some((t) => t.unresolved && !t.inFlight)) void this.resolvePending();
      this.reconcileTimer = this.o.clock.setTimer(this.o.clock.now() + this.o.reconcileIntervalMs, tick);
    };
    this.reconcileTimer = this.o.clock.setTimer(this.o.clock.now() + this.o.reconcileIntervalMs, tick);
  }

  /** Looks up every submission whose outcome is still unknown, by client_order_id. */
  private resolvePending(): Promise<void> {
    if (this.reconciling) return this.reconciling;
    this.reconciling = (async () => {
      this.h.reconciliations++;
      for (const t of [...this.orders.values()]) {
        if (!t.unresolved || t.terminal || t.inFlight) continue;
        try {
          await this.refresh(t);
        } catch {
          // noted in health(); the next tick retries
        }
      }
    })().finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  isResolving(clientOrderId: string): boolean {
    const t = this.orders.get(clientOrderId);
    return !!t && !t.terminal && (t.inFlight || t.unresolved);
  }

  /**
   * The order as Alpaca has it now (GET /v2/orders:by_client_order_id, following
   * replacements), in the app's terms; undefined on a 404 (Alpaca never had it).
   * Reports only: nothing is emitted. The tracked order's cumulative baseline moves
   * to what was read, since the engine applies the difference itself.
   */
  async getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    const endpoint = 'GET /v2/orders:by_client_order_id';
    this.h.clientOrderIdLookups++;
    let o: OrderPayload;
    try {
      o = this.parseRest(OrderPayload, await this.rest(endpoint, () => this.sdk.orders.getOrderByClientOrderId({ clientOrderId }), 'client_order_id'), endpoint);
    } catch (e) {
      if (e instanceof VenueError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
    let base = 0;
    for (let hops = 0; o.status === 'replaced' && o.replacedBy && hops < 20; hops++) {
      const next = `GET /v2/orders/${o.replacedBy}`;
      const id = o.replacedBy;
      base = round9(base + o.filledQty);
      o = this.parseRest(OrderPayload, await this.rest(next, () => this.sdk.orders.getOrderByOrderID({ orderId: id }), 'order_id'), next);
    }
    const t = this.orders.get(clientOrderId);
    const filledQty = round9(base + o.filledQty);
    const qty = round9(base + (o.qty ?? o.filledQty));
    if (t && (!t.venueOrderId || t.venueOrderId === o.id)) {
      // what the engine is told now: later stream events count from here
      t.venueOrderId = o.id;
      t.accepted = t.accepted || o.status !== 'pending_new';
      t.unresolved = false;
      if (o.filledQty > t.venueCum + EPS) {
        t.venueCum = o.filledQty;
        t.lastAvg = o.filledAvgPrice ?? t.lastAvg;
      }
      if (filledQty >= qty - EPS && filledQty > 0) t.terminal = 'filled';
      else if (o.status === 'canceled' || o.status === 'expired' || o.status === 'rejected') t.terminal = o.status;
    }
    return {
      clientOrderId,
      venueOrderId: o.id,
      symbol: o.symbol,
      side: o.side,
      type: o.type === 'limit' ? 'limit' : 'market',
      qty,
      ...(o.limitPrice != null ? { limitPrice: o.limitPrice } : {}),
      timeInForce: (['day', 'gtc', 'ioc'].includes(o.timeInForce) ? o.timeInForce : 'day') as VenueOrderState['timeInForce'],
      filledQty,
      avgFillPrice: o.filledAvgPrice ?? 0,
      status: orderStatusOf(o.status, filledQty, qty),
    };
  }

  /** DELETE /v2/orders: Alpaca cancels every open order (KILL's first step); the cancels arrive on trade_updates. */
  async cancelAll(): Promise<void> {
    this.requireConnected('DELETE /v2/orders');
    await this.rest('DELETE /v2/orders', () => this.sdk.orders.deleteAllOrders());
  }

  /** Re-reads one order over REST (by id, or by client order id before Alpaca's id is known). */
  private async refresh(t: TrackedOrder): Promise<void> {
    if (!t.venueOrderId) {
      const r = await this.lookupSubmission(t);
      if (r === 'missing' && t.unresolved && ++t.misses >= UNRESOLVED_MISSES) {
        this.terminate(
          t,
          'rejected',
          this.o.clock.now(),
          venueMessage('GET /v2/orders:by_client_order_id', `order '${t.appCid}' not found at Alpaca after an ambiguous submission and ${t.misses} lookups; it was never accepted`, 'client_order_id'),
        );
      }
      return;
    }
    const endpoint = `GET /v2/orders/${t.venueOrderId}`;
    const id = t.venueOrderId;
    const o = this.parseRest(OrderPayload, await this.rest(endpoint, () => this.sdk.orders.getOrderByOrderID({ orderId: id }), 'order_id'), endpoint);
    await this.applySnapshot(t, o);
  }
}

/** Alpaca's order status in the Venue interface's terms. */
function orderStatusOf(status: string, filled: number, qty: number): VenueOrderState['status'] {
  switch (status) {
    case 'filled':
      return 'filled';
    case 'canceled':
    case 'expired':
    case 'rejected':
    case 'pending_new':
      return status;
    default:
      // new, accepted, partially_filled, pending_cancel, pending_replace, done_for_day, stopped...
      if (filled >= qty - EPS && filled > 0) return 'filled';
      return filled > EPS ? 'partially_filled' : 'accepted';
  }
}

function nyDate(ts: number): string {
  return new Date(ts + newYorkOffsetMs(ts)).toISOString().slice(0, 10);
}

function localProblem(r: VenueOrderRequest): { what: string; field: string } | null {
  if (!r.clientOrderId || r.clientOrderId.length > 128) return { what: 'client order id must be 1..128 characters', field: 'client_order_id' };
  if (REPLACE_SUFFIX.test(r.clientOrderId)) return { what: "client order ids ending in '~r<n>' are reserved for replacements", field: 'client_order_id' };
  if (!r.symbol) return { what: 'symbol is required', field: 'symbol' };
  if (!(Number.isFinite(r.qty) && r.qty > 0)) return { what: `qty ${String(r.qty)} must be a positive number`, field: 'qty' };
  if (r.type === 'limit' && !(r.limitPrice !== undefined && Number.isFinite(r.limitPrice) && r.limitPrice > 0)) {
    return { what: `limit order needs a positive limitPrice, got ${String(r.limitPrice)}`, field: 'limit_price' };
  }
  if (r.type !== 'limit' && r.type !== 'market') return { what: `unsupported order type ${String(r.type)}`, field: 'type' };
  return null;
}
