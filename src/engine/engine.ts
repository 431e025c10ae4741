// The composition root: builds the engine's components from one validated
// config and wires them on the message bus. Market data and order events from
// the venue enter here (journaled as inputs); the order path is strategy ->
// risk engine -> OMS -> venue, each step journaled, orders and fills durably
// before anything leaves; fills flow back venue -> OMS -> portfolio -> strategies.
// With a data dir, state is rebuilt from the journal at start and reconciled
// with the venue.
import type { EngineStatus } from '../shared/api/contract.js';
import type { CommandHandlers } from '../shared/api/protocol.js';
import type { Alert, Bar, Fill, Instrument, Order, Quote, Trade, TradingStateChange } from '../shared/domain.js';
export type { Reconciliation, ReconciliationDifference } from './reconciler.js';
import { AlertLog } from './core/alerts.js';
import { engineBuild } from './core/build-info.js';
import { MessageBus } from './core/bus.js';
import { LatestValues } from './core/latest-values.js';
import { SimulatedClock } from './core/clock.js';
import { EngineConfig as EngineConfigSchema, loadConfig, speedFactor, type ConfigInput, type EngineConfig } from './core/config.js';
import { ClientOrderIds, sessionIdFor } from './core/ids.js';
import { LoopLagMonitor } from './core/loop-lag.js';
import { SimDriver } from './core/sim-driver.js';
import { isBarValid, isQuoteValid } from './data/quality.js';
import { minutesToClose } from './strategy/runner.js';
import { ALPACA_DATA_RATE } from './data/alpaca-bar-fetcher.js';
import { HistoryService } from './data/history.js';
import { QualityMonitor } from './data/quality-monitor.js';
import { timeframeOfSeconds } from './data/bar-calendar.js';
import { CrossExchangeCheck } from './data/cross-check.js';
import type { ApiBudgetUse, FetchProgress } from './data/fetch-scheduler.js';
import { buildHandlers } from './engine-commands.js';
import type { EngineHandle, EngineStats } from './engine-api.js';
import { OrderManager, type Provenance } from './execution/oms.js';
import { ExecutionAlgos } from './execution/algos/algo-manager.js';
import { OrderMonitor } from './execution/order-monitor.js';
import { isOpen } from './execution/order-state.js';
import { DecisionLog, DecisionRecordOf } from './journal/decision-log.js';
import { Journal } from './journal/journal.js';
import { durableCommitOptions } from './journal/settings.js';
import type { JournalKind } from './journal/records.js';
import { lastSessionConfig, recoverFromJournal, type SessionSnapshot } from './journal/recovery.js';
import { Portfolio } from './portfolio/portfolio.js';
import { reducesExposure, RiskEngine, type RiskDecision } from './risk/risk-engine.js';
import { StaleDataWatch } from './risk/stale-watch.js';
import { RiskMonitor } from './risk/risk-monitor.js';
import { roundToLot } from './strategy/strategy.js';
import { TradeCosts, type CostedOrder } from './execution/costs/trade-costs.js';
import type { CostEstimate } from './execution/costs/cost-model.js';
import { sessionMsOf } from './execution/costs/market-stats.js';
import { Learning } from './strategy/learning/learning.js';
import { StrategyRunner } from './strategy/runner.js';
import { HistoryWarmup, type WarmupRecord } from './strategy/history-warmup.js';
import type { SignalSink, WeightProvider } from './strategy/signal.js';
import type { StrategyControl, StrategyInfo } from './strategy/strategy-control.js';
import { ApiFailure } from '../shared/api/protocol.js';
import { applyCommand, type TradingCommand } from './engine-commands.js';
import type { Strategy, StrategyContext, StrategyOrder } from './strategy/strategy.js';
import { UiPublisher } from './ui-publisher.js';
import { Reconciler, type Reconciliation } from './reconciler.js';
import { createVenue, isBrokerVenue, simResumeTime } from './venues/create-venue.js';
import type { Venue, VenueFill, VenueOrderUpdate } from './venues/venue.js';
import { timedVenue, VenueLatency } from './venues/venue-latency.js';

/** Messages on the engine's bus, in delivery order. */
export interface EngineMessages {
  quote: Quote;
  trade: Trade;
  bar: Bar;
  venueOrderUpdate: VenueOrderUpdate;
  venueFill: VenueFill;
  order: Order;
  fill: Fill;
  tradingState: TradingStateChange;
  alert: Alert;
}

/** Where journal records go: the SQLite journal, or a replay's comparator. */
export interface JournalSink {
  append(ts: number, kind: JournalKind, payload: unknown): unknown;
  flush?(): void;
  /** May finish after it returns (the journal's last anchor write): stop() waits for it. */
  close?(): void | Promise<void>;
  /** The write-ahead gate (Journal.whenDurable): undefined when every durable record is on disk, else when it will be. */
  whenDurable?(): Promise<void> | undefined;
}

export interface EngineOptions {
  /** Journal and simulator account live here; without it the engine keeps no record. */
  dataDir?: string;
  /** Show a journal without trading on it: no venue connection, commands that trade are refused. */
  readOnly?: boolean;
  /** Injected venue (replay, broker adapters, tests); default: the simulator. */
  venue?: (clock: SimulatedClock) => Venue;
  /** Injected journal sink (replay). */
  journal?: JournalSink;
  /** Replay: start time and state of the recorded session. */
  replay?: { start: number; snapshot: SessionSnapshot; sessionId: string };
  /** Strategies to run instead of the config's (backtests); each gets its own context. */
  strategies?: Strategy[];
  /** Learning: learned weights blended into the ensemble's vote (default: the configured base weights, influence 0). */
  weights?: WeightProvider;
  /** Learning: receives every strategy signal and every bar. */
  signalSink?: SignalSink;
  /** Recent decisions kept in memory for the decision log's queries (default 5,000; 0 for a batch backtest, whose result has them). */
  keepDecisions?: number;
  /** Sample equity once a simulated minute for the account's metrics (default true; false for a batch backtest, which keeps its own curve). */
  equityCurve?: boolean;
}

const STRATEGY_ERROR_LIMIT = 5;
const NO_ORDERS: Order[] = Object.freeze([]) as unknown as Order[];

export class Engine implements EngineHandle {
  readonly bus: MessageBus<EngineMessages>;
  readonly clock: SimulatedClock;
  readonly venue: Venue;
  /** Request latency of a broker venue (Health); empty on the simulator. */
  readonly venueLatency = new VenueLatency();
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly oms: OrderManager;
  readonly alerts: AlertLog;
  readonly monitor: RiskMonitor;
  readonly decisions: DecisionLog;
  /** Equity sampled once per simulated minute, for the account's metrics (empty when options.equityCurve is false). */
  readonly equityCurve: Array<[number, number]> = [];
  /** Last portfolio analytics (VaR etc.), computed off the main thread on request. */
  lastVar95: number | null = null;
  readonly handlers: CommandHandlers;
  readonly journal: JournalSink | undefined;
  readonly readOnly: boolean;
  readonly sessionId: string;
  readonly instrumentsBySymbol = new Map<string, Instrument>();
  readonly quotes = new Map<string, Quote>();
  running = false;
  /** Set when stop() begins: the venue's disconnect from then on is the shutdown's, not an outage. */
  private stopping = false;
  /** Event-loop lag of the hosting process while the engine runs (the Health view). */
  readonly loopLag = new LoopLagMonitor();
  private readonly publisher: UiPublisher;
  private readonly driver: SimDriver;
  /** Order-submitting strategies (the older Strategy API); the built-in ones are signal strategies in `signals`. */
  private readonly strategies: Strategy[] = [];
  private readonly contexts = new Map<string, StrategyContext>();
  /** With several strategies, each one's own position per symbol (from its fills). */
  private readonly ownPositions = new Map<string, Map<string, number>>();
  /** Transaction cost model: estimates, the benefit/cost filter, post-trade analysis. */
  readonly costs: TradeCosts;
  /** Execution algorithms (TWAP, VWAP, iceberg parents and their children) and the per-order monitor (timeouts). */
  readonly algos: ExecutionAlgos;
  readonly orderMonitor: OrderMonitor;
  /** Algorithm parents the journal left unfinished: ended cleanly once the venue is reconciled. */
  private readonly recoveredParents: Order[];
  private skipSeq = 0;
  /** The signal strategies, their shared features and regimes, and the ensemble. */
  readonly signals: StrategyRunner;
  /** Predictions tracked against outcomes; learned weights per strategy and regime (persisted in the data dir). */
  readonly learning: Learning;
  private readonly strategyErrors = new Map<string, number>();
  private readonly lastBarTs = new LatestValues();
  /** The equity curve's last sample as sampleEquity pushed it, and the end of its minute. */
  private lastSample: [number, number] | undefined;
  private lastSampleEnd = -Infinity;
  private readonly changedBars = new Map<string, Bar>();
  private readonly changedQuotes = new Map<string, Quote>();
  private readonly snapshotAtStart: SessionSnapshot;
  private prepared = false;
  /** Data quality on every bar and tick: per-symbol reports, alerts, drop or flag. */
  readonly quality: QualityMonitor;
  private history: HistoryService | undefined;
  /** The strategies' warm-up history: fetched per symbol at start, each symbol joining when its own is in. */
  private readonly historyWarmup: HistoryWarmup;
  /** Crypto prices compared with a second exchange, when configured. */
  crossCheck: CrossExchangeCheck | undefined;
  /** A broker venue's once-a-second staleness checks (risk/stale-watch.ts); undefined on the simulator and in backtests. */
  private readonly staleWatch: StaleDataWatch | undefined;
  private lastProgress: FetchProgress = { done: 0, total: 0, failed: 0, canceled: 0, inFlight: 0, queued: 0, symbol: '', key: '', retries: 0 };
  private wasDisconnected = false;
  private readonly reconciler: Reconciler;
  /** Set by stop(): nothing more is journaled. */
  private closed = false;
  /** Venue order events held while a reconciliation pass runs. */
  private readonly held: Array<{ kind: JournalKind; topic: 'quote' | 'bar' | 'venueOrderUpdate' | 'venueFill'; message: unknown }> = [];

  constructor(
    readonly config: EngineConfig,
    readonly options: EngineOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    // 1. what the journal says (or the recorded session, in replay)
    const recovered = options.dataDir && !options.replay ? recoverFromJournal(options.dataDir, { skipDamaged: this.readOnly }) : undefined;
    const snapshot = options.replay?.snapshot ?? recovered?.snapshot;
    this.decisions = recovered?.decisions ?? new DecisionLog(options.keepDecisions);
    // 2. the clock: continue after the journal and the simulated market, never before
    // the simulator starts at its configured (reproducible) time; a broker venue runs on wall time
    const configured = isBrokerVenue(config.venue) ? Date.now() : Date.parse(config.sim.start);
    const simTime = options.dataDir && !options.venue && !this.readOnly ? simResumeTime(options.dataDir) : undefined;
    const start = options.replay?.start ?? Math.max(configured, (recovered?.lastTs ?? -Infinity) + 1, (simTime ?? -Infinity) + 1);
    this.clock = new SimulatedClock(start);
    const now = () => this.clock.now();
    const sessionNo = (snapshot?.sessionNo ?? 0) + (options.replay ? 0 : 1);
    this.sessionId = options.replay?.sessionId ?? `${sessionIdFor(start)}${sessionNo.toString(36)}`;

    this.bus = new MessageBus<EngineMessages>((topic, e) =>
      this.alerts.raise('critical', 'HANDLER_ERROR', `handler for '${topic}' failed: ${(e as Error).message}`, 'engine', `handler:${topic}`),
    );
    this.alerts = new AlertLog(now, (a) => {
      this.record('alert', a);
      this.bus.publish('alert', a);
    });
    // 3. the journal (opening checks every file; a damaged one throws, naming it)
    // durable records group-committed only on the wall clock (a broker venue) unless the config says otherwise
    this.journal =
      options.journal ?? (options.dataDir && !this.readOnly ? Journal.open(options.dataDir, durableCommitOptions(config.journal, isBrokerVenue(config.venue))) : undefined);

    for (const d of recovered?.damaged ?? []) this.alerts.raise('critical', 'JOURNAL_DAMAGED', d, 'journal');
    // read-only never touches the venue's account file
    const venue = options.venue
      ? options.venue(this.clock)
      : this.readOnly && isBrokerVenue(config.venue)
        ? createVenue({ ...config, venue: 'sim' }, this.clock, undefined)
        : createVenue(config, this.clock, this.readOnly ? undefined : options.dataDir);
    // a broker's request latency for the Health view (the simulator's is not worth timing)
    this.venue = isBrokerVenue(config.venue) && !this.readOnly && !options.replay ? timedVenue(venue, this.venueLatency) : venue;
    this.driver = new SimDriver(this.clock, isBrokerVenue(config.venue) ? 1 : speedFactor(config.sim.speed));
    this.portfolio = snapshot?.portfolio ? Portfolio.fromSnapshot(snapshot.portfolio) : new Portfolio(config.sim.startingCash);
    this.risk = new RiskEngine(config.risk, now, (c) => {
      this.record('trading_state', c);
      this.bus.publish('tradingState', c);
    });
    this.oms = new OrderManager({
      venue: this.venue,
      risk: this.risk,
      ids: new ClientOrderIds(this.sessionId),
      now,
      writeAhead: () => this.journal?.whenDurable?.(),
      view: {
        position: (s) => this.portfolio.qty(s),
        referencePrice: (s) => this.referencePrice(s),
        instrument: (s) => this.instrumentsBySymbol.get(s),
        marketOpen: (s) => this.venue.isMarketOpen(s, this.clock.now()),
        equity: () => this.portfolio.equity(),
        gross: () => this.portfolio.gross(),
        net: () => this.portfolio.net(),
        groupGross: (k, key) => this.portfolio.groupGross(k, key),
        buyingPower: () => this.portfolio.buyingPower(),
        volRegime: () => this.monitor.volRegime(),
      },
      events: {
        checked: (o, d, p) => this.onDecision(o, d, p),
        // journaled (durably) before the bus sees it and before the venue is called
        order: (o) => {
          this.record('order', o);
          this.decisions.onOrder(o);
          this.bus.publish('order', o);
        },
        modifying: (o, changes, decisionId) => this.record('order.modify', { clientOrderId: o.clientOrderId, symbol: o.symbol, ...changes, decisionId }),
        fill: (f) => {
          this.record('fill', f);
          this.bus.publish('fill', f);
        },
        denied: (o, d) =>
          this.alerts.raise('warning', 'RISK_DENIED', `${o.side} ${o.qty} ${o.symbol} denied: ${d.reason}`, o.source, `deny:${o.source}:${d.checks.find((c) => !c.passed)?.check}`),
        problem: (code, message) => this.alerts.raise(code === 'CANCEL_REJECTED' ? 'info' : 'warning', code, message, 'oms', `oms:${code}`),
        // `span`: the execution's part of the order's cumulative quantity (recovery takes it off the inferred spans)
        covered: (f, qty) => this.record('fill.covered', { fillId: f.fillId, clientOrderId: f.clientOrderId, qty, span: [f.cumQty - f.qty, f.cumQty], reason: 'already counted by an inferred fill' }),
        needsReconcile: (id) => {
          if (!this.options.replay && !this.readOnly && this.prepared) void this.reconciler.checkOrder(id);
        },
      },
    });
    if (snapshot) {
      this.oms.restore(snapshot.orders, snapshot.fillIds, snapshot.inferredSpans, snapshot.realSpans);
      this.risk.restore(snapshot.scopedStates ?? snapshot.tradingState, snapshot.lastStateChange);
    }
    this.monitor = new RiskMonitor(
      config.monitor,
      this.risk,
      this.portfolio,
      this.alerts,
      { cutExposure: (f, why) => this.reducePositions(f, 'risk-monitor', why), marketOpen: (s) => this.venue.isMarketOpen(s, this.clock.now()) },
      now,
      config.barSeconds,
    );
    if (isBrokerVenue(config.venue) && !this.readOnly) {
      this.staleWatch = new StaleDataWatch(this.clock, (t) => {
        this.monitor.checkStaleAt(t);
        const held = new Set(this.portfolio.heldSymbols());
        for (const o of this.oms.openOrders()) held.add(o.symbol);
        this.quality.setHeld(held);
        this.quality.checkStale(t);
      });
    }
    this.snapshotAtStart = {
      sessionNo,
      tradingState: this.risk.tradingState,
      scopedStates: this.risk.scopedStates(),
      lastStateChange: this.risk.lastChange,
      portfolio: this.portfolio.snapshot(),
      orders: this.oms.recent(200),
      fillIds: snapshot?.fillIds ?? [],
      ...(snapshot?.inferredSpans?.length ? { inferredSpans: snapshot.inferredSpans } : {}),
      ...(snapshot?.realSpans?.length ? { realSpans: snapshot.realSpans } : {}),
    };
    this.quality = new QualityMonitor({
      // data arrives on the engine's clock (a Date.now() per bar and tick was a backtest's largest single cost in the monitor)
      now,
      calendarOf: (s) => (this.instrumentsBySymbol.get(s)?.calendar === 'nyse' ? 'nyse' : '24x7'),
      // the bars' own interval: checked as one-minute bars, every daily bar of a replay was a 'gap' of a day's minutes
      timeframe: timeframeOfSeconds(config.barSeconds),
      // a held instrument is stale after the risk monitor's limit without data (checked by the stale-data watch)
      staleAfterMs: config.monitor.staleDataSeconds * 1000,
      marketOpen: (s, t) => this.venue.isMarketOpen(s, t),
      onAlert: (a) => this.alerts.raise(a.action === 'drop' ? 'warning' : 'info', 'DATA_QUALITY', `${a.symbol}: ${a.message} (${a.action === 'drop' ? 'dropped' : 'flagged'})`, 'data', `dq:${a.symbol}:${a.issue}`),
    });
    // injected strategies (backtests) run alone on the Strategy API; otherwise the signal strategies and the ensemble trade
    if (options.strategies) this.strategies.push(...options.strategies);
    this.costs = new TradeCosts(config.costs, this.venue.id, (s) => sessionMsOf(this.instrumentsBySymbol.get(s)?.assetClass));
    this.recoveredParents = recovered?.openParents ?? [];
    this.algos = new ExecutionAlgos({
      sessionId: this.sessionId,
      now,
      settings: () => this.config.execution.algo,
      marketableBps: () => this.config.execution.monitor.marketableBps,
      instrument: (s) => this.instrumentsBySymbol.get(s),
      quote: (s) => this.quotes.get(s),
      submit: (req) => {
        const r = this.oms.submit(req);
        // a child is a venue order: its estimate is recorded so that its fills are compared with it like every other
        if (r.decision.approved) {
          const quote = this.quotes.get(req.symbol);
          this.costs.onSent(r.order, quote, this.costEstimate(r.order, quote));
        }
        return r;
      },
      cancel: (id) => this.oms.cancel(id),
      get: (id) => this.oms.get(id),
      check: (intent) => this.risk.check(intent, this.oms.view),
      effectiveState: (source, symbol) => this.risk.effectiveState(source, symbol),
      decided: (o, d, p) => this.onDecision(o, d, p),
      record: (rec) => this.record('algo', rec),
      changed: (o) => {
        this.decisions.onOrder(o);
        this.publisher.markDirty('orders');
      },
      alert: (level, code, message, key) => this.alerts.raise(level, code, message, 'execution', key),
    });
    this.orderMonitor = new OrderMonitor({
      // the monitor only walks the list: a symbol without open orders (most quotes) builds none
      openOrders: (s) => (this.oms.openCountOf(s) === 0 ? NO_ORDERS : this.oms.openOrders(s)),
      replace: (id, changes) => this.oms.replace(id, changes),
      cancel: (id) => this.algos.cancelChild(id) ?? this.oms.cancel(id),
      now,
      quote: (s) => this.quotes.get(s),
      instrument: (s) => this.instrumentsBySymbol.get(s),
      settings: () => this.config.execution.monitor,
      childPolicy: (o) => this.algos.childPolicy(o),
      isResolving: (id) => this.venue.isResolving?.(id) ?? false,
      lookup: (id) => {
        if (!this.options.replay && !this.readOnly && this.prepared) void this.reconciler.checkOrder(id);
      },
      alert: (code, message, key) => this.alerts.raise('warning', code, message, 'execution', key),
    });
    this.signals = new StrategyRunner(config, {
      now,
      instrument: (s) => this.instrumentsBySymbol.get(s),
      quote: (s) => this.quotes.get(s),
      position: (s) => this.portfolio.qty(s),
      openOrders: (s) => this.algos.strategyView(this.oms.openOrders(s), s),
      equity: () => this.portfolio.equity(),
      sectorGross: (sector) => this.portfolio.groupGross('sector', sector),
      marketOpen: (s) => this.venue.isMarketOpen(s, this.clock.now()),
      minutesToClose: (s) => minutesToClose(this.instrumentsBySymbol.get(s)?.calendar, this.clock.now()),
      halted: (id) => this.risk.stateOf(`strategy:${id}`) === 'HALTED',
      estimateCost: (o, cache) => this.costEstimate({ ...o, type: 'limit' }, cache.get(o.symbol, now())),
      benefitCostRatio: () => this.config.costs.benefitCostRatio,
      assetClassGross: (c) => this.portfolio.groupGross('assetClass', c),
      maxConcentrationPct: () => this.risk.currentLimits.maxConcentrationPct,
      maxOrdersPerSecond: () => this.risk.currentLimits.maxOrdersPerSecond,
      submit: (o, cost) => {
        const { order, decision } = this.routeOrder({ ...o, type: 'limit', timeInForce: 'day' });
        // cost feedback is per venue order: an algorithm parent's children are sent by the algorithm
        if (decision.approved && cost && !order.algo) this.costs.onSent(order, cost.quote, cost.estimate);
        return order;
      },
      cancel: (id) => void (this.algos.cancel(id) ?? this.oms.cancel(id)),
      alert: (level, code, message, source, key) => this.alerts.raise(level, code, message, source, key),
    });
    // learning: every signal a prediction judged at its horizon; learned weights blended into the vote
    this.learning = new Learning({
      dataDir: options.replay || this.readOnly ? undefined : options.dataDir,
      snapshot: options.replay?.snapshot.learning,
      settings: config.learning,
      onError: (err) => this.alerts.raise('warning', 'LEARNING_WRITE_FAILED', err.message, 'learning'),
    });
    this.snapshotAtStart.learning = this.learning.snapshot();
    this.historyWarmup = new HistoryWarmup({
      gate: this.signals.history,
      clock: this.clock,
      fetch: (symbols) => this.historyEach(symbols, this.signals.historyBars),
      record: (rec) => {
        if (!options.replay) this.record('input.warmup', rec);
      },
      warmup: (bars) => this.warmup(bars),
      alert: (level, code, message, key) => this.alerts.raise(level, code, message, 'data', key),
      strategies: () => (options.strategies ? this.strategies.map((s) => s.id) : this.signals.active()),
      timeoutMs: () => this.config.strategy.warmupTimeoutMs,
      closed: () => this.closed,
    });
    const regimeOf = (sym: string) => this.signals.regimes.get(sym)?.regime;
    this.signals.attach(
      options.weights ?? this.learning,
      options.signalSink ?? {
        onSignal: (sig, price) => this.learning.onSignal(sig, price, regimeOf(sig.symbol)),
        onBar: (sym, ts, close) => this.learning.onBar(sym, ts, close),
      },
    );
    this.publisher = new UiPublisher(config.uiCoalesceMs, {
      status: () => this.status(),
      account: () => this.portfolio.account(),
      positions: () => this.portfolio.positions(),
      orders: () => this.algos.withParents(this.oms.recent(200)),
      alerts: () => this.alerts.recent(100),
      bars: () => drain(this.changedBars),
      quotes: () => drain(this.changedQuotes),
      risk: () => this.riskGauges(),
      dataProgress: () => {
        const p = this.lastProgress;
        return { done: p.done, total: p.total, failed: p.failed, canceled: p.canceled, inFlight: p.inFlight, queued: p.queued, symbol: p.symbol };
      },
    });
    this.reconciler = new Reconciler({
      venue: this.venue,
      oms: this.oms,
      portfolio: this.portfolio,
      risk: this.risk,
      alerts: this.alerts,
      now,
      apply: (kind, topic, message) => {
        this.record(kind, message);
        this.bus.publish(topic, message as never);
      },
      flush: () => this.flushHeld(),
      record: (kind, payload) => this.record(kind, payload),
      touch: (topic) => this.publisher.markDirty(topic),
      referencePrice: (s) => this.referencePrice(s),
    });
    this.wire();
    this.handlers = buildHandlers(this);
  }

  get stats(): EngineStats {
    return {
      busMessages: this.bus.published,
      ordersSubmitted: this.oms.submitted,
      ordersDenied: this.oms.denied,
      fills: this.oms.fills,
    };
  }

  get startSnapshot(): SessionSnapshot {
    return this.snapshotAtStart;
  }

  now(): number {
    return this.clock.now();
  }

  onEvent(listener: Parameters<EngineHandle['onEvent']>[0]): () => void {
    return this.publisher.subscribe(listener);
  }

  /** Marks a UI topic changed (sent with the next coalesced batch). */
  touch(topic: 'risk' | 'status' | 'account' | 'positions' | 'alerts'): void {
    this.publisher.markDirty(topic);
  }

  /** Journals a record if the engine keeps a journal. */
  record(kind: JournalKind, payload: unknown): void {
    // after stop() nothing more is journaled (a late venue answer of an abandoned reconciliation)
    if (this.closed) return;
    this.journal?.append(this.clock.now(), kind, payload);
  }

  /** Loads instruments, journals the session start, connects, warms up and reconciles. */
  async prepare(): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    for (const inst of await this.venue.instruments()) this.instrumentsBySymbol.set(inst.symbol, inst);
    this.portfolio.setClassifier((s) => {
      const i = this.instrumentsBySymbol.get(s);
      return i && { sector: i.sector, assetClass: i.assetClass };
    });
    if (this.readOnly) return;
    if (!this.options.replay) {
      this.record('session.start', {
        sessionId: this.sessionId,
        // which engine decided (replay names it beside its own when decisions differ)
        build: engineBuild(),
        venue: this.venue.id,
        config: this.config,
        instruments: [...this.instrumentsBySymbol.values()],
        snapshot: this.snapshotAtStart,
      });
    }
    // on the same clock times live and in a replay: both begin at the session's start
    this.staleWatch?.start();
    // every symbol waits for its history from before the first live bar can arrive
    const symbols = [...this.instrumentsBySymbol.keys()];
    this.signals.register(symbols);
    this.signals.history.wait(symbols, this.clock.now());
    await this.venue.connect({
      onQuote: (q) => this.input('input.quote', 'quote', q),
      onTrade: (t) => this.bus.publish('trade', t),
      onBar: (b) => this.input('input.bar', 'bar', b),
      onOrderUpdate: (u) => this.input('input.venue_update', 'venueOrderUpdate', u),
      onFill: (f) => this.input('input.venue_fill', 'venueFill', f),
      onConnection: (state, reason) => {
        // from the connect on, until stop() begins: a stream lost while the engine starts up (or one driven by
        // runUntil, never start()ed) halts trading and is reconciled at its reconnect like any other
        const active = !this.stopping;
        this.record('input.connection', { state, reason: reason ?? null, active });
        this.onConnection(state, reason, active);
      },
    });
    // a replay applies the recorded history itself (replay.ts), when the record says it arrived
    if (!this.options.replay) await this.historyWarmup.load(symbols);
    if (!this.options.replay && (this.snapshotAtStart.sessionNo > 1 || isBrokerVenue(this.config.venue))) await this.reconcile('start');
    if (!this.options.replay) this.endRecoveredAlgos();
  }

  /**
   * Algorithm parents a previous session left working are ended, not resumed:
   * each open child is canceled (journaled as an operator-style cancel, so replay
   * does the same) and the parent finishes with what its children filled.
   */
  private endRecoveredAlgos(): void {
    const parents = this.recoveredParents.splice(0);
    if (!parents.length) return;
    const childrenOf = (id: string) => this.oms.recent(Number.MAX_SAFE_INTEGER).filter((o) => o.parentId === id);
    this.algos.endRecovered(
      parents,
      (id) => childrenOf(id).filter((o) => isOpen(o.status)),
      (id) => {
        const kids = childrenOf(id);
        const qty = kids.reduce((a, o) => a + o.filledQty, 0);
        return { qty, avg: qty > 0 ? kids.reduce((a, o) => a + o.filledQty * o.avgFillPrice, 0) / qty : 0 };
      },
      (childId) => {
        const c = { name: 'cancelOrder' as const, args: { clientOrderId: childId } };
        this.record('input.command', c);
        applyCommand(this, c);
      },
    );
  }

  /** A strategy's order: worked by the large-order algorithm when it is a large share of the symbol's average daily volume. */
  private routeOrder(o: Parameters<OrderManager['submit']>[0]): { order: Order; decision: RiskDecision } {
    const a = this.config.execution.algo;
    const adv = this.costs.stats.get(o.symbol)?.adv;
    if (a.advThresholdPct > 0 && adv !== undefined && adv > 0 && o.qty >= a.advThresholdPct * adv) {
      return this.algos.submit({ ...o, algo: { kind: a.largeOrderAlgo } });
    }
    return this.oms.submit(o);
  }

  /**
   * Recent 1-minute bars: the simulator answers from memory; a broker venue
   * through the fetch scheduler (rate budget, de-duplication) and the bar cache.
   */
  async bars(symbols: string[], limit: number): Promise<Map<string, Bar[]>> {
    if (!isBrokerVenue(this.config.venue)) {
      return new Map(await Promise.all(symbols.map(async (s) => [s, await this.venue.getBars(s, limit)] as [string, Bar[]])));
    }
    return this.historyService().recent(symbols, limit, this.clock.now());
  }

  private historyService(): HistoryService {
    return (this.history ??= new HistoryService({
      venue: this.venue,
      venueId: this.config.venue,
      dataDir: this.readOnly ? undefined : this.options.dataDir,
      rate: this.config.venue.startsWith('alpaca') ? ALPACA_DATA_RATE : false,
      onProgress: (p) => {
        this.lastProgress = p;
        this.publisher.markDirty('dataProgress');
      },
      onWarning: (m) => this.alerts.raise('warning', 'HISTORY', m, 'data', `hist:${m.slice(0, 40)}`),
    }));
  }

  /** The historical-data rate budget used over its window (broker venues), or null (simulator, no budget, nothing fetched yet). */
  apiBudget(): ApiBudgetUse | null {
    return this.history?.budgetUsed() ?? null;
  }

  /** A late symbol's history as recorded (replay), or the start-up batch: its symbols join the strategies (history-warmup.ts). */
  applyHistory(rec: WarmupRecord, startup: boolean): void {
    this.historyWarmup.apply(rec, startup);
  }

  /** Per symbol, a promise of its recent 1-minute bars: the simulator from memory, a broker venue through the history service. */
  private historyEach(symbols: string[], limit: number): Map<string, Promise<Bar[]>> {
    if (!isBrokerVenue(this.config.venue)) return new Map(symbols.map((s) => [s, this.venue.getBars(s, limit)]));
    return this.historyService().recentEach(symbols, limit, this.clock.now());
  }

  /** Feeds history bars to the strategies (no orders). */
  warmup(bars: Record<string, Bar[]>): void {
    for (const [symbol, list] of Object.entries(bars)) {
      const valid = list.filter((b) => isBarValid(b));
      // a late symbol's live bars were seen already: never move its last bar time back
      if (valid.length) this.lastBarTs.set(symbol, Math.max(valid[valid.length - 1]!.ts, this.lastBarTs.get(symbol) ?? -Infinity));
      for (const s of this.strategies) this.guard(s, () => s.warmup?.(valid));
      this.signals.warmup(valid);
    }
  }

  async start(): Promise<void> {
    await this.prepare();
    if (this.readOnly) return;
    this.running = true;
    this.loopLag.start();
    this.driver.start();
    const cc = this.config.crossCheck;
    if (cc.venue) {
      const crypto = [...this.instrumentsBySymbol.values()].filter((i) => i.assetClass === 'crypto').map((i) => i.symbol);
      this.crossCheck = new CrossExchangeCheck({
        reference: cc.venue,
        ours: this.venue.id,
        symbols: crypto,
        url: cc.url || undefined,
        threshold: cc.thresholdPct,
        clock: this.clock,
        quality: this.quality,
        ourPrice: (s) => this.referencePrice(s),
        onError: (m) => this.alerts.raise('warning', 'CROSS_CHECK', m, 'data', `xc:${m.slice(0, 40)}`),
      });
      this.crossCheck.start();
    }
    this.publisher.markDirty('status');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const wasRunning = this.running;
    this.running = false;
    this.loopLag.stop();
    this.driver.stop();
    this.crossCheck?.stop();
    this.staleWatch?.stop();
    this.publisher.close();
    // a reconciliation pass still asking the venue ends (or is abandoned) before the journal closes
    await Promise.race([this.reconciler.settled(), new Promise((r) => setTimeout(r, 2_000).unref())]);
    if (!this.readOnly) await this.venue.disconnect();
    this.history?.close();
    if (this.journal && (wasRunning || this.prepared) && !this.options.replay) this.record('session.stop', { sessionId: this.sessionId });
    this.closed = true;
    this.learning.close();
    await this.journal?.close?.();
  }

  /** Stops simulated time (a served replay whose bars have ended); the engine keeps serving. */
  pauseClock(): void {
    this.driver.stop();
  }

  runUntil(ts: number): void {
    if (!this.prepared) throw new Error('runUntil needs prepare() first');
    this.driver.runUntil(ts);
  }

  status(): EngineStatus {
    const speed = speedFactor(this.config.sim.speed);
    return {
      tradingState: this.risk.tradingState,
      mode: this.config.mode,
      venue: this.venue.id,
      profile: this.config.profile,
      now: this.clock.now(),
      speed: speed === Infinity ? 0 : speed,
      seed: this.config.sim.seed,
      running: this.running,
      readOnly: this.readOnly,
      journal: this.options.dataDir ?? null,
      openOrders: this.oms.openCount,
      positions: this.portfolio.openPositionCount(),
      ordersSubmitted: this.oms.submitted,
      ordersDenied: this.oms.denied,
      fills: this.oms.fills,
      lastStateChange: this.risk.lastAccountChange,
      scopedStates: this.risk.scopedStates(),
    };
  }

  /** Live risk gauges for the UI's risk panel. */
  riskGauges() {
    const L = this.risk.currentLimits;
    const M = this.config.monitor;
    return {
      ...this.monitor.gauges(),
      limits: {
        maxGrossExposurePct: L.maxGrossExposurePct,
        minNetExposurePct: L.minNetExposurePct,
        maxNetExposurePct: L.maxNetExposurePct,
        drawdownAlertPct: M.drawdownAlertPct,
        drawdownReducePct: M.drawdownReducePct,
      },
      var95: this.lastVar95,
    };
  }

  /** A venue connection change (an input: journaled, replayed). */
  onConnection(state: 'connected' | 'disconnected', reason: string | undefined, active: boolean): void {
    this.alerts.raise(state === 'connected' ? 'info' : 'critical', `VENUE_${state.toUpperCase()}`, `venue ${this.venue.id} ${state}${reason ? `: ${reason}` : ''}`, 'venue');
    // a disconnect while trading halts; the one at shutdown does not
    if (active) this.monitor.onConnection(state, this.venue.id, reason);
    if (state === 'disconnected' && active) this.wasDisconnected = true;
    // after every reconnect: reconcile before trusting our state again
    if (state === 'connected' && this.wasDisconnected && active && !this.options.replay) {
      this.wasDisconnected = false;
      void this.reconcile('reconnect');
    }
  }

  /**
   * Reduces every position (or those in scope) by `fraction` with verified
   * flattening orders: market orders that can only bring a position toward flat.
   */
  reducePositions(fraction: number, source: string, reason: string, symbols?: ReadonlySet<string>): number {
    let sent = 0;
    for (const p of this.portfolio.positions()) {
      if (symbols && !symbols.has(p.symbol)) continue;
      const inst = this.instrumentsBySymbol.get(p.symbol);
      if (!inst) continue;
      const open = this.oms.openQty(p.symbol);
      const closing = p.qty > 0 ? open.sell : open.buy;
      const room = Math.abs(p.qty) - closing;
      const qty = fraction >= 1 ? roundToLot(room, inst.lotSize) : roundToLot(Math.min(room, Math.abs(p.qty) * fraction), inst.lotSize);
      if (qty <= 0) continue;
      const { decision } = this.oms.submit({
        symbol: p.symbol,
        side: p.qty > 0 ? 'sell' : 'buy',
        type: 'market',
        qty,
        timeInForce: 'day',
        source,
        reason,
        flatten: true,
      });
      if (decision.approved) sent++;
    }
    return sent;
  }

  referencePrice(symbol: string): number | undefined {
    const q = this.quotes.get(symbol);
    return q ? (q.bid + q.ask) / 2 : undefined;
  }

  /**
   * An input from outside (venue or operator): journaled, then delivered on the
   * bus. Venue order events that arrive while reconciliation runs are held and
   * applied after it, in arrival order (see reconciler.ts).
   */
  input<K extends 'quote' | 'bar' | 'venueOrderUpdate' | 'venueFill'>(kind: JournalKind, topic: K, message: EngineMessages[K]): void {
    if ((topic === 'venueOrderUpdate' || topic === 'venueFill') && this.reconciler.busy) {
      this.held.push({ kind, topic, message });
      return;
    }
    this.record(kind, message);
    this.bus.publish(topic, message);
  }

  private flushHeld(): void {
    while (this.held.length && !this.reconciler.busy) {
      const h = this.held.shift()!;
      this.record(h.kind, h.message);
      this.bus.publish(h.topic, h.message as never);
    }
  }

  /** Why RESUME must stop at REDUCING now (reconciliation's gate), or undefined. */
  reconciliationGate(): string | undefined {
    return this.reconciler.gate();
  }

  /** RESUME stopped at REDUCING by the gate: the last acknowledgement makes trading ACTIVE. */
  holdForReconciliation(): void {
    this.reconciler.holdUntilAcknowledged();
  }

  /** Reconciliation with the venue, at start and after every reconnect (see reconciler.ts). */
  reconcile(trigger: 'start' | 'reconnect' | 'order'): Promise<void> {
    return this.reconciler.run(trigger);
  }

  /** The operator acknowledges one reconciliation difference. */
  acknowledgeDifference(id: string): boolean {
    return this.reconciler.acknowledge(id);
  }

  /** The latest reconciliation, for the UI's reconciliation view. */
  get reconciliation(): Reconciliation {
    return this.reconciler.view;
  }

  /** One equity sample per simulated minute (bars drive it, so replay samples alike). */
  private sampleEquity(ts: number): void {
    if (this.options.equityCurve === false) return;
    const last = this.equityCurve[this.equityCurve.length - 1];
    // a later bar of the minute sampled last: nothing to add, decided without a double's % (a call into C, on every bar)
    if (last !== undefined && last === this.lastSample && ts >= 0 && ts < this.lastSampleEnd) return;
    const minute = ts - (ts % 60_000);
    if (last && last[0] >= minute) return;
    const sample: [number, number] = [minute, Math.round(this.portfolio.equity() * 100) / 100];
    this.equityCurve.push(sample);
    this.lastSample = sample;
    // a minute of a non-negative time is a whole minute: every ts >= 0 below its end falls in it (or an earlier one)
    this.lastSampleEnd = minute >= 0 ? minute + 60_000 : -Infinity;
    if (this.equityCurve.length > 60 * 24 * 90) this.equityCurve.splice(0, 60 * 24);
  }

  private onDecision(o: Order, d: RiskDecision, p: Provenance | undefined): void {
    // an approved decision builds its per-check results when first read: the journal reads them at once; a run without one, only if asked
    const rec = new DecisionRecordOf(o, d, p ?? null);
    this.record('decision', rec);
    this.decisions.record(rec);
  }

  private wire(): void {
    const bus = this.bus;
    const pub = this.publisher;
    bus.subscribe('quote', (q) => {
      if (!this.instrumentsBySymbol.has(q.symbol)) return;
      if (!isQuoteValid(q)) {
        this.alerts.raise('warning', 'DATA_QUALITY', `bad quote for ${q.symbol} ignored: bid ${q.bid}, ask ${q.ask}`, 'data', `dq:q:${q.symbol}`);
        return;
      }
      const prev = this.quotes.get(q.symbol);
      if (prev && q.ts < prev.ts) {
        this.alerts.raise('info', 'DATA_LATE', `late quote for ${q.symbol} ignored`, 'data', `dq:late:${q.symbol}`);
        return;
      }
      this.quality.onQuote(q);
      this.quotes.set(q.symbol, q);
      this.changedQuotes.set(q.symbol, q);
      pub.markDirty('quotes');
      pub.markDirty('status'); // the engine clock moves with the data, not only with orders
      if (this.portfolio.mark(q.symbol, (q.bid + q.ask) / 2)) {
        pub.markDirty('positions');
        pub.markDirty('account');
        pub.markDirty('risk');
      }
      this.monitor.onQuote(q);
      this.orderMonitor.onQuote(q.symbol);
      this.algos.onTick(q.symbol);
      for (const s of this.strategies) if (s.onQuote) this.deliver(s, s.onQuote, q);
    });
    bus.subscribe('bar', (b) => {
      // the quality monitor first: it drops impossible bars and counts them in the symbol's report
      if (!this.quality.onBar(b).accepted) return;
      if (!isBarValid(b)) {
        this.alerts.raise('warning', 'DATA_QUALITY', `bad bar for ${b.symbol} at ${new Date(b.ts).toISOString()} ignored`, 'data', `dq:b:${b.symbol}`);
        return;
      }
      const last = this.lastBarTs.get(b.symbol);
      if (last !== undefined && b.ts <= last) {
        this.alerts.raise('info', 'DATA_LATE', `late or duplicate bar for ${b.symbol} at ${new Date(b.ts).toISOString()} ignored`, 'data', `dq:lb:${b.symbol}`);
        return;
      }
      this.lastBarTs.set(b.symbol, b.ts);
      this.changedBars.set(b.symbol, b);
      pub.markDirty('bars');
      pub.markDirty('status');
      this.monitor.onBar(b);
      pub.markDirty('risk');
      this.sampleEquity(b.ts);
      this.costs.stats.onBar(b);
      this.algos.onBar(b.symbol, b.volume);
      // a symbol still waiting for its history: held for its warm-up, no strategy sees it yet
      if (this.signals.history.hold(b)) return;
      for (const s of this.strategies) if (s.onBar) this.deliver(s, s.onBar, b);
      if (!this.options.strategies) this.signals.onBar(b);
    });
    bus.subscribe('venueOrderUpdate', (u) => {
      this.oms.onVenueUpdate(u);
      if (u.kind === 'rejected') {
        this.alerts.raise('warning', 'VENUE_REJECT', `order ${u.clientOrderId} rejected: ${u.reason}`, 'venue', `rej:${u.code}`);
        this.monitor.onVenueReject(u.ts);
      }
    });
    bus.subscribe('venueFill', (f) => this.oms.onVenueFill(f));
    bus.subscribe('fill', (f) => {
      const realized = this.portfolio.applyFill(f);
      this.decisions.onFill(f, realized);
      const source = this.oms.get(f.clientOrderId)?.source ?? 'unknown';
      this.monitor.onFill(f, realized, source);
      this.costs.onFill(f);
      const own = this.ownPositions.get(source);
      if (own) own.set(f.symbol, (own.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
      pub.markDirty('positions');
      pub.markDirty('account');
      pub.markDirty('risk');
      for (const s of this.strategies) if (s.onFill) this.deliver(s, s.onFill, f);
    });
    bus.subscribe('order', (o) => {
      this.costs.onOrder(o);
      this.orderMonitor.onOrder(o);
      if (o.parentId !== undefined) this.algos.onChildOrder(o);
      pub.markDirty('orders');
      pub.markDirty('status');
    });
    bus.subscribe('tradingState', (c) => {
      pub.markDirty('risk');
      this.algos.onTradingState(c);
      if (c.actor === 'operator' && c.to === 'ACTIVE' && c.scope === 'account') this.monitor.rearm();
      // a reconciliation pass holds new risk (REDUCING) while it reads the venue, at every start and reconnect, and gives
      // it back when the venue agrees: a warning (what it finds wrong raises its own critical alerts); any other move away
      // from ACTIVE is critical
      const level = c.to === 'ACTIVE' ? 'info' : c.actor === 'reconcile' && c.to === 'REDUCING' ? 'warning' : 'critical';
      this.alerts.raise(level, 'TRADING_STATE', `trading ${c.from} -> ${c.to} by ${c.actor}: ${c.reason}`, 'risk');
      pub.markDirty('status');
    });
    bus.subscribe('alert', () => pub.markDirty('alerts'));
  }

  /** What the UI and learning may see and change of the strategies; each change is journaled and replayed. */
  readonly strategyControl: StrategyControl = {
    list: () => this.signals.info(),
    setEnabled: (id, on, actor, reason) => this.strategyCommand({ name: 'setStrategyEnabled', args: { id, enabled: on, actor, reason } }),
    setWeight: (id, w, actor, reason) => this.strategyCommand({ name: 'setStrategyWeight', args: { id, weight: w, actor, reason } }),
  };

  private strategyCommand(c: Extract<TradingCommand, { name: 'setStrategyEnabled' | 'setStrategyWeight' }>): StrategyInfo {
    if (this.readOnly) throw new ApiFailure('READ_ONLY', `'${c.name}' refused: this engine shows a journal read-only`);
    if (!this.signals.runtime(c.args.id)) throw new ApiFailure('UNKNOWN_STRATEGY', `unknown strategy '${c.args.id}'`);
    if (c.name === 'setStrategyWeight' && !(c.args.weight >= 0 && c.args.weight <= 1)) throw new ApiFailure('BAD_WEIGHT', `weight must be within [0, 1], got ${c.args.weight}`);
    this.record('input.command', c);
    applyCommand(this, c);
    return this.signals.info().find((s) => s.id === c.args.id)!;
  }

  /** Runs strategy code in isolation: an exception becomes an alert; repeated failures disable it. */
  private guard(s: Strategy, fn: () => void): void {
    if ((this.strategyErrors.get(s.id) ?? 0) >= STRATEGY_ERROR_LIMIT) return;
    try {
      fn();
    } catch (e) {
      this.strategyFailed(s, e);
    }
  }

  /** One market or fill event to a strategy's handler, guarded as guard() (no closure per event: it runs on every bar). */
  private deliver<T>(s: Strategy, handler: (m: T, ctx: StrategyContext) => void, m: T): void {
    if ((this.strategyErrors.get(s.id) ?? 0) >= STRATEGY_ERROR_LIMIT) return;
    try {
      handler.call(s, m, this.contextFor(s));
    } catch (e) {
      this.strategyFailed(s, e);
    }
  }

  private strategyFailed(s: Strategy, e: unknown): void {
    const n = (this.strategyErrors.get(s.id) ?? 0) + 1;
    this.strategyErrors.set(s.id, n);
    const disabled = n >= STRATEGY_ERROR_LIMIT ? `; disabled after ${n} errors` : '';
    this.alerts.raise('critical', 'STRATEGY_ERROR', `strategy ${s.id} failed: ${(e as Error).message}${disabled}`, s.id);
  }

  /**
   * The context one strategy sees. Its orders carry its id as their source. With
   * several strategies, each sees its own position and open orders; with one, the
   * account's (which a restart restores).
   */
  private contextFor(s: Strategy): StrategyContext {
    const known = this.contexts.get(s.id);
    if (known) return known;
    const shared = this.strategies.length <= 1;
    const own = new Map<string, number>();
    if (!shared) this.ownPositions.set(s.id, own);
    const ctx: StrategyContext = {
      now: () => this.clock.now(),
      instrument: (sym) => this.instrumentsBySymbol.get(sym),
      quote: (sym) => this.quotes.get(sym),
      position: shared ? (sym) => this.portfolio.qty(sym) : (sym) => own.get(sym) ?? 0,
      // working execution-algorithm parents stand in for their children, as for the ensemble
      openOrders: shared ? (sym) => this.algos.strategyView(this.oms.openOrders(sym), sym) : (sym) => this.algos.strategyView(this.oms.openOrdersFrom(sym, s.id), sym, s.id),
      equity: () => this.portfolio.equity(),
      isMarketOpen: (sym) => this.venue.isMarketOpen(sym, this.clock.now()),
      submit: (o) => this.submitStrategyOrder(s.id, o),
      cancel: (id) => void (this.algos.cancel(id) ?? this.oms.cancel(id)),
    };
    this.contexts.set(s.id, ctx);
    return ctx;
  }

  /** The pre-trade cost estimate of an order on a known instrument (undefined for an unknown symbol or without a price). */
  private costEstimate(o: CostedOrder, quote: Quote | undefined): CostEstimate | undefined {
    const inst = this.instrumentsBySymbol.get(o.symbol);
    return inst ? this.costs.estimate(o, quote, inst.assetClass) : undefined;
  }

  /** A strategy's order: the benefit/cost filter, then the OMS (risk checks, venue) or, for a large share of the average daily volume, the large-order algorithm. */
  private submitStrategyOrder(strategy: string, o: StrategyOrder): Order {
    const provenance: Provenance | undefined = o.signal
      ? { strategy, signals: [{ strategy, score: o.signal.score, weight: 1 }], features: o.signal.features, regime: null }
      : undefined;
    const quote = this.quotes.get(o.symbol);
    const estimate = this.costEstimate(o, quote);
    const reducing = reducesExposure(o, this.portfolio.qty(o.symbol), this.oms.openQty(o.symbol));
    // objects written out, not `{ ...o, more }`: V8 copies those on a slow path (microseconds an order)
    const verdict = this.costs.verdict({ symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice, expectedEdge: o.signal?.expectedEdge }, estimate, reducing);
    const timeInForce = o.timeInForce ?? 'day';
    if (!verdict.pass) return this.skipOrder({ symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice, timeInForce, source: strategy }, verdict, provenance);
    const { order, decision } = this.routeOrder({ symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice, timeInForce, source: strategy, reason: o.reason, provenance });
    // cost feedback is per venue order: an algorithm parent's children are sent by the algorithm
    if (decision.approved && !order.algo) this.costs.onSent(order, quote, estimate);
    return order;
  }

  /** An order the benefit/cost filter skipped: journaled as a refused decision, never sent. */
  private skipOrder(
    fields: Pick<Order, 'symbol' | 'side' | 'type' | 'qty' | 'limitPrice' | 'timeInForce' | 'source'>,
    v: { benefit: number | undefined; cost: number; ratio: number; message: string },
    provenance: Provenance | undefined,
  ): Order {
    const now = this.clock.now();
    this.costs.skipped++;
    const order: Order = {
      ...fields,
      clientOrderId: `skip-${this.sessionId}-${fields.source.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}-${(++this.skipSeq).toString().padStart(6, '0')}`,
      status: 'denied',
      filledQty: 0,
      avgFillPrice: 0,
      reason: `skipped: ${v.message}`,
      createdAt: now,
      updatedAt: now,
    };
    const check = { check: 'benefit_cost', passed: false, value: Math.round((v.benefit ?? 0) * 100) / 100, limit: Math.round(v.ratio * v.cost * 100) / 100, message: v.message };
    this.onDecision(order, { approved: false, reason: v.message, checks: [check] }, provenance);
    return order;
  }
}

function drain<T>(m: Map<string, T>): T[] {
  const out = [...m.values()];
  m.clear();
  return out;
}

/** Builds an engine from a (partial) config; throws ConfigError naming the bad field. */
export async function createEngine(input: ConfigInput = {}, options: EngineOptions = {}): Promise<Engine> {
  if (options.readOnly && options.dataDir) {
    // show the journal with the settings it was written with (seed, profile, venue, limits)
    const recorded = lastSessionConfig(options.dataDir);
    if (recorded) {
      const parsed = EngineConfigSchema.safeParse(recorded);
      if (parsed.success) return new Engine(parsed.data, options);
    }
  }
  return new Engine(loadConfig(input), options);
}
