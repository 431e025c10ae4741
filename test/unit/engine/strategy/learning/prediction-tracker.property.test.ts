// The prediction tracker against its rules in their plainest form
// (test/support/reference-prediction-tracker.ts): random signals (older ones,
// repeats on the same bar that replace a pending one, signals ahead of the
// bars) and bars (late, repeated, of other symbols), with and without the
// moved predictions listed, give the same answers, the same resolutions in
// the same order, and the same pending predictions and accuracy cells.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PredictionTracker } from '../../../../../src/engine/strategy/learning/prediction-tracker.js';
import { ReferenceTracker } from '../../../../support/reference-prediction-tracker.js';
import { sig } from './helpers.js';

const STRATEGIES = ['mom', 'rev', 'orb'];
const SYMBOLS = ['SPY', 'QQQ'];

type Step =
  | { t: 'signal'; strategy: number; symbol: number; dt: number; score: number; horizon: number; price: number; regime: number }
  | { t: 'bar'; symbol: number; dt: number; close: number; keep: boolean }
  | { t: 'inspect' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('signal' as const), strategy: fc.nat(2), symbol: fc.nat(1), dt: fc.constantFrom(-1, 0, 0, 1), score: fc.constantFrom(-1, -0.5, 0.3, 1), horizon: fc.integer({ min: 1, max: 6 }), price: fc.integer({ min: 90, max: 110 }), regime: fc.nat(2) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('bar' as const), symbol: fc.nat(1), dt: fc.constantFrom(-2, -1, 0, 1, 1, 1, 2), close: fc.integer({ min: 90, max: 110 }), keep: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'inspect' as const }) },
);

describe('PredictionTracker (property: the same as the plain rules)', () => {
  it('answers, resolutions, pending predictions and cells match the reference on random sequences', () => {
    const seen = { replaced: 0, resolved: 0, lateBars: 0, progressed: 0 };
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120, size: 'max' }), (steps) => {
        const fast = new PredictionTracker();
        const ref = new ReferenceTracker();
        // the time each symbol's stream is at: signals and bars move around it
        const now = SYMBOLS.map(() => 1_000);
        let maxSeq = 0;
        for (const s of steps) {
          if (s.t === 'signal') {
            const symbol = SYMBOLS[s.symbol]!;
            const signal = sig({ strategy: STRATEGIES[s.strategy]!, symbol, ts: now[s.symbol]! + s.dt * 1_000, score: s.score, horizonBars: s.horizon });
            const regime = ['uptrend', 'neutral', undefined][s.regime];
            const a = fast.onSignal(signal, s.price, regime);
            const b = ref.onSignal(signal, s.price, regime);
            expect(a.ok ? { ok: true, prediction: { ...a.prediction } } : a).toEqual(b);
            if (b.ok && b.prediction.seq <= maxSeq) seen.replaced++;
            if (b.ok) maxSeq = Math.max(maxSeq, b.prediction.seq);
          } else if (s.t === 'bar') {
            const ts = now[s.symbol]! + s.dt * 1_000;
            if (s.dt > 0) now[s.symbol] = ts;
            else seen.lateBars++;
            const a = fast.onBar(SYMBOLS[s.symbol]!, ts, s.close, s.keep);
            const b = ref.onBar(SYMBOLS[s.symbol]!, ts, s.close, s.keep);
            expect({ progressed: a.progressed.map((p) => ({ ...p })), resolved: a.resolved }).toEqual(b);
            seen.resolved += b.resolved.length;
            seen.progressed += b.progressed.length;
          } else {
            expect(fast.pending()).toEqual(ref.pending());
          }
        }
        expect(fast.pending()).toEqual(ref.pending());
        expect(fast.stats()).toEqual(ref.stats());
      }),
      { numRuns: 300 },
    );
    // the cases that matter were exercised, not only quiet sequences
    expect(seen.resolved).toBeGreaterThan(1_500);
    expect(seen.replaced).toBeGreaterThan(300);
    expect(seen.lateBars).toBeGreaterThan(1_500);
    expect(seen.progressed).toBeGreaterThan(2_000);
  });
});
