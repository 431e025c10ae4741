// Cross-check against an independent implementation: test/support/features_ref.py
// (Python standard library only, every value computed from its window) on real
// SPY daily bars and on synthetic 5-minute bars; every column must agree to a
// relative tolerance of 1e-9, and be empty on exactly the same rows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBarsCsv } from '../../../../src/engine/data/csv-bars.js';
import { FEATURE_COLUMNS, FeatureSet } from '../../../../src/engine/features/index.js';
import { expectColumnsMatch, hasPython, pythonFeatures, SPY_OHLCV as SPY, writeIntradayBars } from '../../../support/features-ref.js';

function ours(file: string): Record<string, number[]> {
  const fs = new FeatureSet();
  const cols: Record<string, number[]> = Object.fromEntries(FEATURE_COLUMNS.map((c) => [c, []]));
  for (const bar of readBarsCsv(file)) {
    fs.update(bar);
    FEATURE_COLUMNS.forEach((c, i) => cols[c]!.push(fs.values[i]!));
  }
  return cols;
}

describe.skipIf(!hasPython)('features vs the Python reference', () => {
  it('SPY daily bars 2007-2009 (real data): every column, every row', () => {
    const n = expectColumnsMatch(ours(SPY), pythonFeatures(SPY));
    expect(n).toBeGreaterThan(20_000); // most of 756 rows × ~30 daily columns hold a value
  });
  it('synthetic 5-minute bars: intraday returns, session VWAP and opening range too', () => {
    const file = writeIntradayBars(mkdtempSync(join(tmpdir(), 'features-ref-')));
    const ref = pythonFeatures(file);
    for (const c of ['ret_15m', 'ret_60m', 'or_high', 'vwap']) expect(ref[c]!.some((x) => x !== null), c).toBe(true);
    expectColumnsMatch(ours(file), ref);
  });
});
