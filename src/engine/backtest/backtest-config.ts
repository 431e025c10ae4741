// What a backtest is asked to do, and how it becomes the one engine config: the
// profile's risk limits and monitor (with overrides), the strategies' parameters,
// the cost settings, large-order routing, the starting cash and a clock starting
// at the first bar.
// Instruments are made from the symbols in the data unless described.
import type { Bar, Instrument } from '../../shared/domain.js';
import { loadConfig, type EngineConfig, type MonitorConfig, type Profile, type RiskLimits, type StrategyConfig } from '../core/config.js';
import { onNyseCalendar, type CalendarChoice, type MarketCalendar } from '../data/bar-calendar.js';
import type { AlgoSettings } from '../execution/settings.js';
import { signalSection, specFields, type StrategySpec } from '../strategy/registry.js';

export interface BacktestConfig {
  strategies: StrategySpec[];
  /** Starting cash (default 100,000). */
  cash?: number;
  /** 'model' (default): the transaction cost model; 'none': frictionless fills, no fees. */
  costs?: 'model' | 'none';
  /** Only bars with from <= ts <= to (epoch ms). */
  from?: number;
  to?: number;
  profile?: Profile;
  risk?: Partial<RiskLimits>;
  monitor?: Partial<MonitorConfig>;
  /** Fee schedule (default 'sim'). */
  fees?: 'sim' | 'alpaca' | 'ccxt' | 'none';
  /** The benefit/cost filter's multiple (default 1.5; 0 = off). */
  benefitCostRatio?: number;
  impactCoefficient?: number;
  /** Probability that a limit only touched by a bar fills (default 0: only trade-throughs fill). */
  touchFillProb?: number;
  /** Fill at most this fraction (0 < F <= 1) of a bar's volume per bar; the rest carries over (default: no cap). */
  volumeCap?: number;
  /**
   * Large-order routing and the algorithms' defaults (the engine's execution.algo),
   * e.g. { advThresholdPct: 0 } to send every strategy order whole, or
   * { largeOrderAlgo: 'vwap' }. Default: the engine's (5% of ADV, TWAP).
   */
  algo?: Partial<AlgoSettings>;
  /**
   * The market calendar of the stock symbols (crypto pairs, with a slash, trade around the clock): 'auto'
   * (default) infers it from the bars (calendarsOf), or 'nyse' or '24x7' for all of them.
   * It decides when the market is open, when day orders expire and daily bars close, when intraday strategies
   * flatten before the close, which stretches without bars are gaps, and how many bars make a year for a
   * volatility target. `instruments` still overrides per symbol.
   */
  calendar?: CalendarChoice;
  /** Per-symbol instrument details (tick, lot, asset class...). */
  instruments?: Record<string, Partial<Instrument>>;
  /** Bars before the replayed ones, for strategy warm-up (walk-forward). */
  warmup?: readonly Bar[];
  /** Journal the run to this folder (off by default). */
  journalDir?: string;
  /** Simulated-time speed when a host drives the session with its SimDriver (`serve --bars`); default 'max'. */
  speed?: number | 'max';
}

/** A symbol with a slash is a crypto pair; anything else a US stock. On the 24x7 calendar unless `over` says otherwise. */
export function defaultInstrument(symbol: string, over: Partial<Instrument> = {}): Instrument {
  const crypto = symbol.includes('/');
  return {
    symbol,
    name: symbol,
    assetClass: crypto ? 'crypto' : 'us_equity',
    sector: symbol,
    tickSize: 0.01,
    lotSize: crypto ? 0.0001 : 1,
    minNotional: 0,
    shortable: !crypto,
    calendar: '24x7',
    ...over,
  };
}

/**
 * Each symbol's market calendar, in the order the symbols first appear. A crypto pair's is 24x7. A stock's is
 * `choice`; with 'auto', 'nyse' when every one of its bars is one the NYSE calendar produces (regular-session
 * intraday bars, daily bars dated on session days), else 24x7 (round-the-clock or extended-hours bars: pass
 * 'nyse' to run those on the exchange's sessions).
 */
export function calendarsOf(bars: readonly Bar[], barMs: number, choice: CalendarChoice = 'auto'): Map<string, MarketCalendar> {
  const fits = new Map<string, boolean>();
  // indexed, and a symbol found off the calendar is not checked again: this reads every bar of the run once
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const known = fits.get(b.symbol);
    if (known === false) continue;
    const ok = choice !== 'auto' || onNyseCalendar(b.ts, barMs);
    if (known === undefined || !ok) fits.set(b.symbol, ok);
  }
  const out = new Map<string, MarketCalendar>();
  for (const [symbol, ok] of fits) out.set(symbol, symbol.includes('/') ? '24x7' : choice !== 'auto' ? choice : ok ? 'nyse' : '24x7');
  return out;
}

/** The strategy section: the profile's defaults with the MA crossover's parameters; on for the crossover or the ensemble (signal strategies). */
function strategySection(base: StrategyConfig, specs: readonly StrategySpec[], signals: boolean): StrategyConfig {
  const ma = specs.find((s) => s.name === 'ma_cross');
  return { ...base, enabled: !!ma || signals, ...(ma ? specFields(ma) : {}) };
}

export function engineConfigFor(cfg: BacktestConfig, seed: number, startTs: number, barMs: number): EngineConfig {
  const base = loadConfig({ profile: cfg.profile ?? 'balanced' });
  const costsOn = (cfg.costs ?? 'model') === 'model';
  const signals = signalSection(cfg.strategies);
  const stale = Math.min(86_400, Math.max(base.monitor.staleDataSeconds, barMs / 1000));
  return loadConfig({
    mode: 'backtest',
    profile: base.profile,
    venue: 'sim',
    sim: { seed, speed: cfg.speed ?? 'max', start: new Date(startTs).toISOString(), startingCash: cfg.cash ?? 100_000, historyMinutes: 0 },
    risk: { ...cfg.risk },
    monitor: { staleDataSeconds: stale, ...cfg.monitor },
    barSeconds: Math.min(7 * 86_400, Math.max(60, Math.round(barMs / 1000))),
    strategy: strategySection(base.strategy, cfg.strategies, signals !== undefined),
    ...(signals ? { strategies: signals } : {}),
    ...(cfg.algo ? { execution: { algo: cfg.algo } } : {}),
    costs: {
      fees: costsOn ? (cfg.fees ?? 'sim') : 'none',
      benefitCostRatio: costsOn ? (cfg.benefitCostRatio ?? base.costs.benefitCostRatio) : 0,
      impactCoefficient: cfg.impactCoefficient ?? base.costs.impactCoefficient,
    },
  });
}
