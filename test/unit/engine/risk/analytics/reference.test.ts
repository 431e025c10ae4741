// Cross-check against an independent implementation: test/support/metrics_ref.py
// (Python standard library only) on real SPY closes and on a synthetic intraday
// curve; every key must agree to a relative tolerance of 1e-9.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runMetrics } from '../../../../../src/cli/metrics-command.js';
import { readEquityCsv } from '../../../../../src/engine/risk/analytics/equity-csv.js';
import { computePerformanceMetrics } from '../../../../../src/engine/risk/analytics/performance.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const REF = fileURLToPath(new URL('../../../../support/metrics_ref.py', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`../../../../fixtures/${name}`, import.meta.url));
const KEYS = ['total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown', 'var_95', 'var_99', 'es_95', 'es_99', 'days'] as const;

function python(file: string): Record<string, number | null> {
  const out = execFileSync('python3', [REF, file], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, number | null>;
}

async function cliJson(file: string): Promise<Record<string, unknown>> {
  let stdout = '';
  let stderr = '';
  const code = await runMetrics(['--equity', file, '--json'], { write: (s: string) => (stdout += s) }, { write: (s: string) => (stderr += s) });
  expect(code, stderr).toBe(0);
  expect(stdout.trim().split('\n')).toHaveLength(1); // exactly one JSON object
  return JSON.parse(stdout) as Record<string, unknown>;
}

function expectClose(ours: unknown, ref: unknown, key: string): void {
  expect(typeof ours, key).toBe('number');
  expect(typeof ref, key).toBe('number');
  const a = ours as number;
  const b = ref as number;
  const tol = 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  expect(Math.abs(a - b), `${key}: ours ${a}, reference ${b}`).toBeLessThanOrEqual(tol);
}

describe.each([
  ['spy_2007_2009.csv', 755],
  ['intraday_synthetic.csv', 14],
])('%s: TypeScript vs Python reference', (name, days) => {
  const file = fixture(name);
  it('agrees on every key (library and CLI --json)', async () => {
    const ref = python(file);
    expect(Object.keys(ref).sort()).toEqual([...KEYS].sort());
    expect(ref.days).toBe(days);
    const lib = computePerformanceMetrics(await readEquityCsv(file));
    const cli = await cliJson(file);
    for (const key of KEYS) {
      expectClose(lib[key], ref[key], `library ${key}`);
      expectClose(cli[key], ref[key], `cli ${key}`);
    }
  });
});

describe('spy_2007_2009.csv sanity (known shape of the 2007-09 fall)', () => {
  it('max drawdown is the 2007-10-09 close to the 2009-03-09 close', async () => {
    const m = computePerformanceMetrics(await readEquityCsv(fixture('spy_2007_2009.csv')));
    expect(m.max_drawdown).toBeCloseTo(1 - 68.110001 / 156.479996, 12);
    expect(m.total_return).toBeCloseTo(111.440002 / 141.369995 - 1, 12);
    expect(m.var_99).toBeGreaterThan(m.var_95);
    expect(m.es_95).toBeGreaterThan(m.var_95);
    expect(m.es_99).toBeGreaterThanOrEqual(m.var_99);
  });
});
