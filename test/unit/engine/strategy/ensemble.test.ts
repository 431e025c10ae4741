// The ensemble's pure parts: the weighted vote nets long against short, the
// constraints cap position, sector and turnover and never short what cannot be
// shorted, the debate records its arguments, and the scorer judges predictions.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENSEMBLE } from '../../../../src/engine/core/config.js';
import { debate } from '../../../../src/engine/strategy/ensemble/debate.js';
import { QuoteCache } from '../../../../src/engine/strategy/ensemble/quote-cache.js';
import { StrategyScorer } from '../../../../src/engine/strategy/ensemble/scorer.js';
import { applyConstraints, weightedVote, type ConstraintInput } from '../../../../src/engine/strategy/ensemble/vote.js';

const base: ConstraintInput = { net: 1, minNet: 0.3, rebalanceBand: 0.5, positionPct: 0.1, sizeMultiplier: 1, volScale: 1, maxPositionPct: 0.15, maxSectorPct: 0.3, minTradePct: 0.02, shortable: true, equity: 100_000, price: 100, lotSize: 1, currentQty: 0, sectorOthers: 0, classOthers: 0, maxClassPct: 1, turnoverLeft: 50_000 };

describe('ensemble', () => {
  it('nets conflicting long and short signals by weight', () => {
    const v = weightedVote([
      { strategy: 'a', score: 0.8, weight: 0.6, multiplier: 1 },
      { strategy: 'b', score: -0.5, weight: 0.3, multiplier: 1 },
    ]);
    expect(v.net).toBeCloseTo((0.8 * 0.6 - 0.5 * 0.3) / 0.9, 10);
    expect(v.weights.a).toBeCloseTo(2 / 3, 12);
    expect(v.weights.b).toBeCloseTo(1 / 3, 12);
    expect(weightedVote([{ strategy: 'a', score: 0.5, weight: 1, multiplier: 1 }, { strategy: 'b', score: -0.5, weight: 1, multiplier: 1 }]).net).toBe(0);
  });

  it('sizes with the regime multiplier and vol targeting, capped at 15% of equity', () => {
    expect(applyConstraints(base)).toMatchObject({ qty: 100, delta: 100 });
    expect(applyConstraints({ ...base, sizeMultiplier: 0.8 }).qty).toBe(80);
    expect(applyConstraints({ ...base, sizeMultiplier: 1.2, volScale: 1.5 }).qty).toBe(150);
    expect(applyConstraints({ ...base, sizeMultiplier: 1.2, volScale: 1.5 }).notes).toEqual(['position capped at 15% of equity']);
  });

  it('caps the sector at 30%, the rebalance turnover at its budget, and never shorts what is not shortable', () => {
    const sector = applyConstraints({ ...base, sectorOthers: 25_000 });
    expect(sector.qty).toBe(50);
    expect(sector.notes[0]).toMatch(/sector capped/);
    const turnover = applyConstraints({ ...base, turnoverLeft: 3_000 });
    expect(turnover.delta).toBe(30);
    expect(applyConstraints({ ...base, net: -1, shortable: false }).qty).toBe(0);
    expect(applyConstraints({ ...base, net: 0.2 }).qty).toBe(0);
    // a change smaller than 2% of equity is not traded, but closing a position always is
    expect(applyConstraints({ ...base, currentQty: 95 }).delta).toBe(0);
    expect(applyConstraints({ ...base, net: 0, currentQty: 3 }).delta).toBe(-3);
  });

  it('holds a position the caps would cut for others, inside the no-trade band, and closes before reversing', () => {
    // the asset class is full with other positions: the held 100 stays (it may not grow), a new one gets no room
    const full = { ...base, maxClassPct: 0.3, classOthers: 30_000 };
    expect(applyConstraints({ ...full, currentQty: 100 })).toMatchObject({ qty: 100, delta: 0 });
    expect(applyConstraints({ ...full, currentQty: 0 }).qty).toBe(0);
    expect(applyConstraints({ ...full, sectorOthers: 29_000, currentQty: 100 }).qty).toBe(100);
    // without the rule (band 0 and a cap below the held size) the same position would be cut
    expect(applyConstraints({ ...base, maxClassPct: 0.3, classOthers: 25_000, currentQty: 100, rebalanceBand: 0 }).qty).toBe(100);
    // the no-trade band: a target within 50% of the position is not traded; beyond it, it is
    expect(applyConstraints({ ...base, net: 0.6, currentQty: 100 })).toMatchObject({ qty: 100, delta: 0 });
    expect(applyConstraints({ ...base, net: 0.6, currentQty: 100 }).notes.at(-1)).toMatch(/no-trade band/);
    expect(applyConstraints({ ...base, net: 1, currentQty: 40 })).toMatchObject({ qty: 100, delta: 60 });
    expect(applyConstraints({ ...base, net: 1, currentQty: 40, rebalanceBand: 2 }).delta).toBe(0);
    // a reversal closes first: long 100 with a full short vote sells 100, not 200
    const rev = applyConstraints({ ...base, net: -1, currentQty: 100 });
    expect(rev).toMatchObject({ qty: 0, delta: -100 });
    expect(rev.notes.at(-1)).toMatch(/reversal/);
  });

  it('debates: support from the trend and volume, attacks from a stronger opposite signal and costs', () => {
    const { args, multiplier } = debate(
      [
        { strategy: 'mom', score: 0.6, strength: 0.5, regimeFit: 0.9, horizonBars: 15 },
        { strategy: 'mr', score: -0.2, strength: 0.3, regimeFit: 0.5, horizonBars: 10 },
      ],
      { regime: 'uptrend', volumeRatio: 2, barSd: 0.001, cost: 0.001, costMultiple: 1.5 },
      0.15,
    );
    const of = (s: string) => args.filter((a) => a.strategy === s).map((a) => `${a.stance}:${a.rule}`);
    expect(of('mom')).toEqual(['support:trend_agrees', 'support:volume_confirms', 'support:regime_fit']);
    expect(of('mr')).toEqual(['attack:against_trend', 'support:volume_confirms', 'attack:opposed_by_stronger', 'attack:cost_exceeds_move']);
    expect(multiplier.get('mom')).toBeCloseTo(1.45, 10);
    expect(multiplier.get('mr')).toBeCloseTo(0.7, 10);
    // without the texts (every evaluation that sends nothing): the same multipliers, no arguments written
    const bare = debate(
      [
        { strategy: 'mom', score: 0.6, strength: 0.5, regimeFit: 0.9, horizonBars: 15 },
        { strategy: 'mr', score: -0.2, strength: 0.3, regimeFit: 0.5, horizonBars: 10 },
      ],
      { regime: 'uptrend', volumeRatio: 2, barSd: 0.001, cost: 0.001, costMultiple: 1.5 },
      0.15,
      false,
    );
    expect(bare.args).toEqual([]);
    expect([...bare.multiplier]).toEqual([...multiplier]);
  });

  it('scores a strategy by its judged predictions: hits raise alpha, a losing run lowers drawdown', () => {
    const sc = new StrategyScorer(DEFAULT_ENSEMBLE);
    let p = 100;
    for (let i = 0; i < 20; i++) {
      sc.onSignal({ strategy: 'good', symbol: 'X', ts: i, score: 1, confidence: 1, horizonBars: 1, reasons: [], features: {} }, p);
      sc.onSignal({ strategy: 'bad', symbol: 'X', ts: i, score: -1, confidence: 1, horizonBars: 1, reasons: [], features: {} }, p);
      p *= 1.01;
      sc.onBar('X', p);
    }
    const good = sc.scores('good', 'trend', 'uptrend');
    const bad = sc.scores('bad', 'trend', 'uptrend');
    expect(good.judged).toBe(20);
    expect(good.alpha).toBeCloseTo(22.5 / 25, 10);
    expect(bad.alpha).toBeCloseTo(2.5 / 25, 10);
    expect(good.drawdown).toBe(1);
    expect(bad.drawdown).toBe(0);
    expect(good.total).toBeGreaterThan(bad.total);
  });

  it('the quote cache serves within its TTL and refuses a stale quote', () => {
    let q = { symbol: 'X', ts: 0, bid: 1, ask: 2, bidSize: 1, askSize: 1 };
    const c = new QuoteCache(2_000, 10_000, () => q);
    expect(c.get('X', 0)).toBe(q);
    const first = q;
    q = { ...q, ts: 1_000, bid: 1.5 };
    expect(c.get('X', 1_500)).toBe(first); // cached
    expect(c.get('X', 2_500)).toBe(q); // expired: read again
    expect(c.get('X', 20_000)).toBeUndefined(); // the source's quote is too old
    expect(c.counters()).toMatchObject({ hits: 1, misses: 3, stale: 1 });
  });
});
