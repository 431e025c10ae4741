// Every signal is a prediction: the strategy's score says which way the
// symbol's close will move over the next `horizonBars` bars. The tracker keeps
// each prediction with its entry price and the regime it was made in, counts
// the symbol's bars after it, and when the horizon has passed resolves it:
// realized return = close / entry − 1, hit = score and return agree in sign,
// signed payoff = score × return. Accuracy accumulates per strategy × regime.
// Pure and deterministic: time comes only from the calls.
import { Regime } from '../../core/config.js';
import type { Signal } from '../signal.js';

/** `features.regime_code` = the index of the regime in this list. */
export const REGIME_CODES: readonly string[] = Regime.options;
export const UNKNOWN_REGIME = 'unknown';

/** The regime a signal was made in: the argument, else `features.regime_code`, else 'unknown'. */
export function regimeOf(s: Signal, regime?: string): string {
  if (regime) return regime;
  const code = s.features.regime_code;
  return code !== undefined && Number.isInteger(code) ? (REGIME_CODES[code] ?? UNKNOWN_REGIME) : UNKNOWN_REGIME;
}

export interface Prediction {
  /** strategy|symbol|ts: one prediction per strategy, symbol and bar. */
  id: string;
  /** Order of arrival (resolution order within a bar follows it). */
  seq: number;
  strategy: string;
  symbol: string;
  ts: number;
  regime: string;
  score: number;
  confidence: number;
  horizonBars: number;
  entryPrice: number;
  /** Bars of the symbol seen after the signal's bar so far. */
  barsSeen: number;
  /** Time of the last bar counted (the signal's own time at first). */
  lastBarTs: number;
}

export interface ResolvedPrediction extends Prediction {
  resolvedTs: number;
  exitPrice: number;
  /** exit / entry − 1 */
  ret: number;
  hit: boolean;
  /** score × ret */
  payoff: number;
}

/** Accuracy of one strategy in one regime. */
export interface AccuracyCell {
  strategy: string;
  regime: string;
  resolved: number;
  hits: number;
  sumReturn: number;
  sumPayoff: number;
}

export type TrackResult = { ok: true; prediction: Prediction } | { ok: false; reason: string };

const key = (strategy: string, symbol: string) => `${strategy}|${symbol}`;
const cellKey = (strategy: string, regime: string) => `${strategy}\u0000${regime}`;

export class PredictionTracker {
  private readonly pendingBySymbol = new Map<string, Map<string, Prediction>>();
  private readonly cells = new Map<string, AccuracyCell>();
  /** Latest signal time per strategy|symbol (older signals are refused). */
  private readonly lastTs = new Map<string, number>();
  private nextSeq = 1;
  rejected = 0;
  lastRejection: string | null = null;

  /**
   * Records a signal as a prediction made at `price`. A signal with no
   * direction (score 0), a bad number, or older than the strategy's last
   * signal on the symbol is not a prediction: refused with the reason.
   * A second signal for the same strategy, symbol and bar replaces the first
   * while it is pending.
   */
  onSignal(s: Signal, price: number, regime?: string): TrackResult {
    const bad = invalid(s, price);
    if (bad) return this.reject(`${s.strategy} ${s.symbol} @${s.ts}: ${bad}`);
    const k = key(s.strategy, s.symbol);
    const last = this.lastTs.get(k);
    const id = `${k}|${s.ts}`;
    const pending = this.pendingBySymbol.get(s.symbol);
    if (last !== undefined && s.ts < last) return this.reject(`${id}: older than the last signal (${last})`);
    if (last === s.ts && !pending?.has(id)) return this.reject(`${id}: already resolved`);
    const prev = pending?.get(id);
    const p: Prediction = {
      id,
      seq: prev?.seq ?? this.nextSeq++,
      strategy: s.strategy,
      symbol: s.symbol,
      ts: s.ts,
      regime: regimeOf(s, regime),
      score: s.score,
      confidence: s.confidence,
      horizonBars: s.horizonBars,
      entryPrice: price,
      barsSeen: prev?.barsSeen ?? 0,
      lastBarTs: prev?.lastBarTs ?? s.ts,
    };
    this.add(p);
    this.lastTs.set(k, s.ts);
    return { ok: true, prediction: p };
  }

  /**
   * A completed bar of `symbol`: every pending prediction on it made before
   * this bar counts it; those whose horizon it reaches are resolved at its
   * close (in order of arrival). Returns the predictions that moved (none
   * listed when `keepProgressed` is false: nothing persists them) and those
   * resolved. A bar not later than one already counted is ignored.
   */
  onBar(symbol: string, ts: number, close: number, keepProgressed = true): { progressed: Prediction[]; resolved: ResolvedPrediction[] } {
    const progressed: Prediction[] = [];
    const resolved: ResolvedPrediction[] = [];
    const pending = this.pendingBySymbol.get(symbol);
    if (!pending || !Number.isFinite(ts) || !(close > 0) || !Number.isFinite(close)) return { progressed, resolved };
    for (const p of pending.values()) {
      if (ts <= p.lastBarTs) continue;
      p.barsSeen += 1;
      p.lastBarTs = ts;
      if (p.barsSeen < p.horizonBars) {
        if (keepProgressed) progressed.push(p);
        continue;
      }
      const ret = close / p.entryPrice - 1;
      const payoff = p.score * ret;
      // fields spelled out: `{ ...p, resolvedTs, ... }` in this loop took most of an ensemble backtest's learning time
      const r: ResolvedPrediction = {
        id: p.id, seq: p.seq, strategy: p.strategy, symbol: p.symbol, ts: p.ts, regime: p.regime, score: p.score, confidence: p.confidence,
        horizonBars: p.horizonBars, entryPrice: p.entryPrice, barsSeen: p.barsSeen, lastBarTs: p.lastBarTs,
        resolvedTs: ts, exitPrice: close, ret, hit: payoff > 0, payoff,
      };
      pending.delete(p.id);
      this.count(r);
      resolved.push(r);
    }
    if (pending.size === 0) this.pendingBySymbol.delete(symbol);
    return { progressed, resolved };
  }

  /** Pending predictions in order of arrival. */
  pending(): Prediction[] {
    return [...this.pendingBySymbol.values()].flatMap((m) => [...m.values()]).sort((a, b) => a.seq - b.seq);
  }

  pendingCount(strategy?: string): number {
    let n = 0;
    for (const m of this.pendingBySymbol.values()) for (const p of m.values()) if (!strategy || p.strategy === strategy) n++;
    return n;
  }

  /** Accuracy cells, sorted by strategy then regime. */
  stats(): AccuracyCell[] {
    return [...this.cells.values()].map((c) => ({ ...c })).sort((a, b) => a.strategy.localeCompare(b.strategy) || a.regime.localeCompare(b.regime));
  }

  cell(strategy: string, regime: string): AccuracyCell | undefined {
    const c = this.cells.get(cellKey(strategy, regime));
    return c && { ...c };
  }

  /** Restores persisted state (pending predictions, accuracy cells, the latest signal time per strategy and symbol). */
  restore(pending: readonly Prediction[], cells: readonly AccuracyCell[], latest: ReadonlyArray<{ strategy: string; symbol: string; ts: number }>): void {
    for (const p of pending) {
      this.add({ ...p });
      this.nextSeq = Math.max(this.nextSeq, p.seq + 1);
    }
    for (const c of cells) this.cells.set(cellKey(c.strategy, c.regime), { ...c });
    for (const l of latest) this.lastTs.set(key(l.strategy, l.symbol), Math.max(l.ts, this.lastTs.get(key(l.strategy, l.symbol)) ?? -Infinity));
  }

  /** The sequence number the next new prediction gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Continues sequence numbers after persisted predictions that are no longer pending. */
  reserveSeq(next: number): void {
    this.nextSeq = Math.max(this.nextSeq, next);
  }

  private add(p: Prediction): void {
    let m = this.pendingBySymbol.get(p.symbol);
    if (!m) this.pendingBySymbol.set(p.symbol, (m = new Map()));
    m.set(p.id, p);
  }

  private count(r: ResolvedPrediction): void {
    const k = cellKey(r.strategy, r.regime);
    let c = this.cells.get(k);
    if (!c) this.cells.set(k, (c = { strategy: r.strategy, regime: r.regime, resolved: 0, hits: 0, sumReturn: 0, sumPayoff: 0 }));
    c.resolved += 1;
    if (r.hit) c.hits += 1;
    c.sumReturn += r.ret;
    c.sumPayoff += r.payoff;
  }

  private reject(reason: string): TrackResult {
    this.rejected += 1;
    this.lastRejection = reason;
    return { ok: false, reason };
  }
}

function invalid(s: Signal, price: number): string | null {
  if (!s.strategy || !s.symbol) return 'no strategy or symbol';
  if (!Number.isFinite(s.ts)) return `ts ${s.ts} is not a time`;
  if (!Number.isFinite(s.score) || Math.abs(s.score) > 1) return `score ${s.score} is outside [-1, 1]`;
  if (s.score === 0) return 'score 0 predicts no direction';
  if (!Number.isFinite(s.confidence) || s.confidence < 0 || s.confidence > 1) return `confidence ${s.confidence} is outside [0, 1]`;
  if (!Number.isInteger(s.horizonBars) || s.horizonBars < 1) return `horizonBars ${s.horizonBars} is not a whole number of bars ≥ 1`;
  if (!Number.isFinite(price) || price <= 0) return `price ${price} is not a positive number`;
  return null;
}
