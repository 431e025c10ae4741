// Every signal is a prediction: the strategy's score says which way the
// symbol's close will move over the next `horizonBars` bars. The tracker keeps
// each prediction with its entry price and the regime it was made in, counts
// the symbol's bars after it, and when the horizon has passed resolves it:
// realized return = close / entry − 1, hit = score and return agree in sign,
// signed payoff = score × return. Accuracy accumulates per strategy × regime.
// Pure and deterministic: time comes only from the calls.
import { Regime } from '../../core/config.js';
import { PairMap } from '../../core/pair-map.js';
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

/**
 * One symbol's pending predictions in order of arrival, and each strategy's latest one (the only one a second
 * signal on the same bar can replace). Every bar walks them, so what the walk reads and changes (each one's
 * last counted bar time, bars seen, horizon) is kept in typed arrays beside the list: walking the objects
 * themselves was most of an ensemble backtest's learning time. An object's `barsSeen` and `lastBarTs` are
 * brought up to date (`sync`) whenever it is handed out: listed as moved, resolved, replaced or read as pending.
 */
class SymbolPending {
  list: Prediction[] = [];
  lastBarTs = new Float64Array(16);
  barsSeen = new Float64Array(16);
  horizon = new Float64Array(16);
  readonly latest = new Map<string, Prediction>();

  /** Puts a prediction's counters at index i (the end of the list when i is its length). */
  put(i: number, p: Prediction): void {
    if (i === this.list.length) {
      if (i === this.horizon.length) this.grow();
      this.list.push(p);
    } else this.list[i] = p;
    this.lastBarTs[i] = p.lastBarTs;
    this.barsSeen[i] = p.barsSeen;
    this.horizon[i] = p.horizonBars;
  }

  /** The object at index i, with its counters up to date. */
  sync(i: number): Prediction {
    const p = this.list[i]!;
    p.barsSeen = this.barsSeen[i]!;
    p.lastBarTs = this.lastBarTs[i]!;
    return p;
  }

  /** Moves the prediction at index i to index j (j < i: closing up the list). */
  move(i: number, j: number): void {
    this.list[j] = this.list[i]!;
    this.lastBarTs[j] = this.lastBarTs[i]!;
    this.barsSeen[j] = this.barsSeen[i]!;
    this.horizon[j] = this.horizon[i]!;
  }

  private grow(): void {
    const n = this.horizon.length * 2;
    for (const k of ['lastBarTs', 'barsSeen', 'horizon'] as const) {
      const next = new Float64Array(n);
      next.set(this[k]);
      this[k] = next;
    }
  }
}

export class PredictionTracker {
  private readonly pendingBySymbol = new Map<string, SymbolPending>();
  /** By strategy, then regime. */
  private readonly cells = new PairMap<AccuracyCell>();
  /** Latest signal time per strategy and symbol (older signals are refused). */
  private readonly lastTs = new PairMap<number>();
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
    const last = this.lastTs.get(s.strategy, s.symbol);
    const id = `${s.strategy}|${s.symbol}|${s.ts}`;
    if (last !== undefined && s.ts < last) return this.reject(`${id}: older than the last signal (${last})`);
    // a pending prediction of this strategy, symbol and bar is the strategy's latest on the symbol
    const pending = last === s.ts ? this.pendingBySymbol.get(s.symbol) : undefined;
    const latest = pending?.latest.get(s.strategy);
    const at = latest?.ts === s.ts ? pending!.list.indexOf(latest) : -1;
    const prev = at >= 0 ? pending!.sync(at) : undefined;
    if (last === s.ts && !prev) return this.reject(`${id}: already resolved`);
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
    if (prev) {
      // in its place (found above): a replacement keeps its place, as it keeps its seq
      pending!.put(at, p);
      pending!.latest.set(p.strategy, p);
    } else this.add(p);
    this.lastTs.set(s.strategy, s.symbol, s.ts);
    return { ok: true, prediction: p };
  }

  /**
   * A completed bar of `symbol`: every pending prediction on it made before
   * this bar counts it; those whose horizon it reaches are resolved at its
   * close (in order of arrival). Returns the predictions that moved (none
   * listed when `keepProgressed` is false: nothing persists them) and those
   * resolved. A bar not later than one already counted is ignored. Without the
   * list, a pending prediction object handed out earlier shows its counters as
   * of then; `pending()` reads them as they are.
   */
  onBar(symbol: string, ts: number, close: number, keepProgressed = true): { progressed: Prediction[]; resolved: ResolvedPrediction[] } {
    const progressed: Prediction[] = [];
    const resolved: ResolvedPrediction[] = [];
    const pending = this.pendingBySymbol.get(symbol);
    if (!pending || !Number.isFinite(ts) || !(close > 0) || !Number.isFinite(close)) return { progressed, resolved };
    const { list, lastBarTs, barsSeen, horizon } = pending;
    // resolved predictions leave the list; the rest close up in place, their order kept
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      if (ts > lastBarTs[i]!) {
        lastBarTs[i] = ts;
        barsSeen[i]! += 1;
        if (barsSeen[i]! >= horizon[i]!) {
          resolved.push(this.resolve(pending, pending.sync(i), ts, close));
          continue;
        }
        if (keepProgressed) progressed.push(pending.sync(i));
      }
      if (kept !== i) pending.move(i, kept);
      kept++;
    }
    list.length = kept;
    if (kept === 0) this.pendingBySymbol.delete(symbol);
    return { progressed, resolved };
  }

  /** Resolves a prediction at a bar's close: out of the pending ones, counted in its cell. */
  private resolve(pending: SymbolPending, p: Prediction, ts: number, close: number): ResolvedPrediction {
    const ret = close / p.entryPrice - 1;
    const payoff = p.score * ret;
    // fields spelled out: `{ ...p, resolvedTs, ... }` here took most of an ensemble backtest's learning time
    const r: ResolvedPrediction = {
      id: p.id, seq: p.seq, strategy: p.strategy, symbol: p.symbol, ts: p.ts, regime: p.regime, score: p.score, confidence: p.confidence,
      horizonBars: p.horizonBars, entryPrice: p.entryPrice, barsSeen: p.barsSeen, lastBarTs: p.lastBarTs,
      resolvedTs: ts, exitPrice: close, ret, hit: payoff > 0, payoff,
    };
    if (pending.latest.get(p.strategy) === p) pending.latest.delete(p.strategy);
    this.count(r);
    return r;
  }

  /** Pending predictions in order of arrival. */
  pending(): Prediction[] {
    return [...this.pendingBySymbol.values()].flatMap((m) => m.list.map((_, i) => m.sync(i))).sort((a, b) => a.seq - b.seq);
  }

  pendingCount(strategy?: string): number {
    let n = 0;
    for (const m of this.pendingBySymbol.values()) for (const p of m.list) if (!strategy || p.strategy === strategy) n++;
    return n;
  }

  /** Accuracy cells, sorted by strategy then regime. */
  stats(): AccuracyCell[] {
    return [...this.cells.values()].map((c) => ({ ...c })).sort((a, b) => a.strategy.localeCompare(b.strategy) || a.regime.localeCompare(b.regime));
  }

  cell(strategy: string, regime: string): AccuracyCell | undefined {
    const c = this.cells.get(strategy, regime);
    return c && { ...c };
  }

  /** Restores persisted state (pending predictions, accuracy cells, the latest signal time per strategy and symbol). */
  restore(pending: readonly Prediction[], cells: readonly AccuracyCell[], latest: ReadonlyArray<{ strategy: string; symbol: string; ts: number }>): void {
    for (const p of pending) {
      this.add({ ...p });
      this.nextSeq = Math.max(this.nextSeq, p.seq + 1);
    }
    for (const c of cells) this.cells.set(c.strategy, c.regime, { ...c });
    for (const l of latest) this.lastTs.set(l.strategy, l.symbol, Math.max(l.ts, this.lastTs.get(l.strategy, l.symbol) ?? -Infinity));
  }

  /** The sequence number the next new prediction gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Continues sequence numbers after persisted predictions that are no longer pending. */
  reserveSeq(next: number): void {
    this.nextSeq = Math.max(this.nextSeq, next);
  }

  /** Adds a prediction at the end, or in the place of the pending one with its id (a replacement keeps its place, as it keeps its seq). */
  private add(p: Prediction): void {
    let m = this.pendingBySymbol.get(p.symbol);
    if (!m) this.pendingBySymbol.set(p.symbol, (m = new SymbolPending()));
    const cur = m.latest.get(p.strategy);
    // the strategy's latest pending prediction on the symbol has this id when it has this time
    const at = cur?.ts === p.ts ? m.list.indexOf(cur) : -1;
    m.put(at >= 0 ? at : m.list.length, p);
    if (!cur || p.ts >= cur.ts) m.latest.set(p.strategy, p);
  }

  private count(r: ResolvedPrediction): void {
    let c = this.cells.get(r.strategy, r.regime);
    if (!c) this.cells.set(r.strategy, r.regime, (c = { strategy: r.strategy, regime: r.regime, resolved: 0, hits: 0, sumReturn: 0, sumPayoff: 0 }));
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
