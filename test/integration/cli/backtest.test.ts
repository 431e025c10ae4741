// `tradedesk backtest` as a user runs it: the real CLI on a fixture file checked
// by hand, its metrics equal to `tradedesk metrics` on the equity curve it
// writes, and bad input named by file, line and field.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBars } from '../../support/bars.js';
import { REPO, runCli } from './helpers.js';

const FIXTURE = join(REPO, 'test', 'fixtures', 'bars_hand_checked.csv');
const dir = mkdtempSync(join(tmpdir(), 'tradedesk-backtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tradedesk backtest', () => {
  it('--json on the hand-checked bars prints the expected fills, costs and trades', async () => {
    const r = await runCli(['backtest', '--bars', FIXTURE, '--strategy', 'ma_cross:fast=2,slow=4,target=0.1', '--fees', 'ccxt', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Record<string, unknown> & unknown[]>;
    // the numbers of test/unit/engine/backtest/run-backtest.test.ts
    expect(out.metrics).toMatchObject({ trades: 1, win_rate: 0, sharpe: null });
    expect(out.metrics!.total_costs as number).toBeCloseTo(17.66412, 6);
    expect(out.summary!.final_equity as number).toBeCloseTo(97_663.81588, 5);
    expect(out.metrics_note).toMatch(/3 daily equity points/);
    // its bars open at 10:00-10:09 New York on a Tuesday: regular-session bars, so 'auto' runs AAA on the NYSE calendar
    expect(out.run).toMatchObject({ calendars: { AAA: 'nyse' } });
    // the benchmark: AAA bought at its first close (13) and held to its last (9.3), no costs
    expect(out.summary!.benchmark_return as number).toBeCloseTo(9.3 / 13 - 1, 12);
    expect(out.summary!.excess_return as number).toBeCloseTo((out.summary!.return_on_cash as number) - (9.3 / 13 - 1), 12);
    expect(out.trades).toEqual([
      expect.objectContaining({ symbol: 'AAA', side: 'long', qty: 834, entryPrice: 11.98, exitPrice: 9.2, entryTs: '2024-01-02T15:06:00.000Z', open: false }),
    ]);
  });

  it('--html writes one self-contained report with the run\'s trade, and nothing left behind', async () => {
    const out = join(dir, 'report.html');
    const r = await runCli(['backtest', '--bars', FIXTURE, '--strategy', 'ma_cross:fast=2,slow=4,target=0.1', '--fees', 'ccxt', '--html', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const trades = /<table class="trades">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    expect(trades.match(/<tr>/g)).toHaveLength(1);
    expect(trades).toContain('-2,336.18'); // the hand-checked losing round trip
    expect(html).toContain('bars_hand_checked.csv');
    expect(html).toMatch(/<th>Calendar<\/th>\s*<td>nyse: AAA<\/td>/);
    expect(html).toMatch(/<path class="second" d="M[^"]+" fill="none" stroke="#7f7f7f"/); // the benchmark, dashed on the equity chart
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const bad = await runCli(['backtest', '--bars', FIXTURE, '--html', join(dir, 'no-such-dir', 'r.html')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cannot write --html .*no-such-dir/);
  });

  it('reports the metrics of `tradedesk metrics` on its own equity curve', async () => {
    const bars = randomBars({ symbols: ['AAA', 'BBB'], n: 60, seed: 5, start: Date.parse('2024-01-01T00:00:00Z'), stepMs: 86_400_000, vol: 0.02 });
    const csv = join(dir, 'daily.csv');
    writeFileSync(csv, `symbol,timestamp,open,high,low,close,volume\n${bars.map((b) => `${b.symbol},${new Date(b.ts).toISOString().slice(0, 10)},${b.open},${b.high},${b.low},${b.close},${b.volume}`).join('\n')}\n`);
    const equity = join(dir, 'equity.csv');
    const bt = await runCli(['backtest', '--bars', csv, '--strategy', 'buy_and_hold', '--strategy', 'ma_cross:fast=3,slow=8', '--equity-out', equity, '--json']);
    expect(bt.code, bt.stderr).toBe(0);
    // daily bars on every calendar day: the curve has weekend points, so it is annualized on 365 days, as the metrics command is told
    const m = await runCli(['metrics', '--equity', equity, '--days-per-year', '365', '--json']);
    expect(m.code, m.stderr).toBe(0);
    const out = JSON.parse(bt.stdout) as { metrics: Record<string, unknown>; summary: { return_on_cash: number } };
    const metrics = out.metrics;
    const expected = JSON.parse(m.stdout) as Record<string, unknown>;
    // 60 daily bars, 60 daily returns: the first from the starting cash (the close of the day before the first bar)
    expect(metrics.days).toBe(60);
    expect(metrics.days_per_year).toBe(365);
    expect(metrics.total_return as number).toBeCloseTo(out.summary.return_on_cash, 12);
    for (const [k, v] of Object.entries(expected)) expect(metrics[k], k).toEqual(v);
  });

  it('--walk-forward reports each window out of sample', async () => {
    const bars = randomBars({ symbols: ['AAA'], n: 160, seed: 8, start: Date.parse('2024-01-02T00:00:00Z'), vol: 0.004 });
    const csv = join(dir, 'wf.csv');
    writeFileSync(csv, `symbol,timestamp,open,high,low,close,volume\n${bars.map((b) => `${b.symbol},${b.ts},${b.open},${b.high},${b.low},${b.close},${b.volume}`).join('\n')}\n`);
    const r = await runCli(['backtest', '--bars', csv, '--strategy', 'ma_cross', '--walk-forward', 'train=100,test=30', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const wf = (JSON.parse(r.stdout) as { walk_forward: { windows: Array<{ testFrom: number; testTo: number; params: { fast: number; slow: number }; test: { finalEquity: number; benchmarkReturn: number } }>; oosBenchmarkReturn: number } }).walk_forward;
    expect(wf.windows).toHaveLength(2); // (160 - 100) / 30
    // each test window's buy and hold: AAA from its first close in the window to its last; compounded over the windows
    const closeIn = (w: { testFrom: number; testTo: number }) => bars.filter((b) => b.ts >= w.testFrom && b.ts <= w.testTo).map((b) => b.close);
    for (const w of wf.windows) expect(w.test.benchmarkReturn).toBeCloseTo(closeIn(w).at(-1)! / closeIn(w)[0]! - 1, 12);
    expect(wf.oosBenchmarkReturn).toBeCloseTo(wf.windows.reduce((a, w) => a * (1 + w.test.benchmarkReturn), 1) - 1, 12);
    for (const w of wf.windows) {
      expect(w.params.fast).toBeLessThan(w.params.slow);
      expect(w.test.finalEquity).toBeGreaterThan(0);
    }
    // the text output names its per-bar (not annualized) Sharpe ratios as such
    const text = await runCli(['backtest', '--bars', csv, '--strategy', 'ma_cross', '--walk-forward', 'train=100,test=30']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Sharpe per bar, not annualized');
    expect(text.stdout).toMatch(/out-of-sample return -?\d+\.\d\d% \(buy and hold over the same windows -?\d+\.\d\d%\)/);
    expect(text.stdout.split('\n').filter((l) => /train Sharpe\/bar -?\d/.test(l) && /OOS return .* Sharpe\/bar -?\d/.test(l))).toHaveLength(2);
    const bad = await runCli(['backtest', '--bars', csv, '--walk-forward', 'train=100,test=30']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--walk-forward refits ma_cross: add --strategy ma_cross');
  });

  it('prints a readable report by default', async () => {
    const r = await runCli(['backtest', '--bars', FIXTURE, '--strategy', 'ma_cross:fast=2,slow=4,target=0.1', '--fees', 'ccxt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Final equity\s+97,663\.82 \(-2\.34% on 100,000\.00\)/);
    expect(r.stdout).toMatch(/Trades\s+1 closed, 0 open; win rate 0\.00%/);
    expect(r.stdout).toMatch(/Calendar\s+nyse: AAA\n/);
    // held from the first close, 13: 9.3 / 13 - 1 = -28.46%; deepest at the close of 9, 1 - 9 / 13 = 30.77%; the run (-2.336%) is 26.13 points above
    expect(r.stdout).toMatch(/Benchmark\s+-28\.46%, max drawdown 30\.77% \(equal-weight buy and hold of the symbols, no costs\); the run \+26\.13% against it\n/);
    const chosen = await runCli(['backtest', '--bars', FIXTURE, '--strategy', 'ma_cross:fast=2,slow=4,target=0.1', '--calendar', '24x7']);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stdout).toMatch(/Calendar\s+24x7: AAA\n/);
  });

  it('a bad CSV fails naming file, line and field; a missing file and bad flags too', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'timestamp,open,high,low,close,volume\n2024-01-02,10,11,9,10,100\n2024-01-03,10,11,9,abc,100\n');
    const r = await runCli(['backtest', '--bars', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`tradedesk backtest: ${bad}:3: field 'close'`);
    expect(r.stdout).toBe('');
    const missing = await runCli(['backtest', '--bars', join(dir, 'none.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('bars file not found');
    const flag = await runCli(['backtest', '--bars', FIXTURE, '--costs', 'some']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--costs must be none or model');
    const calendar = await runCli(['backtest', '--bars', FIXTURE, '--calendar', 'lse']);
    expect(calendar.code).toBe(2);
    expect(calendar.stderr).toContain('--calendar must be auto, nyse, 24x7, got "lse"');
    const risk = await runCli(['backtest', '--bars', FIXTURE, '--risk', 'maxLeverage=-1']);
    expect(risk.code).toBe(2);
    expect(risk.stderr).toContain("field 'risk.maxLeverage'");
  });
});
