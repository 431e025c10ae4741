// What the command handlers (engine-commands.ts) see of the engine: its
// components and the few operations commands drive. The Engine class satisfies
// it structurally; depending on this narrow type instead of the Engine class
// keeps engine.ts -> engine-commands.ts a one-way arrow (no import cycle).
import type { VenueLatency } from './venues/venue-latency.js';
import type { EngineStatus } from '../shared/api/contract.js';
import type { Bar, Instrument } from '../shared/domain.js';
import type { AlertLog } from './core/alerts.js';
import type { LoopLagMonitor } from './core/loop-lag.js';
import type { Learning } from './strategy/learning/learning.js';
import type { StrategyRunner } from './strategy/runner.js';
import type { StrategyControl } from './strategy/strategy-control.js';
import type { EngineConfig } from './core/config.js';
import type { ApiBudgetUse } from './data/fetch-scheduler.js';
import type { QualityMonitor } from './data/quality-monitor.js';
import type { OrderManager } from './execution/oms.js';
import type { ExecutionAlgos } from './execution/algos/algo-manager.js';
import type { DecisionLog } from './journal/decision-log.js';
import type { JournalKind } from './journal/records.js';
import type { Portfolio } from './portfolio/portfolio.js';
import type { Reconciliation } from './reconciler.js';
import type { RiskEngine } from './risk/risk-engine.js';
import type { RiskMonitor } from './risk/risk-monitor.js';
import type { Venue } from './venues/venue.js';

export interface EngineContext {
  readonly config: EngineConfig;
  readonly options: { readonly dataDir?: string };
  readonly readOnly: boolean;
  readonly running: boolean;
  readonly venue: Venue;
  /** The signal strategies and the ensemble; their live control; learning. */
  readonly signals: StrategyRunner;
  readonly strategyControl: StrategyControl;
  readonly learning: Learning;
  /** Event-loop lag of the hosting process (health view). */
  readonly loopLag: LoopLagMonitor;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly oms: OrderManager;
  /** Execution algorithms' parent orders (cancel, manual orders with an algo, the blotter). */
  readonly algos: ExecutionAlgos;
  readonly alerts: AlertLog;
  readonly monitor: RiskMonitor;
  readonly decisions: DecisionLog;
  readonly quality: QualityMonitor;
  readonly journal: { flush?(): void } | undefined;
  readonly instrumentsBySymbol: ReadonlyMap<string, Instrument>;
  /** Equity sampled once per simulated minute. */
  readonly equityCurve: ReadonlyArray<[number, number]>;
  /** Last portfolio VaR at 95% (set by the riskAnalytics command). */
  lastVar95: number | null;
  readonly reconciliation: Reconciliation;
  now(): number;
  status(): EngineStatus;
  touch(topic: 'risk' | 'status' | 'account' | 'positions' | 'alerts'): void;
  record(kind: JournalKind, payload: unknown): void;
  bars(symbols: string[], limit: number): Promise<Map<string, Bar[]>>;
  /** The historical-data rate budget used over its window, or null. */
  apiBudget(): ApiBudgetUse | null;
  /** Request latency of a broker venue (Health). */
  readonly venueLatency: VenueLatency;
  reducePositions(fraction: number, source: string, reason: string, symbols?: ReadonlySet<string>): number;
  reconciliationGate(): string | undefined;
  holdForReconciliation(): void;
  acknowledgeDifference(id: string): boolean;
}
