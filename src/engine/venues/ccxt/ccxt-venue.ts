// CcxtVenue: the Venue interface over any ccxt exchange that has fetchOHLCV,
// fetchTicker and createOrder.
//
// Market data and order events stream through ccxt.pro's watch* methods where
// the exchange has them (reconnected with backoff, state reported through
// onConnection) and are polled under the exchange's rateLimit otherwise. The
// REST API is the source of truth for order state: stream events trigger a
// reconcile (fetchOrder + the order's trades) before a terminal state is
// reported, so every fill is emitted before the cancel that follows it, and
// each fill exactly once (deduplicated by trade id).
//
// Order entry: prices and amounts are rounded with priceToPrecision /
// amountToPrecision; every order carries a client order id (ccxt's unified
// `clientOrderId` param). A submission is reported rejected only when the
// answer proves the exchange refused it (invalid order, funds, symbol,
// credentials, market closed, duplicate id: errors.ts refusalProven) or when
// listings of its open and done orders prove it was never created. Any other
// failure (5xx, a generic exchange error, timeout, dropped connection,
// unreadable answer) is looked up by client order id first; it is re-sent only
// after a retryable error and a lookup proving it absent. When the lookups
// cannot tell, nothing is reported: the order stays pending (isResolving) and
// every reconcile pass looks it up until the exchange answers; an order that
// appears is ours and is adopted ('accepted' + its fills). Nothing is sent twice.
//
// Facts for the engine's Reconciler: getOrder / getFills (the same fillIds as
// the live path), getOpenOrders, getPositions, getAccount; cancelAll uses the
// exchange's cancelAllOrders. The venue never applies them on the engine's
// behalf. In polling mode a fill reaches the listener within two poll
// intervals: the poll keeps its interval through failures (slower only when the
// exchange asks for a wait) and one failing symbol does not hold up the others.
//
// Errors: every ccxt error class maps to a typed VenueError (errors.ts).
// Malformed payloads are refused (payload.ts), counted in health(), and never
// become a quote, bar, order, fill or position.
import ccxt from 'ccxt';
import { Instrument, type Bar, type OrderSide, type OrderType, type Quote, type TimeInForce } from '../../../shared/domain.js';
import type { Clock, TimerHandle } from '../../core/clock.js';
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
} from '../venue.js';
import { defaultClientOrderIdFormat, exchangeClientOrderId, type ClientOrderIdFormat } from './client-ids.js';
import {
  DEFAULT_RETRY,
  mapCcxtError,
  refusalProven,
  rejectCodeFor,
  retryDelayMs,
  venueError,
  VenueError,
  type ErrorContext,
  type RetryPolicy,
  type VenueErrorCode,
} from './errors.js';
import {
  malformed,
  parseBalance,
  parseCandle,
  parseMyTrade,
  parseOrder,
  parsePublicTrade,
  parseTicker,
  type ParsedBalance,
  type ParsedCandle,
  type ParsedOrder,
  type ParsedTrade,
} from './payload.js';

const MINUTE = 60_000;
const EPS = 1e-9;
/** ccxt precision modes. */
const TICK_SIZE = 4;
const REQUIRED = ['fetchOHLCV', 'fetchTicker', 'createOrder'] as const;

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

interface OrderRec {
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

type Lookup = { kind: 'found'; order: ParsedOrder } | { kind: 'absent' } | { kind: 'unknown'; error: VenueError };

interface ExchangeMarket {
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
interface CcxtExchange {
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

/** Codes that mean the exchange (or our access to it) is down rather than one request being wrong. */
const LINK_CODES: ReadonlySet<VenueErrorCode> = new Set([
  'RATE_LIMITED',
  'EXCHANGE_UNAVAILABLE',
  'MAINTENANCE',
  'TIMEOUT',
  'NETWORK',
  'AUTH_FAILED',
  'PERMISSION_DENIED',
  'ACCOUNT_SUSPENDED',
]);

/** Stream errors a reconnect cannot fix: the capability is polled instead. */
const PERMANENT_STREAM_CODES: ReadonlySet<VenueErrorCode> = new Set(['NOT_SUPPORTED', 'BAD_REQUEST', 'BAD_SYMBOL']);

const emptyHealth = (): CcxtVenueHealth => ({
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

export class CcxtVenue implements Venue {
  readonly id: string;
  readonly exchangeId: string;
  private readonly ex: CcxtExchange;
  private readonly clock: Clock;
  private readonly symbols: string[];
  private readonly streaming: 'auto' | 'poll';
  private readonly pollMs: number;
  private readonly barPollMs: number;
  private readonly barGraceMs: number;
  private readonly reconcileMs: number;
  private readonly retry: RetryPolicy;
  private readonly idFormat: ClientOrderIdFormat;
  private readonly accountCurrencyOpt: string | undefined;

  private marketsReady: Promise<void> | undefined;
  private instrumentList: Instrument[] = [];
  private readonly instrumentBySymbol = new Map<string, Instrument>();

  private listener: VenueListener | null = null;
  private running = false;
  private generation = 0;
  private connectedReported = false;
  private readonly down = new Map<string, string>();
  private readonly sleepers = new Set<{ handle: TimerHandle; resolve: () => void }>();

  private readonly orders = new Map<string, OrderRec>();
  private readonly byVenueId = new Map<string, OrderRec>();
  private readonly byExClientId = new Map<string, OrderRec>();
  /** Trades whose order id is not known yet (its createOrder is still in flight). */
  private readonly pendingTrades = new Map<string, ParsedTrade[]>();
  private readonly seenFills = new Set<string>();
  private readonly foreignSeen = new Set<string>();
  private readonly lastQuotes = new Map<string, Quote>();
  private readonly lastBarTs = new Map<string, number>();
  private readonly lastPublicTradeTs = new Map<string, number>();
  private readonly recentPublicTrades = new Map<string, Set<string>>();
  /** Average-cost basis from this session's fills. */
  private readonly basis = new Map<string, { qty: number; cost: number }>();
  private reconcileAllRunning: Promise<void> | undefined;
  /** watchOrders and watchMyTrades are in use and working for good. */
  private orderStreamsOk = false;
  private counters: CcxtVenueHealth = emptyHealth();

  constructor(opts: CcxtVenueOptions) {
    this.exchangeId = opts.exchangeId;
    this.id = `ccxt:${opts.exchangeId}`;
    this.clock = opts.clock;
    this.symbols = [...new Set(opts.symbols)];
    const ctx = { venue: opts.exchangeId, endpoint: 'constructor' };
    if (this.symbols.length === 0) throw venueError('BAD_REQUEST', { ...ctx, field: 'symbols' }, 'at least one symbol is required');
    const ctor =
      (ccxt.pro as unknown as Record<string, ExchangeCtor | undefined>)[opts.exchangeId] ??
      (ccxt as unknown as Record<string, ExchangeCtor | undefined>)[opts.exchangeId];
    if (!ccxt.exchanges.includes(opts.exchangeId) || typeof ctor !== 'function') {
      throw venueError('NOT_SUPPORTED', { ...ctx, field: 'exchangeId' }, `'${opts.exchangeId}' is not a ccxt exchange id`);
    }
    this.streaming = opts.streaming ?? 'auto';
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.pollMs = Math.max(1, opts.pollIntervalMs ?? 2_000);
    this.barPollMs = Math.max(1, opts.barPollIntervalMs ?? 10_000);
    this.barGraceMs = Math.max(0, opts.barGraceMs ?? 3_000);
    this.reconcileMs = Math.max(1, opts.reconcileIntervalMs ?? 30_000);
    this.idFormat = opts.clientOrderIdFormat ?? defaultClientOrderIdFormat(opts.exchangeId);
    this.accountCurrencyOpt = opts.accountCurrency;
    const config: Record<string, unknown> = {
      apiKey: opts.apiKey,
      secret: opts.secret,
      enableRateLimit: true,
      enableLastJsonResponse: true,
      timeout: opts.timeoutMs ?? 10_000,
    };
    if (opts.password !== undefined) config.password = opts.password;
    this.ex = new ctor(config) as CcxtExchange;
    const missing = REQUIRED.filter((m) => !this.ex.has[m]);
    if (missing.length) {
      throw venueError(
        'NOT_SUPPORTED',
        { ...ctx, field: 'exchangeId' },
        `ccxt exchange '${opts.exchangeId}' lacks ${missing.join(', ')}; CcxtVenue needs ${REQUIRED.join(', ')}`,
      );
    }
    if (opts.sandbox) {
      const noSandbox = venueError('NOT_SUPPORTED', { ...ctx, endpoint: 'setSandboxMode', field: 'sandbox' }, `'${opts.exchangeId}' has no testnet/sandbox in ccxt`);
      if (!this.ex.urls.test) throw noSandbox;
      try {
        this.ex.setSandboxMode(true);
      } catch {
        throw noSandbox;
      }
    }
    this.guardStreamSends();
    if (opts.urls) {
      const api = this.ex.urls.api;
      if (api && typeof api === 'object') this.ex.urls.api = { ...(api as Record<string, unknown>), ...opts.urls };
      else this.ex.urls.api = opts.urls.api ?? opts.urls.rest ?? Object.values(opts.urls)[0];
    }
  }

  // ---- Venue --------------------------------------------------------------

  async connect(listener: VenueListener): Promise<void> {
    if (this.running) await this.disconnect();
    await this.ensureMarkets();
    if (this.usesPlainWs() && typeof this.ex.loadHttpProxyAgent === 'function') await this.ex.loadHttpProxyAgent();
    // one authenticated request: bad credentials fail here with a clear AUTH_FAILED
    await this.call('fetchBalance', () => this.ex.fetchBalance());
    this.listener = listener;
    this.running = true;
    const gen = ++this.generation;
    this.down.clear();
    this.connectedReported = true;
    this.emit((l) => l.onConnection('connected'));
    const now = this.clock.now();
    for (const s of this.symbols) {
      if (!this.lastBarTs.has(s)) this.lastBarTs.set(s, floorMinute(now) - MINUTE);
      this.lastPublicTradeTs.set(s, now);
    }
    this.startFeeds(gen);
  }

  async disconnect(): Promise<void> {
    const l = this.listener;
    this.running = false;
    this.generation++;
    for (const s of this.sleepers) {
      this.clock.cancelTimer(s.handle);
      s.resolve();
    }
    this.sleepers.clear();
    try {
      await this.ex.close();
    } catch {
      // closing sockets that are already gone
    }
    this.listener = null;
    this.connectedReported = false;
    if (l) this.safe(() => l.onConnection('disconnected', 'disconnect requested'));
  }

  async instruments(): Promise<Instrument[]> {
    await this.ensureMarkets();
    return this.instrumentList.map((i) => ({ ...i }));
  }

  async getBars(symbol: string, limit: number): Promise<Bar[]> {
    await this.ensureMarkets();
    this.requireSymbol(symbol, 'fetchOHLCV');
    const n = Math.max(0, Math.min(10_000, Math.floor(limit)));
    if (n === 0) return [];
    const cur = floorMinute(this.clock.now());
    const chunk = this.ohlcvChunk();
    const out = new Map<number, Bar>();
    let since = cur - n * MINUTE;
    for (let guard = 0; since < cur && guard < 1_000; guard++) {
      const from = since;
      const raw = await this.call('fetchOHLCV', () => this.ex.fetchOHLCV(symbol, '1m', from, chunk));
      const candles = this.candles(raw, symbol, 'fetchOHLCV');
      let maxTs = -Infinity;
      for (const c of candles) {
        maxTs = Math.max(maxTs, c.ts);
        if (c.ts >= from && c.ts < cur) out.set(c.ts, { symbol, ...c });
      }
      since = maxTs >= from ? maxTs + MINUTE : from + chunk * MINUTE;
    }
    return [...out.values()].sort((a, b) => a.ts - b.ts).slice(-n);
  }

  isMarketOpen(symbol: string, _ts: number): boolean {
    if (!this.instrumentBySymbol.has(symbol)) return false;
    return this.ex.markets?.[symbol]?.active !== false;
  }

  async submitOrder(request: VenueOrderRequest): Promise<void> {
    const req = { ...request };
    if (this.orders.has(req.clientOrderId)) {
      this.counters.duplicateClientIdsRefused++;
      this.emitUpdate({
        kind: 'rejected',
        clientOrderId: req.clientOrderId,
        code: 'DUPLICATE_CLIENT_ORDER_ID',
        reason: `${this.exchangeId} createOrder: client order id '${req.clientOrderId}' was already used; not sent (field 'clientOrderId')`,
        ts: this.clock.now(),
      });
      return;
    }
    let rec: OrderRec;
    try {
      // after connect() the markets are loaded: the order is registered synchronously,
      // so a cancel issued right after submitOrder() finds it
      if (!this.instrumentBySymbol.size) await this.ensureMarkets();
      rec = this.prepare(req);
    } catch (e) {
      const ve = this.toVenueError(e, 'createOrder');
      this.noteError(ve);
      this.emitUpdate({ kind: 'rejected', clientOrderId: req.clientOrderId, code: rejectCodeFor(ve, req.side), reason: ve.message, ts: this.clock.now() });
      return;
    }
    this.orders.set(rec.clientOrderId, rec);
    this.byExClientId.set(rec.exClientId, rec);
    await this.send(rec);
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    const rec = this.orders.get(clientOrderId);
    if (!rec) return this.cancelRejected(clientOrderId, `${this.exchangeId} cancelOrder: unknown order ${clientOrderId}`);
    if (rec.terminal) return this.cancelRejected(clientOrderId, `${this.exchangeId} cancelOrder: order ${clientOrderId} is already done`);
    if (!rec.venueOrderId) {
      // still being placed: cancel as soon as the exchange acknowledges it
      rec.cancelAfterAck = true;
      return;
    }
    rec.cancelRequested = true;
    const id = rec.venueOrderId;
    try {
      await this.call('cancelOrder', () => this.ex.cancelOrder(id, rec.symbol));
    } catch (e) {
      const ve = this.toVenueError(e, 'cancelOrder');
      if (ve.code !== 'ORDER_NOT_FOUND') {
        // an ambiguous failure may still have canceled it: the reconcile tells
        if (!ve.ambiguous) rec.cancelRequested = false;
        this.cancelRejected(clientOrderId, ve.message);
        this.scheduleReconcile(rec);
        return;
      }
      // gone already (filled, canceled outside): the reconcile below tells which
    }
    await this.reconcileOrder(rec);
    if (!rec.terminal) return; // the exchange cancels asynchronously; the next reconcile reports it
    if (rec.cumQty >= rec.qty - EPS && rec.cancelRequested) {
      rec.cancelRequested = false;
      this.cancelRejected(clientOrderId, `${this.exchangeId} cancelOrder: order ${clientOrderId} already filled`);
    }
  }

  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    const rec = this.orders.get(clientOrderId);
    if (!rec) return this.cancelRejected(clientOrderId, `${this.exchangeId} editOrder: unknown order ${clientOrderId}`);
    if (rec.terminal || !rec.venueOrderId) {
      return this.cancelRejected(clientOrderId, `${this.exchangeId} editOrder: order ${clientOrderId} is ${rec.terminal ? 'done' : 'not acknowledged yet'}`);
    }
    if (this.ex.has.editOrder !== true) {
      // ccxt's 'emulated' editOrder is a cancel plus a new order without our client order id
      return this.cancelRejected(clientOrderId, `${this.exchangeId} editOrder: replace is not supported by this exchange (no native editOrder in ccxt); cancel and resubmit`);
    }
    const ctx = this.ctx('editOrder');
    try {
      const qty = changes.qty ?? rec.qty;
      const amountStr = this.ex.amountToPrecision(rec.symbol, qty);
      const priceStr = rec.type === 'limit' ? this.ex.priceToPrecision(rec.symbol, changes.limitPrice ?? rec.limitPrice!) : undefined;
      const amount = Number(amountStr);
      const price = priceStr === undefined ? undefined : Number(priceStr);
      if (!(amount > rec.cumQty)) throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${amountStr} must exceed the ${rec.cumQty} already filled`);
      const venueId = rec.venueOrderId;
      const raw = await this.call('editOrder', () => this.ex.editOrder(venueId, rec.symbol, rec.type, rec.side, amount, price), { attempts: 1 });
      const o = parseOrder(raw, ctx);
      if (o.id !== rec.venueOrderId) {
        this.byVenueId.delete(rec.venueOrderId);
        rec.venueOrderId = o.id;
        this.byVenueId.set(o.id, rec);
      }
      rec.qty = amount;
      rec.limitPrice = price;
      this.emitUpdate({ kind: 'replaced', clientOrderId, qty: amount, limitPrice: price, ts: this.clock.now() });
    } catch (e) {
      const ve = this.toVenueError(e, 'editOrder');
      this.noteError(ve);
      this.cancelRejected(clientOrderId, ve.message);
      this.scheduleReconcile(rec);
    }
  }

  async getAccount(): Promise<VenueAccount> {
    await this.ensureMarkets();
    const bal = await this.balances();
    const ccy = this.accountCurrency();
    const cash = bal.total[ccy] ?? 0;
    let equity = cash;
    for (const [symbol, base] of this.positionSymbols()) {
      const q = bal.total[base] ?? 0;
      if (q > 0) equity += q * (await this.markPrice(symbol));
    }
    return { cash, equity, buyingPower: bal.free[ccy] ?? 0 };
  }

  async getPositions(): Promise<VenuePosition[]> {
    await this.ensureMarkets();
    const bal = await this.balances();
    const out: VenuePosition[] = [];
    for (const [symbol, base] of this.positionSymbols()) {
      const qty = bal.total[base] ?? 0;
      const lot = this.instrumentBySymbol.get(symbol)!.lotSize;
      if (qty < lot / 2) continue;
      out.push({ symbol, qty, avgPrice: await this.costBasis(symbol, qty, lot) });
    }
    return out;
  }

  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    await this.ensureMarkets();
    const out: VenueOpenOrder[] = [];
    for (const symbol of this.symbols) {
      const list = await this.call('fetchOpenOrders', () => this.ex.fetchOpenOrders(symbol));
      for (const o of this.orderList(list, 'fetchOpenOrders')) {
        if (o.status !== 'open') continue;
        const rec = this.byVenueId.get(o.id) ?? (o.clientOrderId ? this.byExClientId.get(o.clientOrderId) : undefined);
        out.push({
          clientOrderId: rec?.clientOrderId ?? o.clientOrderId ?? `external:${o.id}`,
          venueOrderId: o.id,
          symbol: o.symbol,
          side: o.side,
          type: o.type === 'market' ? 'market' : 'limit',
          qty: o.amount,
          limitPrice: o.price,
          timeInForce: rec?.timeInForce ?? 'gtc',
          filledQty: o.filled,
        });
      }
    }
    return out;
  }

  /**
   * One order by client order id, as the exchange reports it now. undefined
   * only when listings of open and done orders prove it absent (for an order
   * this session did not send: within the last day); throws when the
   * exchange cannot tell or answers something contradictory.
   */
  async getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    await this.ensureMarkets();
    const rec = this.orders.get(clientOrderId);
    let o: ParsedOrder;
    if (rec?.venueOrderId) {
      const id = rec.venueOrderId;
      const raw = await this.call('fetchOrder', () => this.ex.fetchOrder(id, rec.symbol));
      o = this.checkOwn(this.parsed(() => parseOrder(raw, this.ctx('fetchOrder')), 'fetchOrder'), rec, 'fetchOrder');
    } else {
      const found = await this.lookupBy({
        exClientId: rec?.exClientId ?? this.exchangeClientOrderId(clientOrderId),
        symbols: rec ? [rec.symbol] : this.symbols,
        since: rec ? rec.createdAt - 10 * MINUTE : this.clock.now() - 24 * 60 * MINUTE,
        rec,
      });
      if (found.kind === 'absent') return undefined;
      if (found.kind === 'unknown') throw found.error;
      o = found.order;
    }
    const status: VenueOrderState['status'] =
      o.status === 'open' ? (o.filled > EPS ? 'partially_filled' : 'accepted') : o.status === 'closed' ? (o.filled >= o.amount - EPS * Math.max(1, o.amount) ? 'filled' : 'canceled') : o.status;
    const type: OrderType = o.type === 'market' ? 'market' : 'limit';
    return {
      clientOrderId,
      venueOrderId: o.id,
      symbol: o.symbol,
      side: o.side,
      type,
      qty: o.amount,
      limitPrice: type === 'limit' ? o.price : undefined,
      timeInForce: rec?.timeInForce ?? 'gtc',
      status,
      filledQty: o.filled,
      avgFillPrice: o.filled > 0 ? (o.average ?? o.price ?? 0) : 0,
    };
  }

  /**
   * Every execution of one order, oldest first, with the fillIds the live
   * path emits (`${symbol}:${tradeId}`). A trade that contradicts the order
   * (other side or symbol, more than its quantity, a bad price) is refused
   * with an error naming the order and the field.
   */
  async getFills(clientOrderId: string): Promise<VenueFill[]> {
    await this.ensureMarkets();
    const rec = this.orders.get(clientOrderId);
    let ref: { id: string; symbol: string; side: OrderSide; qty: number; since: number };
    if (rec?.venueOrderId) {
      ref = { id: rec.venueOrderId, symbol: rec.symbol, side: rec.side, qty: rec.qty, since: rec.createdAt - 10 * MINUTE };
    } else {
      const st = await this.getOrder(clientOrderId);
      if (!st) return [];
      ref = { id: st.venueOrderId, symbol: st.symbol, side: st.side, qty: st.qty, since: this.clock.now() - 24 * 60 * MINUTE };
    }
    const trades = new Map<string, ParsedTrade>();
    const take = (raw: unknown, endpoint: string): void => {
      if (!Array.isArray(raw)) throw this.countMalformed(malformed(this.ctx(endpoint), 'trades', raw, 'an array'));
      for (const item of raw) {
        const t = this.parsed(() => parseMyTrade(item, this.ctx(endpoint)), endpoint);
        if (t.orderId === ref.id) trades.set(t.id, t);
      }
    };
    if (this.ex.has.fetchOrderTrades) take(await this.call('fetchOrderTrades', () => this.ex.fetchOrderTrades(ref.id, ref.symbol)), 'fetchOrderTrades');
    if (trades.size === 0 && this.ex.has.fetchMyTrades) take(await this.call('fetchMyTrades', () => this.ex.fetchMyTrades(ref.symbol, ref.since)), 'fetchMyTrades');
    const out: VenueFill[] = [];
    let cum = 0;
    for (const t of [...trades.values()].sort((a, b) => a.timestamp - b.timestamp)) {
      const ctx = { ...this.ctx('getFills'), subject: `trade ${t.id} of order ${clientOrderId}` };
      if (t.side !== ref.side) throw this.countMalformed(malformed(ctx, 'trade.side', t.side, `'${ref.side}', the side of order ${clientOrderId}`));
      if (t.symbol !== ref.symbol) throw this.countMalformed(malformed(ctx, 'trade.symbol', t.symbol, `'${ref.symbol}', the symbol of order ${clientOrderId}`));
      cum = round12(cum + t.amount);
      if (cum > ref.qty + EPS * Math.max(1, ref.qty)) throw this.countMalformed(malformed(ctx, 'trade.amount', t.amount, `at most the ${round12(ref.qty - cum + t.amount)} left on order ${clientOrderId}`));
      out.push({
        clientOrderId,
        fillId: `${t.symbol}:${t.id}`,
        symbol: t.symbol,
        side: t.side,
        qty: t.amount,
        price: t.price,
        fee: this.feeInQuote(t.symbol, t),
        ts: t.timestamp,
        cumQty: cum,
        leavesQty: Math.max(0, round12(ref.qty - cum)),
      });
    }
    return out;
  }

  /**
   * Cancels every open order of the configured symbols in one request per
   * symbol (ccxt cancelAllOrders), where the exchange has it; otherwise does
   * nothing and the engine cancels order by order. The 'canceled' events
   * follow from the REST reconcile of each order.
   */
  async cancelAll(): Promise<void> {
    if (this.ex.has.cancelAllOrders !== true) return;
    await this.ensureMarkets();
    for (const r of this.orders.values()) {
      if (r.terminal) continue;
      if (r.venueOrderId) r.cancelRequested = true;
      else r.cancelAfterAck = true; // still being placed or resolved: canceled once found
    }
    let firstError: unknown;
    for (const symbol of this.symbols) {
      try {
        await this.call('cancelAllOrders', () => this.ex.cancelAllOrders(symbol));
      } catch (e) {
        firstError ??= e;
      }
    }
    for (const r of [...this.orders.values()]) if (r.venueOrderId && !r.terminal) this.scheduleReconcile(r);
    if (firstError !== undefined) throw firstError;
  }

  // ---- extras -------------------------------------------------------------

  /** Counters of retries, rate limits, malformed payloads, reconnects and the like. */
  health(): CcxtVenueHealth {
    return { ...this.counters, malformedByEndpoint: { ...this.counters.malformedByEndpoint } };
  }

  /** The client order id the exchange sees for an engine client order id. */
  exchangeClientOrderId(clientOrderId: string): string {
    return exchangeClientOrderId(clientOrderId, this.idFormat);
  }

  /** The venue order id of an order placed through this venue, once acknowledged. */
  venueOrderIdOf(clientOrderId: string): string | undefined {
    return this.orders.get(clientOrderId)?.venueOrderId;
  }

  /** Latest quote received for a symbol. */
  lastQuote(symbol: string): Quote | undefined {
    return this.lastQuotes.get(symbol);
  }

  /** Whether data arrives through watch* streams (true) or polling (false) for a capability. */
  streams(capability: 'watchTicker' | 'watchTrades' | 'watchOHLCV' | 'watchOrders' | 'watchMyTrades'): boolean {
    return this.streaming === 'auto' && this.ex.has[capability] === true;
  }

  // ---- markets ------------------------------------------------------------

  private ensureMarkets(): Promise<void> {
    if (!this.marketsReady) {
      this.marketsReady = this.loadMarkets().catch((e: unknown) => {
        this.marketsReady = undefined;
        throw e;
      });
    }
    return this.marketsReady;
  }

  private async loadMarkets(): Promise<void> {
    const loaded = await this.call('loadMarkets', () => this.ex.loadMarkets());
    const markets = this.ex.markets ?? loaded;
    const ctx = this.ctx('loadMarkets');
    const list: Instrument[] = [];
    for (const symbol of this.symbols) {
      const m = markets[symbol];
      if (!m) {
        const some = Object.keys(markets).slice(0, 8).join(', ');
        throw venueError('BAD_SYMBOL', { ...ctx, field: 'symbols' }, `'${symbol}' is not a market of ${this.exchangeId} (markets include ${some})`);
      }
      if (m.spot === false || (m.type !== undefined && m.type !== 'spot')) {
        throw venueError('NOT_SUPPORTED', { ...ctx, field: 'symbols' }, `'${symbol}' is a ${m.type ?? 'non-spot'} market; only spot markets are supported`);
      }
      const tick = this.increment(m.precision?.price, `markets['${symbol}'].precision.price`, ctx);
      const lot = this.increment(m.precision?.amount, `markets['${symbol}'].precision.amount`, ctx);
      const minCost = m.limits?.cost?.min;
      if (minCost !== undefined && minCost !== null && (typeof minCost !== 'number' || !Number.isFinite(minCost) || minCost < 0)) {
        throw this.countMalformed(malformed(ctx, `markets['${symbol}'].limits.cost.min`, minCost, 'a finite number >= 0'));
      }
      const inst = Instrument.parse({
        symbol,
        name: `${m.base}/${m.quote} (${this.exchangeId})`,
        assetClass: 'crypto',
        sector: 'crypto',
        tickSize: tick,
        lotSize: lot,
        minNotional: minCost ?? 0,
        // spot: selling needs the base currency; there is no borrowing
        shortable: false,
        calendar: '24x7',
      });
      list.push(inst);
      this.instrumentBySymbol.set(symbol, inst);
    }
    this.instrumentList = list;
  }

  /** A market precision value as an increment (ccxt precision mode TICK_SIZE, or decimal places). */
  private increment(p: unknown, field: string, ctx: ErrorContext): number {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || (this.ex.precisionMode === TICK_SIZE && p === 0)) {
      throw this.countMalformed(malformed(ctx, field, p, this.ex.precisionMode === TICK_SIZE ? 'a tick size > 0' : 'a number of decimal places'));
    }
    return this.ex.precisionMode === TICK_SIZE ? p : Number((10 ** -Math.round(p)).toPrecision(12));
  }

  private requireSymbol(symbol: string, endpoint: string): Instrument {
    const inst = this.instrumentBySymbol.get(symbol);
    if (!inst) throw venueError('BAD_SYMBOL', this.ctx(endpoint, 'symbol'), `'${symbol}' is not one of this venue's symbols (${this.symbols.join(', ')})`);
    return inst;
  }

  private accountCurrency(): string {
    return this.accountCurrencyOpt ?? this.ex.markets?.[this.symbols[0]!]?.quote ?? 'USD';
  }

  /** One symbol per base currency: the first configured symbol with that base. */
  private positionSymbols(): [string, string][] {
    const seen = new Set<string>();
    const out: [string, string][] = [];
    for (const s of this.symbols) {
      const base = this.ex.markets?.[s]?.base;
      if (!base || seen.has(base)) continue;
      seen.add(base);
      out.push([s, base]);
    }
    return out;
  }

  private ohlcvChunk(): number {
    const f = this.ex.features;
    const lim = f?.spot?.fetchOHLCV?.limit ?? f?.default?.fetchOHLCV?.limit;
    return typeof lim === 'number' && lim > 0 ? Math.min(lim, 1_000) : 200;
  }

  // ---- order entry --------------------------------------------------------

  private prepare(req: VenueOrderRequest): OrderRec {
    const ctx = this.ctx('createOrder');
    const inst = this.requireSymbol(req.symbol, 'createOrder');
    if (!(Number.isFinite(req.qty) && req.qty > 0)) throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${req.qty} must be a finite number > 0`);
    // ccxt throws InvalidOrder when the amount is below the smallest increment
    const amountStr = this.rounded(() => this.ex.amountToPrecision(req.symbol, req.qty), 'qty');
    const amount = Number(amountStr);
    if (!(amount > 0)) throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${req.qty} rounds to ${amountStr}`);
    const minAmount = this.ex.markets?.[req.symbol]?.limits?.amount?.min;
    if (typeof minAmount === 'number' && amount < minAmount - EPS) {
      throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `qty ${amountStr} is below the minimum ${minAmount}`);
    }
    let priceStr: string | undefined;
    let price: number | undefined;
    if (req.type === 'limit') {
      if (req.limitPrice === undefined || !(Number.isFinite(req.limitPrice) && req.limitPrice > 0)) {
        throw venueError('INVALID_ORDER', { ...ctx, field: 'limitPrice' }, `limit orders need a limitPrice > 0 (got ${String(req.limitPrice)})`);
      }
      const lp = req.limitPrice;
      priceStr = this.rounded(() => this.ex.priceToPrecision(req.symbol, lp), 'limitPrice');
      price = Number(priceStr);
      if (!(price > 0)) throw venueError('INVALID_ORDER', { ...ctx, field: 'limitPrice' }, `limitPrice ${req.limitPrice} rounds to ${priceStr}`);
    }
    const q = this.lastQuotes.get(req.symbol);
    const ref = price ?? (q ? (req.side === 'buy' ? q.ask : q.bid) : undefined);
    if (inst.minNotional > 0 && ref !== undefined && ref * amount < inst.minNotional - EPS) {
      throw venueError('INVALID_ORDER', { ...ctx, field: 'qty' }, `notional ${(ref * amount).toFixed(8)} is below the minimum ${inst.minNotional}`);
    }
    return {
      clientOrderId: req.clientOrderId,
      exClientId: exchangeClientOrderId(req.clientOrderId, this.idFormat),
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      requestedQty: req.qty,
      requestedPrice: req.limitPrice,
      qty: amount,
      limitPrice: price,
      amountStr,
      priceStr,
      createdAt: this.clock.now(),
      venueOrderId: undefined,
      accepted: false,
      terminal: false,
      cumQty: 0,
      cancelRequested: false,
      cancelAfterAck: false,
      reconcileAfterAck: false,
      unresolved: undefined,
      sendError: undefined,
      reconciling: undefined,
      reconcileAgain: false,
    };
  }

  private rounded(fn: () => string, field: string): string {
    try {
      return fn();
    } catch (e) {
      throw mapCcxtError(e, this.ctx('createOrder', field));
    }
  }

  private orderParams(rec: OrderRec): Record<string, unknown> {
    const params: Record<string, unknown> = { clientOrderId: rec.exClientId };
    // crypto trades around the clock: a 'day' order rests until canceled
    if (rec.type === 'limit') params.timeInForce = rec.timeInForce === 'ioc' ? 'IOC' : 'GTC';
    return params;
  }

  /**
   * Sends the order. Only an answer proving the exchange refused it rejects
   * it. Any other failure leaves the outcome unknown: the order is looked up
   * by client order id before anything else. It is re-sent only when the
   * exchange asked for a retry (rate limit, unavailable, timeout, network)
   * and the lookup proves it absent; when lookups cannot tell, the order
   * stays pending (isResolving) and the reconcile poll keeps looking.
   */
  private async send(rec: OrderRec): Promise<void> {
    const params = this.orderParams(rec);
    let lastError: VenueError | undefined;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (lastError) {
        await this.sleep(retryDelayMs(lastError, attempt - 1, this.retry, this.ex.rateLimit));
        if (rec.terminal || rec.venueOrderId) return; // resolved meanwhile (a stream or the poll found it)
        const found = await this.lookup(rec);
        if (rec.terminal || rec.venueOrderId) return;
        if (found.kind === 'found') {
          this.counters.adoptedAfterLookup++;
          return this.adopt(rec, found.order);
        }
        if (found.kind === 'unknown') return this.unresolved(rec, lastError, found.error);
        if (!lastError.retryable) return this.neverCreated(rec, lastError);
        this.counters.resends++;
      }
      try {
        this.counters.requests++;
        const raw = await this.ex.createOrder(rec.symbol, rec.type, rec.side, rec.qty, rec.limitPrice, params);
        const o = this.checkOwn(parseOrder(raw, this.ctx('createOrder')), rec, 'createOrder');
        return this.adopt(rec, o);
      } catch (e) {
        const ve = this.toVenueError(e, 'createOrder');
        this.noteError(ve);
        if (refusalProven(ve)) {
          rec.terminal = true;
          this.emitUpdate({ kind: 'rejected', clientOrderId: rec.clientOrderId, code: rejectCodeFor(ve, rec.side), reason: ve.message, ts: this.clock.now() });
          this.dropUnclaimedTrades();
          return;
        }
        lastError = ve;
      }
    }
    // attempts used up; one last look
    const found = await this.lookup(rec);
    if (rec.terminal || rec.venueOrderId) return;
    if (found.kind === 'found') {
      this.counters.adoptedAfterLookup++;
      return this.adopt(rec, found.order);
    }
    if (found.kind === 'absent') return this.neverCreated(rec, lastError!);
    this.unresolved(rec, lastError!, found.error);
  }

  /** The outcome is unknown: nothing is reported; the order stays pending and is looked up each reconcile pass. */
  private unresolved(rec: OrderRec, last: VenueError, lookupError: VenueError): void {
    if (rec.unresolved === undefined) this.counters.unresolved++;
    rec.sendError = last;
    rec.unresolved = `${last.message}; outcome unknown (lookup by client order id: ${lookupError.message})`;
  }

  /** Lookups covering open and done orders prove the order absent: it was never created. */
  private neverCreated(rec: OrderRec, last: VenueError | undefined): void {
    const wasUnresolved = rec.unresolved !== undefined;
    rec.terminal = true;
    rec.unresolved = undefined;
    if (wasUnresolved) this.counters.provenAbsent++;
    const cause = last ? `${last.message}; ` : '';
    this.emitUpdate({
      kind: 'rejected',
      clientOrderId: rec.clientOrderId,
      code: last ? rejectCodeFor(last, rec.side) : 'INVALID_ORDER',
      reason: `${cause}never created at ${this.exchangeId}: its open and recent orders do not include client order id ${rec.exClientId}`,
      ts: this.clock.now(),
    });
    this.dropUnclaimedTrades();
  }

  /** True while a submission's outcome is being established: in flight, or unknown and looked up each reconcile pass. */
  isResolving(clientOrderId: string): boolean {
    const rec = this.orders.get(clientOrderId);
    return !!rec && !rec.venueOrderId && !rec.terminal;
  }

  /** An exchange order claimed to be ours must agree with what we sent. */
  private checkOwn(o: ParsedOrder, rec: OrderRec, endpoint: string): ParsedOrder {
    const ctx = this.ctx(endpoint);
    if (o.clientOrderId !== undefined && o.clientOrderId !== rec.exClientId) throw malformed(ctx, 'clientOrderId', o.clientOrderId, `'${rec.exClientId}'`);
    if (o.symbol !== rec.symbol) throw malformed(ctx, 'symbol', o.symbol, `'${rec.symbol}'`);
    if (o.side !== rec.side) throw malformed(ctx, 'side', o.side, `'${rec.side}'`);
    return o;
  }

  /** Looks one of our orders up by its client order id (see lookupBy). */
  private lookup(rec: OrderRec): Promise<Lookup> {
    return this.lookupBy({ exClientId: rec.exClientId, symbols: [rec.symbol], since: rec.createdAt - 10 * MINUTE, rec });
  }

  /**
   * Looks an order up by its client order id through every means the
   * exchange offers: fetchOrder with the client id where ccxt supports it,
   * then the open and the recent orders (where the lookup by client id is
   * missing or unreliable). "Absent" needs proof from listings that cover
   * both open and done orders; anything less is "unknown", and unknown is
   * never re-sent nor reported rejected.
   */
  private async lookupBy(target: { exClientId: string; symbols: string[]; since: number; rec?: OrderRec }): Promise<Lookup> {
    this.counters.lookups++;
    const has = this.ex.has;
    const { exClientId, rec } = target;
    const own = (o: ParsedOrder, endpoint: string): ParsedOrder => (rec ? this.checkOwn(o, rec, endpoint) : o);
    let coversOpen = false;
    let coversDone = false;
    try {
      if (has.fetchOrder) {
        try {
          const symbol = target.symbols.length === 1 ? target.symbols[0] : undefined;
          const raw = await this.call('fetchOrder', () => this.ex.fetchOrder(undefined, symbol, { clientOrderId: exClientId }));
          const o = own(parseOrder(raw, this.ctx('fetchOrder')), 'fetchOrder');
          // only an answer carrying our client order id is ours (some exchanges ignore the param)
          if (o.clientOrderId === exClientId) return { kind: 'found', order: o };
        } catch (e) {
          const ve = this.toVenueError(e, 'fetchOrder');
          if (!['ORDER_NOT_FOUND', 'NOT_SUPPORTED', 'BAD_REQUEST', 'INVALID_ORDER'].includes(ve.code)) throw ve;
        }
      }
      for (const symbol of target.symbols) {
        const lists: [string, () => Promise<unknown>, boolean, boolean][] = [];
        if (has.fetchOpenOrders) lists.push(['fetchOpenOrders', () => this.ex.fetchOpenOrders(symbol), true, false]);
        if (has.fetchOrders) lists.push(['fetchOrders', () => this.ex.fetchOrders(symbol, target.since), true, true]);
        else if (has.fetchClosedOrders) lists.push(['fetchClosedOrders', () => this.ex.fetchClosedOrders(symbol, target.since), false, true]);
        let open = false;
        let done = false;
        for (const [endpoint, fn, o, d] of lists) {
          const raw = await this.call(endpoint, fn);
          if (!Array.isArray(raw)) throw this.countMalformed(malformed(this.ctx(endpoint), 'orders', raw, 'an array'));
          for (const item of raw) {
            const cid = (item as { clientOrderId?: unknown } | null)?.clientOrderId;
            if (cid !== exClientId) continue;
            return { kind: 'found', order: own(parseOrder(item, this.ctx(endpoint)), endpoint) };
          }
          open ||= o;
          done ||= d;
        }
        if (symbol === target.symbols[0]) {
          coversOpen = open;
          coversDone = done;
        } else {
          coversOpen &&= open;
          coversDone &&= done;
        }
      }
    } catch (e) {
      const ve = this.toVenueError(e, 'lookup');
      this.noteError(ve);
      return { kind: 'unknown', error: ve };
    }
    if (!coversOpen || !coversDone) {
      return { kind: 'unknown', error: venueError('NOT_SUPPORTED', this.ctx('lookup', 'clientOrderId'), 'this exchange cannot list both open and done orders to prove an order absent') };
    }
    return { kind: 'absent' };
  }

  /** The exchange acknowledged the order (or a lookup found it): from here on it is an order like any other. */
  private adopt(rec: OrderRec, o: ParsedOrder): void {
    rec.unresolved = undefined;
    rec.venueOrderId = o.id;
    this.byVenueId.set(o.id, rec);
    if (!rec.accepted) {
      rec.accepted = true;
      const ts = this.clock.now();
      this.emitUpdate({ kind: 'accepted', clientOrderId: rec.clientOrderId, venueOrderId: o.id, ts });
      if (Math.abs(rec.qty - rec.requestedQty) > EPS || (rec.limitPrice !== undefined && Math.abs(rec.limitPrice - (rec.requestedPrice ?? rec.limitPrice)) > EPS)) {
        // rounded to the exchange's increments: the engine tracks what was sent
        this.emitUpdate({ kind: 'replaced', clientOrderId: rec.clientOrderId, qty: rec.qty, limitPrice: rec.limitPrice, ts });
      }
    }
    const buffered = this.pendingTrades.get(o.id);
    if (buffered) {
      this.pendingTrades.delete(o.id);
      for (const t of buffered) this.applyTrade(rec, t, 'trade (buffered)');
    }
    this.dropUnclaimedTrades();
    if (rec.cancelAfterAck) {
      rec.cancelAfterAck = false;
      void this.cancelOrder(rec.clientOrderId);
    } else if (o.status !== 'open' || o.filled > rec.cumQty + EPS || rec.type === 'market' || rec.timeInForce === 'ioc' || rec.reconcileAfterAck) {
      this.scheduleReconcile(rec);
    }
  }

  // ---- fills and order state ---------------------------------------------

  private ingestTrade(raw: unknown, endpoint: string): void {
    let t: ParsedTrade;
    try {
      t = parseMyTrade(raw, this.ctx(endpoint));
    } catch (e) {
      this.noteError(this.toVenueError(e, endpoint));
      return;
    }
    const fillId = `${t.symbol}:${t.id}`;
    if (this.seenFills.has(fillId)) return;
    const rec = this.byVenueId.get(t.orderId);
    if (!rec) {
      if (this.hasInFlight()) {
        const list = this.pendingTrades.get(t.orderId) ?? [];
        if (!list.some((x) => x.id === t.id)) list.push(t);
        this.pendingTrades.set(t.orderId, list);
      } else {
        this.foreign(`trade:${fillId}`);
      }
      return;
    }
    this.applyTrade(rec, t, endpoint);
  }

  private applyTrade(rec: OrderRec, t: ParsedTrade, endpoint: string): void {
    const fillId = `${t.symbol}:${t.id}`;
    if (this.seenFills.has(fillId)) return;
    const ctx = this.ctx(endpoint);
    if (t.side !== rec.side || t.symbol !== rec.symbol) {
      this.noteError(this.countMalformed(malformed(ctx, t.side !== rec.side ? 'trade.side' : 'trade.symbol', t.side !== rec.side ? t.side : t.symbol, `that of order ${rec.clientOrderId}`)));
      return;
    }
    if (rec.cumQty + t.amount > rec.qty + EPS * Math.max(1, rec.qty)) {
      this.noteError(this.countMalformed(malformed(ctx, 'trade.amount', t.amount, `at most the ${rec.qty - rec.cumQty} left on ${rec.clientOrderId}`)));
      return;
    }
    this.seenFills.add(fillId);
    rec.cumQty = round12(rec.cumQty + t.amount);
    const leaves = Math.max(0, round12(rec.qty - rec.cumQty));
    const fee = this.feeInQuote(rec.symbol, t);
    this.trackBasis(rec.symbol, rec.side, t.amount, t.price);
    this.emitFill({
      clientOrderId: rec.clientOrderId,
      fillId,
      symbol: rec.symbol,
      side: rec.side,
      qty: t.amount,
      price: t.price,
      fee,
      ts: t.timestamp,
      cumQty: rec.cumQty,
      leavesQty: leaves,
    });
    if (leaves <= EPS) rec.terminal = true;
  }

  private feeInQuote(symbol: string, t: ParsedTrade): number {
    const m = this.ex.markets?.[symbol];
    if (!t.feeCurrency || !m || t.feeCurrency === m.quote) return t.feeCost;
    if (t.feeCurrency === m.base) return t.feeCost * t.price;
    return 0; // paid in a third currency (e.g. an exchange token): not in the account currency
  }

  /** An order update from a stream: a trigger for a REST reconcile, never trusted for terminal state. */
  private ingestOrderUpdate(raw: unknown): void {
    if (raw === null || typeof raw !== 'object') return;
    const o = raw as { id?: unknown; clientOrderId?: unknown; status?: unknown; filled?: unknown };
    const id = typeof o.id === 'string' ? o.id : undefined;
    const cid = typeof o.clientOrderId === 'string' ? o.clientOrderId : undefined;
    const rec = (id && this.byVenueId.get(id)) || (cid && this.byExClientId.get(cid)) || undefined;
    if (!rec) {
      if (id) this.foreign(`order:${id}`);
      return;
    }
    if (!rec.venueOrderId) {
      rec.reconcileAfterAck = true;
      if (rec.unresolved !== undefined) void this.resolve(rec).catch(() => undefined); // it exists: find it now
      return;
    }
    if (rec.terminal) return;
    const filled = typeof o.filled === 'number' ? o.filled : 0;
    if (o.status !== 'open' || filled > rec.cumQty + EPS) this.scheduleReconcile(rec);
  }

  private scheduleReconcile(rec: OrderRec): void {
    void this.reconcileOrder(rec).catch(() => undefined);
  }

  /** Brings one order up to date from the REST API: missing fills first, then its terminal state. */
  private reconcileOrder(rec: OrderRec): Promise<void> {
    if (rec.reconciling) {
      rec.reconcileAgain = true;
      return rec.reconciling;
    }
    const run = async (): Promise<void> => {
      do {
        rec.reconcileAgain = false;
        await this.reconcileOnce(rec);
      } while (rec.reconcileAgain && this.running);
    };
    rec.reconciling = run()
      .catch((e: unknown) => this.noteError(this.toVenueError(e, 'reconcile')))
      .finally(() => {
        rec.reconciling = undefined;
      });
    return rec.reconciling;
  }

  private async reconcileOnce(rec: OrderRec): Promise<void> {
    if (!rec.venueOrderId || (rec.terminal && !rec.cancelRequested)) return;
    this.counters.reconciles++;
    const id = rec.venueOrderId;
    const raw = await this.call('fetchOrder', () => this.ex.fetchOrder(id, rec.symbol), { attempts: 2 });
    const o = this.checkOwn(parseOrder(raw, this.ctx('fetchOrder')), rec, 'fetchOrder');
    this.noteExternalChange(rec, o);
    if (o.filled > rec.cumQty + EPS) await this.catchUpFills(rec, o);
    if (rec.terminal && rec.cumQty >= rec.qty - EPS) return; // filled
    const ts = this.clock.now();
    switch (o.status) {
      case 'open':
        return;
      case 'closed':
        if (rec.cumQty >= rec.qty - EPS) {
          rec.terminal = true;
          return;
        }
        if (o.filled > rec.cumQty + EPS) return; // fills still missing: keep reconciling
        rec.terminal = true;
        this.emitUpdate({ kind: 'canceled', clientOrderId: rec.clientOrderId, reason: `done at the venue with ${rec.cumQty} of ${rec.qty} filled`, ts });
        return;
      case 'canceled': {
        if (o.filled > rec.cumQty + EPS) return;
        rec.terminal = true;
        const requested = rec.cancelRequested;
        rec.cancelRequested = false;
        if (!requested) this.counters.externalChanges++;
        this.emitUpdate({
          kind: 'canceled',
          clientOrderId: rec.clientOrderId,
          reason: requested ? 'canceled on request' : `canceled outside the app (at ${this.exchangeId})`,
          ts,
        });
        return;
      }
      case 'expired':
        rec.terminal = true;
        this.emitUpdate({ kind: 'expired', clientOrderId: rec.clientOrderId, ts });
        return;
      case 'rejected':
        rec.terminal = true;
        this.emitUpdate({ kind: 'rejected', clientOrderId: rec.clientOrderId, code: 'INVALID_ORDER', reason: `${this.exchangeId}: order rejected after acknowledgement`, ts });
        return;
    }
  }

  /** Quantity or price changed outside the app (the exchange UI, self-trade prevention...). */
  private noteExternalChange(rec: OrderRec, o: ParsedOrder): void {
    const qtyChanged = Math.abs(o.amount - rec.qty) > EPS * Math.max(1, rec.qty);
    const priceChanged = rec.type === 'limit' && o.price !== undefined && rec.limitPrice !== undefined && Math.abs(o.price - rec.limitPrice) > EPS * rec.limitPrice;
    if (!qtyChanged && !priceChanged) return;
    if (o.amount < rec.cumQty - EPS) return; // cannot be: keep ours
    this.counters.externalChanges++;
    rec.qty = o.amount;
    if (priceChanged) rec.limitPrice = o.price;
    this.emitUpdate({ kind: 'replaced', clientOrderId: rec.clientOrderId, qty: rec.qty, limitPrice: rec.limitPrice, ts: this.clock.now() });
  }

  private async catchUpFills(rec: OrderRec, o: ParsedOrder): Promise<void> {
    const id = rec.venueOrderId!;
    let source: string | undefined;
    let raw: unknown;
    if (this.ex.has.fetchOrderTrades) {
      source = 'fetchOrderTrades';
      raw = await this.call(source, () => this.ex.fetchOrderTrades(id, rec.symbol), { attempts: 2 });
    } else if (this.ex.has.fetchMyTrades) {
      source = 'fetchMyTrades';
      raw = await this.call(source, () => this.ex.fetchMyTrades(rec.symbol, rec.createdAt - 10 * MINUTE), { attempts: 2 });
    }
    if (source && Array.isArray(raw)) {
      for (const t of raw) this.ingestTrade(t, source);
    } else if (source) {
      this.noteError(this.countMalformed(malformed(this.ctx(source), 'trades', raw, 'an array')));
    }
    if (o.filled > rec.cumQty + EPS && source === 'fetchOrderTrades' && this.ex.has.fetchMyTrades) {
      // some exchanges' order-trades endpoint wants an id ccxt does not hold (HitBTC: ccxt's
      // order id is the client order id): the account's recent trades tell the same
      const mine = await this.call('fetchMyTrades', () => this.ex.fetchMyTrades(rec.symbol, rec.createdAt - 10 * MINUTE), { attempts: 2 });
      if (Array.isArray(mine)) for (const t of mine) this.ingestTrade(t, 'fetchMyTrades');
    }
    if (o.filled <= rec.cumQty + EPS) return;
    if (source) {
      // the exchange says more was filled than its trades show: wait for valid trades
      this.counters.fillGaps++;
      return;
    }
    // no trade endpoint at all: the order's own totals are all there is
    const qty = round12(o.filled - rec.cumQty);
    const price = o.average ?? o.price;
    if (price === undefined) return;
    this.applyTrade(rec, {
      id: `${id}-cum-${o.filled}`,
      orderId: id,
      symbol: rec.symbol,
      side: rec.side,
      amount: qty,
      price,
      feeCost: 0,
      feeCurrency: undefined,
      timestamp: this.clock.now(),
    }, 'fetchOrder (order totals)');
  }

  /**
   * REST pass over every order not settled yet: orders whose outcome is
   * unknown are looked up first (adopted when found, rejected when proven
   * never created), then the account's trades and open orders are compared
   * with every live order. A failing request skips only its own symbol; the
   * first error is rethrown once every symbol has been tried.
   */
  private reconcileAll(): Promise<void> {
    if (this.reconcileAllRunning) return this.reconcileAllRunning;
    this.reconcileAllRunning = this.reconcileAllOnce().finally(() => {
      this.reconcileAllRunning = undefined;
    });
    return this.reconcileAllRunning;
  }

  private async reconcileAllOnce(): Promise<void> {
    let firstError: unknown;
    for (const r of [...this.orders.values()].filter((x) => x.unresolved !== undefined)) {
      try {
        await this.resolve(r);
      } catch (e) {
        firstError ??= e;
      }
    }
    const live = [...this.orders.values()].filter((r) => r.venueOrderId && (!r.terminal || r.cancelRequested));
    // trades of orders still in flight are buffered until their order is known
    const pending = [...this.orders.values()].filter((r) => !r.venueOrderId && !r.terminal);
    const symbols = [...new Set([...live, ...pending].map((r) => r.symbol))];
    for (const symbol of symbols) {
      try {
        await this.reconcileSymbol(
          symbol,
          live.filter((r) => r.symbol === symbol),
          pending.filter((r) => r.symbol === symbol),
        );
      } catch (e) {
        firstError ??= e;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  private async reconcileSymbol(symbol: string, mine: OrderRec[], pending: OrderRec[]): Promise<void> {
    const all = [...mine, ...pending];
    if (all.length && this.ex.has.fetchMyTrades) {
      const since = Math.min(...all.map((r) => r.createdAt)) - 10 * MINUTE;
      const raw = await this.call('fetchMyTrades', () => this.ex.fetchMyTrades(symbol, since), { attempts: 2 });
      if (Array.isArray(raw)) for (const t of raw) this.ingestTrade(t, 'fetchMyTrades');
      else this.noteError(this.countMalformed(malformed(this.ctx('fetchMyTrades'), 'trades', raw, 'an array')));
    }
    if (!mine.length) return;
    if (!this.ex.has.fetchOpenOrders) {
      for (const r of mine) await this.reconcileOrder(r);
      return;
    }
    const open = this.orderList(await this.call('fetchOpenOrders', () => this.ex.fetchOpenOrders(symbol), { attempts: 2 }), 'fetchOpenOrders');
    const byId = new Map(open.map((o) => [o.id, o]));
    for (const r of mine) {
      const o = byId.get(r.venueOrderId!);
      if (o && !r.cancelRequested) {
        this.noteExternalChange(r, o);
        if (o.filled > r.cumQty + EPS) await this.reconcileOrder(r);
      } else {
        await this.reconcileOrder(r);
      }
    }
    for (const o of open) {
      const r = this.byVenueId.get(o.id) ?? (o.clientOrderId ? this.byExClientId.get(o.clientOrderId) : undefined);
      if (!r) this.foreign(`order:${o.id}`);
    }
  }

  /** One lookup of an order whose outcome is unknown: adopted when found, rejected when proven never created, else left pending. */
  private async resolve(rec: OrderRec): Promise<void> {
    if (rec.unresolved === undefined || rec.terminal || rec.venueOrderId) return;
    const found = await this.lookup(rec);
    if (rec.unresolved === undefined || rec.terminal || rec.venueOrderId) return;
    if (found.kind === 'found') {
      this.counters.adoptedAfterLookup++;
      this.adopt(rec, found.order);
    } else if (found.kind === 'absent') {
      this.neverCreated(rec, rec.sendError);
    } else {
      throw found.error;
    }
  }

  /** Runs a payload parser; a refusal is counted and rethrown. */
  private parsed<T>(fn: () => T, endpoint: string): T {
    try {
      return fn();
    } catch (e) {
      const ve = this.toVenueError(e, endpoint);
      this.noteError(ve);
      throw ve;
    }
  }

  private orderList(raw: unknown, endpoint: string): ParsedOrder[] {
    if (!Array.isArray(raw)) {
      this.noteError(this.countMalformed(malformed(this.ctx(endpoint), 'orders', raw, 'an array')));
      return [];
    }
    const out: ParsedOrder[] = [];
    for (const item of raw) {
      try {
        out.push(parseOrder(item, this.ctx(endpoint)));
      } catch (e) {
        this.noteError(this.toVenueError(e, endpoint));
      }
    }
    return out;
  }

  private hasInFlight(): boolean {
    for (const r of this.orders.values()) if (!r.venueOrderId && !r.terminal) return true;
    return false;
  }

  /** Buffered trades nobody in flight can claim belong to orders placed elsewhere. */
  private dropUnclaimedTrades(): void {
    if (this.hasInFlight()) return;
    for (const [, list] of this.pendingTrades) for (const t of list) this.foreign(`trade:${t.symbol}:${t.id}`);
    this.pendingTrades.clear();
  }

  private foreign(key: string): void {
    if (this.foreignSeen.has(key)) return;
    this.foreignSeen.add(key);
    this.counters.foreignOrders++;
  }

  // ---- account -------------------------------------------------------------

  private async balances(): Promise<ParsedBalance> {
    const currencies = [this.accountCurrency(), ...this.positionSymbols().map(([, b]) => b)];
    const raw = await this.call('fetchBalance', () => this.ex.fetchBalance());
    try {
      return parseBalance(raw, currencies, this.ctx('fetchBalance'));
    } catch (e) {
      const ve = this.toVenueError(e, 'fetchBalance');
      this.noteError(ve);
      throw ve;
    }
  }

  private async markPrice(symbol: string): Promise<number> {
    const q = this.lastQuotes.get(symbol);
    if (q) return (q.bid + q.ask) / 2;
    const raw = await this.call('fetchTicker', () => this.ex.fetchTicker(symbol));
    try {
      const t = parseTicker(raw, this.ctx('fetchTicker'));
      return (t.bid + t.ask) / 2;
    } catch (e) {
      const ve = this.toVenueError(e, 'fetchTicker');
      this.noteError(ve);
      throw ve;
    }
  }

  private trackBasis(symbol: string, side: OrderSide, qty: number, price: number): void {
    const b = this.basis.get(symbol) ?? { qty: 0, cost: 0 };
    if (side === 'buy') {
      b.qty += qty;
      b.cost += qty * price;
    } else if (b.qty > 0) {
      const avg = b.cost / b.qty;
      b.qty = Math.max(0, b.qty - qty);
      b.cost = avg * b.qty;
    }
    this.basis.set(symbol, b);
  }

  /**
   * Average cost of a spot holding: from this session's fills when they
   * explain the balance, else by replaying the account's trade history, else
   * (nothing explains it) the current mark.
   */
  private async costBasis(symbol: string, qty: number, lot: number): Promise<number> {
    const tol = Math.max(lot, qty * 1e-6);
    const b = this.basis.get(symbol);
    if (b && b.qty > 0 && Math.abs(b.qty - qty) <= tol) return b.cost / b.qty;
    if (this.ex.has.fetchMyTrades) {
      try {
        const raw = await this.call('fetchMyTrades', () => this.ex.fetchMyTrades(symbol, undefined, 1_000), { attempts: 2 });
        if (Array.isArray(raw)) {
          const trades: ParsedTrade[] = [];
          for (const t of raw) {
            try {
              trades.push(parseMyTrade(t, this.ctx('fetchMyTrades')));
            } catch (e) {
              this.noteError(this.toVenueError(e, 'fetchMyTrades'));
            }
          }
          let q = 0;
          let cost = 0;
          for (const t of trades.sort((x, y) => x.timestamp - y.timestamp)) {
            if (t.side === 'buy') {
              q += t.amount;
              cost += t.amount * t.price;
            } else if (q > 0) {
              const avg = cost / q;
              q = Math.max(0, q - t.amount);
              cost = avg * q;
            }
          }
          if (q > 0 && Math.abs(q - qty) <= tol) return cost / q;
        }
      } catch {
        // fall through to the mark
      }
    }
    return this.markPrice(symbol);
  }

  // ---- feeds ----------------------------------------------------------------

  private startFeeds(gen: number): void {
    const perRequest = Math.max(1, this.ex.rateLimit);
    const pollQuotes = (symbols: string[]): void =>
      this.pollLoop(gen, `poll fetchTicker ${symbols.join(',')}`, () => Math.max(this.pollMs, perRequest * symbols.length), async () => {
        for (const s of symbols) {
          if (!this.alive(gen)) return;
          const raw = await this.call('fetchTicker', () => this.ex.fetchTicker(s), { attempts: 2 });
          this.onTicker(s, raw, 'fetchTicker');
        }
      });
    const pollTrades = (symbols: string[]): void =>
      this.pollLoop(gen, `poll fetchTrades ${symbols.join(',')}`, () => Math.max(this.pollMs, perRequest * symbols.length), async () => {
        for (const s of symbols) {
          if (!this.alive(gen)) return;
          const raw = await this.call('fetchTrades', () => this.ex.fetchTrades(s), { attempts: 2 });
          if (Array.isArray(raw)) for (const t of raw) this.onPublicTrade(s, t, 'fetchTrades');
        }
      });
    const pollBars = (symbols: string[]): void =>
      this.pollLoop(gen, `poll fetchOHLCV ${symbols.join(',')}`, () => Math.max(this.barPollMs, perRequest * symbols.length), async () => {
        for (const s of symbols) {
          if (!this.alive(gen)) return;
          await this.pollBarsOnce(s);
        }
      });
    // a stream the exchange refuses for good (not supported, bad request) falls back to polling
    const orderFallback = (): void => {
      this.orderStreamsOk = false;
    };
    const quotes: string[] = [];
    const trades: string[] = [];
    const bars: string[] = [];
    this.orderStreamsOk = this.streams('watchOrders') && this.streams('watchMyTrades');
    for (const s of this.symbols) {
      if (this.streams('watchTicker')) {
        this.streamLoop(gen, `watchTicker ${s}`, async () => this.onTicker(s, await this.ex.watchTicker(s), 'watchTicker'), () => pollQuotes([s]));
      } else quotes.push(s);
      if (this.streams('watchTrades')) {
        this.streamLoop(
          gen,
          `watchTrades ${s}`,
          async () => {
            const list = await this.ex.watchTrades(s);
            if (Array.isArray(list)) for (const t of list) this.onPublicTrade(s, t, 'watchTrades');
          },
          () => this.ex.has.fetchTrades && pollTrades([s]),
        );
      } else if (this.ex.has.fetchTrades) trades.push(s);
      if (this.streams('watchOHLCV')) {
        this.streamLoop(gen, `watchOHLCV ${s}`, async () => this.onStreamedCandles(s, await this.ex.watchOHLCV(s, '1m')), () => pollBars([s]));
      } else bars.push(s);
      if (this.orderStreamsOk) {
        this.streamLoop(
          gen,
          `watchOrders ${s}`,
          async () => {
            const list = await this.ex.watchOrders(s);
            if (Array.isArray(list)) for (const o of list) this.ingestOrderUpdate(o);
          },
          orderFallback,
        );
        this.streamLoop(
          gen,
          `watchMyTrades ${s}`,
          async () => {
            const list = await this.ex.watchMyTrades(s);
            if (Array.isArray(list)) for (const t of list) this.ingestTrade(t, 'watchMyTrades');
          },
          orderFallback,
        );
      }
    }
    if (quotes.length) pollQuotes(quotes);
    if (trades.length) pollTrades(trades);
    if (bars.length) pollBars(bars);
    // while order streams work, the REST reconcile is a slow safety net; otherwise it is the order feed
    this.pollLoop(gen, 'reconcile', () => (this.orderStreamsOk ? this.reconcileMs : this.pollMs), () => this.reconcileAll());
  }

  private alive(gen: number): boolean {
    return this.running && gen === this.generation;
  }

  private pollLoop(gen: number, name: string, intervalMs: () => number, body: () => Promise<void>): void {
    void (async () => {
      let failures = 0;
      while (this.alive(gen)) {
        let wait = intervalMs();
        try {
          await body();
          failures = 0;
          this.markUp(name);
        } catch (e) {
          if (!this.alive(gen)) return;
          const ve = this.toVenueError(e, name);
          this.noteError(ve);
          failures++;
          if (LINK_CODES.has(ve.code)) this.markDown(name, ve.message);
          // a poll keeps its interval through failures (so what happened meanwhile is seen
          // within one interval of the exchange answering again); only an exchange that
          // asked for a wait (rate limit, Retry-After, maintenance) is polled more slowly
          if (ve.code === 'RATE_LIMITED' || ve.code === 'MAINTENANCE' || ve.retryAfterMs !== undefined) {
            wait = Math.max(wait, retryDelayMs(ve, failures, this.retry, this.ex.rateLimit));
          }
        }
        await this.sleep(wait);
      }
    })();
  }

  /**
   * One watch* stream: reconnects with exponential backoff and reports its
   * state; when the exchange refuses the stream for good, `fallback` starts
   * polling instead.
   */
  private streamLoop(gen: number, name: string, once: () => Promise<void>, fallback: () => unknown): void {
    void (async () => {
      let failures = 0;
      while (this.alive(gen)) {
        const p = once();
        if (this.down.has(name)) await this.untilSettledOrReconnected(gen, name, p);
        try {
          await p;
          failures = 0;
          this.markUp(name);
        } catch (e) {
          if (!this.alive(gen)) return;
          const ve = this.toVenueError(e, name);
          if (ve.code === 'MALFORMED_PAYLOAD') {
            this.noteError(ve);
            await this.sleep(this.retry.baseDelayMs);
            continue;
          }
          if (PERMANENT_STREAM_CODES.has(ve.code)) {
            this.noteError(ve);
            this.markUp(name);
            fallback();
            return;
          }
          this.counters.streamErrors++;
          this.counters.lastError = ve.message;
          this.markDown(name, ve.message);
          failures++;
          this.counters.reconnects++;
          await this.sleep(Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** Math.min(failures - 1, 16)));
        }
      }
    })();
  }

  /** While a stream recovers, report it up as soon as the exchange's sockets are open again. */
  private async untilSettledOrReconnected(gen: number, name: string, p: Promise<void>): Promise<void> {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && this.alive(gen)) {
      await this.sleep(Math.min(100, this.retry.baseDelayMs));
      const clients = Object.values(this.ex.clients ?? {});
      if (!settled && clients.length > 0 && clients.every((c) => c.isConnected === true)) {
        this.markUp(name);
        return;
      }
    }
  }

  private markDown(name: string, reason: string): void {
    const wasUp = this.down.size === 0;
    this.down.set(name, reason);
    if (wasUp && this.connectedReported) this.emit((l) => l.onConnection('disconnected', `${name}: ${reason}`));
  }

  private markUp(name: string): void {
    if (!this.down.delete(name)) return;
    if (/watchOrders|watchMyTrades/.test(name)) void this.reconcileAll().catch(() => undefined); // catch up on missed events
    if (this.down.size === 0 && this.connectedReported) this.emit((l) => l.onConnection('connected'));
  }

  private onTicker(symbol: string, raw: unknown, endpoint: string): void {
    try {
      const t = parseTicker(raw, this.ctx(endpoint));
      if (t.symbol !== symbol) throw malformed(this.ctx(endpoint), 'ticker.symbol', t.symbol, `'${symbol}'`);
      const q: Quote = { symbol, ts: t.timestamp ?? this.clock.now(), bid: t.bid, ask: t.ask, bidSize: t.bidSize, askSize: t.askSize };
      this.lastQuotes.set(symbol, q);
      this.emit((l) => l.onQuote(q));
    } catch (e) {
      this.noteError(this.toVenueError(e, endpoint));
    }
  }

  private onPublicTrade(symbol: string, raw: unknown, endpoint: string): void {
    try {
      const t = parsePublicTrade(raw, this.ctx(endpoint));
      if (t.symbol !== symbol) return;
      const last = this.lastPublicTradeTs.get(symbol) ?? 0;
      const seen = this.recentPublicTrades.get(symbol) ?? new Set<string>();
      this.recentPublicTrades.set(symbol, seen);
      const key = t.id ?? `${t.timestamp}:${t.price}:${t.amount}`;
      if (t.timestamp < last || seen.has(key)) return;
      seen.add(key);
      if (seen.size > 2_000) seen.delete(seen.values().next().value!);
      this.lastPublicTradeTs.set(symbol, t.timestamp);
      this.emit((l) => l.onTrade({ symbol, ts: t.timestamp, price: t.price, size: t.amount }));
    } catch (e) {
      this.noteError(this.toVenueError(e, endpoint));
    }
  }

  private async pollBarsOnce(symbol: string): Promise<void> {
    const now = this.clock.now();
    const last = this.lastBarTs.get(symbol) ?? floorMinute(now) - MINUTE;
    if (now < last + 2 * MINUTE + this.barGraceMs) return; // the next bar is not complete yet
    const raw = await this.call('fetchOHLCV', () => this.ex.fetchOHLCV(symbol, '1m', last + MINUTE, this.ohlcvChunk()), { attempts: 2 });
    this.emitCompleted(symbol, this.candles(raw, symbol, 'fetchOHLCV'), now);
    if ((this.lastBarTs.get(symbol) ?? last) === last && now - last > 100 * MINUTE) this.lastBarTs.set(symbol, floorMinute(now) - 2 * MINUTE);
  }

  private onStreamedCandles(symbol: string, raw: unknown): void {
    const candles = this.candles(raw, symbol, 'watchOHLCV');
    if (!candles.length) return;
    // a streamed candle is complete once a later one has started
    const newest = Math.max(...candles.map((c) => c.ts));
    this.emitCompleted(symbol, candles.filter((c) => c.ts < newest), Infinity);
  }

  private emitCompleted(symbol: string, candles: ParsedCandle[], now: number): void {
    let last = this.lastBarTs.get(symbol) ?? -Infinity;
    for (const c of candles.sort((a, b) => a.ts - b.ts)) {
      if (c.ts <= last || c.ts + MINUTE + this.barGraceMs > now) continue;
      last = c.ts;
      const bar: Bar = { symbol, ...c };
      this.emit((l) => l.onBar(bar));
    }
    this.lastBarTs.set(symbol, last);
  }

  private candles(raw: unknown, _symbol: string, endpoint: string): ParsedCandle[] {
    const ctx = this.ctx(endpoint);
    if (!Array.isArray(raw)) {
      this.noteError(this.countMalformed(malformed(ctx, 'ohlcv', raw, 'an array')));
      return [];
    }
    const out: ParsedCandle[] = [];
    raw.forEach((c, i) => {
      try {
        out.push(parseCandle(c, ctx, i));
      } catch (e) {
        this.noteError(this.toVenueError(e, endpoint));
      }
    });
    return out;
  }

  // ---- plumbing -------------------------------------------------------------

  /**
   * ccxt sends a stream's subscribe message after a throttle delay and drops
   * the promise of that send; when the socket closes in between, the send's
   * rejection is unhandled (and would take the process down). The failure
   * itself reaches the watch* caller through the closed connection, so the
   * send promise only needs a handler.
   */
  private guardStreamSends(): void {
    type WsClientLike = { send?: (m: unknown) => Promise<unknown>; tradedeskGuarded?: boolean };
    const ex = this.ex as unknown as { client?: (url: string) => WsClientLike };
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

  private ctx(endpoint: string, field?: string): ErrorContext {
    return { venue: this.exchangeId, endpoint, field, headers: this.ex.last_response_headers, json: this.ex.last_json_response };
  }

  private toVenueError(e: unknown, endpoint: string, field?: string): VenueError {
    const ve = mapCcxtError(e, this.ctx(endpoint, field));
    return ve.code === 'MALFORMED_PAYLOAD' ? this.countMalformed(ve) : ve;
  }

  /** Counts a malformed payload once per error object. */
  private countMalformed(ve: VenueError): VenueError {
    const marked = ve as VenueError & { counted?: boolean };
    if (!marked.counted) {
      marked.counted = true;
      this.counters.malformed++;
      this.counters.malformedByEndpoint[ve.endpoint] = (this.counters.malformedByEndpoint[ve.endpoint] ?? 0) + 1;
      this.counters.lastMalformed = ve.message;
    }
    return ve;
  }

  private noteError(ve: VenueError): void {
    const marked = ve as VenueError & { noted?: boolean };
    if (marked.noted) return;
    marked.noted = true;
    this.counters.lastError = ve.message;
    switch (ve.code) {
      case 'RATE_LIMITED':
        this.counters.rateLimited++;
        break;
      case 'TIMEOUT':
        this.counters.timeouts++;
        break;
      case 'NETWORK':
        this.counters.networkErrors++;
        break;
      case 'EXCHANGE_UNAVAILABLE':
      case 'MAINTENANCE':
        this.counters.serverErrors++;
        break;
      case 'AUTH_FAILED':
      case 'PERMISSION_DENIED':
      case 'ACCOUNT_SUSPENDED':
        this.counters.authErrors++;
        break;
      case 'MALFORMED_PAYLOAD':
        this.countMalformed(ve);
        break;
      default:
        break;
    }
  }

  /** A read (idempotent) request with the retry policy. */
  private async call<T>(endpoint: string, fn: () => Promise<T>, opts: { attempts?: number; field?: string } = {}): Promise<T> {
    const max = Math.max(1, opts.attempts ?? this.retry.maxAttempts);
    for (let attempt = 1; ; attempt++) {
      try {
        this.counters.requests++;
        return await fn();
      } catch (e) {
        const ve = this.toVenueError(e, endpoint, opts.field);
        this.noteError(ve);
        if (!ve.retryable || attempt >= max) throw ve;
        this.counters.retries++;
        await this.sleep(retryDelayMs(ve, attempt, this.retry, this.ex.rateLimit));
      }
    }
  }

  /** Waits on the venue's clock; disconnect() wakes every sleeper. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { handle: undefined as unknown as TimerHandle, resolve };
      entry.handle = this.clock.setTimer(this.clock.now() + Math.max(0, ms), () => {
        this.sleepers.delete(entry);
        resolve();
      });
      this.sleepers.add(entry);
    });
  }

  private usesPlainWs(): boolean {
    const api = this.ex.urls.api;
    const values = api && typeof api === 'object' ? Object.values(api as Record<string, unknown>) : [api];
    return values.some((v) => typeof v === 'string' && v.startsWith('ws://'));
  }

  private cancelRejected(clientOrderId: string, reason: string): void {
    this.emitUpdate({ kind: 'cancel_rejected', clientOrderId, reason, ts: this.clock.now() });
  }

  private emitUpdate(u: VenueOrderUpdate): void {
    this.emit((l) => l.onOrderUpdate(u));
  }

  private emitFill(f: VenueFill): void {
    this.emit((l) => l.onFill(f));
  }

  private emit(fn: (l: VenueListener) => void): void {
    const l = this.listener;
    if (l) this.safe(() => fn(l));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      this.counters.listenerErrors++;
    }
  }
}

function floorMinute(t: number): number {
  return t - (((t % MINUTE) + MINUTE) % MINUTE);
}

function round12(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}
