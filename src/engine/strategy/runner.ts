// Runs the signal strategies inside the engine. Per bar: the symbol's
// FeatureSet and RegimeDetector are updated once (shared by every strategy),
// cross-sectional strategies rank the universe when a new bar time begins,
// every strategy is asked for signals in isolation (a throw or a non-finite
// score is no signal, an alert, and after repeated failures the strategy is
// switched off), and, at the volatility-adaptive evaluation interval, the
// ensemble turns the live signals into an order. A symbol whose warm-up
// history has not arrived is held back by `history` (history-gate.ts): the
// engine gives its bars to no strategy until it joins.
import type { Bar } from '../../shared/domain.js';
import type { EngineConfig } from '../core/config.js';
import { PairMap } from '../core/pair-map.js';
import { nyseSessionFor } from '../data/calendar.js';
import { FeatureSet } from '../features/feature-set.js';
import { RegimeDetector } from '../features/regime.js';
import { DAY_MS } from '../features/session.js';
import { buildStrategies, type StrategyId } from './builtin/index.js';
import { Ensemble, type EnsembleDeps, type LiveSignal, type StrategyRuntime } from './ensemble/ensemble.js';
import { StrategyScorer } from './ensemble/scorer.js';
import type { Signal, SignalSink, WeightProvider } from './signal.js';
import type { SignalContext } from './signal-strategy.js';
import type { StrategyInfo } from './strategy-control.js';
import { HistoryGate } from './history-gate.js';

export const STRATEGY_ERROR_LIMIT = 5;

export interface RunnerDeps extends EnsembleDeps {
  alert(level: 'info' | 'warning' | 'critical', code: string, message: string, source: string, key?: string): void;
}

interface Runtime extends StrategyRuntime {
  errors: number;
  error?: string;
  lastSignal?: Signal;
}

export class StrategyRunner {
  readonly features = new Map<string, FeatureSet>();
  readonly regimes = new Map<string, RegimeDetector>();
  readonly runtimes: Runtime[];
  readonly scorer: StrategyScorer;
  readonly ensemble: Ensemble;
  /** Symbols the strategies still wait for (their history not in yet). */
  readonly history: HistoryGate;
  sink: SignalSink | undefined;
  private readonly symbolList: string[] = [];
  /** Per symbol: each strategy's live signal, by its index in `runtimes`. */
  private readonly live = new Map<string, Array<LiveSignal | undefined>>();
  private readonly lastTs = new Map<string, number>();
  private readonly intervalMs = new Map<string, number>();
  private readonly sinceEval = new Map<string, number>();
  private readonly fast = new Set<string>();
  /** Missing data already reported: by strategy, then item. */
  private readonly reported = new PairMap<true>();
  private barTime = -Infinity;
  signals = 0;
  skipped = 0;
  failures = 0;

  constructor(
    private readonly cfg: EngineConfig,
    private readonly deps: RunnerDeps,
  ) {
    this.scorer = new StrategyScorer(cfg.ensemble);
    this.ensemble = new Ensemble({ ensemble: cfg.ensemble, passiveBps: cfg.strategy.passiveBps, orderTtlBars: cfg.strategy.orderTtlBars, modes: cfg.regime.modes, barSeconds: cfg.barSeconds }, deps, this.scorer);
    this.runtimes = buildStrategies(cfg.strategies).map((s) => {
      const c = cfg.strategies[s.id as StrategyId];
      return { strategy: s, enabled: c.enabled, baseWeight: c.weight, errors: 0 };
    });
    this.history = new HistoryGate(this.historyBars);
  }

  /** Learning: learned weights for the vote, and a sink for every signal and bar. */
  attach(weights: WeightProvider | undefined, sink: SignalSink | undefined): void {
    this.ensemble.weights = weights;
    this.sink = sink;
  }

  /** Bars of history needed before every strategy and the regime can speak. */
  get warmupBars(): number {
    return Math.max(this.cfg.regime.volLongBars + 2, this.cfg.regime.smaSlow + this.cfg.regime.slopeBars + 1, ...this.runtimes.map((r) => r.strategy.warmupBars + 1));
  }

  /** Bars of history the engine fetches per symbol at start (also the older Strategy API's slow average). */
  get historyBars(): number {
    return Math.max(this.cfg.strategy.slowPeriod + 2, this.warmupBars);
  }

  /** The universe, in a fixed order (instrument order). */
  register(symbols: string[]): void {
    for (const s of symbols) {
      if (this.features.has(s)) continue;
      this.symbolList.push(s);
      this.features.set(s, new FeatureSet());
      this.regimes.set(s, new RegimeDetector(this.cfg.regime));
      this.live.set(s, new Array<LiveSignal | undefined>(this.runtimes.length).fill(undefined));
    }
  }

  /** History bars of one symbol, oldest first: features, regime and strategy state only (no signals kept, no orders). */
  warmup(bars: Bar[]): void {
    for (const b of bars) {
      if (!this.features.has(b.symbol)) this.register([b.symbol]);
      if (!this.observe(b)) continue;
      for (const rt of this.runtimes) if (!rt.error) this.call(rt, b);
    }
  }

  onBar(bar: Bar): void {
    if (!this.features.has(bar.symbol)) return;
    if (bar.ts > this.barTime) {
      // a new bar time: cross-sectional ranking on the completed previous one, a new turnover budget
      this.barTime = bar.ts;
      this.ensemble.newRebalance(bar.ts);
      for (const rt of this.runtimes) {
        const s = rt.strategy;
        if (s.rebalance && !rt.error && rt.enabled) this.guard(rt, () => s.rebalance!(bar.ts, this.ctx));
      }
    }
    if (!this.observe(bar)) return;
    this.scorer.onBar(bar.symbol, bar.close);
    this.sink?.onBar(bar.symbol, bar.ts, bar.close);
    const live = this.live.get(bar.symbol)!;
    for (let i = 0; i < live.length; i++) {
      const ls = live[i];
      if (ls && ++ls.age >= ls.signal.horizonBars) live[i] = undefined;
    }
    for (let i = 0; i < this.runtimes.length; i++) {
      const rt = this.runtimes[i]!;
      if (rt.error) continue;
      const out = this.call(rt, bar);
      if (!out || !rt.enabled) continue;
      for (const sig of out) {
        live[i] = { signal: sig, age: 0 };
        rt.lastSignal = sig;
        this.signals++;
        this.scorer.onSignal(sig, bar.close);
        this.sink?.onSignal(sig, bar.close);
      }
    }
    this.ensemble.ageOrders(bar.symbol);
    if (!this.cfg.strategy.enabled) return;
    // the volatility-adaptive evaluation interval
    const fs = this.features.get(bar.symbol)!;
    const ratio = fs.get('vol_21') / fs.get('vol_63');
    const iv = this.cfg.ensemble.evalInterval;
    const hot = ratio >= iv.highVolRatio;
    if (hot) this.fast.add(bar.symbol);
    else this.fast.delete(bar.symbol);
    const n = (this.sinceEval.get(bar.symbol) ?? iv.lowVolEveryBars) + 1;
    if (!hot && n < iv.lowVolEveryBars) {
      this.sinceEval.set(bar.symbol, n);
      this.skipped++;
      return;
    }
    this.sinceEval.set(bar.symbol, 0);
    this.ensemble.evaluate(bar.symbol, live, this.runtimes, fs, this.regimes.get(bar.symbol)!);
  }

  /** Interval inference and the one feature/regime update of a bar; false for a late or duplicate bar. */
  private observe(b: Bar): boolean {
    const last = this.lastTs.get(b.symbol);
    if (last !== undefined && b.ts <= last) return false;
    if (last !== undefined) {
      const gap = b.ts - last;
      const known = this.intervalMs.get(b.symbol);
      if (known === undefined || gap < known) this.intervalMs.set(b.symbol, gap);
    }
    this.lastTs.set(b.symbol, b.ts);
    this.features.get(b.symbol)!.update(b);
    this.regimes.get(b.symbol)!.update(b);
    return true;
  }

  /** One strategy's signals on a bar (every strategy, every bar: no closure per call); a failure goes to `failed`. */
  private call(rt: Runtime, bar: Bar): Signal[] | undefined {
    try {
      const sigs = rt.strategy.onBar(bar, this.ctx);
      for (const s of sigs) {
        if (!Number.isFinite(s.score) || !Number.isFinite(s.confidence) || !(s.horizonBars >= 1) || s.symbol !== bar.symbol) {
          throw new Error(`produced an invalid signal on ${bar.symbol} (score ${s.score}, confidence ${s.confidence}, horizon ${s.horizonBars})`);
        }
      }
      return sigs;
    } catch (e) {
      this.failed(rt, e);
      return undefined;
    }
  }

  private guard(rt: Runtime, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.failed(rt, e);
    }
  }

  /** Counts a strategy's failure and raises it; the strategy is switched off after STRATEGY_ERROR_LIMIT of them. */
  private failed(rt: Runtime, e: unknown): void {
    rt.errors++;
    this.failures++;
    const msg = (e as Error).message;
    const off = rt.errors >= STRATEGY_ERROR_LIMIT;
    if (off) rt.error = `${msg} (switched off after ${rt.errors} errors)`;
    this.deps.alert('critical', 'STRATEGY_ERROR', `strategy ${rt.strategy.id} failed: ${msg}${off ? `; disabled after ${rt.errors} errors` : ''}`, rt.strategy.id, off ? undefined : `strat:${rt.strategy.id}`);
  }

  readonly ctx: SignalContext = {
    features: (s) => this.features.get(s),
    regime: (s) => this.regimes.get(s),
    instrument: (s) => this.deps.instrument(s),
    quote: (s) => this.ensemble.cache.get(s, this.deps.now()),
    symbols: () => this.symbolList,
    barIntervalMs: (s) => this.intervalMs.get(s) ?? NaN,
    sessionMinute: (s, ts) => {
      if (this.deps.instrument(s)?.calendar !== 'nyse') return (ts - Math.floor(ts / DAY_MS) * DAY_MS) / 60_000;
      const sess = nyseSessionFor(ts);
      return sess && ts >= sess.open && ts < sess.close ? (ts - sess.open) / 60_000 : NaN;
    },
    minutesToClose: (s, ts) => minutesToClose(this.deps.instrument(s)?.calendar, ts),
    missing: (strategy, what) => {
      if (this.reported.has(strategy, what)) return;
      this.reported.set(strategy, what, true);
      this.deps.alert('warning', 'STRATEGY_NO_DATA', `strategy ${strategy}: no data for ${what}; it gives no signal there`, strategy, `nodata:${strategy}|${what}`);
    },
  };

  // --- what StrategyControl reads and changes (the engine journals the changes) ---

  info(): StrategyInfo[] {
    const waiting = this.history.symbols;
    return this.runtimes.map((r) => ({
      id: r.strategy.id,
      name: r.strategy.name,
      enabled: r.enabled,
      baseWeight: r.baseWeight,
      kind: r.strategy.kind,
      ...(r.lastSignal ? { lastSignal: r.lastSignal } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(r.enabled && waiting.length ? { waitingFor: waiting } : {}),
    }));
  }

  /** Ids of the strategies that would be asked about a symbol now (enabled, not switched off). */
  active(): string[] {
    return this.runtimes.filter((r) => r.enabled && !r.error).map((r) => r.strategy.id);
  }

  runtime(id: string): Runtime | undefined {
    return this.runtimes.find((r) => r.strategy.id === id);
  }

  /** Counters for the health view. */
  counters(): Record<string, number> {
    const enabled = this.runtimes.filter((r) => r.enabled && !r.error).length;
    return {
      'strategies.enabled': enabled,
      'strategies.failed': this.runtimes.filter((r) => r.error).length,
      'strategies.errors': this.failures,
      'strategies.signals': this.signals,
      'strategies.judged': this.scorer.judgedTotal,
      'history.waiting': this.history.symbols.length,
      'history.lateJoins': this.history.lateJoins,
      'history.failed': this.history.failed,
      'evaluation.runs': this.ensemble.evaluations,
      'evaluation.skippedLowVol': this.skipped,
      'evaluation.symbolsEveryBar': this.fast.size,
      'evaluation.symbolsEveryKBars': this.features.size - this.fast.size,
      'evaluation.k': this.cfg.ensemble.evalInterval.lowVolEveryBars,
      'ensemble.orders': this.ensemble.orders,
      'ensemble.skippedCost': this.ensemble.skippedCost,
      'ensemble.heldMinHold': this.ensemble.heldMin,
      ...Object.fromEntries(Object.entries(this.ensemble.cache.counters()).map(([k, v]) => [`quoteCache.${k}`, v])),
    };
  }
}

export function minutesToClose(calendar: string | undefined, ts: number): number {
  if (calendar !== 'nyse') return Infinity;
  const sess = nyseSessionFor(ts);
  return sess && ts >= sess.open && ts < sess.close ? (sess.close - ts) / 60_000 : NaN;
}
