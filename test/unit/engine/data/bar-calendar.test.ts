// Expected bars per market calendar: what the bar cache treats as missing and
// the quality monitor as a gap.
import { describe, expect, it } from 'vitest';
import { estimateBars, expectsBars, missingBarsBetween, timeframeMs, timeframeOfSeconds } from '../../../../src/engine/data/bar-calendar.js';

const t = (s: string): number => Date.parse(s);

describe('bar calendar', () => {
  it('names the timeframe of a bar length, one that parses back to it', () => {
    for (const [s, tf] of [[60, '1Min'], [300, '5Min'], [3_600, '1Hour'], [14_400, '4Hour'], [86_400, '1Day'], [604_800, '7Day'], [5_400, '90Min']] as const) {
      expect(timeframeOfSeconds(s)).toBe(tf);
      expect(timeframeMs(tf)).toBe(s * 1000);
    }
  });
  it('parses Alpaca and ccxt timeframes', () => {
    expect(timeframeMs('1Min')).toBe(60_000);
    expect(timeframeMs('15Min')).toBe(900_000);
    expect(timeframeMs('1Hour')).toBe(3_600_000);
    expect(timeframeMs('1Day')).toBe(86_400_000);
    expect(timeframeMs('5m')).toBe(300_000);
    expect(timeframeMs('4h')).toBe(14_400_000);
    expect(timeframeMs('1d')).toBe(86_400_000);
    expect(() => timeframeMs('1Fortnight')).toThrow(/unsupported timeframe/);
  });

  it('counts NYSE session minutes, early closes, and daily bars on session days only', () => {
    // a regular day: 390 minutes; 2025-11-28 closes at 13:00 New York: 210
    expect(estimateBars('nyse', '1Min', t('2025-03-12T00:00:00Z'), t('2025-03-12T23:59:59Z'))).toBe(390);
    expect(estimateBars('nyse', '1Min', t('2025-11-28T00:00:00Z'), t('2025-11-28T23:59:59Z'))).toBe(210);
    // 1-hour buckets overlapping 13:30Z-20:00Z: 13:00, 14:00 ... 19:00
    expect(estimateBars('nyse', '1Hour', t('2025-03-12T00:00:00Z'), t('2025-03-12T23:59:59Z'))).toBe(7);
    // Feb 2025: 19 sessions (Presidents' Day closed)
    expect(estimateBars('nyse', '1Day', t('2025-02-01T00:00:00Z'), t('2025-02-28T23:59:59Z'))).toBe(19);
    expect(expectsBars('nyse', '1Day', t('2025-02-15T00:00:00Z'), t('2025-02-17T23:59:59Z'))).toBe(false);
    expect(expectsBars('nyse', '1Min', t('2025-03-12T20:00:00Z'), t('2025-03-13T13:29:59Z'))).toBe(false);
    expect(expectsBars('nyse', '1Min', t('2025-03-12T20:00:00Z'), t('2025-03-13T13:30:00Z'))).toBe(true);
    expect(estimateBars('24x7', '1Day', t('2025-02-01T00:00:00Z'), t('2025-02-28T23:59:59Z'))).toBe(28);
    expect(estimateBars('24x7', '1Min', t('2025-02-15T00:00:00Z'), t('2025-02-15T00:59:59Z'))).toBe(60);
  });

  it('missing bars between two bars', () => {
    expect(missingBarsBetween('nyse', '1Min', t('2025-03-12T14:00:00Z'), t('2025-03-12T14:01:00Z'))).toBe(0);
    expect(missingBarsBetween('nyse', '1Min', t('2025-03-12T14:00:00Z'), t('2025-03-12T14:06:00Z'))).toBe(5);
    expect(missingBarsBetween('nyse', '1Min', t('2025-03-12T19:59:00Z'), t('2025-03-13T13:30:00Z'))).toBe(0);
    expect(missingBarsBetween('24x7', '1Min', t('2025-03-12T19:59:00Z'), t('2025-03-12T20:10:00Z'))).toBe(10);
    expect(missingBarsBetween('nyse', '1Day', t('2025-02-14T00:00:00Z'), t('2025-02-18T00:00:00Z'))).toBe(0);
    expect(missingBarsBetween('nyse', '1Day', t('2025-02-14T05:00:00Z'), t('2025-02-20T05:00:00Z'))).toBe(2); // Tue, Wed (Mon a holiday)
    expect(missingBarsBetween('24x7', '1Day', t('2025-02-14T00:00:00Z'), t('2025-02-18T00:00:00Z'))).toBe(3);
  });
});
