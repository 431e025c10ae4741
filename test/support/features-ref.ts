// Helpers for checking the features against test/support/features_ref.py (the
// independent Python reference): run it, compare column by column, and write a
// synthetic intraday bars file both can read.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { FEATURE_COLUMNS } from '../../src/engine/features/index.js';

const REF = fileURLToPath(new URL('./features_ref.py', import.meta.url));
export const SPY_OHLCV = fileURLToPath(new URL('../fixtures/spy_ohlcv_2007_2009.csv', import.meta.url));
export const hasPython = spawnSync('python3', ['--version']).status === 0;

export function pythonFeatures(file: string): Record<string, (number | null)[]> {
  const out = JSON.parse(execFileSync('python3', [REF, file], { encoding: 'utf8', maxBuffer: 64 << 20 })) as { columns: Record<string, (number | null)[]> };
  return out.columns;
}

/** |ours - ref| <= 1e-9 * max(|ours|, |ref|), or both empty. */
export function expectColumnsMatch(ours: Record<string, number[]>, ref: Record<string, (number | null)[]>): number {
  let compared = 0;
  expect(Object.keys(ref).sort()).toEqual([...FEATURE_COLUMNS].sort());
  for (const col of FEATURE_COLUMNS) {
    const a = ours[col]!;
    const b = ref[col]!;
    expect(a.length, col).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i];
      if (y === null || y === undefined) {
        expect(x, `${col} row ${i}: reference is empty`).toBeNaN();
        continue;
      }
      const tol = 1e-9 * Math.max(Math.abs(x), Math.abs(y));
      if (!(Math.abs(x - y) <= tol)) expect.fail(`${col} row ${i}: ours ${x}, reference ${y}`);
      compared++;
    }
  }
  return compared;
}

/** Three days of 5-minute bars (with a gap and a few zero-volume bars), a seeded random walk. */
export function writeIntradayBars(dir: string): string {
  let s = 9;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
  let p = 50;
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let d = 0; d < 3; d++) {
    for (let k = 0; k < 78; k++) {
      if (d === 1 && k >= 20 && k < 26) continue; // a half-hour gap
      const ts = Date.UTC(2024, 0, 2 + d, 14, 30) + k * 5 * 60_000;
      const open = p;
      p *= 1 + (r() - 0.5) * 0.004;
      const high = Math.max(open, p) * (1 + r() * 0.001);
      const low = Math.min(open, p) * (1 - r() * 0.001);
      const volume = k % 17 === 0 ? 0 : Math.round(1000 + r() * 9000);
      lines.push(`${new Date(ts).toISOString()},${open},${high},${low},${p},${volume}`);
    }
  }
  const file = join(dir, 'intraday.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
