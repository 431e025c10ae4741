// The backtest report: monthly returns and the worst drawdown checked by hand
// on a small result, costs by kind adding up to what the run charged, and the
// HTML export well-formed, holding every trade, with hostile names escaped.
import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../../../src/engine/backtest/backtest-result.js';
import { escapeHtml, renderHtmlReport } from '../../../../src/engine/backtest/report-html.js';
import { buildReport, thinCurve } from '../../../../src/engine/backtest/report.js';
import { runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import type { RoundTrip } from '../../../../src/engine/backtest/trades.js';
import { randomBars } from '../../../support/bars.js';

const at = (s: string): number => Date.parse(`${s}T21:00:00Z`);

function trade(symbol: string, strategy: string, pnl: number, i: number): RoundTrip {
  return { strategy, symbol, side: 'long', qty: 10 + i, entryTs: at('2024-01-10'), entryPrice: 100, exitTs: at('2024-02-10'), exitPrice: 100 + pnl / 10, pnl, fees: 1, open: false };
}

/** A result made by hand: 100,000 of cash, five equity samples over three months. */
function handResult(symbol = 'AAA', strategy = 'ma_cross'): BacktestResult {
  const equity: Array<[number, number]> = [
    [at('2024-01-15'), 110_000],
    [at('2024-01-31'), 105_000],
    [at('2024-02-10'), 94_500],
    [at('2024-02-29'), 99_750],
    [at('2024-03-05'), 120_000],
  ];
  const parts = { spread: 4, slippage: 3, impact: 2, fees: 1 };
  return {
    symbols: [symbol],
    calendars: { [symbol]: 'nyse' },
    bars: 5,
    from: at('2024-01-15'),
    to: at('2024-03-05'),
    barMs: 86_400_000,
    seed: 1,
    strategies: [strategy],
    summary: { startingCash: 100_000, finalEquity: 120_000, totalReturn: 0.2, maxDrawdown: 0.1409, trades: 3, openTrades: 0, winRate: 2 / 3, turnover: 1, totalCosts: 10, fees: 1, slippage: 9, ordersSubmitted: 6, ordersDenied: 0, ordersSkipped: 0, fills: 6, finalTradingState: 'ACTIVE', benchmarkReturn: 0.05, benchmarkMaxDrawdown: 0.02 },
    metrics: null,
    metricsNote: 'too few days',
    trades: [trade(symbol, strategy, 50, 0), trade(symbol, strategy, -20, 1), trade(symbol, strategy, 30, 2)],
    fills: [],
    decisions: [],
    costAnalysis: { fills: 6, estimated: 11, realized: 12.5, meanErrorBps: 0.5, meanAbsErrorBps: 1.5, correctionBps: { market: 0, limit_taker: 0, limit_maker: 0 }, records: [] },
    costBreakdown: { estimated: { spread: 5, slippage: 3, impact: 1, fees: 1 }, charged: parts },
    tradingStates: [],
    equity,
    benchmark: equity.map(([t], i): [number, number] => [t, 100_000 + 1_000 * i]),
  };
}

/** Checks that every non-void element closes in order; returns the open/close count. */
function assertWellFormed(html: string): number {
  const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'line', 'path']);
  const stack: string[] = [];
  let n = 0;
  const body = html.replace(/^<!DOCTYPE html>/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    const tag = name!.toLowerCase();
    if (close) {
      expect(stack.pop(), `</${tag}> closes the innermost open element`).toBe(tag);
      n++;
    } else if (!selfClose && !VOID.has(tag)) stack.push(tag);
  }
  expect(stack).toEqual([]);
  // no stray angle brackets in text: every '<' starts a tag
  expect(body.replace(/<\/?[a-zA-Z][^>]*>/g, '')).not.toMatch(/[<>]/);
  return n;
}

describe('buildReport, checked by hand', () => {
  const rep = buildReport(handResult());

  it('monthly returns: each month on the previous month-end, the first on the starting cash', () => {
    // Jan: 105,000 / 100,000 - 1; Feb: 99,750 / 105,000 - 1; Mar: 120,000 / 99,750 - 1
    expect(rep.monthly.map((m) => [m.year, m.month])).toEqual([
      [2024, 1],
      [2024, 2],
      [2024, 3],
    ]);
    expect(rep.monthly[0]!.ret).toBeCloseTo(0.05, 12);
    expect(rep.monthly[1]!.ret).toBeCloseTo(-0.05, 12);
    expect(rep.monthly[2]!.ret).toBeCloseTo(120_000 / 99_750 - 1, 12);
    // the year compounds its months: 1.05 · 0.95 · (120,000 / 99,750) - 1 = 0.2
    expect(rep.years).toHaveLength(1);
    expect(rep.years[0]!.total).toBeCloseTo(0.2, 12);
    expect(rep.years[0]!.months.slice(3)).toEqual(Array(9).fill(null));
  });

  it('max drawdown: from the 110,000 peak on Jan 15 to the 94,500 trough on Feb 10', () => {
    expect(rep.maxDrawdown.depth).toBeCloseTo(1 - 94_500 / 110_000, 12);
    expect(rep.maxDrawdown.peakTs).toBe(at('2024-01-15'));
    expect(rep.maxDrawdown.troughTs).toBe(at('2024-02-10'));
    expect(Math.min(...rep.drawdown.map((d) => d[1]))).toBeCloseTo(94_500 / 110_000 - 1, 12);
    expect(rep.drawdown.at(-1)![1]).toBe(0); // a new high at the end
  });

  it('the curve starts at the starting cash; costs by kind with their totals', () => {
    expect(rep.equity[0]).toEqual([at('2024-01-15'), 110_000]); // a sample at the first bar is kept as is
    const rows = Object.fromEntries(rep.costs.rows.map((r) => [r.kind, [r.estimated, r.charged]]));
    expect(rows).toEqual({ spread: [5, 4], slippage: [3, 3], impact: [1, 2], fees: [1, 1], total: [10, 10] });
    expect(rep.tradesTotal).toBe(3);
  });
});

describe('thinCurve', () => {
  it('keeps the first, the last and every span’s extremes, so the worst point survives', () => {
    const curve: Array<[number, number]> = Array.from({ length: 10_000 }, (_, i) => [i, 100 + Math.sin(i / 50)]);
    curve[7_777] = [7_777, 10]; // the trough
    const thin = thinCurve(curve, 500);
    expect(thin.length).toBeLessThanOrEqual(500);
    expect(thin[0]).toBe(curve[0]);
    expect(thin.at(-1)).toBe(curve.at(-1));
    expect(thin).toContain(curve[7_777]);
    expect(thin.every((p, i) => i === 0 || p[0] > thin[i - 1]![0])).toBe(true);
  });
});

describe('costs by kind on a real run', () => {
  it('what the fill model charged by kind adds up to the run’s fees and slippage', async () => {
    const bars = randomBars({ symbols: ['AAA', 'BBB'], n: 120, seed: 3, start: Date.parse('2024-01-02T15:00:00Z'), stepMs: 60_000, vol: 0.01 });
    const r = await runBacktest(bars, { strategies: [{ name: 'buy_and_hold' }, { name: 'ma_cross', params: { fast: 3, slow: 8 } }], benefitCostRatio: 0 }, 7);
    const c = r.costBreakdown.charged;
    expect(r.summary.fills).toBeGreaterThan(0);
    expect(c.spread).toBeGreaterThan(0); // buy_and_hold's market orders pay half the spread
    expect(c.spread + c.slippage + c.impact).toBeCloseTo(r.summary.slippage, 6);
    expect(c.fees).toBeCloseTo(r.summary.fees, 9);
    expect(r.costBreakdown.estimated.spread).toBeGreaterThan(0);
    const rep = buildReport(r);
    expect(rep.costs.rows.at(-1)!.charged).toBeCloseTo(r.summary.totalCosts, 6);
    expect(rep.trades).toEqual(r.trades);
  });
});

describe('renderHtmlReport', () => {
  it('is one well-formed page with a row per trade and the monthly table', () => {
    const html = renderHtmlReport(handResult(), { source: 'hand.csv', generatedAt: Date.parse('2024-04-01T00:00:00Z') });
    assertWellFormed(html);
    const trades = /<table class="trades">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    expect(trades.match(/<tr>/g)).toHaveLength(3);
    expect(trades).toContain('-20.00');
    const monthly = /<table class="monthly">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    expect(monthly).toContain('<td>2024</td>');
    expect(monthly).toContain('5.00%');
    expect(monthly).toContain('-5.00%');
    expect(monthly).toContain('20.00%'); // the year
    expect(html.match(/<svg /g)).toHaveLength(2); // equity and drawdown
    // self-contained: nothing fetched
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  });

  it('spaces the curve by sample, not by clock: a weekend between two bars takes one step', () => {
    const r = handResult();
    const fri = Date.parse('2024-03-01T20:59:00Z');
    const mon = Date.parse('2024-03-04T14:30:00Z');
    const html = renderHtmlReport({ ...r, from: fri - 60_000, equity: [[fri - 60_000, 100], [fri, 101], [mon, 102], [mon + 60_000, 103]] }, { source: 'gap.csv' });
    const xs = [.../<path d="(M[^"]+)" fill="none"/.exec(html)![1]!.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(4);
    const steps = xs.slice(1).map((x, i) => x - xs[i]!);
    for (const d of steps) expect(Math.abs(d - steps[0]!)).toBeLessThan(0.5); // the weekend step is no wider than a minute's
  });

  it('escapes a hostile symbol and strategy name everywhere', () => {
    const evil = '<img src=x onerror=alert(1)>"&\'';
    const html = renderHtmlReport(handResult(evil, `</td><script>alert(2)</script>`), { title: '<b>t</b>', source: evil });
    assertWellFormed(html);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml(evil));
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('<title>&lt;b&gt;t&lt;/b&gt;</title>');
  });
});
