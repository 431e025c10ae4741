// The signal-producing strategy API. A strategy reads the shared per-symbol
// FeatureSet and RegimeDetector (updated once per bar by the engine, never by a
// strategy) and returns signals with a reason for each; it never submits an
// order. The ensemble turns signals into target positions and orders.
import type { Bar, Instrument, Quote } from '../../shared/domain.js';
import type { FeatureColumn, FeatureSet } from '../features/feature-set.js';
import type { RegimeDetector } from '../features/regime.js';
import type { Signal } from './signal.js';

export type StrategyKind = 'intraday' | 'position' | 'benchmark';
/** What a strategy bets on; the ensemble's regime fit reads it. */
export type StrategyStyle = 'trend' | 'reversion' | 'carry' | 'macro' | 'benchmark';

export interface SignalContext {
  features(symbol: string): FeatureSet | undefined;
  regime(symbol: string): RegimeDetector | undefined;
  instrument(symbol: string): Instrument | undefined;
  /** Every symbol the engine has features for, in a fixed order. */
  symbols(): readonly string[];
  /** The symbol's bar interval in ms, inferred from its bar stream (NaN until known). */
  barIntervalMs(symbol: string): number;
  /** Minutes since the symbol's session opened at `ts` (UTC day for 24x7 markets); NaN outside a session. */
  sessionMinute(symbol: string, ts: number): number;
  /** Minutes until the symbol's session closes (Infinity for 24x7 markets; NaN outside a session). */
  minutesToClose(symbol: string, ts: number): number;
  /** The symbol's live quote through the engine's short-lived market-data cache (shared with the ensemble and the cost model); absent where there are no live quotes. */
  quote?(symbol: string): Quote | undefined;
  /** Reports data a strategy needs but cannot get (an alert, raised once per strategy and item). */
  missing(strategy: string, what: string): void;
}

export interface SignalStrategy {
  readonly id: string;
  readonly name: string;
  readonly kind: StrategyKind;
  readonly style: StrategyStyle;
  /** Bars of history a symbol needs before this strategy can speak on it. */
  readonly warmupBars: number;
  /** Signals on the bar's symbol (the features already include the bar). */
  onBar(bar: Bar, ctx: SignalContext): Signal[];
  /** Cross-sectional strategies rank the universe here, once per new bar time, before its bars are applied. */
  rebalance?(ts: number, ctx: SignalContext): void;
}

/** An intraday bar: the stream's interval is known and shorter than an hour (never a daily bar). */
export const INTRADAY_MAX_MS = 60 * 60_000;
export function isIntraday(ctx: SignalContext, symbol: string): boolean {
  const ms = ctx.barIntervalMs(symbol);
  return ms > 0 && ms <= INTRADAY_MAX_MS;
}

export function clamp(x: number, lo = -1, hi = 1): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Reads feature columns; undefined if any is NaN (still warming up). A signal records the values by name
 * (`{ vol_63: f.vol_63, z }`), not by spreading this record: V8 copies an object built key by key like
 * this one on a slow path (about 2 µs a copy, a tenth of an ensemble backtest's time).
 */
export function read<K extends FeatureColumn>(fs: FeatureSet | undefined, cols: readonly K[]): Record<K, number> | undefined {
  if (!fs) return undefined;
  const out = {} as Record<K, number>;
  for (const c of cols) {
    const v = fs.get(c);
    if (v !== v) return undefined;
    out[c] = v;
  }
  return out;
}

export const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

/**
 * Builds one signal; the ensemble refuses a non-finite score (the strategy is then reported). `reasons` may be
 * a function: the texts are then written when first read (a decision that carries the signal, the Strategies
 * panel). Most signals are never read, and writing every one's texts was a tenth of an ensemble backtest. Such a
 * function reads only what is fixed at the signal's bar: its locals, the bar, the strategy's settings.
 */
export function makeSignal(
  strategy: string,
  bar: Pick<Bar, 'symbol' | 'ts'>,
  score: number,
  confidence: number,
  horizonBars: number,
  reasons: string[] | (() => string[]),
  features: Record<string, number>,
): Signal {
  if (typeof reasons !== 'function') return { strategy, symbol: bar.symbol, ts: bar.ts, score: clamp(score), confidence: clamp(confidence, 0, 1), horizonBars, reasons, features };
  return new DeferredSignal(strategy, bar.symbol, bar.ts, clamp(score), clamp(confidence, 0, 1), horizonBars, reasons, features);
}

/**
 * A signal whose reason texts are written when first read. A class, not an object literal with a getter:
 * V8 builds such a literal on a slow path (about 1.4 µs each, more than the texts). `reasons` is read through
 * the getter and JSON carries it; a spread copy or a structured clone does not (no caller makes either: the
 * Strategies view builds its copy field by field).
 */
class DeferredSignal implements Signal {
  #texts: string[] | undefined;
  readonly #write: () => string[];

  constructor(
    readonly strategy: string,
    readonly symbol: string,
    readonly ts: number,
    readonly score: number,
    readonly confidence: number,
    readonly horizonBars: number,
    write: () => string[],
    readonly features: Record<string, number>,
  ) {
    this.#write = write;
  }

  // The texts are written outside the strategy's guarded call (a decision, the Strategies view): one that fails
  // becomes a text naming the failure, so a bad reason never stops an order or a view.
  get reasons(): string[] {
    if (this.#texts === undefined) {
      try {
        this.#texts = this.#write();
      } catch (e) {
        this.#texts = [`strategy ${this.strategy}: its reason text failed (${(e as Error).message})`];
      }
    }
    return this.#texts;
  }

  toJSON(): Signal {
    return { strategy: this.strategy, symbol: this.symbol, ts: this.ts, score: this.score, confidence: this.confidence, horizonBars: this.horizonBars, reasons: this.reasons, features: this.features };
  }
}

/** The quoted spread as a fraction of the mid, read through the context's quote cache; NaN without a usable quote. */
export function quotedSpread(ctx: SignalContext, symbol: string): number {
  const q = ctx.quote?.(symbol);
  return q && q.bid > 0 && q.ask >= q.bid ? (q.ask - q.bid) / ((q.ask + q.bid) / 2) : NaN;
}

const NO_QUOTE = (): string => 'no live quote: the spread was not checked';

/**
 * A reversion's spread check: the reason to record (written when called), or undefined when the
 * quoted spread takes more than `maxShare` of the expected move back (no signal then).
 */
export function spreadCheck(ctx: SignalContext, symbol: string, move: number, maxShare: number): (() => string) | undefined {
  const spread = quotedSpread(ctx, symbol);
  if (spread !== spread) return NO_QUOTE;
  const share = move > 0 ? spread / move : Infinity;
  return share <= maxShare ? () => `quoted spread ${(spread * 1e4).toFixed(1)} bp is ${pct(share, 0)} of the ${(move * 1e4).toFixed(1)} bp move back (at most ${pct(maxShare, 0)})` : undefined;
}

/** Standard deviation of one bar's log return, from the feature set's vol column (annualized by sqrt(252) there). */
export function barSd(fs: FeatureSet): number {
  const v = fs.get('vol_63');
  const w = v === v ? v : fs.get('vol_21');
  return w / Math.sqrt(252);
}

/** A move in units of its expected size over `bars` bars (NaN if the vol is unknown or zero). */
export function zMove(ret: number, sd: number, bars: number): number {
  const s = sd * Math.sqrt(bars);
  return s > 0 ? ret / s : NaN;
}

/** Every strategy's settings carry these two. */
export interface BaseParams {
  enabled: boolean;
  /** Base weight in the ensemble's vote, in [0, 1]. */
  weight: number;
}
