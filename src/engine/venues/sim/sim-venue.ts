// SimVenue: the built-in market simulator behind the Venue interface. One clock timer per
// quote step drives the whole universe; requests act after the configured latency. Same seed
// and same requests at the same clock times -> identical quotes, bars and fills.
import type { Bar, Instrument, Quote } from '../../../shared/domain.js';
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
  VenueOrderUpdate,
  VenuePosition,
} from '../venue.js';
import { SimAccount } from './account.js';
import { BarBuilder, MINUTE_MS } from './bars.js';
import { Book } from './book.js';
import { historyStart } from './history.js';
import { Matcher, type MatchingSink } from './matching.js';
import { PriceModel } from './price-model.js';
import { SIM_UNIVERSE, type SimInstrumentSpec } from './universe.js';

/** Completed bars kept per symbol (at least historyMinutes). */
const BAR_CAP = 5_000;
/**
 * Longest stretch simulated silently to catch up (connect, or a request while
 * disconnected) with a clock far ahead of the venue; older time is skipped
 * (prices hold still over the skipped part). Never reached while connected.
 */
const MAX_CATCH_UP_MS = 3 * 86_400_000;

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
  private readonly cryptoFrom: number;

  constructor(
    private readonly clock: Clock,
    cfg: SimConfig,
    /** The instruments to simulate; defaults to the full universe. */
    universe: readonly SimInstrumentSpec[] = SIM_UNIVERSE,
  ) {
    const start = Date.parse(cfg.start);
    if (!Number.isFinite(start)) throw new RangeError(`sim.start '${cfg.start}' is not a valid ISO date-time`);
    this.specs = universe;
    this.symbols = universe.map((s) => s.instrument.symbol);
    this.symbols.forEach((s, i) => this.index.set(s, i));
    this.stepMs = Math.max(1, Math.round(cfg.quoteIntervalS * 1000));
    this.latencyMs = Math.max(0, cfg.latencyMs);
    this.model = new PriceModel(universe, this.stepMs / 1000, cfg.seed);
    this.book = new Book(this.model);
    this.bars = new BarBuilder(this.symbols, this.model.tickDen, this.model.lotDen, Math.max(BAR_CAP, cfg.historyMinutes));
    this.account = new SimAccount(this.model, cfg.startingCash);
    this.quoteTs = new Float64Array(universe.length).fill(start);
    const sink: MatchingSink = {
      onOrderUpdate: (u: VenueOrderUpdate) => this.listener?.onOrderUpdate(u),
      onFill: (f: VenueFill) => this.listener?.onFill(f),
    };
    this.matcher = new Matcher(
      universe.map((s) => s.instrument),
      this.index,
      this.model,
      this.book,
      this.account,
      sink,
    );
    // History: simulate silently from far enough back, up to (not including) the start.
    const hasStocks = universe.some((s) => s.instrument.calendar === 'nyse');
    const h = historyStart(start, cfg.historyMinutes, hasStocks);
    this.cryptoFrom = historyStart(start, cfg.historyMinutes, false);
    this.nextStepAt = Math.ceil(h / this.stepMs) * this.stepMs;
    this.sync(start - 1);
    this.bars.flushBefore(start - (start % MINUTE_MS), null);
  }

  // ---- Venue --------------------------------------------------------------

  async connect(listener: VenueListener): Promise<void> {
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
    const req: VenueOrderRequest = { ...request };
    this.afterLatency((t) => this.matcher.submit(req, t));
  }

  async cancelOrder(clientOrderId: string): Promise<void> {
    this.afterLatency((t) => this.matcher.cancel(clientOrderId, t));
  }

  async replaceOrder(clientOrderId: string, changes: { qty?: number; limitPrice?: number }): Promise<void> {
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

  // ---- stepping -----------------------------------------------------------

  private readonly onTimer = (): void => {
    this.timer = undefined;
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
      const t = this.clock.now();
      this.catchUp(t);
      this.matcher.expire(t);
      fn(t);
    });
  }

  /** Like sync, but skips ahead when more than MAX_CATCH_UP_MS behind. */
  private catchUp(t: number): void {
    if (t - this.nextStepAt > MAX_CATCH_UP_MS) this.nextStepAt = Math.ceil((t - MAX_CATCH_UP_MS) / this.stepMs) * this.stepMs;
    this.sync(t);
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

  private updateSession(t: number): void {
    const s = nyseSessionFor(t);
    const open = s !== null && t >= s.open && t < s.close;
    if (open && !this.stocksOpen && this.sessionSeen) this.gapPending = true;
    this.stocksOpen = open;
    this.sessionSeen = true;
    this.sessionBoundary = open ? s!.close : nextNyseOpen(t);
  }
}
