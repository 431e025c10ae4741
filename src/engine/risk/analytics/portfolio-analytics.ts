// Portfolio risk analytics in one synchronous call: VaR (historical and
// normal), expected shortfall, correlations, stress scenarios and a Monte Carlo
// drawdown distribution. Runs on the caller's thread; see run-in-worker.ts.
import { z } from 'zod';
import { averagePairwiseCorrelation, correlationFromCovariance, covarianceMatrix } from './correlation.js';
import { AnalyticsInputError } from './errors.js';
import { DRAWDOWN_DEFAULTS, simulateDrawdownDistribution, type DrawdownDistribution } from './monte-carlo.js';
import { packReturns, portfolioPnl } from './return-matrix.js';
import { applyStressScenario, STRESS_PRESETS, type AssetClass, type StressPresetName, type StressResult, type StressScenario } from './stress.js';
import { portfolioMoments, portfolioVar, type VarAtConfidence } from './value-at-risk.js';

export interface AnalyticsPosition {
  symbol: string;
  assetClass: AssetClass;
  /** Signed market value in the account currency (negative = short). */
  marketValue: number;
}

export interface AnalyticsInput {
  positions: AnalyticsPosition[];
  /**
   * returns[i][t]: daily simple return of positions[i] on day t (number[] or
   * Float64Array); one series per position, all covering the same days, >= 2 days.
   */
  returns: ReadonlyArray<ArrayLike<number>>;
  /** Confidence levels for VaR/ES, each in (0.5, 1) (default [0.95, 0.99]). */
  confidenceLevels?: number[];
  /** Preset names and/or custom scenarios (default: both presets). */
  stress?: { presets?: StressPresetName[]; scenarios?: StressScenario[] };
  /** Drawdown simulation options, or false to skip it. */
  monteCarlo?: { paths?: number; horizonDays?: number; seed?: number; threshold?: number } | false;
}

export interface AnalyticsResult {
  /** Net market value Σ marketValue. */
  portfolioValue: number;
  /** Gross exposure Σ |marketValue|. */
  grossExposure: number;
  /** Number of days of returns used. */
  observations: number;
  /** Daily P&L mean and SD in currency (from the covariance matrix). */
  dailyPnl: { mean: number; sd: number };
  var: VarAtConfidence[];
  correlation: { symbols: string[]; matrix: (number | null)[][]; averagePairwise: number | null };
  stress: StressResult[];
  /** null when skipped or when the net portfolio value is not positive (see warnings). */
  monteCarlo: DrawdownDistribution | null;
  warnings: string[];
}

const shockSchema = z.number().min(-1, 'a price shock cannot be below -1 (-100%)');
const inputSchema = z.object({
  positions: z
    .array(z.object({ symbol: z.string().min(1), assetClass: z.string().min(1), marketValue: z.number() }))
    .min(1, 'need at least one position'),
  confidenceLevels: z.array(z.number().gt(0.5).lt(1)).min(1).optional(),
  stress: z
    .object({
      presets: z.array(z.enum(['2008', '2020'])).optional(),
      scenarios: z
        .array(
          z.object({
            name: z.string().min(1),
            description: z.string().optional(),
            shocks: z.record(z.string(), shockSchema),
            assumptions: z.record(z.string(), z.string()).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  monteCarlo: z
    .union([
      z.literal(false),
      z.object({
        paths: z.number().int().min(1).max(10_000_000).optional(),
        horizonDays: z.number().int().min(1).max(100_000).optional(),
        seed: z.number().optional(),
        threshold: z.number().min(0).max(1).optional(),
      }),
    ])
    .optional(),
});

function checkOptions(input: AnalyticsInput): void {
  const parsed = inputSchema.safeParse({ ...input, returns: undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    const row = issue.path.find((p): p is number => typeof p === 'number');
    throw new AnalyticsInputError(`${path || 'input'}: ${issue.message}`, path || undefined, row);
  }
}

/** Computes every analytic synchronously (also what the worker runs). Throws AnalyticsInputError on bad input. */
export function computeAnalytics(input: AnalyticsInput): AnalyticsResult {
  if (input === null || typeof input !== 'object') throw new AnalyticsInputError('input must be an object', 'input');
  checkOptions(input);
  const { positions } = input;
  if (!Array.isArray(input.returns)) throw new AnalyticsInputError('returns: must be an array with one return series per position', 'returns');
  if (input.returns.length !== positions.length) {
    throw new AnalyticsInputError(`returns: has ${input.returns.length} series for ${positions.length} positions; need one per position, in the same order`, 'returns');
  }
  const symbols = positions.map((p) => p.symbol);
  const m = packReturns(input.returns, symbols);
  if (m.days < 2) throw new AnalyticsInputError(`returns: need at least 2 days of returns, got ${m.days}`, 'returns');

  const weights = Float64Array.from(positions, (p) => p.marketValue);
  let portfolioValue = 0;
  let grossExposure = 0;
  for (const p of positions) {
    portfolioValue += p.marketValue;
    grossExposure += Math.abs(p.marketValue);
  }
  const warnings: string[] = [];

  const cov = covarianceMatrix(m);
  const means = new Float64Array(m.assets);
  for (let a = 0; a < m.assets; a++) {
    let s = 0;
    for (let t = 0; t < m.days; t++) s += m.data[a * m.days + t]!;
    means[a] = s / m.days;
  }
  const moments = portfolioMoments(weights, means, cov);
  const pnl = portfolioPnl(m, weights);
  const confidences = input.confidenceLevels ?? [0.95, 0.99];
  const varResults = portfolioVar(pnl, moments, portfolioValue, confidences);

  const matrix = correlationFromCovariance(cov, m.assets);
  for (let a = 0; a < m.assets; a++) {
    if (!(cov[a * m.assets + a]! > 0)) warnings.push(`${symbols[a]}: returns have zero variance; its correlations are undefined (null)`);
  }

  const stressCfg = input.stress ?? {};
  const scenarios: StressScenario[] = [
    ...(stressCfg.presets ?? (stressCfg.scenarios === undefined ? (['2008', '2020'] as const) : [])).map((name) => STRESS_PRESETS[name]),
    ...(stressCfg.scenarios ?? []),
  ];
  const stress = scenarios.map((s) => applyStressScenario(positions, s));

  let monteCarlo: DrawdownDistribution | null = null;
  if (input.monteCarlo !== false) {
    if (portfolioValue > 0) {
      const r = new Float64Array(m.days);
      for (let t = 0; t < m.days; t++) r[t] = Math.max(-1, pnl[t]! / portfolioValue);
      monteCarlo = simulateDrawdownDistribution(r, { ...DRAWDOWN_DEFAULTS, ...(input.monteCarlo ?? {}) });
    } else {
      warnings.push(`monteCarlo: skipped, the net portfolio value ${portfolioValue} is not positive so portfolio returns (P&L / value) are undefined`);
    }
  }

  return {
    portfolioValue,
    grossExposure,
    observations: m.days,
    dailyPnl: moments,
    var: varResults,
    correlation: { symbols, matrix, averagePairwise: averagePairwiseCorrelation(matrix) },
    stress,
    monteCarlo,
    warnings,
  };
}
