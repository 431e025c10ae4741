// Learned strategy weights per strategy × regime: an EMA of each resolved
// prediction's reward (starting at the prior) plus a UCB1 exploration bonus
// c × sqrt(ln N / n) (N = predictions resolved in the regime across
// strategies, n = this strategy's there), clamped to [0, 1]. A strategy with
// no evidence in a regime gets 1, like an untried arm in UCB1. The influence
// of the learned weight grows with n along the settings' schedule.
import { PairMap } from '../../core/pair-map.js';
import type { WeightProvider } from '../signal.js';
import type { ResolvedPrediction } from './prediction-tracker.js';
import { influenceFor, type LearningSettings } from './settings.js';

export interface WeightCell {
  strategy: string;
  regime: string;
  /** Resolved predictions behind this weight. */
  n: number;
  ema: number;
}

export class AdaptiveWeights implements WeightProvider {
  /** By strategy, then regime. */
  private readonly cells = new PairMap<WeightCell>();
  /** N per regime. */
  private readonly totals = new Map<string, number>();

  constructor(private settings: LearningSettings) {}

  setSettings(s: LearningSettings): void {
    this.settings = s;
  }

  /** The reward of one resolved prediction, in [0, 1]. */
  reward(r: Pick<ResolvedPrediction, 'hit' | 'payoff'>): number {
    if (this.settings.reward === 'payoff') return 0.5 + 0.5 * Math.tanh(r.payoff / this.settings.payoffScale);
    return r.hit ? 1 : 0;
  }

  /** Learns from one resolved prediction; returns the updated cell. */
  observe(r: Pick<ResolvedPrediction, 'strategy' | 'regime' | 'hit' | 'payoff'>): WeightCell {
    let c = this.cells.get(r.strategy, r.regime);
    if (!c) this.cells.set(r.strategy, r.regime, (c = { strategy: r.strategy, regime: r.regime, n: 0, ema: this.settings.prior }));
    c.ema += this.settings.emaAlpha * (this.reward(r) - c.ema);
    c.n += 1;
    this.totals.set(r.regime, (this.totals.get(r.regime) ?? 0) + 1);
    return { ...c };
  }

  /** The UCB1 bonus of a strategy in a regime (Infinity with no evidence). */
  bonus(strategy: string, regime: string): number {
    const n = this.cells.get(strategy, regime)?.n ?? 0;
    if (n === 0) return Infinity;
    const total = this.totals.get(regime) ?? 0;
    return this.settings.explorationC * Math.sqrt(Math.log(total) / n);
  }

  weight(strategy: string, regime: string): number {
    if (!this.settings.enabled) return 1;
    const c = this.cells.get(strategy, regime);
    if (!c || c.n === 0) return 1;
    return Math.min(1, Math.max(0, c.ema + this.bonus(strategy, regime)));
  }

  influence(strategy: string, regime: string): number {
    if (!this.settings.enabled) return 0;
    return influenceFor(this.evidence(strategy, regime), this.settings);
  }

  evidence(strategy: string, regime: string): number {
    return this.cells.get(strategy, regime)?.n ?? 0;
  }

  cell(strategy: string, regime: string): WeightCell | undefined {
    const c = this.cells.get(strategy, regime);
    return c && { ...c };
  }

  /** Restores persisted cells (N per regime is their sum). */
  restore(cells: readonly WeightCell[]): void {
    for (const c of cells) {
      const prev = this.cells.get(c.strategy, c.regime);
      if (prev) this.totals.set(c.regime, (this.totals.get(c.regime) ?? 0) - prev.n);
      this.cells.set(c.strategy, c.regime, { ...c });
      this.totals.set(c.regime, (this.totals.get(c.regime) ?? 0) + c.n);
    }
  }
}
