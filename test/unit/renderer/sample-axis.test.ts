// The backtest charts' sample axis: labels by span, and several runs' curves
// aligned on the union of their sample times.
import { describe, expect, it } from 'vitest';
import { alignSeries, sampleLabel } from '../../../src/renderer/src/lib/sample-axis.js';

const T = Date.parse('2026-01-05T14:30:00Z');
const DAY = 86_400_000;

describe('sample axis', () => {
  it('labels the time of day in a short run, the day and time in a longer one, the date in a long one', () => {
    expect(sampleLabel(T, 6 * 3_600_000)).toBe('14:30');
    expect(sampleLabel(T, 5 * DAY)).toBe('01-05 14:30');
    expect(sampleLabel(T, 400 * DAY)).toBe('2026-01-05');
  });

  it('aligns runs on the sorted union of their times, null where a run has no sample', () => {
    const a: Array<[number, number]> = [[T, 1], [T + 120_000, 3]];
    const b: Array<[number, number]> = [[T + 60_000, 20], [T, 10]];
    const { times, values } = alignSeries([a, b]);
    expect(times).toEqual([T, T + 60_000, T + 120_000]);
    expect(values).toEqual([
      [1, null, 3],
      [10, 20, null],
    ]);
  });
});
