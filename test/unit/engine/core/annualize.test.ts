// Bars per year by bar length and calendar: what annualizes one bar's volatility.
import { describe, expect, it } from 'vitest';
import { barsPerYear } from '../../../../src/engine/core/annualize.js';

describe('barsPerYear', () => {
  it('counts minutes within sessions and sessions for daily bars', () => {
    expect(barsPerYear(60, 'nyse')).toBe(252 * 390);
    expect(barsPerYear(3_600, 'nyse')).toBeCloseTo(252 * 6.5, 9);
    expect(barsPerYear(86_400, 'nyse')).toBe(252);
    expect(barsPerYear(7 * 86_400, 'nyse')).toBe(36);
    expect(barsPerYear(60, '24x7')).toBe(365 * 1440);
    expect(barsPerYear(86_400, '24x7')).toBe(365);
  });
});
