// The prediction tracker with hand-computed numbers: a signal is judged at the
// close of the horizon-th bar of its symbol after it (later bars only, other
// symbols ignored), return = exit / entry − 1, hit = sign agreement, payoff =
// score × return; accuracy per strategy × regime; bad signals are refused.
import { describe, expect, it } from 'vitest';
import { PredictionTracker, REGIME_CODES, regimeOf } from '../../../../../src/engine/strategy/learning/prediction-tracker.js';
import { sig } from './helpers.js';

describe('PredictionTracker', () => {
  it('resolves each prediction at its horizon with return, hit and payoff', () => {
    const t = new PredictionTracker();
    expect(t.onSignal(sig(), 100, 'uptrend').ok).toBe(true);
    expect(t.onSignal(sig({ strategy: 'rev', score: -1, horizonBars: 1 }), 100).ok).toBe(true);

    // the signal's own bar and another symbol's bar do not count
    expect(t.onBar('SPY', 1_000, 100)).toEqual({ progressed: [], resolved: [] });
    expect(t.onBar('QQQ', 2_000, 500).resolved).toEqual([]);

    const first = t.onBar('SPY', 2_000, 102);
    expect(first.progressed.map((p) => [p.strategy, p.barsSeen])).toEqual([['mom', 1]]);
    expect(first.resolved).toHaveLength(1);
    const rev = first.resolved[0]!;
    expect(rev.strategy).toBe('rev');
    expect(rev.ret).toBeCloseTo(0.02, 12);
    expect(rev.payoff).toBeCloseTo(-0.02, 12); // short, price rose
    expect(rev.hit).toBe(false);
    expect(rev.exitPrice).toBe(102);
    expect(rev.resolvedTs).toBe(2_000);

    // a repeated bar time is not a new bar
    expect(t.onBar('SPY', 2_000, 103).resolved).toEqual([]);
    const second = t.onBar('SPY', 3_000, 104);
    expect(second.resolved).toHaveLength(1);
    const mom = second.resolved[0]!;
    expect(mom.ret).toBeCloseTo(0.04, 12);
    expect(mom.payoff).toBeCloseTo(0.02, 12);
    expect(mom.hit).toBe(true);
    expect(mom.regime).toBe('uptrend');
    expect(t.pending()).toEqual([]);

    expect(t.stats()).toEqual([
      { strategy: 'mom', regime: 'uptrend', resolved: 1, hits: 1, sumReturn: expect.closeTo(0.04, 12), sumPayoff: expect.closeTo(0.02, 12) },
      { strategy: 'rev', regime: 'unknown', resolved: 1, hits: 0, sumReturn: expect.closeTo(0.02, 12), sumPayoff: expect.closeTo(-0.02, 12) },
    ]);
  });

  it('accumulates accuracy per strategy and regime', () => {
    const t = new PredictionTracker();
    // three one-bar predictions in 'neutral': up, up, down; prices 100 -> 101 -> 100 -> 99
    const closes = [101, 100, 99];
    for (let i = 0; i < 3; i++) {
      t.onSignal(sig({ ts: i * 1_000, horizonBars: 1, score: 0.4 }), [100, 101, 100][i]!, 'neutral');
      t.onBar('SPY', (i + 1) * 1_000, closes[i]!);
    }
    const c = t.cell('mom', 'neutral')!;
    expect(c.resolved).toBe(3);
    expect(c.hits).toBe(1); // only the first move was up
    expect(c.sumReturn).toBeCloseTo(0.01 + (100 / 101 - 1) + -0.01, 12);
    expect(c.sumPayoff).toBeCloseTo(0.4 * (0.01 + (100 / 101 - 1) - 0.01), 12);
  });

  it('takes the regime from the argument, else features.regime_code, else unknown', () => {
    expect(REGIME_CODES[1]).toBe('uptrend');
    expect(regimeOf(sig({ features: { regime_code: 1 } }))).toBe('uptrend');
    expect(regimeOf(sig({ features: { regime_code: 5 } }), 'neutral')).toBe('neutral');
    expect(regimeOf(sig({ features: { regime_code: 99 } }))).toBe('unknown');
    expect(regimeOf(sig({ features: { regime_code: 1.5 } }))).toBe('unknown');
    expect(regimeOf(sig())).toBe('unknown');
  });

  it('refuses what is not a prediction, naming why', () => {
    const t = new PredictionTracker();
    const reasons = [
      t.onSignal(sig({ score: 0 }), 100),
      t.onSignal(sig({ score: Number.NaN }), 100),
      t.onSignal(sig({ score: 1.5 }), 100),
      t.onSignal(sig({ horizonBars: 0 }), 100),
      t.onSignal(sig({ horizonBars: 1.5 }), 100),
      t.onSignal(sig({ confidence: 2 }), 100),
      t.onSignal(sig(), 0),
      t.onSignal(sig(), Number.POSITIVE_INFINITY),
    ].map((r) => (r.ok ? 'ok' : r.reason));
    expect(reasons).toEqual([
      expect.stringContaining('score 0 predicts no direction'),
      expect.stringContaining('score NaN'),
      expect.stringContaining('score 1.5'),
      expect.stringContaining('horizonBars 0'),
      expect.stringContaining('horizonBars 1.5'),
      expect.stringContaining('confidence 2'),
      expect.stringContaining('price 0'),
      expect.stringContaining('price Infinity'),
    ]);
    expect(t.rejected).toBe(8);
    expect(t.pending()).toEqual([]);
  });

  it('replaces a pending signal of the same bar and refuses older or already-resolved ones', () => {
    const t = new PredictionTracker();
    t.onSignal(sig({ ts: 5_000, score: 0.2 }), 100);
    const again = t.onSignal(sig({ ts: 5_000, score: -0.6 }), 101);
    expect(again.ok).toBe(true);
    expect(t.pending()).toHaveLength(1);
    expect(t.pending()[0]).toMatchObject({ score: -0.6, entryPrice: 101, seq: 1 });
    const older = t.onSignal(sig({ ts: 4_000 }), 100);
    expect(older).toEqual({ ok: false, reason: expect.stringContaining('older than the last signal') });
    t.onBar('SPY', 6_000, 100);
    t.onBar('SPY', 7_000, 100);
    expect(t.pending()).toEqual([]);
    expect(t.onSignal(sig({ ts: 5_000 }), 100)).toEqual({ ok: false, reason: expect.stringContaining('already resolved') });
  });

  it('is deterministic: the same calls give the same predictions and stats', () => {
    const run = () => {
      const t = new PredictionTracker();
      const out: unknown[] = [];
      for (let i = 0; i < 50; i++) {
        const price = 100 + Math.sin(i) * 5;
        t.onSignal(sig({ ts: i, score: Math.cos(i) / 2 || 0.1, horizonBars: 1 + (i % 4) }), price, i % 2 ? 'neutral' : 'uptrend');
        out.push(t.onBar('SPY', i + 1, 100 + Math.sin(i + 1) * 5).resolved);
      }
      return { out, stats: t.stats(), pending: t.pending() };
    };
    expect(run()).toEqual(run());
  });
});
