// The backtest report as one self-contained HTML file: inline CSS, charts as
// inline SVG drawn here (no script, no network, no CDN), every string from the
// run escaped. Sections: run and summary, metrics, equity and drawdown charts,
// monthly returns, costs by kind, trades.
import type { BacktestResult } from './backtest-result.js';
import { calendarsText } from '../../shared/market-calendars.js';
import { buildReport, type BacktestReport, type CostRow } from './report.js';

export interface HtmlReportMeta {
  /** Shown as the page title (default "Backtest report"). */
  title?: string;
  /** Where the bars came from (a file name, "simulator: SPY, QQQ"...). */
  source?: string;
  /** Wall-clock ms the report was made. */
  generatedAt?: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const iso = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const money = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(2)}%`);
const num = (x: number | null): string => (x === null ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(4));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const COST_LABEL: Record<CostRow['kind'], string> = { spread: 'Spread (half)', slippage: 'Slippage', impact: 'Market impact', fees: 'Fees', total: 'Total' };

const PERCENT_METRICS = new Set(['total_return', 'cagr', 'volatility', 'max_drawdown', 'var_95', 'var_99', 'es_95', 'es_99']);

/**
 * A line (or filled area down to 0) over [ts, value] points, with the value range and the dates labelled. Points
 * are spaced by sample, not by clock, so closed-market hours (nights, weekends) do not flatten the curve.
 */
function svgChart(
  points: ReadonlyArray<[number, number]>,
  opts: { label: string; color: string; area?: boolean; fmt: (v: number) => string; /** A dashed second line on the same samples and scale. */ second?: ReadonlyArray<[number, number]> },
): string {
  const W = 960;
  const H = 220;
  const L = 8;
  const R = 96;
  const T = 10;
  const B = 24;
  if (points.length < 2) return `<p class="muted">${escapeHtml(opts.label)}: not enough samples to draw.</p>`;
  const t0 = points[0]![0];
  const t1 = points.at(-1)![0];
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, v] of [...points, ...(opts.second ?? [])]) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (opts.area) hi = Math.max(hi, 0);
  if (hi === lo) hi = lo + 1;
  const x = (i: number): number => L + (i / (points.length - 1)) * (W - L - R);
  const y = (v: number): number => T + ((hi - v) / (hi - lo)) * (H - T - B);
  const pathOf = (ps: ReadonlyArray<[number, number]>): string => ps.map(([, v], i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const path = pathOf(points);
  const second = opts.second?.length === points.length ? `<path class="second" d="${pathOf(opts.second)}" fill="none" stroke="#7f7f7f" stroke-width="1.2" stroke-dasharray="5 4"/>` : '';
  const fill = opts.area ? `<path d="${path}L${x(points.length - 1).toFixed(1)},${y(0).toFixed(1)}L${x(0).toFixed(1)},${y(0).toFixed(1)}Z" fill="${opts.color}" fill-opacity="0.25" stroke="none"/>` : '';
  const grid = [hi, (hi + lo) / 2, lo]
    .map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${W - R + 6}" y="${(y(v) + 4).toFixed(1)}">${escapeHtml(opts.fmt(v))}</text>`)
    .join('');
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(opts.label)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(opts.label)}</title>${grid}${fill}${second}<path d="${path}" fill="none" stroke="${opts.color}" stroke-width="1.5"/>` +
    `<text x="${L}" y="${H - 6}">${escapeHtml(day(t0))}</text><text x="${W - R}" y="${H - 6}" text-anchor="end">${escapeHtml(day(t1))}</text></svg>`
  );
}

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, cls: string, numericFrom = 1): string {
  const th = head.map((h, i) => `<th${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A signed percentage cell coloured by sign (already escaped: numbers only). */
const retCell = (r: number | null): string => (r === null ? '' : `<span class="${r > 0 ? 'pos' : r < 0 ? 'neg' : ''}">${pct(r)}</span>`);

function sections(rep: BacktestReport): string {
  const s = rep.summary;
  const summary: Array<[string, string]> = [
    ['Symbols', rep.run.symbols.join(', ')],
    ['Calendar', calendarsText(rep.run.calendars)],
    ['Strategies', rep.run.strategies.join(', ')],
    ['Period', `${iso(rep.run.from)} to ${iso(rep.run.to)} (${rep.run.bars} bars, seed ${rep.run.seed})`],
    ['Final equity', `${money(s.finalEquity)} (${pct(s.totalReturn)} on ${money(s.startingCash)})`],
    ['Max drawdown', `${pct(rep.maxDrawdown.depth)} (peak ${iso(rep.maxDrawdown.peakTs)}, trough ${iso(rep.maxDrawdown.troughTs)})`],
    ['Benchmark', `${pct(s.benchmarkReturn)}, max drawdown ${pct(s.benchmarkMaxDrawdown)} (equal-weight buy and hold of the symbols, no costs; the dashed line on the equity chart)`],
    ['Trades', `${s.trades} closed, ${s.openTrades} open; win rate ${pct(s.winRate)}`],
    ['Turnover', `${s.turnover.toFixed(2)}x average equity`],
    ['Costs', `${money(s.totalCosts)} (fees ${money(s.fees)}, spread/slippage/impact ${money(s.slippage)})`],
    ['Orders', `${s.ordersSubmitted} sent, ${s.ordersDenied} denied by risk, ${s.ordersSkipped} skipped by the benefit/cost filter, ${s.fills} fills`],
    ['Trading state', s.finalTradingState],
  ];
  const metrics = rep.metrics
    ? table(['Metric', 'Value'], Object.entries(rep.metrics).map(([k, v]) => [escapeHtml(k), escapeHtml(PERCENT_METRICS.has(k) ? pct(v) : num(v))]), 'metrics') +
      `<p class="muted">Daily returns, annualized on ${rep.daysPerYear} days a year${rep.daysPerYear === 365 ? ' (the curve has points on weekends: every calendar day is a return)' : ' (stock sessions)'}.</p>`
    : `<p class="muted">Metrics: n/a: ${escapeHtml(rep.metricsNote ?? '')}</p>`;
  const monthly = table(
    ['Year', ...MONTHS, 'Year'],
    rep.years.map((y) => [String(y.year), ...y.months.map(retCell), retCell(y.total)]),
    'monthly',
  );
  const costs = table(
    ['Cost', 'Estimated', 'Charged'],
    rep.costs.rows.map((c) => [escapeHtml(COST_LABEL[c.kind]), money(c.estimated), money(c.charged)]),
    'costs',
  );
  const costNote = `Estimated: the pre-trade model's parts for the orders that filled; charged: what the fill model took. Post-trade, each fill against the price its estimate was made from (the arrival mid, including the market's move until the fill; a resting limit's own price): estimated ${money(rep.costs.estimatedVsArrival)}, realized ${money(rep.costs.realizedVsArrival)} over ${rep.costs.fills} fills; error ${rep.costs.meanErrorBps.toFixed(2)} bps mean, ${rep.costs.meanAbsErrorBps.toFixed(2)} bps mean absolute.`;
  const trades = table(
    ['#', 'Strategy', 'Symbol', 'Side', 'Qty', 'Entry time', 'Entry', 'Exit time', 'Exit', 'Fees', 'P&L'],
    rep.trades.map((t, i) => [
      String(i + 1),
      escapeHtml(t.strategy),
      escapeHtml(t.symbol),
      t.side,
      num(t.qty),
      iso(t.entryTs),
      num(t.entryPrice),
      t.open ? 'open' : iso(t.exitTs),
      t.exitPrice === null ? '—' : num(t.exitPrice),
      money(t.fees),
      `<span class="${t.pnl > 0 ? 'pos' : t.pnl < 0 ? 'neg' : ''}">${money(t.pnl)}</span>`,
    ]),
    'trades',
    4,
  );
  const tradesNote = rep.tradesTotal > rep.trades.length ? `<p class="muted">The first ${rep.trades.length} of ${rep.tradesTotal} trades.</p>` : '';
  return [
    `<section><h2>Summary</h2><table class="summary"><tbody>${summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table></section>`,
    `<section><h2>Metrics</h2>${metrics}</section>`,
    `<section><h2>Equity</h2>${svgChart(rep.equity, { label: 'Equity curve, and the benchmark dashed', color: '#1f77b4', fmt: money, second: rep.benchmark })}</section>`,
    `<section><h2>Drawdown</h2>${svgChart(rep.drawdown, { label: 'Drawdown', color: '#d62728', area: true, fmt: pct })}</section>`,
    `<section><h2>Monthly returns</h2>${monthly}</section>`,
    `<section><h2>Costs by kind</h2>${costs}<p class="muted">${escapeHtml(costNote)}</p></section>`,
    `<section><h2>Trades (${rep.tradesTotal})</h2>${tradesNote}${trades}</section>`,
  ].join('\n');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1080px;color:#1b2330;background:#fff;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #d9dee5;padding-bottom:4px}
.muted{color:#66707c;font-size:12px}
table{border-collapse:collapse;font-size:12px;margin:4px 0}
th,td{padding:3px 8px;border-bottom:1px solid #eceff3;text-align:left;white-space:nowrap}
thead th{background:#f4f6f8}.num{text-align:right;font-variant-numeric:tabular-nums}
table.summary th{font-weight:600;color:#3b4653}table.summary td{white-space:normal}
.pos{color:#0b7a5c}.neg{color:#c0262d}
svg.chart{width:100%;height:auto;background:#fbfcfd;border:1px solid #eceff3}
svg.chart text{font-size:11px;fill:#66707c}svg.chart .grid{stroke:#e3e7ec;stroke-width:1}
`;

/** One HTML document with everything inline. */
export function renderHtmlReport(result: BacktestResult | BacktestReport, meta: HtmlReportMeta = {}): string {
  const rep = 'costBreakdown' in result ? buildReport(result) : result;
  const title = meta.title ?? 'Backtest report';
  const sub = [meta.source ? `Bars: ${meta.source}` : '', meta.generatedAt !== undefined ? `generated ${iso(meta.generatedAt)} UTC` : ''].filter(Boolean).join(' · ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(sub)}</p>
${sections(rep)}
</body>
</html>
`;
}
