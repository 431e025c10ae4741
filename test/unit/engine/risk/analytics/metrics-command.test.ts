// `tradedesk metrics` through runMetrics(argv, out, err): table and JSON
// output, usage errors (exit 2) and file errors (exit 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runMetrics } from '../../../../../src/cli/metrics-command.js';

const SPY = fileURLToPath(new URL('../../../../fixtures/spy_2007_2009.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tradedesk-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runMetrics(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

describe('runMetrics', () => {
  it('prints a readable table', async () => {
    const r = await run(['--equity', SPY]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('756 daily points, 2007-01-03 to 2009-12-31');
    expect(r.out).toMatch(/Total return\s+-21\.17%/);
    expect(r.out).toMatch(/Max drawdown\s+56\.47%/);
    expect(r.out).toMatch(/Daily returns\s+755/);
    for (const label of ['CAGR', 'Volatility', 'Sharpe', 'Sortino', 'VaR 95%', 'VaR 99%', 'ES 95%', 'ES 99%']) expect(r.out).toContain(label);
  });
  it('--json prints one object with the documented keys', async () => {
    const r = await run(['--equity', SPY, '--json']);
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.out) as Record<string, unknown>;
    for (const k of ['total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown', 'var_95', 'var_99', 'es_95', 'es_99', 'days']) {
      expect(typeof obj[k], k).toBe('number');
    }
    expect(obj).toMatchObject({ days: 755, start: '2007-01-03', end: '2009-12-31', points: 756, resampled: false, days_per_year: 252 });
  });
  it('--days-per-year annualizes on that many daily returns (365 for a curve that moves every day); a bad value is a usage error', async () => {
    const base = JSON.parse((await run(['--equity', SPY, '--json'])).out) as Record<string, number>;
    const r = await run(['--equity', SPY, '--days-per-year', '365', '--json']);
    expect(r.code, r.err).toBe(0);
    const obj = JSON.parse(r.out) as Record<string, number>;
    expect(obj.days_per_year).toBe(365);
    // volatility and the ratios scale by the square root of the year's length, CAGR by its exponent; the rest is the same
    for (const k of ['volatility', 'sharpe', 'sortino']) expect(obj[k], k).toBeCloseTo(base[k]! * Math.sqrt(365 / 252), 12);
    expect(obj.cagr).toBeCloseTo(Math.pow(1 + base.total_return!, 365 / 755) - 1, 12);
    for (const k of ['total_return', 'max_drawdown', 'var_95', 'es_99', 'days']) expect(obj[k], k).toBe(base[k]);
    expect((await run(['--equity', SPY, '--days-per-year', '365'])).out).toContain('annualized on 365 days a year');
    const bad = await run(['--equity', SPY, '--days-per-year', '0.5']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--days-per-year must be a whole number of days from 1 to 366 (252 for stocks, 365 around the clock), got "0.5"');
  });
  it('unknown flag: usage on err, exit 2', async () => {
    const r = await run(['--equity', SPY, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/Unknown option '--bogus'/);
    expect(r.err).toContain('Usage: tradedesk metrics --equity FILE.csv [--days-per-year N] [--json]');
  });
  it('missing --equity or a stray positional: exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run([])).err).toMatch(/--equity FILE\.csv is required/);
    expect((await run(['--equity', SPY, 'extra'])).code).toBe(2);
    expect((await run(['--equity'])).code).toBe(2);
  });
  it('--help prints usage to out, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: tradedesk metrics');
  });
  it('missing file: clear message, exit 1', async () => {
    const missing = join(dir, 'nope.csv');
    const r = await run(['--equity', missing]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`tradedesk metrics: equity file not found: ${missing}\n`);
  });
  it('a directory: exit 1', async () => {
    const r = await run(['--equity', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is a directory/);
  });
  it('malformed CSV: names file, line and field, exit 1', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'timestamp,equity\n2024-01-01,100\n2024-01-02,oops\n');
    const r = await run(['--equity', f]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`tradedesk metrics: ${f}:3: field 'equity': is not a number: "oops"\n`);
  });
  it('too few points / zero variance: exit 1 with the reason', async () => {
    const f = join(dir, 'flat.csv');
    writeFileSync(f, 'timestamp,equity\n2024-01-01,100\n2024-01-02,100\n2024-01-03,100\n');
    const r = await run(['--equity', f, '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/zero variance/);
  });
});
