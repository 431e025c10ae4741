// FeatureSet: every column present, NaN exactly during its warm-up, the same
// numbers as the single indicators, and the benchmark correlation.
import { describe, expect, it } from 'vitest';
import { Ema, FEATURE_COLUMNS, FeatureSet, Rsi, type FeatureBar } from '../../../../src/engine/features/index.js';

function bars(n: number, stepMs = 86_400_000): FeatureBar[] {
  let s = 5;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
  let p = 100;
  return Array.from({ length: n }, (_, i) => {
    const open = p;
    p *= 1 + (r() - 0.5) * 0.03;
    return { ts: Date.UTC(2020, 0, 1) + i * stepMs, open, high: Math.max(open, p) * (1 + r() * 0.01), low: Math.min(open, p) * (1 - r() * 0.01), close: p, volume: 1000 + r() * 500 };
  });
}

/** Index of the first bar where the column is not NaN. */
function firstDefined(data: FeatureBar[], column: (typeof FEATURE_COLUMNS)[number]): number {
  const fs = new FeatureSet();
  for (let i = 0; i < data.length; i++) {
    fs.update(data[i]!);
    if (!Number.isNaN(fs.get(column))) return i;
  }
  return -1;
}

describe('FeatureSet', () => {
  const data = bars(300);
  it('has the columns of `tradedesk features`', () => {
    for (const c of ['sma_20', 'sma_50', 'sma_200', 'ema_20', 'rsi_14', 'macd', 'macd_signal', 'macd_hist', 'bb_upper', 'bb_middle', 'bb_lower', 'atr_14', 'ret_1', 'ret_5', 'ret_21', 'vol_21'] as const) {
      expect(FEATURE_COLUMNS).toContain(c);
    }
  });
  it('each column is NaN for exactly its warm-up (0-based index of the first value)', () => {
    const expected: Partial<Record<(typeof FEATURE_COLUMNS)[number], number>> = {
      sma_20: 19,
      sma_50: 49,
      sma_200: 199,
      ema_20: 19,
      ema_200: 199,
      rsi_14: 14,
      macd: 25,
      macd_signal: 33,
      macd_hist: 33,
      bb_upper: 19,
      atr_14: 14,
      adx_14: 27,
      plus_di_14: 14,
      stoch_k_14: 13,
      stoch_d_3: 15,
      ret_1: 1,
      ret_5: 5,
      ret_21: 21,
      ret_252: 252,
      vol_21: 21,
      vol_63: 63,
      volume_ratio_20: 20,
      zscore_20: 19,
      vwap: 0,
    };
    for (const [col, at] of Object.entries(expected)) expect([col, firstDefined(data, col as (typeof FEATURE_COLUMNS)[number])]).toEqual([col, at]);
  });
  it('daily bars have no intraday returns, opening range or correlation', () => {
    const fs = new FeatureSet();
    data.forEach((b) => fs.update(b));
    for (const c of ['ret_15m', 'ret_30m', 'ret_60m', 'or_high', 'or_low', 'corr_63'] as const) expect(fs.get(c)).toBeNaN();
    expect(fs.count).toBe(300);
  });
  it('matches the single indicators it is built from', () => {
    const fs = new FeatureSet();
    const ema = new Ema(20);
    const rsi = new Rsi(14);
    for (const b of data) {
      fs.update(b);
      ema.update(b.close);
      rsi.update(b.close);
    }
    expect(fs.get('ema_20')).toBe(ema.value);
    expect(fs.get('rsi_14')).toBe(rsi.value);
    expect(fs.get('ret_1')).toBeCloseTo(data[299]!.close / data[298]!.close - 1, 14);
    expect(fs.snapshot().sma_20).toBe(fs.get('bb_middle'));
  });
  it('intraday bars get intraday returns and an opening range', () => {
    const fs = new FeatureSet();
    const minute = bars(120, 60_000).map((b, i) => ({ ...b, ts: Date.UTC(2024, 0, 2, 14, 30) + i * 60_000 }));
    minute.forEach((b) => fs.update(b));
    expect(fs.get('ret_60m')).toBeCloseTo(minute[119]!.close / minute[59]!.close - 1, 14);
    expect(fs.get('or_high')).toBe(Math.max(...minute.slice(0, 30).map((b) => b.high)));
  });
  it('corr_63 is the correlation with a benchmark fed alongside (1 against itself)', () => {
    const fs = new FeatureSet();
    data.forEach((b) => fs.update(b, b.close * 2));
    expect(fs.get('corr_63')).toBeCloseTo(1, 12);
  });
});
