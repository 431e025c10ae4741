// Per-strategy scores, each in [0, 1]: alpha (hit rate of its judged
// predictions, shrunk toward 0.5 while evidence is thin), regime fit (its style
// against the current regime), diversification (1 - |correlation| of its
// scores with the other strategies' on the same symbols) and drawdown (of its
// virtual P&L, score x forward return). A prediction is judged `horizonBars`
// bars of its symbol after the signal; one is outstanding per strategy and symbol.
import type { EnsembleConfig, Regime } from '../../core/config.js';
import { PairMap } from '../../core/pair-map.js';
import { RollingCorrelation } from '../../features/correlation.js';
import { RingBuffer } from '../../features/ring-buffer.js';
import type { StrategyStyle } from '../signal-strategy.js';
import type { Signal } from '../signal.js';

export interface StrategyScores {
  alpha: number;
  regimeFit: number;
  diversification: number;
  drawdown: number;
  /** The weighted mean of the four (config ensemble.scoreWeights). */
  total: number;
  /** Judged predictions behind alpha. */
  judged: number;
}

const FIT: Record<StrategyStyle, Record<Regime, number>> = {
  trend: { strong_uptrend: 1, uptrend: 0.9, neutral: 0.5, downtrend: 0.9, strong_downtrend: 1, high_volatility: 0.6, low_volatility: 0.4 },
  reversion: { strong_uptrend: 0.3, uptrend: 0.5, neutral: 0.9, downtrend: 0.5, strong_downtrend: 0.3, high_volatility: 0.6, low_volatility: 1 },
  carry: { strong_uptrend: 0.6, uptrend: 0.7, neutral: 0.8, downtrend: 0.7, strong_downtrend: 0.6, high_volatility: 0.3, low_volatility: 1 },
  macro: { strong_uptrend: 1, uptrend: 0.9, neutral: 0.6, downtrend: 0.9, strong_downtrend: 1, high_volatility: 0.7, low_volatility: 0.5 },
  benchmark: { strong_uptrend: 1, uptrend: 1, neutral: 1, downtrend: 1, strong_downtrend: 1, high_volatility: 1, low_volatility: 1 },
};

export function regimeFit(style: StrategyStyle, regime: Regime): number {
  return FIT[style][regime];
}

interface Stats {
  hits: RingBuffer;
  pnl: number;
  peak: number;
  corr: RollingCorrelation;
}

interface Pending {
  strategy: string;
  score: number;
  entry: number;
  due: number;
}

export class StrategyScorer {
  private readonly stats = new Map<string, Stats>();
  private readonly pending = new Map<string, Pending[]>();
  /** By strategy, then symbol. */
  private readonly outstanding = new PairMap<true>();
  private readonly barNo = new Map<string, number>();
  judgedTotal = 0;

  constructor(private readonly cfg: EnsembleConfig) {}

  private s(id: string): Stats {
    let st = this.stats.get(id);
    if (!st) this.stats.set(id, (st = { hits: new RingBuffer(this.cfg.scoreWindow), pnl: 0, peak: 0, corr: new RollingCorrelation(this.cfg.scoreWindow) }));
    return st;
  }

  /** A new signal: becomes a prediction unless one is outstanding for this strategy and symbol. */
  onSignal(sig: Signal, close: number): void {
    if (this.outstanding.has(sig.strategy, sig.symbol) || !(close > 0) || sig.score === 0) return;
    this.outstanding.set(sig.strategy, sig.symbol, true);
    const list = this.pending.get(sig.symbol) ?? [];
    list.push({ strategy: sig.strategy, score: sig.score, entry: close, due: (this.barNo.get(sig.symbol) ?? 0) + sig.horizonBars });
    this.pending.set(sig.symbol, list);
  }

  /** A bar of `symbol`: judges the predictions that have come due. */
  onBar(symbol: string, close: number): void {
    const n = (this.barNo.get(symbol) ?? 0) + 1;
    this.barNo.set(symbol, n);
    const list = this.pending.get(symbol);
    if (!list?.length) return;
    let keep = 0;
    for (const p of list) {
      if (p.due > n) {
        list[keep++] = p;
        continue;
      }
      const ret = close / p.entry - 1;
      const st = this.s(p.strategy);
      st.hits.push(Math.sign(p.score) * ret > 0 ? 1 : 0);
      st.pnl += p.score * ret;
      if (st.pnl > st.peak) st.peak = st.pnl;
      this.outstanding.delete(p.strategy, symbol);
      this.judgedTotal++;
    }
    list.length = keep;
  }

  /** One evaluation's pair: this strategy's score and the mean of the others' on the same symbol. */
  observePair(id: string, own: number, others: number): void {
    this.s(id).corr.update(own, others);
  }

  scores(id: string, style: StrategyStyle, regime: Regime): StrategyScores {
    const st = this.s(id);
    const n = st.hits.size;
    let hits = 0;
    for (let i = 0; i < n; i++) hits += st.hits.ago(i);
    const alpha = (hits + 2.5) / (n + 5);
    const c = st.corr.value;
    const diversification = c === c ? 1 - Math.abs(c) : 0.5;
    const drawdown = Math.max(0, 1 - (st.peak - st.pnl) / this.cfg.drawdownLimit);
    const fit = regimeFit(style, regime);
    const w = this.cfg.scoreWeights;
    const sum = w.alpha + w.regimeFit + w.diversification + w.drawdown;
    const total = sum > 0 ? (w.alpha * alpha + w.regimeFit * fit + w.diversification * diversification + w.drawdown * drawdown) / sum : 1;
    return { alpha, regimeFit: fit, diversification, drawdown, total, judged: n };
  }
}
