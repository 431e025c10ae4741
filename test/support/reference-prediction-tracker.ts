// The prediction tracker's rules in their plainest form, as a test oracle: the
// pending predictions of a symbol in one Map, each counting every later bar on
// every bar. The engine's PredictionTracker keeps them in a faster layout; the
// learning property test holds it to the same results as this one.
import { regimeOf, type AccuracyCell, type Prediction, type ResolvedPrediction, type TrackResult } from '../../src/engine/strategy/learning/prediction-tracker.js';
import type { Signal } from '../../src/engine/strategy/signal.js';

export class ReferenceTracker {
  private readonly pendingBySymbol = new Map<string, Map<string, Prediction>>();
  private readonly cells = new Map<string, AccuracyCell>();
  private readonly lastTs = new Map<string, number>();
  private nextSeq = 1;

  onSignal(s: Signal, price: number, regime?: string): TrackResult {
    // the engine's own checks of a bad signal run first in both; the property sends only valid ones
    const k = `${s.strategy}|${s.symbol}`;
    const last = this.lastTs.get(k);
    const id = `${k}|${s.ts}`;
    const pending = this.pendingBySymbol.get(s.symbol);
    if (last !== undefined && s.ts < last) return { ok: false, reason: `${id}: older than the last signal (${last})` };
    if (last === s.ts && !pending?.has(id)) return { ok: false, reason: `${id}: already resolved` };
    const prev = pending?.get(id);
    const { strategy, symbol, ts, score, confidence, horizonBars } = s;
    const p: Prediction = { id, seq: prev?.seq ?? this.nextSeq++, strategy, symbol, ts, regime: regimeOf(s, regime), score, confidence, horizonBars, entryPrice: price, barsSeen: prev?.barsSeen ?? 0, lastBarTs: prev?.lastBarTs ?? ts };
    this.add(p);
    this.lastTs.set(k, s.ts);
    return { ok: true, prediction: { ...p } };
  }

  onBar(symbol: string, ts: number, close: number, keepProgressed: boolean): { progressed: Prediction[]; resolved: ResolvedPrediction[] } {
    const progressed: Prediction[] = [];
    const resolved: ResolvedPrediction[] = [];
    const pending = this.pendingBySymbol.get(symbol);
    if (!pending || !Number.isFinite(ts) || !(close > 0)) return { progressed, resolved };
    for (const p of pending.values()) {
      if (ts <= p.lastBarTs) continue;
      p.barsSeen += 1;
      p.lastBarTs = ts;
      if (p.barsSeen < p.horizonBars) {
        if (keepProgressed) progressed.push({ ...p });
        continue;
      }
      const ret = close / p.entryPrice - 1;
      const payoff = p.score * ret;
      const r: ResolvedPrediction = { ...p, resolvedTs: ts, exitPrice: close, ret, hit: payoff > 0, payoff };
      pending.delete(p.id);
      const ck = `${r.strategy}\u0000${r.regime}`;
      let c = this.cells.get(ck);
      if (!c) this.cells.set(ck, (c = { strategy: r.strategy, regime: r.regime, resolved: 0, hits: 0, sumReturn: 0, sumPayoff: 0 }));
      c.resolved += 1;
      if (r.hit) c.hits += 1;
      c.sumReturn += r.ret;
      c.sumPayoff += r.payoff;
      resolved.push(r);
    }
    if (pending.size === 0) this.pendingBySymbol.delete(symbol);
    return { progressed, resolved };
  }

  pending(): Prediction[] {
    return [...this.pendingBySymbol.values()].flatMap((m) => [...m.values()].map((p) => ({ ...p }))).sort((a, b) => a.seq - b.seq);
  }

  stats(): AccuracyCell[] {
    return [...this.cells.values()].map((c) => ({ ...c })).sort((a, b) => a.strategy.localeCompare(b.strategy) || a.regime.localeCompare(b.regime));
  }

  private add(p: Prediction): void {
    let m = this.pendingBySymbol.get(p.symbol);
    if (!m) this.pendingBySymbol.set(p.symbol, (m = new Map()));
    m.set(p.id, p);
  }
}
