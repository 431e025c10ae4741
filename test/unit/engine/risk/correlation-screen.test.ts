// The correlation screen's running sums (stepped a minute at a time, rebuilt
// when a holding misses a return and every w minutes) against the pairwise
// average written out plainly: within 1e-9 wherever it vouches, and no
// vouching for a flat window (whose variance the sums cannot tell from zero).
import { describe, expect, it } from 'vitest';
import { CorrelationScreen, type ReturnSource } from '../../../../src/engine/risk/correlation-screen.js';
import { SeededRng } from '../../../../src/engine/risk/analytics/prng.js';
import { reference } from '../../../support/pairwise-correlation.js';

/** Plain arrays behind the screen's view of a ReturnWindow (the last k start at length - k). */
function source(series: Map<string, number[]>): ReturnSource {
  return {
    pushes: (s) => series.get(s)!.length,
    buffer: (s) => Float64Array.from(series.get(s)!),
    start: (s, k) => series.get(s)!.length - k,
  };
}

describe('correlation screen', () => {
  it('tracks the pairwise average through steps and rebuilds, and vouches only for well-conditioned windows', () => {
    const rng = new SeededRng(11);
    const symbols = ['A', 'B', 'C', 'D', 'E'];
    const w = 20;
    for (const common of [0, 0.5, 0.97]) {
      const series = new Map(symbols.map((s) => [s, [] as number[]]));
      const screen = new CorrelationScreen();
      let vouched = 0;
      let largest = 0;
      for (let t = 0; t < 300; t++) {
        const shared = rng.next() - 0.5;
        // now and then a holding misses a minute (the sums must be rebuilt, not stepped out of line)
        const skip = rng.next() < 0.05 ? Math.floor(rng.next() * symbols.length) : -1;
        symbols.forEach((s, i) => {
          if (i !== skip || t < w) series.get(s)!.push((common * shared + (1 - common) * (rng.next() - 0.5) + 0.001) / 100);
        });
        if (t < w) continue;
        const est = screen.average(symbols, w, source(series));
        const exact = reference(symbols.map((s) => series.get(s)!), w)!;
        if (Number.isFinite(est)) {
          vouched++;
          largest = Math.max(largest, Math.abs(est - exact));
        }
      }
      expect(vouched).toBeGreaterThan(250);
      expect(largest).toBeLessThan(1e-9);
    }
  });

  it('does not vouch when a window is flat or its variance is lost in its mean', () => {
    const screen = new CorrelationScreen();
    const noisy = Array.from({ length: 30 }, (_, i) => Math.sin(i) / 100);
    expect(screen.average(['A', 'B'], 20, source(new Map([['A', noisy], ['B', noisy.map(() => 0.001)]])))).toBeNaN();
    expect(screen.average(['A', 'B'], 20, source(new Map([['A', noisy], ['B', noisy.map((x) => 1 + x * 1e-6)]])))).toBeNaN();
    expect(screen.average(['A', 'B'], 20, source(new Map([['A', noisy], ['B', noisy.map((x) => -x)]])))).toBeCloseTo(-1, 12);
  });

  it('does not vouch from the residue a large return leaves in the stepped sums once far smaller returns fill the window', () => {
    // A moves 0.5% once, then only by ~1e-13 (returns rounded through prices); B likewise at other times:
    // after the big returns leave, the stepped sums hold rounding residue of ~1e-16 of their squares,
    // far above the tiny returns' own variance (the case correlation-check.test.ts's property found)
    const w = 5;
    const a = [0, 0.0049, 0, 0, 0, 0, 1e-13, -2e-13, 3e-13, 1e-13, -1e-13, 2e-13];
    const b = [0, 0, 0.0046, 0, 0, 0, 2e-13, -4e-13, 6e-13, 2e-13, -2e-13, 4e-13];
    const screen = new CorrelationScreen();
    const series = new Map<string, number[]>([['A', []], ['B', []]]);
    let vouched = 0;
    for (let t = 0; t < a.length; t++) {
      series.get('A')!.push(a[t]!);
      series.get('B')!.push(b[t]!);
      if (t + 1 < w) continue;
      const est = screen.average(['A', 'B'], w, source(series));
      const exact = reference([series.get('A')!, series.get('B')!], w)!;
      if (Number.isFinite(est)) {
        vouched++;
        expect(Math.abs(est - exact)).toBeLessThan(1e-9);
      }
    }
    // the windows of tiny returns are perfectly correlated (B = 2A): the screen vouches for none of them wrongly
    expect(reference([series.get('A')!, series.get('B')!], w)).toBeCloseTo(1, 6);
    expect(vouched).toBeGreaterThan(0);
  });
});
