// Public surface of the risk analytics: equity-curve performance metrics, the
// equity CSV parser, portfolio VaR/ES/correlation/stress/Monte Carlo, worker runner.
export { AnalyticsInputError, EquityCsvError } from './errors.js';
export { mean, sampleSd, sampleVariance, quantileSorted, sortedCopy, tailMeanAtOrBelow, historicalTail } from './stats.js';
export { normalQuantile } from './normal.js';
export { SeededRng } from './prng.js';
export { maxDrawdown, simpleReturns, toDailyCurve, validateEquityPoints, type DailyCurve, type EquityPoint } from './equity-curve.js';
export { parseEquityCsv, readEquityCsv } from './equity-csv.js';
export { EPOCH_MS_THRESHOLD, parseTimestamp } from '../../core/timestamps.js';
export {
  computePerformanceMetrics,
  computePerformanceReport,
  metricsFromDailyEquity,
  TRADING_DAYS_PER_YEAR,
  type PerformanceMetrics,
  type PerformanceReport,
} from './performance.js';
export { packReturns, portfolioPnl, type ReturnMatrix } from './return-matrix.js';
export { averagePairwiseCorrelation, correlationFromCovariance, correlationMatrix, covarianceMatrix } from './correlation.js';
export { parametricVar, portfolioMoments, portfolioVar, type TailRisk, type VarAtConfidence } from './value-at-risk.js';
export {
  applyStressScenario,
  KNOWN_ASSET_CLASSES,
  STRESS_PRESETS,
  type AssetClass,
  type KnownAssetClass,
  type StressLine,
  type StressPosition,
  type StressPresetName,
  type StressResult,
  type StressScenario,
} from './stress.js';
export {
  DRAWDOWN_DEFAULTS,
  simulateDrawdownDistribution,
  simulateMaxDrawdowns,
  type DrawdownDistribution,
  type DrawdownSimulationOptions,
} from './monte-carlo.js';
export { computeAnalytics, type AnalyticsInput, type AnalyticsPosition, type AnalyticsResult } from './portfolio-analytics.js';
export { ANALYTICS_WORKER_URL, runAnalyticsInWorker, type RunInWorkerOptions } from './run-in-worker.js';
