// SimVenue: the built-in market simulator behind the Venue interface. One clock timer per
// quote step drives the whole universe; requests act after the configured latency. Same seed
// and same requests at the same clock times -> identical quotes, bars and fills.
//
// With a state file the venue behaves like a broker that outlives the app: every order
// request, order state change, fill, cash and position change is written through to its
// own SQLite file before the event reaches the listener; completed bars and a market
// snapshot are written once per simulated minute (and after any step or request that
// changed the account). A venue constructed on an existing file resumes from it: same
// account and orders, bars from the file, prices continuing from the saved market.
import type { Bar, Instrument, OrderSide, OrderType, Quote, TimeInForce } from '../../../shared/domain.js';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { SimConfig } from '../../core/config.js';
import { isNyseOpen, nextNyseOpen, nyseSessionFor } from '../../data/calendar.js';
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
import { SimAccount } from './account.js';
import { BarBuilder, MINUTE_MS } from './bars.js';
import { Book } from './book.js';
import { historyStart } from './history.js';
import { Matcher, type MatchingContext, type MatchingSink } from './matching.js';
import type { SimOrder } from './orders.js';
import { PriceModel } from './price-model.js';
import { deriveSeed } from './rng.js';
import {
  SimStateFileError,
  SimStore,
  type Change,
  type LoadedState,
  type MarketSnapshot,
  type OrderRow,
  type RequestRow,
  type StoredOrderStatus,
} from './store.js';
import { SIM_UNIVERSE, type SimInstrumentSpec } from './universe.js';

export interface SimVenueOptions {
  /** The instruments to simulate; defaults to the full universe. */
  universe?: readonly SimInstrumentSpec[];
  /**
   * SQLite file holding the venue's account, orders, fills, bars and market
   * (e.g. `<dataDir>/sim-venue.sqlite`). Created when missing; resumed from when
   * present. Without it the venue lives in memory only.
   */
  stateFile?: string;
}

/** Completed bars kept per symbol (at least historyMinutes). */
const BAR_CAP = 5_000;
/**
 * Longest stretch simulated silently to catch up (connect, or a request while
 * disconnected) with a clock far ahead of the venue; older time is skipped
 * (prices hold still over the skipped part). Never reached while connected.
 */
const MAX_CATCH_UP_MS = 3 * 86_400_000;
/** Bars older than those kept in memory are deleted from the state file about this often (simulated time). */
const PRUNE_EVERY_MS = 3_600_000;
/** Without a state file, terminal orders (and their fills) kept for getOrder / getFills. */
const MEMORY_ORDER_HISTORY = 20_000;

function isUniverse(x: readonly SimInstrumentSpec[] | SimVenueOptions): x is readonly SimInstrumentSpec[] {
  return Array.isArray(x);
}

/** JSON of a request as received (non-finite numbers and bigints as strings); never throws. */
function requestJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' || (typeof x === 'number' && !Number.isFinite(x)) ? String(x) : x)) ?? 'null';
  } catch {
    return JSON.stringify(String(v));
  }
}

const finiteOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function stateFromRow(r: OrderRow): VenueOrderState {
  return {
    clientOrderId: r.clientOrderId,
    venueOrderId: r.venueOrderId ?? '',
    symbol: r.symbol,
    side: r.side as OrderSide,
    type: r.type as OrderType,
    qty: r.qty ?? NaN,
    ...(r.limitPrice !== null ? { limitPrice: r.limitPrice } : {}),
    timeInForce: r.timeInForce as TimeInForce,
    filledQty: r.filledQty,
    status: r.status,
    avgFillPrice: r.filledQty > 0 ? r.fillNotional / r.filledQty : 0,
  };
}

export class SimVenue implements Venue {
  readonly id = 'sim';
  private readonly specs: readonly SimInstrumentSpec[];
  private readonly index = new Map<string, number>();
  private readonly model: PriceModel;
  private readonly book: Book;
  private readonly bars: BarBuilder;
  private readonly account: SimAccount;
  private readonly matcher: Matcher;
  private readonly stepMs: number;
  private readonly latencyMs: number;
  private readonly barCap: number;
  private store: SimStore | null = null;
  private closed = false;
  /** Catching up (history, reconnect, resume): the market snapshot is written once at the end. */
  private bulk = false;
  /** A minute completed, or the account changed, since the last market snapshot. */
  private minuteDue = false;
  private dirty = false;
  private pendingBars: Bar[] = [];
  private lastPruneAt = -Infinity;
  /** Without a state file: every order (open, terminal, registered rejects) and its fills, for getOrder / getFills. */
  private readonly memOrders = new Map<string, SimOrder | OrderRow>();
  private readonly memFills = new Map<string, VenueFill[]>();
  /** Submissions sent and not yet arrived (the simulated latency), by client order id: in flight, as `isResolving` tells. */
  private readonly inFlight = new Map<string, number>();
  private readonly symbols: string[];
  /** Time of each instrument's latest quote. */
  private readonly quoteTs: Float64Array;
  private listener: VenueListener | null = null;
  private timer: TimerHandle | undefined;
  private nextStepAt: number;
  private steps = 0;
  private curMinute = NaN;
  private stocksOpen = false;
  private sessionBoundary = -Infinity;
  private sessionSeen = false;
  private gapPending = false;
  /** 24/7 instruments are simulated from here on (their history window); stocks from their own. */
  private cryptoFrom: number;

  /**
   * `new SimVenue(clock, cfg)`, `new SimVenue(clock, cfg, universe)`,
   * `new SimVenue(clock, cfg, { stateFile, universe })` or
   * `new SimVenue(clock, cfg, universe, { stateFile })`.
   * With an existing `stateFile` the venue resumes from it (see persistedTime);
   * an unusable file throws SimStateFileError / SimStateVersionError and is left unchanged.
   */
  constructor(
    private readonly clock: Clock,
    cfg: SimConfig,
    universeOrOptions: readonly SimInstrumentSpec[] | SimVenueOptions = SIM_UNIVERSE,
    options: SimVenueOptions = {},
  ) {
    const opts: SimVenueOptions = isUniverse(universeOrOptions) ? { universe: universeOrOptions, ...options } : { ...universeOrOptions, ...options };
    const universe = opts.universe ?? SIM_UNIVERSE;
    const start = Date.parse(cfg.start);
    if (!Number.isFinite(start)) throw new RangeError(`sim.start '${cfg.start}' is not a valid ISO date-time`);
    this.specs = universe;
    this.symbols = universe.map((s) => s.instrument.symbol);
    this.symbols.forEach((s, i) => this.index.set(s, i));
    this.stepMs = Math.max(1, Math.round(cfg.quoteIntervalS * 1000));
    this.latencyMs = Math.max(0, cfg.latencyMs);
    this.model = new PriceModel(universe, this.stepMs / 1000, cfg.seed);
    this.book = new Book(this.model);
    this.barCap = Math.max(BAR_CAP, cfg.historyMinutes);
    this.bars = new BarBuilder(this.symbols, this.model.tickDen, this.model.lotDen, this.barCap);
    this.account = new SimAccount(this.model, cfg.startingCash);
    this.quoteTs = new Float64Array(universe.length).fill(start);
    const sink: MatchingSink = {
      onOrderUpdate: (u, ctx) => this.onOrderUpdate(u, ctx),
      onFill: (f, o) => this.onFill(f, o),
    };
    this.matcher = new Matcher(
      universe.map((s) => s.instrument),
      this.index,
      this.model,
      this.book,
      this.account,
      sink,
    );
    const hasStocks = universe.some((s) => s.instrument.calendar === 'nyse');
    this.cryptoFrom = historyStart(start, cfg.historyMinutes, false);
    this.nextStepAt = Math.ceil(historyStart(start, cfg.historyMinutes, hasStocks) / this.stepMs) * this.stepMs;

    const store = opts.stateFile !== undefined ? SimStore.open(opts.stateFile) : null;
    try {
      if (store) {
        this.store = store;
        this.bars.onComplete = (bar) => this.pendingBars.push(bar);
      }
      if (store && !store.fresh) {
        this.resume(store, store.load(), cfg.seed);
      } else {
        // History: simulate silently from far enough back, up to (not including) the start.
        this.bulk = true;
        this.sync(start - 1);
        this.bars.flushBefore(start - (start % MINUTE_MS), null);
        this.bulk = false;
        store?.create(
          {
            meta: {
              seed: String(cfg.seed),
              start: cfg.start,
              starting_cash: String(cfg.startingCash),
              quote_interval_ms: String(this.stepMs),
              universe: JSON.stringify(this.symbols),
            },
            account: this.accountRow(),
            ts: start,
          },
          this.snapshotNow(),
          this.takePendingBars(),
        );
      }
    } catch (e) {
      store?.close();
      this.store = null;
      throw e;
    }
  }

  /**
   * The simulated time a state file's market and account reach: the last step
   * (or last order event) recorded. Start the clock here to continue the market
   * where it stopped. Undefined when the file does not exist yet (or holds no
   * state); throws, naming the file, for a damaged or newer-version file. Reads only.
   */
  static persistedTime(stateFile: string): number | undefined {
    return SimStore.persistedTime(stateFile);
  }

  // ---- Venue --------------------------------------------------------------

  async connect(listener: VenueListener): Promise<void> {
    this.assertOpen();
    this.stopTimer();
    // catch up silently on any time that passed while disconnected
    this.listener = null;
    this.catchUp(this.clock.now() - 1);
    this.listener = listener;
    listener.onConnection('connected');
    this.schedule();
  }

  async disconnect(): Promise<void> {
    this.stopTimer();
    const l = this.listener;
    this.listener = null;
    if (this.store && !this.closed) this.persistMarket();
    l?.onConnection('disconnected');
  }

  async instruments(): Promise<Instrument[]> {
    return this.specs.map((s) => ({ ...s.instrument }));
  }

  async getBars(symbol: string, limit: number): Promise<Bar[]> {
    const i = this.index.get(symbol);
    return i === undefined ? [] : this.bars.recent(i, limit);
  }

  isMarketOpen(symbol: string, ts: number): boolean {
    const i = this.index.get(symbol);
    if (i === undefined) return false;
    return this.specs[i]!.instrument.calendar === '24x7' || isNyseOpen(ts);
  }

  async submitOrder(request: VenueOrderRequest): Promise<void> {
    this.assertOpen();
    const req: VenueOrderRequest = { ...request };
    const id = req.clientOrderId;
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    this.afterLatency((t) => {
      const n = this.inFlight.get(id) ?? 1;
      if (n > 1) this.inFlight.set(id, n - 1);
      else this.inFlight.delete(id);
      this.matcher.submit(req, t);
    });
  }

  /** True while a submission of this id is still on its way (within the simulated latency): a lookup cannot tell yet. */
  isResolving(clientOrderId: string): boolean {
    return this.inFlight.has(clientOrderId);
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    this.assertOpen();
    this.afterLatency((t) => this.matcher.cancel(clientOrderId, t));
  }

  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
    this.assertOpen();
    const c = { ...changes };
    this.afterLatency((t) => this.matcher.replace(clientOrderId, c, t));
  }

  async getAccount(): Promise<VenueAccount> {
    return { cash: this.account.cash, equity: this.account.equity(), buyingPower: this.matcher.buyingPower() };
  }

  async getPositions(): Promise<VenuePosition[]> {
    const out: VenuePosition[] = [];
    for (let i = 0; i < this.model.n; i++) {
      if (this.account.posLots[i] !== 0) out.push({ symbol: this.symbols[i]!, qty: this.account.qty(i), avgPrice: this.account.avgPrice[i]! });
    }
    return out;
  }

  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    return this.matcher.openOrders();
  }

  async getOrder(clientOrderId: string): Promise<VenueOrderState | undefined> {
    const open = this.matcher.openOrder(clientOrderId);
    if (open) return this.orderState(open);
    if (this.store) {
      this.assertOpen();
      const row = this.store.getOrder(clientOrderId);
      return row ? stateFromRow(row) : undefined;
    }
    const o = this.memOrders.get(clientOrderId);
    if (!o) return undefined;
    return 'inst' in o ? this.orderState(o) : stateFromRow(o);
  }

  async getFills(clientOrderId: string): Promise<VenueFill[]> {
    if (this.store) {
      this.assertOpen();
      return this.store.getFills(clientOrderId);
    }
    return (this.memFills.get(clientOrderId) ?? []).map((f) => ({ ...f }));
  }

  // ---- extras (not part of Venue) -----------------------------------------

  /** The latest quote of `symbol` (also while its market is closed: the last one shown). */
  lastQuote(symbol: string): Quote | undefined {
    const i = this.index.get(symbol);
    return i === undefined ? undefined : this.makeQuote(i, this.quoteTs[i]!);
  }

  /** Quote steps simulated so far, history included. */
  get stepCount(): number {
    return this.steps;
  }

  /** Clock time of the next quote step. */
  get nextStepTime(): number {
    return this.nextStepAt;
  }

  /** The state file, if any. */
  get stateFile(): string | undefined {
    return this.store?.file;
  }

  /**
   * Stops the venue and closes its state file after a last market snapshot
   * (nothing else is pending: changes are written through). The venue cannot be
   * used afterwards. Not needed for durability; a venue dropped without close
   * resumes from the same state.
   */
  close(): void {
    if (this.closed) return;
    this.stopTimer();
    const l = this.listener;
    this.listener = null;
    try {
      if (this.store) this.persistMarket();
    } finally {
      this.store?.close();
      this.closed = true;
    }
    l?.onConnection('disconnected', 'venue closed');
  }

  // ---- stepping -----------------------------------------------------------

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (this.closed) return;
    try {
      this.sync(this.clock.now());
    } finally {
      if (this.listener && !this.timer) this.schedule();
    }
  };

  private readonly emitBar = (bar: Bar): void => {
    this.listener?.onBar(bar);
  };

  private schedule(): void {
    this.timer = this.clock.setTimer(this.nextStepAt, this.onTimer);
  }

  private stopTimer(): void {
    if (this.timer) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  private afterLatency(fn: (t: number) => void): void {
    this.clock.setTimer(this.clock.now() + this.latencyMs, () => {
      if (this.closed) return;
      const t = this.clock.now();
      this.catchUp(t);
      this.matcher.expire(t);
      fn(t);
      if (this.dirty && this.store) this.persistMarket();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('SimVenue is closed');
  }

  /**
   * Like sync, but skips ahead when more than MAX_CATCH_UP_MS behind. With a
   * state file the stretch is written as one batch (bars + snapshot) at the end.
   */
  private catchUp(t: number): void {
    if (t - this.nextStepAt > MAX_CATCH_UP_MS) this.nextStepAt = Math.ceil((t - MAX_CATCH_UP_MS) / this.stepMs) * this.stepMs;
    if (this.store === null || this.bulk) {
      this.sync(t);
      return;
    }
    if (this.nextStepAt > t) return;
    this.bulk = true;
    try {
      this.sync(t);
    } finally {
      this.bulk = false;
    }
    this.persistMarket();
  }

  /** Runs every quote step due at or before `t`. */
  private sync(t: number): void {
    while (this.nextStepAt <= t) {
      const s = this.nextStepAt;
      if (s < this.cryptoFrom) {
        // early history, before the 24/7 window: only stock sessions need simulating
        if (s >= this.sessionBoundary) this.updateSession(s);
        if (!this.stocksOpen) {
          this.nextStepAt = Math.ceil(Math.min(this.cryptoFrom, this.sessionBoundary) / this.stepMs) * this.stepMs;
          continue;
        }
      }
      this.nextStepAt = s + this.stepMs;
      this.runStep(s);
    }
  }

  private runStep(t: number): void {
    this.steps++;
    const minute = t - (((t % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
    const l = this.listener;
    if (minute !== this.curMinute) {
      this.bars.flushBefore(minute, l ? this.emitBar : null);
      this.curMinute = minute;
      this.minuteDue = true;
    }
    if (t >= this.sessionBoundary) this.updateSession(t);
    const matcher = this.matcher;
    if (t >= matcher.nextExpiry) matcher.expire(t);
    const gap = this.gapPending;
    this.gapPending = false;
    const m = this.model;
    m.step(this.stocksOpen, gap, t >= this.cryptoFrom);
    const bars = this.bars;
    for (let i = 0; i < m.n; i++) {
      if (m.active[i] === 0) continue;
      this.book.reset(i);
      this.quoteTs[i] = t;
      bars.price(i, minute, Math.round((m.bidTicks[i]! + m.askTicks[i]!) / 2));
      const tradeLots = m.tradeLots[i]!;
      if (tradeLots > 0) {
        bars.price(i, minute, m.tradeTicks[i]!);
        bars.volume(i, tradeLots);
      }
      if (l) {
        l.onQuote(this.makeQuote(i, t));
        if (tradeLots > 0) {
          l.onTrade({ symbol: this.symbols[i]!, ts: t, price: m.tradeTicks[i]! / m.tickDen[i]!, size: tradeLots / m.lotDen[i]! });
        }
      }
      if (matcher.byInst[i]!.length !== 0) matcher.onQuote(i, t);
    }
    // the per-minute batch (and a snapshot after a step that changed the account)
    if (this.store !== null && !this.bulk && (this.minuteDue || this.dirty)) this.persistMarket();
  }

  private makeQuote(i: number, t: number): Quote {
    const m = this.model;
    const den = m.tickDen[i]!;
    const lotDen = m.lotDen[i]!;
    return {
      symbol: this.symbols[i]!,
      ts: t,
      bid: m.bidTicks[i]! / den,
      ask: m.askTicks[i]! / den,
      bidSize: m.bidLots[i]! / lotDen,
      askSize: m.askLots[i]! / lotDen,
    };
  }

  // ---- orders and fills: write-through, then the listener -----------------

  private onOrderUpdate(u: VenueOrderUpdate, ctx: MatchingContext): void {
    const store = this.store;
    if (store) {
      store.record(this.changeFor(u, ctx));
      this.dirty = true;
    } else {
      this.rememberUpdate(u, ctx);
    }
    this.listener?.onOrderUpdate(u);
  }

  private onFill(f: VenueFill, o: SimOrder): void {
    const store = this.store;
    if (store) {
      const i = o.inst;
      store.record({
        ts: f.ts,
        account: this.accountRow(),
        order: this.orderRow(o, f.ts, null),
        fill: f,
        position: { symbol: o.symbol, lots: this.account.posLots[i]!, qty: this.account.qty(i), avgPrice: this.account.avgPrice[i]! },
      });
      this.dirty = true;
    } else {
      let list = this.memFills.get(f.clientOrderId);
      if (!list) this.memFills.set(f.clientOrderId, (list = []));
      list.push({ ...f });
    }
    this.listener?.onFill(f);
  }

  private changeFor(u: VenueOrderUpdate, ctx: MatchingContext): Change {
    const change: Change = { ts: u.ts, account: this.accountRow() };
    const rq = ctx.request;
    const code = u.kind === 'rejected' ? u.code : null;
    const reason = u.kind === 'rejected' || u.kind === 'canceled' || u.kind === 'cancel_rejected' ? u.reason : null;
    if (rq) {
      const request: RequestRow = {
        ts: u.ts,
        action: rq.action,
        clientOrderId: u.clientOrderId,
        body: rq.action === 'submit' ? requestJson(rq.request) : rq.action === 'replace' ? requestJson(rq.changes) : '{}',
        outcome: u.kind,
        code,
        reason,
      };
      change.request = request;
    }
    if (u.kind === 'cancel_rejected') return change; // no state change
    if (ctx.order) {
      change.order = this.orderRow(ctx.order, u.ts, u.kind === 'canceled' ? u.reason : null, rq?.action === 'submit' ? rq.request : undefined);
    } else if (u.kind === 'rejected' && rq?.action === 'submit' && rq.registered) {
      change.order = this.rejectedRow(rq.request, u.code, u.reason, u.ts);
    }
    return change;
  }

  /** Without a state file: keeps orders for getOrder (bounded). */
  private rememberUpdate(u: VenueOrderUpdate, ctx: MatchingContext): void {
    let added = false;
    if (u.kind === 'accepted' && ctx.order) {
      this.memOrders.set(u.clientOrderId, ctx.order);
      added = true;
    } else if (u.kind === 'rejected' && ctx.request?.action === 'submit' && ctx.request.registered) {
      this.memOrders.set(u.clientOrderId, this.rejectedRow(ctx.request.request, u.code, u.reason, u.ts));
      added = true;
    }
    if (added && this.memOrders.size > MEMORY_ORDER_HISTORY) {
      // forget the oldest orders that are no longer open
      let excess = this.memOrders.size - MEMORY_ORDER_HISTORY;
      for (const id of this.memOrders.keys()) {
        if (excess === 0) break;
        if (this.matcher.openOrder(id)) continue;
        this.memOrders.delete(id);
        this.memFills.delete(id);
        excess--;
      }
    }
  }

  private statusOf(o: SimOrder): StoredOrderStatus {
    if (o.filledLots >= o.lots) return 'filled';
    const closed = this.matcher.closedState(o.clientOrderId);
    if (closed) return closed;
    return o.filledLots > 0 ? 'partially_filled' : 'accepted';
  }

  private orderState(o: SimOrder): VenueOrderState {
    const lotDen = this.model.lotDen[o.inst]!;
    const filledQty = o.filledLots / lotDen;
    return {
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      qty: o.lots / lotDen,
      ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
      timeInForce: o.timeInForce,
      filledQty,
      status: this.statusOf(o),
      avgFillPrice: filledQty > 0 ? o.fillNotional / filledQty : 0,
    };
  }

  private orderRow(o: SimOrder, t: number, reason: string | null, request?: VenueOrderRequest): OrderRow {
    const lotDen = this.model.lotDen[o.inst]!;
    return {
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce,
      qty: o.lots / lotDen,
      limitPrice: o.limitPrice ?? null,
      status: this.statusOf(o),
      reason,
      rejectCode: null,
      lots: o.lots,
      filledLots: o.filledLots,
      filledQty: o.filledLots / lotDen,
      limitTicks: o.limitTicks === o.limitTicks ? o.limitTicks : null,
      taker: o.taker ? 1 : 0,
      expiresAt: Number.isFinite(o.expiresAt) ? o.expiresAt : null,
      fillCount: o.fillCount,
      fillNotional: o.fillNotional,
      priority: o.priority,
      // only inserted with the accept; later updates leave the stored request and creation time alone
      request: request ? requestJson(request) : '{}',
      createdTs: t,
      updatedTs: t,
    };
  }

  private rejectedRow(req: VenueOrderRequest, code: string, reason: string, t: number): OrderRow {
    return {
      clientOrderId: String(req.clientOrderId),
      venueOrderId: null,
      symbol: String(req.symbol),
      side: String(req.side),
      type: String(req.type),
      timeInForce: String(req.timeInForce),
      qty: finiteOrNull(req.qty),
      limitPrice: finiteOrNull(req.limitPrice),
      status: 'rejected',
      reason,
      rejectCode: code,
      lots: 0,
      filledLots: 0,
      filledQty: 0,
      limitTicks: null,
      taker: 0,
      expiresAt: null,
      fillCount: 0,
      fillNotional: 0,
      priority: 0,
      request: requestJson(req),
      createdTs: t,
      updatedTs: t,
    };
  }

  private accountRow(): Change['account'] {
    const seq = this.matcher.sequences;
    return { cash: this.account.cash, orderSeq: seq.order, prioritySeq: seq.priority };
  }

  // ---- state file: market snapshot and resume ------------------------------

  private takePendingBars(): Bar[] {
    const bars = this.pendingBars;
    this.pendingBars = [];
    return bars;
  }

  private snapshotNow(): MarketSnapshot {
    const m = this.model;
    return {
      throughTs: this.nextStepAt - this.stepMs,
      steps: this.steps,
      stocksOpen: this.stocksOpen,
      sessionSeen: this.sessionSeen,
      gapPending: this.gapPending,
      instruments: this.symbols.map((symbol, i) => ({
        symbol,
        mid: m.mid[i]!,
        g: m.g[i]!,
        bidTicks: m.bidTicks[i]!,
        askTicks: m.askTicks[i]!,
        bidLots: m.bidLots[i]!,
        askLots: m.askLots[i]!,
        quoteTs: this.quoteTs[i]!,
        bar: this.bars.inProgress(i),
      })),
    };
  }

  /** Writes the completed bars and the market snapshot (one transaction). */
  private persistMarket(): void {
    const store = this.store!;
    this.minuteDue = false;
    this.dirty = false;
    const snap = this.snapshotNow();
    // now and then, drop the bars older than every bar still kept in memory
    let pruneBefore: number | null = null;
    if (snap.throughTs - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = snap.throughTs;
      let oldest = Infinity;
      for (let i = 0; i < this.symbols.length; i++) oldest = Math.min(oldest, this.bars.oldestTs(i) ?? Infinity);
      if (Number.isFinite(oldest)) pruneBefore = oldest;
    }
    store.snapshot(snap, this.takePendingBars(), pruneBefore);
  }

  private resume(store: SimStore, st: LoadedState, seed: number): void {
    const file = store.file;
    const unknown = (what: string, symbol: string): SimStateFileError =>
      new SimStateFileError(file, `it holds ${what} in ${symbol}, which this simulator's universe does not include`);
    for (const p of st.positions) if (!this.index.has(p.symbol)) throw unknown('a position', p.symbol);
    for (const o of st.openOrders) if (!this.index.has(o.symbol)) throw unknown(`open order '${o.clientOrderId}'`, o.symbol);

    // market: prices, vol state and quotes continue from the snapshot, on a stream of their own
    const m = this.model;
    this.quoteTs.fill(st.resumeTs);
    for (const r of st.instruments) {
      const i = this.index.get(r.symbol);
      if (i === undefined) continue;
      m.restore(i, r);
      this.quoteTs[i] = r.quoteTs;
      if (r.bar) this.bars.restoreInProgress(i, r.bar);
    }
    m.reseed(deriveSeed(seed, st.resumeTs));
    const bars = store.recentBars(this.symbols, this.barCap);
    this.symbols.forEach((symbol, i) => this.bars.load(i, bars.get(symbol)!));

    // account and orders
    this.account.cash = st.account.cash;
    for (const p of st.positions) {
      const i = this.index.get(p.symbol)!;
      this.account.posLots[i] = p.lots;
      this.account.avgPrice[i] = p.avgPrice;
    }
    this.matcher.restore({
      orderSeq: st.account.orderSeq,
      prioritySeq: st.account.prioritySeq,
      statuses: st.statuses,
      open: st.openOrders.map((r) => this.orderFromRow(r)),
    });

    // session state; no history to generate: the market continues after the resume time
    this.steps = st.market.steps;
    this.stocksOpen = st.market.stocksOpen;
    this.sessionSeen = st.market.sessionSeen;
    this.gapPending = st.market.gapPending;
    this.sessionBoundary = -Infinity;
    this.cryptoFrom = -Infinity;
    this.nextStepAt = Math.floor(st.resumeTs / this.stepMs) * this.stepMs + this.stepMs;
    // time that passed since (up to the clock) is caught up, or skipped beyond MAX_CATCH_UP_MS
    this.catchUp(this.clock.now() - 1);
  }

  private orderFromRow(r: OrderRow): SimOrder {
    const side = r.side as OrderSide;
    return {
      clientOrderId: r.clientOrderId,
      venueOrderId: r.venueOrderId ?? '',
      symbol: r.symbol,
      inst: this.index.get(r.symbol)!,
      side,
      sign: side === 'buy' ? 1 : -1,
      type: r.type as OrderType,
      timeInForce: r.timeInForce as TimeInForce,
      lots: r.lots,
      filledLots: r.filledLots,
      limitTicks: r.limitTicks ?? NaN,
      limitPrice: r.limitPrice ?? undefined,
      taker: r.taker === 1,
      expiresAt: r.expiresAt ?? Infinity,
      fillCount: r.fillCount,
      fillNotional: r.fillNotional,
      priority: r.priority,
    };
  }

  private updateSession(t: number): void {
    const s = nyseSessionFor(t);
    const open = s !== null && t >= s.open && t < s.close;
    if (open && !this.stocksOpen && this.sessionSeen) this.gapPending = true;
    this.stocksOpen = open;
    this.sessionSeen = true;
    this.sessionBoundary = open ? s!.close : nextNyseOpen(t);
  }
}
