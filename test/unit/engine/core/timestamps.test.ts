// parseTimestamp: the timestamp forms every CSV reader accepts, and the reasons
// it gives for the ones it refuses.
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../../../src/engine/core/timestamps.js';

describe('parseTimestamp', () => {
  it('ISO dates are UTC midnight', () => {
    expect(parseTimestamp('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
  });
  it('ISO datetimes: Z, offsets, no zone = UTC, space separator, fractions', () => {
    expect(parseTimestamp('2024-03-01T10:20:30Z')).toBe(Date.UTC(2024, 2, 1, 10, 20, 30));
    expect(parseTimestamp('2024-03-01T10:20:30')).toBe(Date.UTC(2024, 2, 1, 10, 20, 30));
    expect(parseTimestamp('2024-03-01 10:20')).toBe(Date.UTC(2024, 2, 1, 10, 20));
    expect(parseTimestamp('2024-03-01T01:00:00+02:00')).toBe(Date.UTC(2024, 1, 29, 23));
    expect(parseTimestamp('2024-03-01T01:00:00-0530')).toBe(Date.UTC(2024, 2, 1, 6, 30));
    expect(parseTimestamp('2024-03-01T00:00:00.250Z')).toBe(Date.UTC(2024, 2, 1) + 250);
  });
  it('epoch milliseconds and seconds by magnitude', () => {
    expect(parseTimestamp('1709251200000')).toBe(Date.UTC(2024, 2, 1));
    expect(parseTimestamp('1709251200')).toBe(Date.UTC(2024, 2, 1));
    expect(parseTimestamp('1709251200.5')).toBe(Date.UTC(2024, 2, 1) + 500);
  });
  it('rejects garbage and impossible dates with a reason', () => {
    expect(parseTimestamp('yesterday')).toMatch(/not an ISO date/);
    expect(parseTimestamp('2021-02-30')).toMatch(/not a valid calendar date/);
    expect(parseTimestamp('2021-01-01T25:00:00Z')).toMatch(/not a valid calendar date/);
    expect(parseTimestamp('')).toBe('is empty');
  });
});
