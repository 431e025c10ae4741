import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../../src/engine/venues/sim/rng.js';

function moments(xs: number[]) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    m2 += (x - mean) ** 2;
    m4 += (x - mean) ** 4;
  }
  m2 /= n;
  m4 /= n;
  return { mean, variance: m2, excessKurtosis: m4 / (m2 * m2) - 3 };
}

describe('Rng', () => {
  it('gives identical streams for the same seed and different ones for different seeds', () => {
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return [r.nextU32(), r.next(), r.normal(), r.normal(), r.studentT(6), r.studentT(5), r.next()];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    // large seeds are distinct too
    expect(draw(2 ** 40)).not.toEqual(draw(2 ** 40 + 2 ** 32));
  });

  it('draws uniforms in [0, 1) with mean 1/2', () => {
    const r = new Rng(7);
    const xs = Array.from({ length: 100_000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(moments(xs).mean).toBeCloseTo(0.5, 2);
  });

  it('draws standard normals', () => {
    const r = new Rng(8);
    const m = moments(Array.from({ length: 200_000 }, () => r.normal()));
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(m.variance).toBeGreaterThan(0.98);
    expect(m.variance).toBeLessThan(1.02);
    expect(Math.abs(m.excessKurtosis)).toBeLessThan(0.1);
  });

  it('draws unit-variance, fat-tailed Student-t', () => {
    for (const nu of [5, 6, 8]) {
      const r = new Rng(9 + nu);
      const m = moments(Array.from({ length: 300_000 }, () => r.studentT(nu)));
      expect(Math.abs(m.mean)).toBeLessThan(0.01);
      expect(m.variance).toBeGreaterThan(0.95);
      expect(m.variance).toBeLessThan(1.05);
      expect(m.excessKurtosis).toBeGreaterThan(0.7); // theory: 6 / (nu - 4)
    }
  });
});
