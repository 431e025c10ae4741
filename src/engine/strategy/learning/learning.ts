// Learning as one component the engine wires in: a SignalSink (every signal
// becomes a tracked prediction, every bar resolves those due) and a
// WeightProvider (learned weight and influence per strategy × regime), with
// its state in `<data-dir>/learning.sqlite` when given a data dir. Changes are
// written at most once every WRITE_INTERVAL_MS of wall time, each write one
// transaction holding every change since the last (a prediction's latest
// state once, however many bars moved it), and at flush/close: a crash loses
// at most the last second of learning. (Written every bar, the ~50 pending
// predictions each bar moves dirtied ~50 scattered pages of the file: 2.4 ms a
// bar, three quarters of a `serve --speed max` session's time.) A failing
// write never throws into the caller: it is reported once through `onError`
// and learning carries on in memory.
import { PairMap } from '../../core/pair-map.js';
import type { Signal, SignalSink, WeightProvider } from '../signal.js';
import { AdaptiveWeights } from './adaptive-weights.js';
import { LearningStore, type LearningState, type StoredCell } from './learning-store.js';
import { PredictionTracker, UNKNOWN_REGIME, type Prediction, type ResolvedPrediction, type TrackResult } from './prediction-tracker.js';
import { learningSettings, type LearningSettings } from './settings.js';

export interface RegimeLearning {
  regime: string;
  resolved: number;
  hits: number;
  /** hits / resolved, or null with nothing resolved. */
  accuracy: number | null;
  /** Mean of score × return. */
  meanPayoff: number | null;
  weight: number;
  influence: number;
}

export interface StrategyLearning extends Omit<RegimeLearning, 'regime'> {
  strategy: string;
  pending: number;
  /** The regime of the strategy's latest signal: `weight` and `influence` are for it (null before any signal). */
  regime: string | null;
  byRegime: RegimeLearning[];
}


/** Everything learning knows, JSON-safe: what a session start records so a replay starts from the same weights. */
export type LearningSnapshot = LearningState;

export interface LearningOptions {
  /** Persist to `<dataDir>/learning.sqlite`; in memory only without one (backtests may choose this). */
  dataDir?: string;
  /** Start from this state instead (in memory; not with dataDir): replay restores the recorded snapshot. */
  snapshot?: LearningSnapshot;
  settings?: Partial<LearningSettings>;
  /** A write to the learning file failed (reported once; learning continues in memory). */
  onError?: (err: Error) => void;
}

/** The most often learning writes its file (wall time); flush/close write at once. */
export const WRITE_INTERVAL_MS = 1_000;

export class Learning implements SignalSink, WeightProvider {
  readonly tracker = new PredictionTracker();
  readonly weights: AdaptiveWeights;
  private settings: LearningSettings;
  private readonly store: LearningStore | null;
  private readonly latestRegime = new Map<string, { ts: number; regime: string }>();
  /** Per strategy and symbol: the latest signal's time and regime. */
  private readonly latest = new PairMap<LearningState['latest'][number]>();
  /** Changes not yet written: pending predictions and resolved ones by id, cells by strategy and regime. */
  private queued = new Map<string, Prediction>();
  private queuedResolved = new Map<string, ResolvedPrediction>();
  private queuedCells = new Map<string, StoredCell>();
  private writeFailed = false;
  private lastWrite = -Infinity;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Opens (or creates) the learning file and restores its state; throws LearningFileError / LearningVersionError for an unusable file. */
  constructor(private readonly options: LearningOptions = {}) {
    this.settings = learningSettings(options.settings);
    this.weights = new AdaptiveWeights(this.settings);
    if (options.dataDir && options.snapshot) throw new Error('learning: give a data dir or a snapshot, not both');
    this.store = options.dataDir ? LearningStore.open(options.dataDir) : null;
    const st = this.store?.load() ?? options.snapshot;
    if (st) {
      this.tracker.restore(st.pending, st.cells, st.latest);
      this.tracker.reserveSeq(st.nextSeq);
      this.weights.restore(st.cells.map((c) => ({ strategy: c.strategy, regime: c.regime, n: c.resolved, ema: c.ema })));
      for (const l of st.latest) this.noteLatest(l.strategy, l.symbol, l.ts, l.regime);
    }
  }

  /** The whole state (pending predictions, cells, latest signals), JSON-safe; `new Learning({ snapshot })` continues from it identically. */
  snapshot(): LearningSnapshot {
    const cells = this.tracker.stats().map((c) => ({ ...c, ema: this.weights.cell(c.strategy, c.regime)?.ema ?? this.settings.prior }));
    const latest = [...this.latest.values()].map((l) => ({ ...l })).sort((a, b) => a.strategy.localeCompare(b.strategy) || a.symbol.localeCompare(b.symbol));
    return { pending: this.tracker.pending().map((p) => ({ ...p })), cells, latest, nextSeq: this.tracker.nextSequence };
  }

  get file(): string | null {
    return this.store?.file ?? null;
  }

  currentSettings(): LearningSettings {
    return this.settings;
  }

  setSettings(over: Partial<LearningSettings>): LearningSettings {
    this.settings = learningSettings({ ...this.settings, ...over });
    this.weights.setSettings(this.settings);
    return this.settings;
  }

  onSignal(s: Signal, price: number, regime?: string): TrackResult {
    if (!this.settings.enabled) return { ok: false, reason: 'learning is disabled' };
    const r = this.tracker.onSignal(s, price, regime);
    if (r.ok) {
      if (this.writing) this.queued.set(r.prediction.id, r.prediction);
      this.noteLatest(s.strategy, s.symbol, s.ts, r.prediction.regime);
    }
    return r;
  }

  onBar(symbol: string, ts: number, close: number): ResolvedPrediction[] {
    if (!this.settings.enabled) return [];
    // without a file (backtests, replays) nothing is queued: learning lives in memory (and the moved predictions are not listed)
    const writing = this.writing;
    const { progressed, resolved } = this.tracker.onBar(symbol, ts, close, writing);
    if (writing) for (const p of progressed) this.queued.set(p.id, p);
    for (const r of resolved) {
      const w = this.weights.observe(r);
      if (!writing) continue;
      this.queued.delete(r.id);
      this.queuedResolved.set(r.id, r);
      const c = this.tracker.cell(r.strategy, r.regime)!;
      this.queuedCells.set(`${r.strategy}\u0000${r.regime}`, { strategy: c.strategy, regime: c.regime, resolved: c.resolved, hits: c.hits, sumReturn: c.sumReturn, sumPayoff: c.sumPayoff, ema: w.ema });
    }
    if (writing) this.persistSoon();
    return resolved;
  }

  weight(strategy: string, regime: string): number {
    return this.weights.weight(strategy, regime);
  }

  influence(strategy: string, regime: string): number {
    return this.weights.influence(strategy, regime);
  }

  /** Accuracy, learned weight and influence of these strategies (default: every one learning has seen). */
  stats(strategies?: readonly string[]): StrategyLearning[] {
    if (strategies) return strategies.map((s) => this.strategyStats(s));
    const names = new Set<string>([...this.latestRegime.keys(), ...this.tracker.stats().map((c) => c.strategy)]);
    return [...names].sort().map((s) => this.strategyStats(s));
  }

  /** One strategy's learning (zeros and the exploration weight when it has none). */
  strategyStats(strategy: string): StrategyLearning {
    const cells = this.tracker.stats().filter((c) => c.strategy === strategy);
    const byRegime = cells.map((c) => ({
      regime: c.regime,
      resolved: c.resolved,
      hits: c.hits,
      accuracy: c.resolved ? c.hits / c.resolved : null,
      meanPayoff: c.resolved ? c.sumPayoff / c.resolved : null,
      weight: this.weight(strategy, c.regime),
      influence: this.influence(strategy, c.regime),
    }));
    const resolved = cells.reduce((n, c) => n + c.resolved, 0);
    const hits = cells.reduce((n, c) => n + c.hits, 0);
    const payoff = cells.reduce((n, c) => n + c.sumPayoff, 0);
    const regime = this.latestRegime.get(strategy)?.regime ?? null;
    return {
      strategy,
      resolved,
      hits,
      pending: this.tracker.pendingCount(strategy),
      accuracy: resolved ? hits / resolved : null,
      meanPayoff: resolved ? payoff / resolved : null,
      regime,
      weight: this.weight(strategy, regime ?? UNKNOWN_REGIME),
      influence: this.influence(strategy, regime ?? UNKNOWN_REGIME),
      byRegime,
    };
  }

  /** Writes every change not written yet, now. */
  flush(): void {
    this.persist();
  }

  close(): void {
    this.flush();
    this.store?.close();
  }

  private noteLatest(strategy: string, symbol: string, ts: number, regime: string): void {
    this.latest.set(strategy, symbol, { strategy, symbol, ts, regime });
    const cur = this.latestRegime.get(strategy);
    if (!cur || ts >= cur.ts) this.latestRegime.set(strategy, { ts, regime });
  }

  /** Whether changes go to a file: there is one and no write to it has failed. */
  private get writing(): boolean {
    return this.store !== null && !this.writeFailed;
  }

  /** Writes now when the last write is WRITE_INTERVAL_MS old, else once it is (a timer that does not hold the process open). */
  private persistSoon(): void {
    const wait = this.lastWrite + WRITE_INTERVAL_MS - performance.now();
    if (wait <= 0) return this.persist();
    this.writeTimer ??= setTimeout(() => this.persist(), wait);
    this.writeTimer.unref?.();
  }

  private persist(): void {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const batch = { pending: [...this.queued.values()], resolved: [...this.queuedResolved.values()], cells: [...this.queuedCells.values()] };
    this.queued = new Map();
    this.queuedResolved = new Map();
    this.queuedCells = new Map();
    if (!this.store || this.writeFailed) return;
    this.lastWrite = performance.now();
    try {
      this.store.write(batch);
    } catch (e) {
      this.writeFailed = true;
      const err = new Error(`learning file ${this.store.file}: write failed (${(e as Error).message}); learning continues in memory until restart`);
      this.options.onError?.(err);
    }
  }
}
