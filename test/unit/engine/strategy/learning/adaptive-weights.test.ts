// Adaptive weights with hand-computed numbers: EMA of rewards from the prior,
// the UCB1 bonus c·sqrt(ln N / n) per regime, the clamp to [0, 1], the payoff
// reward, and the influence schedule at 9/10/29/30/99/100 resolved predictions.
import { describe, expect, it } from 'vitest';
import { AdaptiveWeights } from '../../../../../src/engine/strategy/learning/adaptive-weights.js';
import { DEFAULT_LEARNING, influenceFor, learningSettings, LearningSettings } from '../../../../../src/engine/strategy/learning/settings.js';

const hit = (strategy: string, regime = 'neutral') => ({ strategy, regime, hit: true, payoff: 0.01 });
const miss = (strategy: string, regime = 'neutral') => ({ strategy, regime, hit: false, payoff: -0.01 });

describe('AdaptiveWeights', () => {
  it('EMA from the prior plus the UCB1 bonus, per regime', () => {
    const w = new AdaptiveWeights(learningSettings({ emaAlpha: 0.1, prior: 0.5, explorationC: 0.2 }));
    // untried: full exploration weight
    expect(w.weight('a', 'neutral')).toBe(1);

    expect(w.observe(hit('a')).ema).toBeCloseTo(0.55, 12); // 0.5 + 0.1 × (1 − 0.5)
    // N = 1, n = 1: ln 1 = 0, no bonus
    expect(w.weight('a', 'neutral')).toBeCloseTo(0.55, 12);

    expect(w.observe(miss('b')).ema).toBeCloseTo(0.45, 12); // 0.5 + 0.1 × (0 − 0.5)
    // N = 2: bonus 0.2 × sqrt(ln 2 / 1) = 0.166511
    expect(w.weight('a', 'neutral')).toBeCloseTo(0.7165109222, 9);
    expect(w.weight('b', 'neutral')).toBeCloseTo(0.6165109222, 9);

    w.observe(hit('a')); // ema 0.55 + 0.1 × 0.45 = 0.595; n = 2, N = 3
    expect(w.cell('a', 'neutral')).toEqual({ strategy: 'a', regime: 'neutral', n: 2, ema: expect.closeTo(0.595, 12) });
    expect(w.weight('a', 'neutral')).toBeCloseTo(0.7432303807, 9); // 0.595 + 0.2 × sqrt(ln 3 / 2)

    // another regime learns separately
    expect(w.weight('a', 'uptrend')).toBe(1);
    w.observe(miss('a', 'uptrend'));
    expect(w.weight('a', 'uptrend')).toBeCloseTo(0.45, 12);
    expect(w.weight('a', 'neutral')).toBeCloseTo(0.7432303807, 9);
  });

  it('clamps to [0, 1]', () => {
    const w = new AdaptiveWeights(learningSettings({ explorationC: 5 }));
    w.observe(hit('a'));
    w.observe(hit('b'));
    expect(w.weight('a', 'neutral')).toBe(1);
    const low = new AdaptiveWeights(learningSettings({ explorationC: 0, emaAlpha: 1 }));
    low.observe(miss('a'));
    expect(low.weight('a', 'neutral')).toBe(0);
  });

  it("scores by payoff when reward is 'payoff'", () => {
    const w = new AdaptiveWeights(learningSettings({ reward: 'payoff', payoffScale: 0.01, emaAlpha: 0.1, explorationC: 0 }));
    // reward = 0.5 + 0.5 × tanh(0.01 / 0.01) = 0.880797; ema = 0.5 + 0.1 × 0.380797
    expect(w.observe(hit('a')).ema).toBeCloseTo(0.5380797078, 9);
    expect(w.reward({ hit: false, payoff: -0.01 })).toBeCloseTo(1 - 0.8807970780, 9);
  });

  it('influence grows with evidence: 0.2 below 10, 0.3 below 30, 0.5 below 100, 0.7 beyond', () => {
    const w = new AdaptiveWeights(DEFAULT_LEARNING);
    const at: Record<number, number> = {};
    for (let n = 1; n <= 100; n++) {
      w.observe(n % 2 ? hit('a') : miss('a'));
      if ([9, 10, 29, 30, 99, 100].includes(n)) at[n] = w.influence('a', 'neutral');
    }
    expect(at).toEqual({ 9: 0.2, 10: 0.3, 29: 0.3, 30: 0.5, 99: 0.5, 100: 0.7 });
    expect(w.influence('a', 'uptrend')).toBe(0.2); // no evidence there
    expect([0, 9, 10, 29, 30, 99, 100, 10_000].map((n) => influenceFor(n, DEFAULT_LEARNING))).toEqual([0.2, 0.2, 0.3, 0.3, 0.5, 0.5, 0.7, 0.7]);
  });

  it('disabled: weight 1 and influence 0', () => {
    const w = new AdaptiveWeights(learningSettings({ enabled: false }));
    w.observe(miss('a'));
    expect(w.weight('a', 'neutral')).toBe(1);
    expect(w.influence('a', 'neutral')).toBe(0);
  });

  it('restores cells with N per regime as their sum', () => {
    const a = new AdaptiveWeights(DEFAULT_LEARNING);
    for (const r of [hit('a'), miss('b'), hit('a'), hit('c', 'uptrend')]) a.observe(r);
    const b = new AdaptiveWeights(DEFAULT_LEARNING);
    b.restore([a.cell('a', 'neutral')!, a.cell('b', 'neutral')!, a.cell('c', 'uptrend')!]);
    for (const [s, r] of [['a', 'neutral'], ['b', 'neutral'], ['c', 'uptrend']] as const) expect(b.weight(s, r)).toBe(a.weight(s, r));
  });
});

describe('LearningSettings', () => {
  it('has the documented defaults and refuses nonsense naming the field', () => {
    expect(LearningSettings.parse(DEFAULT_LEARNING)).toEqual(DEFAULT_LEARNING);
    expect(DEFAULT_LEARNING.influenceSchedule.map((s) => [s.below, s.influence])).toEqual([[10, 0.2], [30, 0.3], [100, 0.5]]);
    expect(DEFAULT_LEARNING.influenceBeyond).toBe(0.7);
    expect(() => learningSettings({ emaAlpha: 0 })).toThrow(/emaAlpha/);
    expect(() => learningSettings({ influenceBeyond: 1.5 })).toThrow(/influenceBeyond/);
    expect(() => learningSettings({ influenceSchedule: [{ below: 30, influence: 0.3 }, { below: 10, influence: 0.2 }] })).toThrow(/influenceSchedule/);
  });
});
