// One validated configuration for the whole engine. A profile (conservative,
// balanced, aggressive) supplies the risk and sizing defaults; explicit values
// override it. A mode (backtest, paper, live) says what the engine may touch;
// live needs an explicit gate. Errors name the field and the allowed values.
import { DEFAULT_REGIME, RegimeConfig } from './regime-config.js';
import { DEFAULT_LEARNING, LearningSettings } from '../strategy/learning/settings.js';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { defaultStrategies, StrategiesConfig } from '../strategy/builtin/index.js';
import { DEFAULT_EXECUTION, ExecutionSettings } from '../execution/settings.js';
import { DEFAULT_JOURNAL_SETTINGS, JournalSettings } from '../journal/settings.js';

export const Profile = z.enum(['conservative', 'balanced', 'aggressive']);
export type Profile = z.infer<typeof Profile>;
export const Mode = z.enum(['backtest', 'paper', 'live']);
export type Mode = z.infer<typeof Mode>;

const positive = z.number().finite().positive();

const fraction = z.number().finite().gt(0).max(1);

export const RiskLimits = z
  .object({
    /** Largest notional (qty x price) of one order, in account currency. */
    maxOrderNotional: positive,
    /** Largest quantity of one order. */
    maxOrderQty: positive,
    /** Largest absolute position notional per instrument. */
    maxPositionNotional: positive,
    /** Largest absolute position per instrument as a fraction of equity. */
    maxPositionPctEquity: fraction,
    /** A limit price further than this fraction from the mid is refused (fat finger). */
    priceCollarPct: fraction,
    /** Largest gross exposure of one sector, and of one asset class, as a fraction of equity. */
    maxConcentrationPct: fraction,
    /** Largest gross exposure (sum of |position value|) as a fraction of equity. */
    maxGrossExposurePct: z.number().finite().gt(0).max(20),
    /** Net exposure (sum of signed position value) must stay within [min, max] x equity. */
    minNetExposurePct: z.number().finite().min(-20).max(20),
    maxNetExposurePct: z.number().finite().min(-20).max(20),
    /** Largest leverage if every open order filled too: (gross + open order notional) / equity. */
    maxLeverage: z.number().finite().gt(0).max(20),
    maxOrdersPerSecond: z.number().int().positive(),
    maxOrdersPerMinute: z.number().int().positive(),
    /** The same order (source, symbol, side, qty, price) again within this many ms is a duplicate. */
    duplicateWindowMs: z.number().int().min(0).max(3_600_000),
  })
  .refine((r) => r.minNetExposurePct < r.maxNetExposurePct, {
    message: 'minNetExposurePct must be below maxNetExposurePct',
    path: ['minNetExposurePct'],
  })
  .refine((r) => r.maxOrdersPerSecond <= r.maxOrdersPerMinute, {
    message: 'maxOrdersPerSecond must not exceed maxOrdersPerMinute',
    path: ['maxOrdersPerSecond'],
  });
export type RiskLimits = z.infer<typeof RiskLimits>;

export const StrategyConfig = z
  .object({
    enabled: z.boolean(),
    fastPeriod: z.number().int().min(1),
    slowPeriod: z.number().int().min(2),
    /** Target position notional as a fraction of equity. */
    targetPctEquity: z.number().gt(0).max(1),
    /** Limit orders rest this many basis points inside the touch; 0 = join the touch. */
    passiveBps: z.number().min(0).max(500),
    /** Unfilled entry orders are canceled after this many bars. */
    orderTtlBars: z.number().int().min(1),
    /** A symbol's warm-up history still loading this long after start is alerted (its strategies wait for it; the others trade). */
    warmupTimeoutMs: z.number().int().positive(),
  })
  .refine((s) => s.fastPeriod < s.slowPeriod, { message: 'fastPeriod must be below slowPeriod', path: ['fastPeriod'] });
export type StrategyConfig = z.infer<typeof StrategyConfig>;

/** The real-time risk monitor's automatic triggers (the seeds' defaults). */
export const MonitorConfig = z
  .object({
    /** Drawdown from peak equity that raises an alert. */
    drawdownAlertPct: fraction,
    /** Drawdown that switches to REDUCING and cuts exposure. */
    drawdownReducePct: fraction,
    /** Fraction of every position closed when the drawdown trigger fires. */
    drawdownCutFraction: fraction,
    /** Loss since the start of the UTC day, as a fraction of that day's starting equity, that HALTs. */
    dailyLossLimitPct: fraction,
    /** Annualized realized volatility of the regime instrument above which no new entries are allowed. */
    volRegimeThreshold: z.number().finite().gt(0).max(10),
    volRegimeSymbol: z.string().min(1),
    volWindowBars: z.number().int().min(5).max(10_000),
    /** Losing round trips in a row (per strategy) that halt that strategy. */
    maxConsecutiveLosses: z.number().int().min(1).max(1000),
    /** A held instrument with no quote for this long while its market is open goes REDUCING. */
    staleDataSeconds: z.number().positive().max(86_400),
    /** This many venue rejects within the window HALT trading (a reject storm). */
    rejectStormCount: z.number().int().min(1).max(10_000),
    rejectStormWindowSeconds: z.number().positive().max(86_400),
    /** Average pairwise correlation of holdings' returns above this raises an alert. */
    correlationAlert: z.number().finite().gt(0).max(1),
    correlationWindowBars: z.number().int().min(5).max(10_000),
  })
  .refine((m) => m.drawdownAlertPct < m.drawdownReducePct, {
    message: 'drawdownAlertPct must be below drawdownReducePct',
    path: ['drawdownAlertPct'],
  });
export type MonitorConfig = z.infer<typeof MonitorConfig>;

export { Regime, TradingMode, RegimeConfig, DEFAULT_REGIME } from './regime-config.js';
/** The transaction cost model and the benefit/cost filter (execution/costs). */
export const CostsConfig = z.object({
  /** Skip an order adding exposure when its expected benefit is below this multiple of its estimated cost; 0 = off. */
  benefitCostRatio: z.number().finite().min(0).max(1000),
  /** Fee schedule: 'venue' (the connected venue's), 'sim', 'alpaca', 'ccxt' or 'none'. */
  fees: z.enum(['venue', 'sim', 'alpaca', 'ccxt', 'none']),
  /** Y in the square-root impact Y · σ_daily · √(qty / ADV). */
  impactCoefficient: z.number().finite().min(0).max(10),
  /** Weight of each fill's estimate error in the running correction (EMA). */
  feedbackAlpha: z.number().gt(0).max(1),
  /** Bars behind the average daily volume and volatility. */
  statsWindow: z.number().int().min(2).max(100_000),
});
export type CostsConfig = z.infer<typeof CostsConfig>;

/** The ensemble: how strategy signals become target positions (see src/engine/strategy/ensemble/). */
export const EnsembleConfig = z.object({
  /** Target position at full conviction (net vote 1), as a fraction of equity, before regime and volatility scaling. */
  positionPct: fraction,
  /** Portfolio constraints: largest position and sector (gross) as fractions of equity. */
  maxPositionPct: fraction,
  maxSectorPct: fraction,
  /** Largest traded notional in one rebalance (one bar time), as a fraction of equity. */
  maxTurnoverPct: z.number().gt(0).max(10),
  /** Volatility targeting: a position is scaled by targetVol / the symbol's annualized volatility, at most maxVolScale. */
  targetVol: z.number().gt(0).max(5),
  maxVolScale: z.number().gt(0).max(10),
  /** A target change smaller than this fraction of equity is not traded. */
  minTradePct: z.number().min(0).max(1),
  /** A net vote with a smaller magnitude means flat. */
  minNet: z.number().min(0).max(1),
  /** How a strategy's score is made from its parts (alpha, regime fit, diversification, drawdown). */
  scoreWeights: z.object({ alpha: z.number().min(0), regimeFit: z.number().min(0), diversification: z.number().min(0), drawdown: z.number().min(0) }),
  /** Judged predictions (per strategy) the alpha score and diversification look back over. */
  scoreWindow: z.number().int().min(5).max(10_000),
  /** A strategy's virtual drawdown (sum of score x return) at which its drawdown score reaches 0. */
  drawdownLimit: z.number().gt(0).max(1),
  /** Debate: each argument moves a signal's weight by its strength; cost attack when the expected move is below costMultiple x the round-trip cost. */
  debate: z.object({ strength: z.number().min(0).max(1), costMultiple: z.number().min(0).max(100) }),
  /** Evaluation every bar while the symbol's short/long volatility ratio is at least highVolRatio, else every lowVolEveryBars bars. */
  evalInterval: z.object({ highVolRatio: z.number().gt(0).max(10), lowVolEveryBars: z.number().int().min(1).max(1000) }),
  /** Quotes used in evaluation are cached this long (ms of engine time); older than staleQuoteMs is not traded on. */
  quoteCacheTtlMs: z.number().int().min(0).max(600_000),
  staleQuoteMs: z.number().int().min(1).max(86_400_000),
  /** Positions held only by intraday strategies are closed this many minutes before the session ends. */
  flattenBeforeCloseMin: z.number().int().min(0).max(390),
  /** Hysteresis: a held position is kept while the net vote still points its way with at least this magnitude (entry needs minNet). */
  exitNet: z.number().min(0).max(1),
  /** Minimum holding period in bars of the symbol, by the opening strategy's kind: the vote does not reduce or close a position younger than this (the session-close flattening does). */
  minHoldBars: z.object({ intraday: z.number().int().min(0).max(10_000), position: z.number().int().min(0).max(100_000) }),
  /** No-trade band: a held position is resized toward its target only when they differ by more than this fraction of the position. */
  rebalanceBand: z.number().min(0).max(10),
  /** Cost-aware entry: the expected edge of an entry is expectedIc x |net vote| x the symbol's volatility over the signals' horizon; it must cover costs.benefitCostRatio x the round trip's estimated cost. */
  expectedIc: z.number().min(0).max(1),
});
export type EnsembleConfig = z.infer<typeof EnsembleConfig>;

export const DEFAULT_ENSEMBLE: EnsembleConfig = {
  positionPct: 0.1,
  maxPositionPct: 0.15,
  maxSectorPct: 0.3,
  maxTurnoverPct: 0.5,
  targetVol: 0.2,
  maxVolScale: 1.5,
  minTradePct: 0.02,
  minNet: 0.3,
  scoreWeights: { alpha: 0.4, regimeFit: 0.2, diversification: 0.2, drawdown: 0.2 },
  scoreWindow: 50,
  drawdownLimit: 0.05,
  debate: { strength: 0.15, costMultiple: 1.5 },
  evalInterval: { highVolRatio: 1, lowVolEveryBars: 5 },
  quoteCacheTtlMs: 2_000,
  staleQuoteMs: 120_000,
  flattenBeforeCloseMin: 10,
  exitNet: 0.1,
  minHoldBars: { intraday: 15, position: 60 },
  rebalanceBand: 0.5,
  expectedIc: 0.1,
};

export const SimConfig = z.object({
  seed: z.number().int().nonnegative(),
  /** Simulated seconds per real second (1 = real time); 'max' = as fast as possible. */
  speed: z.union([z.number().positive().max(1_000_000), z.literal('max')]),
  /** Simulated start time (UTC ISO string). Fixed by default so a seed is reproducible. */
  start: z.iso.datetime(),
  startingCash: positive,
  /** One-way latency between engine and simulated venue, in simulated ms. */
  latencyMs: z.number().min(0).max(10_000),
  /** Seconds of simulated time between quote updates per instrument. */
  quoteIntervalS: z.number().positive().max(60),
  /** Minutes of history generated before the start (chart and strategy warm-up). */
  historyMinutes: z.number().int().min(0).max(10_000),
});
export type SimConfig = z.infer<typeof SimConfig>;

export const EngineConfig = z
  .object({
    mode: Mode,
    profile: Profile,
    /** 'sim' (built-in simulator), 'alpaca-paper', 'alpaca-live' or 'ccxt:<exchange id>'. */
    venue: z.string().regex(/^(sim|alpaca-paper|alpaca-live|ccxt:[a-z][a-z0-9_]{0,63})$/, "must be 'sim', 'alpaca-paper', 'alpaca-live' or 'ccxt:<exchange id>'"),
    /** Endpoint overrides (proxies, tests): rest, data, stream, data-stream; official ones by default. */
    endpoints: z.partialRecord(z.enum(['rest', 'data', 'stream', 'data-stream']), z.string().url()),
    /** Instruments to trade on a broker venue (the simulator has its own universe); empty = the venue's default list. */
    symbols: z.array(z.string().min(1)).max(500),
    /** ccxt: trade on the exchange's testnet (paper). Live trading turns it off. */
    ccxtSandbox: z.boolean(),
    /** Crypto: a second exchange ('ccxt:<id>', public data only) whose prices are compared with ours; '' = none. */
    crossCheck: z.object({ venue: z.string().regex(/^(ccxt:[a-z][a-z0-9_]{0,63})?$/, "must be 'ccxt:<exchange id>' or empty"), url: z.string(), thresholdPct: z.number().gt(0).max(0.5) }),
    /** Must be true for mode 'live': the explicit gate. */
    liveConfirmed: z.boolean(),
    sim: SimConfig,
    risk: RiskLimits,
    monitor: MonitorConfig,
    strategy: StrategyConfig,
    regime: RegimeConfig,
    costs: CostsConfig,
    /** The built-in strategies' settings (src/engine/strategy/builtin/). */
    strategies: StrategiesConfig,
    ensemble: EnsembleConfig,
    /** Learning from outcomes (src/engine/strategy/learning). */
    learning: LearningSettings,
    /** Order monitoring (timeouts, cancel/replace) and execution algorithms (src/engine/execution). */
    execution: ExecutionSettings,
    /** Durable commits of the journal: group commit on the wall clock (src/engine/journal/settings.ts); absent in configs recorded before it. */
    journal: JournalSettings.default(DEFAULT_JOURNAL_SETTINGS),
    /** Minimum ms between two event snapshots of the same topic sent to a UI. */
    uiCoalesceMs: z.number().int().min(1).max(5_000),
    /**
     * Length of the bars the engine runs on (60: 1-minute bars, live and simulated; a backtest sets its data's
     * interval). Annualizes one bar's volatility (the risk monitor's regime check, the ensemble's volatility target).
     */
    barSeconds: z.number().int().min(60).max(7 * 86_400).default(60),
  })
  .refine((c) => c.mode !== 'live' || c.liveConfirmed, {
    message: "mode 'live' needs liveConfirmed: true (the explicit live gate)",
    path: ['liveConfirmed'],
  })
  .refine((c) => (c.venue === 'alpaca-live' || (c.venue.startsWith('ccxt:') && !c.ccxtSandbox)) === (c.mode === 'live'), {
    message: "a live venue (alpaca-live, or ccxt without sandbox) needs mode 'live', and mode 'live' needs a live venue",
    path: ['mode'],
  });
export type EngineConfig = z.infer<typeof EngineConfig>;

const COMMON_RISK = {
  priceCollarPct: 0.05,
  maxConcentrationPct: 0.3,
  maxGrossExposurePct: 2,
  minNetExposurePct: -0.3,
  maxNetExposurePct: 1,
  maxOrdersPerSecond: 5,
  maxOrdersPerMinute: 120,
  duplicateWindowMs: 2_000,
};

const PROFILE_RISK: Record<Profile, RiskLimits> = {
  conservative: { ...COMMON_RISK, maxOrderNotional: 5_000, maxOrderQty: 25_000, maxPositionNotional: 10_000, maxPositionPctEquity: 0.1, maxGrossExposurePct: 1, maxNetExposurePct: 0.8, maxLeverage: 1.2 },
  balanced: { ...COMMON_RISK, maxOrderNotional: 20_000, maxOrderQty: 100_000, maxPositionNotional: 15_000, maxPositionPctEquity: 0.15, maxLeverage: 2.5 },
  aggressive: { ...COMMON_RISK, maxOrderNotional: 50_000, maxOrderQty: 250_000, maxPositionNotional: 40_000, maxPositionPctEquity: 0.25, maxGrossExposurePct: 3, maxLeverage: 4 },
};

export const DEFAULT_MONITOR: MonitorConfig = {
  drawdownAlertPct: 0.05,
  drawdownReducePct: 0.1,
  drawdownCutFraction: 0.5,
  dailyLossLimitPct: 0.03,
  volRegimeThreshold: 0.35,
  volRegimeSymbol: 'SPY',
  volWindowBars: 30,
  maxConsecutiveLosses: 5,
  staleDataSeconds: 120,
  rejectStormCount: 10,
  rejectStormWindowSeconds: 60,
  correlationAlert: 0.8,
  correlationWindowBars: 60,
};

const PROFILE_TARGET: Record<Profile, number> = { conservative: 0.03, balanced: 0.05, aggressive: 0.1 };

export function defaultConfig(profile: Profile = 'balanced'): EngineConfig {
  return {
    mode: 'paper',
    profile,
    venue: 'sim',
    endpoints: {},
    symbols: [],
    ccxtSandbox: true,
    crossCheck: { venue: '', url: '', thresholdPct: 0.005 },
    liveConfirmed: false,
    sim: {
      seed: 42,
      speed: 60,
      start: '2026-01-05T14:30:00.000Z',
      startingCash: 100_000,
      latencyMs: 50,
      quoteIntervalS: 5,
      historyMinutes: 400,
    },
    risk: { ...PROFILE_RISK[profile] },
    monitor: { ...DEFAULT_MONITOR },
    strategy: {
      enabled: true,
      fastPeriod: 5,
      slowPeriod: 20,
      targetPctEquity: PROFILE_TARGET[profile],
      passiveBps: 2,
      orderTtlBars: 3,
      warmupTimeoutMs: 60_000,
    },
    regime: { ...DEFAULT_REGIME, modes: { ...DEFAULT_REGIME.modes }, sizeMultiplier: { ...DEFAULT_REGIME.sizeMultiplier } },
    costs: { benefitCostRatio: 1.5, fees: 'venue', impactCoefficient: 1, feedbackAlpha: 0.1, statsWindow: 100 },
    strategies: defaultStrategies(),
    ensemble: structuredClone(DEFAULT_ENSEMBLE),
    learning: structuredClone(DEFAULT_LEARNING),
    execution: structuredClone(DEFAULT_EXECUTION),
    journal: { ...DEFAULT_JOURNAL_SETTINGS },
    uiCoalesceMs: 50,
    barSeconds: 60,
  };
}

export type ConfigInput = {
  [K in keyof EngineConfig]?: EngineConfig[K] extends object ? Partial<EngineConfig[K]> : EngineConfig[K];
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(base[k]) ? merge(base[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/** Formats zod issues as "field 'sim.speed': ...; field 'mode': ...". */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `field '${i.path.join('.') || '(root)'}': ${i.message}`)
    .join('; ');
}

/**
 * Builds a validated config: profile defaults, then overrides. Unknown keys are
 * refused, so a typo never silently falls back to a default.
 */
export function loadConfig(input: unknown = {}): EngineConfig {
  if (!isPlainObject(input)) throw new ConfigError('config must be an object');
  const profileParse = Profile.optional().safeParse(input.profile);
  if (!profileParse.success) {
    throw new ConfigError(`invalid config: ${formatIssues(new z.ZodError(profileParse.error.issues.map((i) => ({ ...i, path: ['profile'] }))))}`);
  }
  const merged = merge(defaultConfig(profileParse.data ?? 'balanced') as unknown as Record<string, unknown>, input);
  const strict = EngineConfig.safeParse(merged);
  if (!strict.success) throw new ConfigError(`invalid config: ${formatIssues(strict.error)}`);
  const unknownKeys = findUnknownKeys(merged, defaultConfig() as unknown as Record<string, unknown>);
  if (unknownKeys.length) throw new ConfigError(`invalid config: unknown field(s) ${unknownKeys.map((k) => `'${k}'`).join(', ')}`);
  return strict.data;
}

function findUnknownKeys(obj: Record<string, unknown>, ref: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (!(k in ref)) out.push(prefix + k);
    else if (isPlainObject(v) && isPlainObject(ref[k]) && k !== 'endpoints' && k !== 'carry') out.push(...findUnknownKeys(v, ref[k] as Record<string, unknown>, `${prefix}${k}.`));
  }
  return out;
}

/** The driver's speed factor: 'max' becomes Infinity. */
export function speedFactor(speed: SimConfig['speed']): number {
  return speed === 'max' ? Infinity : speed;
}
