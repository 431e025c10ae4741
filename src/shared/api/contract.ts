// The one contract between the engine and any UI: commands (request -> response)
// and events (engine -> UI stream), each with a zod schema. The Electron IPC
// bridge and the WebSocket bridge are two transports of exactly this contract.
import { z } from 'zod';
import {
  Account,
  Alert,
  Bar,
  Fill,
  Instrument,
  Order,
  OrderSide,
  OrderType,
  Position,
  Quote,
  TimeInForce,
  TradingState,
  TradingStateChange,
} from '../domain.js';
import { backtestCommands } from './backtest-contract.js';

const Reason = z.string().trim().min(1, 'a reason is required').max(500);

export const EngineStatus = z.object({
  tradingState: TradingState,
  mode: z.enum(['backtest', 'paper', 'live']),
  venue: z.string(),
  profile: z.string(),
  /** Engine clock (simulated time on the simulator). */
  now: z.number(),
  speed: z.number(),
  seed: z.number(),
  running: z.boolean(),
  /** True when the engine shows a journal without trading on it (damaged or inspected). */
  readOnly: z.boolean(),
  /** Where the journal is, or null when the engine keeps no journal. */
  journal: z.string().nullable(),
  openOrders: z.number().int(),
  positions: z.number().int(),
  ordersSubmitted: z.number().int(),
  ordersDenied: z.number().int(),
  fills: z.number().int(),
  /** The last change of the account's trading state (strategy and instrument states are in scopedStates). */
  lastStateChange: TradingStateChange.nullable(),
  /** Trading states of the account and of every strategy or instrument not ACTIVE. */
  scopedStates: z.array(z.object({ scope: z.string(), state: TradingState })),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

/** Event-loop lag over the last completed window, in milliseconds (see src/engine/core/loop-lag.ts). */
export const EventLoopLag = z.object({
  windowMs: z.number().nonnegative(),
  meanMs: z.number().nonnegative(),
  p50Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  maxMs: z.number().nonnegative(),
  worstMs: z.number().nonnegative(),
});
export type EventLoopLag = z.infer<typeof EventLoopLag>;

/** Wall-clock latency of venue requests (see src/engine/venues/venue-latency.ts). */
const LatencyFigures = z.object({
  calls: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  p50Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  maxMs: z.number().nonnegative(),
});
export const VenueLatencyReport = LatencyFigures.extend({ byCall: z.record(z.string(), LatencyFigures) });
export type VenueLatencyReport = z.infer<typeof VenueLatencyReport>;

export const Snapshot = z.object({
  status: EngineStatus,
  account: Account,
  positions: z.array(Position),
  orders: z.array(Order),
  alerts: z.array(Alert),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** An execution algorithm for a manual order: TWAP / VWAP slicing or an iceberg (limit orders); unset fields come from the config's `execution.algo`. */
export const AlgoRequest = z
  .object({
    kind: z.enum(['twap', 'vwap', 'iceberg']),
    durationMs: z.number().int().min(1_000).max(7 * 86_400_000).optional(),
    sliceMs: z.number().int().min(1_000).max(86_400_000).optional(),
    participationCap: z.number().gt(0).max(1).optional(),
    displayQty: z.number().positive().finite().optional(),
  })
  .strict();
export type AlgoRequest = z.infer<typeof AlgoRequest>;

export const ManualOrder = z.object({
  symbol: z.string().min(1),
  side: OrderSide,
  type: OrderType,
  qty: z.number().positive().finite(),
  limitPrice: z.number().positive().finite().optional(),
  timeInForce: TimeInForce.default('day'),
  /** Work the order with an execution algorithm (the parent is never sent; its children are). */
  algo: AlgoRequest.optional(),
});
export type ManualOrder = z.infer<typeof ManualOrder>;

export const SubmitResult = z.object({
  accepted: z.boolean(),
  clientOrderId: z.string(),
  reason: z.string(),
});
export type SubmitResult = z.infer<typeof SubmitResult>;

export const RiskCheck = z.object({
  check: z.string(),
  passed: z.boolean(),
  value: z.union([z.number(), z.string()]),
  limit: z.union([z.number(), z.string()]),
  message: z.string(),
});
export type RiskCheck = z.infer<typeof RiskCheck>;

/** One row of the decision log: a trade decision and what became of it. */
export const DecisionSummary = z.object({
  /** Same as the client order id of the order it produced. */
  id: z.string(),
  ts: z.number(),
  symbol: z.string(),
  strategy: z.string(),
  action: OrderSide,
  qty: z.number(),
  limitPrice: z.number().nullable(),
  /** submitted (passed risk and left) or denied (refused by risk). */
  outcome: z.enum(['submitted', 'denied']),
  /** Current status of the order. */
  status: z.string(),
  filledQty: z.number(),
  avgFillPrice: z.number(),
  realizedPnl: z.number(),
  reason: z.string(),
});
export type DecisionSummary = z.infer<typeof DecisionSummary>;

export const DecisionDetail = z.object({
  summary: DecisionSummary,
  signals: z.array(
    z.object({
      strategy: z.string(),
      score: z.number(),
      weight: z.number(),
      confidence: z.number().optional(),
      horizonBars: z.number().optional(),
      ageBars: z.number().optional(),
      reasons: z.array(z.string()).optional(),
      baseWeight: z.number().optional(),
      learnedWeight: z.number().nullable().optional(),
      influence: z.number().optional(),
      debateMultiplier: z.number().optional(),
      scores: z.object({ alpha: z.number(), regimeFit: z.number(), diversification: z.number(), drawdown: z.number(), total: z.number(), judged: z.number() }).optional(),
    }),
  ),
  features: z.record(z.string(), z.number()),
  regime: z.string().nullable(),
  /** The ensemble's part (absent for manual and older decisions). */
  regimeReady: z.boolean().optional(),
  mode: z.string().optional(),
  sizeMultiplier: z.number().optional(),
  debate: z.array(z.object({ strategy: z.string(), stance: z.enum(['support', 'attack']), rule: z.string(), text: z.string() })).optional(),
  weights: z.record(z.string(), z.number()).optional(),
  influence: z.record(z.string(), z.number()).optional(),
  net: z.number().optional(),
  target: z.object({ fraction: z.number(), qty: z.number(), current: z.number(), volScale: z.number(), notes: z.array(z.string()) }).optional(),
  checks: z.array(RiskCheck),
  /** Every state the order went through, oldest first. */
  orderStates: z.array(Order),
  fills: z.array(Fill),
  /** A parent order (execution algorithm): each child as it stands, with its fills. */
  children: z.array(z.object({ order: Order, fills: z.array(Fill) })).optional(),
});
export type DecisionDetail = z.infer<typeof DecisionDetail>;

export const DecisionQuery = z
  .object({
    text: z.string().max(200).optional(),
    symbol: z.string().optional(),
    strategy: z.string().optional(),
    action: OrderSide.optional(),
    outcome: z.enum(['submitted', 'denied']).optional(),
    limit: z.number().int().positive().max(5000).default(500),
  })
  .strict();

/** Where a trading-state command applies: the account (default), one strategy, or one instrument. */
export const StateScope = z.union([
  z.object({ strategy: z.string().min(1) }).strict(),
  z.object({ symbol: z.string().min(1) }).strict(),
]);
export type StateScope = z.infer<typeof StateScope>;

export const KillResult = z.object({ status: EngineStatus, canceled: z.number().int(), stillOpen: z.number().int() });

export const RiskSettings = z.object({
  risk: z.record(z.string(), z.number()),
  monitor: z.record(z.string(), z.union([z.number(), z.string()])),
});
export type RiskSettings = z.infer<typeof RiskSettings>;

/** Live risk gauges, sent as the 'risk' event. */
export const RiskGauges = z.object({
  equity: z.number(),
  peakEquity: z.number(),
  drawdownPct: z.number(),
  dayStartEquity: z.number(),
  dayPnl: z.number(),
  dayLossLimit: z.number(),
  grossExposurePct: z.number(),
  netExposurePct: z.number(),
  volRegime: z.object({ symbol: z.string(), value: z.number().nullable(), threshold: z.number(), blocking: z.boolean() }),
  consecutiveLosses: z.record(z.string(), z.number()),
  staleInstruments: z.array(z.string()),
  avgCorrelation: z.number().nullable(),
  rejectsInWindow: z.number(),
  limits: z.object({
    maxGrossExposurePct: z.number(),
    minNetExposurePct: z.number(),
    maxNetExposurePct: z.number(),
    drawdownAlertPct: z.number(),
    drawdownReducePct: z.number(),
  }),
  /** Last computed 1-day VaR at 95% (historical), or null before the first analytics run. */
  var95: z.number().nullable(),
});
export type RiskGauges = z.infer<typeof RiskGauges>;

export const RiskAnalytics = z.object({
  computedAt: z.number(),
  portfolioValue: z.number(),
  grossExposure: z.number(),
  /** Returns used: 1-minute bar returns, VaR scaled to one trading day (x sqrt(390)). */
  observations: z.number(),
  horizon: z.string(),
  var: z.array(z.object({ confidence: z.number(), historical: z.number().nullable(), parametric: z.number().nullable(), expectedShortfall: z.number().nullable() })),
  stress: z.array(z.object({ name: z.string(), pnl: z.number(), pnlPct: z.number().nullable() })),
  monteCarlo: z.object({ paths: z.number(), horizonDays: z.number(), p50: z.number(), p95: z.number(), p99: z.number() }).nullable(),
  correlation: z.object({ symbols: z.array(z.string()), matrix: z.array(z.array(z.number().nullable())), averagePairwise: z.number().nullable() }),
  warnings: z.array(z.string()),
});
export type RiskAnalytics = z.infer<typeof RiskAnalytics>;

export const AccountMetrics = z.object({
  /** Equity sampled each simulated minute: [ts, equity]. */
  curve: z.array(z.tuple([z.number(), z.number()])),
  /** Metrics of the daily curve, or null with the reason when there are too few days. */
  metrics: z.record(z.string(), z.number().nullable()).nullable(),
  note: z.string(),
});
export type AccountMetrics = z.infer<typeof AccountMetrics>;

export const CredentialStatus = z.object({
  venue: z.string(),
  present: z.boolean(),
  /** Field names only: a secret never crosses to the UI. */
  fields: z.array(z.string()),
  updatedAt: z.number().nullable(),
});
export type CredentialStatus = z.infer<typeof CredentialStatus>;

export const ReconciliationView = z.object({
  state: z.enum(['none', 'running', 'complete', 'differences', 'failed']),
  trigger: z.enum(['start', 'reconnect', 'order']),
  startedAt: z.number(),
  error: z.string().optional(),
  differences: z.array(z.object({ id: z.string(), kind: z.enum(['order', 'position', 'fill']), symbol: z.string(), detail: z.string(), acknowledged: z.boolean() })),
});
export type ReconciliationView = z.infer<typeof ReconciliationView>;

/** A strategy's signal as the UI sees it (src/engine/strategy/signal.ts). */
export const SignalView = z.object({
  strategy: z.string(),
  symbol: z.string(),
  ts: z.number(),
  score: z.number(),
  confidence: z.number(),
  horizonBars: z.number(),
  reasons: z.array(z.string()),
  features: z.record(z.string(), z.number()),
});
export type SignalView = z.infer<typeof SignalView>;

/** What learning knows of a strategy in one regime: accuracy of its resolved predictions, learned weight and its influence. */
export const RegimeLearningView = z.object({
  regime: z.string(),
  resolved: z.number().int(),
  hits: z.number().int(),
  /** hits / resolved; null before any prediction resolved. */
  accuracy: z.number().nullable(),
  /** Mean of score × realized return. */
  meanPayoff: z.number().nullable(),
  weight: z.number(),
  influence: z.number(),
});

/** One row of the strategies panel. */
export const StrategyRow = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  /** The configured weight in [0, 1] that learning blends with the learned one. */
  baseWeight: z.number(),
  kind: z.enum(['intraday', 'position', 'benchmark']),
  lastSignal: SignalView.nullable(),
  error: z.string().nullable(),
  /** Symbols whose warm-up history is still loading: the strategy gets none of their bars until it arrives. */
  waitingFor: z.array(z.string()),
  learning: RegimeLearningView.omit({ regime: true }).extend({
    pending: z.number().int(),
    /** The regime of the latest signal; weight and influence are for it (null before any signal). */
    regime: z.string().nullable(),
    byRegime: z.array(RegimeLearningView),
  }),
});
export type StrategyRow = z.infer<typeof StrategyRow>;

const StrategyId = z.string().min(1).max(200);
const Weight = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

const VenueCredentialId = z.string().regex(/^(alpaca|alpaca-live|ccxt:[a-z][a-z0-9_]{0,63})$/, "must be 'alpaca', 'alpaca-live' or 'ccxt:<exchange id>'");

/** Every command: its argument schema and its result schema. */
export const commands = {
  status: { args: z.object({}).strict(), result: EngineStatus },
  snapshot: { args: z.object({}).strict(), result: Snapshot },
  listInstruments: { args: z.object({}).strict(), result: z.array(Instrument) },
  getBars: {
    args: z.object({ symbol: z.string().min(1), limit: z.number().int().positive().max(5000).default(300) }).strict(),
    result: z.array(Bar),
  },
  halt: { args: z.object({ reason: Reason.optional(), scope: StateScope.optional() }).strict(), result: EngineStatus },
  resume: { args: z.object({ reason: Reason, scope: StateScope.optional() }).strict(), result: EngineStatus },
  kill: {
    args: z.object({ reason: Reason.optional(), scope: StateScope.optional() }).strict(),
    result: KillResult,
  },
  flatten: {
    args: z.object({ reason: Reason.optional(), scope: StateScope.optional() }).strict(),
    result: KillResult.extend({ flattenOrders: z.number().int(), positionsLeft: z.number().int() }),
  },
  getRiskLimits: { args: z.object({}).strict(), result: RiskSettings },
  setRiskLimits: {
    args: z
      .object({
        risk: z.record(z.string(), z.number()).optional(),
        monitor: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
        /** Loosening a limit needs this set to true (the UI asks first). */
        confirmLoosening: z.boolean().default(false),
        reason: z.string().max(500).optional(),
      })
      .strict(),
    result: RiskSettings.extend({ loosened: z.array(z.string()), tightened: z.array(z.string()) }),
  },
  whatIf: { args: ManualOrder.strict(), result: z.object({ approved: z.boolean(), reason: z.string(), checks: z.array(RiskCheck) }) },
  riskAnalytics: { args: z.object({}).strict(), result: RiskAnalytics },
  accountMetrics: { args: z.object({}).strict(), result: AccountMetrics },
  credentialStatus: { args: z.object({}).strict(), result: z.array(CredentialStatus) },
  /** The one direction a secret travels: typed in Settings, stored in the OS keychain, never sent back. */
  setCredentials: {
    args: z.object({ venue: VenueCredentialId, fields: z.record(z.string(), z.string().max(4096)) }).strict(),
    result: CredentialStatus,
  },
  deleteCredentials: { args: z.object({ venue: VenueCredentialId }).strict(), result: CredentialStatus },
  /** Connects to the venue with the stored keys and reads the account. */
  testCredentials: {
    args: z.object({ venue: VenueCredentialId, endpoints: z.record(z.string(), z.string()).optional() }).strict(),
    result: z.object({ ok: z.boolean(), message: z.string() }),
  },
  reconciliation: { args: z.object({}).strict(), result: ReconciliationView },
  acknowledgeDifference: { args: z.object({ id: z.string().min(1) }).strict(), result: ReconciliationView },
  /** The operator acknowledges one alert (journaled as 'alert.ack'); the alert stays listed, marked acknowledged. */
  acknowledgeAlert: { args: z.object({ id: z.string().min(1).max(100) }).strict(), result: Alert },
  venueHealth: {
    args: z.object({}).strict(),
    result: z.object({
      venue: z.string(),
      counters: z.record(z.string(), z.number()),
      detail: z.string(),
      /** Event-loop lag of the process hosting the engine (Electron's main process in the desktop app); null while the engine is not running. */
      eventLoop: EventLoopLag.nullable(),
      /** The venue's historical-data rate budget: requests started in the last window of its limit; null without a budget. */
      apiBudget: z.object({ used: z.number().int().nonnegative(), limit: z.number().int().positive(), windowMs: z.number().positive() }).nullable().optional(),
      /** Bytes of the journal's files (SQLite files with their WAL) in the data dir; null without a journal. */
      journalBytes: z.number().nonnegative().nullable().optional(),
      /** Wall-clock latency of the broker's requests (last 256 per kind): all together and per kind; null on the simulator or before the first request. */
      venueLatency: VenueLatencyReport.nullable().optional(),
    }),
  },
  /** Per-symbol data-quality report: bars and ticks seen, dropped, flagged, by issue, stale. */
  dataQuality: {
    args: z.object({}).strict(),
    result: z.array(z.object({ symbol: z.string(), bars: z.number(), ticks: z.number(), dropped: z.number(), flagged: z.number(), byIssue: z.record(z.string(), z.number()), lastTs: z.number().nullable(), stale: z.boolean() })),
  },
  getSettings: { args: z.object({}).strict(), result: z.object({ liveTradingEnabled: z.boolean(), confirmationPhrase: z.string() }) },
  setLiveTrading: {
    args: z.object({ enabled: z.boolean(), confirmation: z.string().max(200).optional() }).strict(),
    result: z.object({ liveTradingEnabled: z.boolean(), confirmationPhrase: z.string() }),
  },
  cancelOrder: {
    args: z.object({ clientOrderId: z.string().min(1) }).strict(),
    result: z.object({ requested: z.boolean(), reason: z.string() }),
  },
  submitOrder: { args: ManualOrder.strict(), result: SubmitResult },
  /**
   * Closes one position with an opposing market order through the OMS and the
   * pre-trade checks (source 'manual'). Refused (NO_POSITION, OPEN_ORDERS,
   * TRADING_HALTED, RISK_DENIED) with nothing sent.
   */
  closePosition: {
    args: z.object({ symbol: z.string().min(1) }).strict(),
    result: z.object({ clientOrderId: z.string(), side: OrderSide, qty: z.number() }),
  },
  /** Modifies an open order (quantity and/or limit price); passes the same pre-trade checks. */
  replaceOrder: {
    args: z.object({ clientOrderId: z.string().min(1), qty: z.number().positive().finite().optional(), limitPrice: z.number().positive().finite().optional() }).strict(),
    result: z.object({ requested: z.boolean(), reason: z.string() }),
  },
  listDecisions: { args: DecisionQuery, result: z.array(DecisionSummary) },
  getDecision: { args: z.object({ id: z.string().min(1) }).strict(), result: DecisionDetail },
  /** Every strategy with its state, last signal and what learning has learned of it. */
  listStrategies: { args: z.object({}).strict(), result: z.array(StrategyRow) },
  setStrategyEnabled: { args: z.object({ id: StrategyId, enabled: z.boolean(), reason: Reason }).strict(), result: StrategyRow },
  setStrategyWeight: { args: z.object({ id: StrategyId, weight: Weight, reason: Reason }).strict(), result: StrategyRow },
  exportJournal: {
    args: z
      .object({
        format: z.enum(['csv', 'jsonl']),
        kind: z.enum(['decisions', 'orders', 'fills', 'alerts', 'all']).default('decisions'),
      })
      .strict(),
    result: z.object({ filename: z.string(), mime: z.string(), content: z.string(), records: z.number().int() }),
  },
  ...backtestCommands,
} as const;

export type CommandName = keyof typeof commands;
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
export type CommandArgs<N extends CommandName> = z.input<(typeof commands)[N]['args']>;
export type CommandParsedArgs<N extends CommandName> = z.output<(typeof commands)[N]['args']>;
export type CommandResult<N extends CommandName> = z.infer<(typeof commands)[N]['result']>;

/** Events: coalesced snapshots per topic, never one message per tick. */
export const events = {
  status: EngineStatus,
  account: Account,
  positions: z.array(Position),
  orders: z.array(Order),
  alerts: z.array(Alert),
  /** Latest bar per symbol that changed since the previous event. */
  bars: z.array(Bar),
  /** Latest quote per symbol that changed since the previous event. */
  quotes: z.array(Quote),
  risk: RiskGauges,
  /** Historical data download: requests done of total (a batch), failed, in flight, queued. */
  dataProgress: z.object({ done: z.number(), total: z.number(), failed: z.number(), canceled: z.number(), inFlight: z.number(), queued: z.number(), symbol: z.string() }),
} as const;

export type EventTopic = keyof typeof events;
export const EVENT_TOPICS = Object.keys(events) as EventTopic[];
export type EventPayload<T extends EventTopic> = z.infer<(typeof events)[T]>;
export type EngineEvent = { [T in EventTopic]: { topic: T; data: EventPayload<T> } }[EventTopic];

/** An error a person can act on: a stable code and a message naming the problem. */
export const ApiError = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}
