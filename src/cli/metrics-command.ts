// `tradedesk metrics --equity FILE.csv [--json]`: performance metrics of an
// equity curve (timestamp,equity CSV), as a table or one JSON object.
// Exit codes: 0 ok, 1 unreadable/invalid file, 2 usage error.
import { parseArgs } from 'node:util';
import { AnalyticsInputError, EquityCsvError } from '../engine/risk/analytics/errors.js';
import { readEquityCsv } from '../engine/risk/analytics/equity-csv.js';
import { computePerformanceReport, type PerformanceMetrics, type PerformanceReport } from '../engine/risk/analytics/performance.js';

export const METRICS_USAGE = `Usage: tradedesk metrics --equity FILE.csv [--days-per-year N] [--json]

  Performance metrics of an equity curve. FILE.csv has a header naming the
  columns timestamp,equity; timestamps are ISO dates/datetimes (no zone = UTC)
  or epoch ms/seconds, in increasing time; equity is positive. Intraday curves
  are resampled to the last equity of each UTC day. Metrics use daily simple
  returns, sample SD, no risk-free rate, annualized on 252 days a year.

  --equity FILE  the equity curve CSV (required)
  --days-per-year N  daily returns a year to annualize on (default 252, stock
                 sessions; 365 for a curve with points on weekends, as a
                 backtest's is annualized when it has them)
  --json         print one JSON object: total_return, cagr, volatility, sharpe,
                 sortino, max_drawdown, var_95, var_99, es_95, es_99, days,
                 start, end, points, resampled, days_per_year
  -h, --help     show this help
`;

interface Writable {
  write(chunk: string): unknown;
}

const ROWS: ReadonlyArray<[keyof PerformanceMetrics, string, 'pct' | 'ratio' | 'int']> = [
  ['total_return', 'Total return', 'pct'],
  ['cagr', 'CAGR', 'pct'],
  ['volatility', 'Volatility (ann.)', 'pct'],
  ['sharpe', 'Sharpe (rf = 0)', 'ratio'],
  ['sortino', 'Sortino (rf = 0)', 'ratio'],
  ['max_drawdown', 'Max drawdown', 'pct'],
  ['var_95', 'VaR 95% (1 day)', 'pct'],
  ['var_99', 'VaR 99% (1 day)', 'pct'],
  ['es_95', 'ES 95% (1 day)', 'pct'],
  ['es_99', 'ES 99% (1 day)', 'pct'],
  ['days', 'Daily returns', 'int'],
];

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The JSON object `--json` prints. */
export function metricsJson(report: PerformanceReport): Record<string, unknown> {
  return { ...report.metrics, start: isoDay(report.start), end: isoDay(report.end), points: report.points, resampled: report.resampled, days_per_year: report.daysPerYear };
}

/** The human-readable table. */
export function formatMetricsTable(report: PerformanceReport, file: string): string {
  const fmt = (v: number | null, kind: 'pct' | 'ratio' | 'int'): string => {
    if (v === null) return 'n/a (no down days)';
    if (kind === 'int') return String(v);
    if (kind === 'ratio') return v.toFixed(3);
    return `${(v * 100).toFixed(2)}%`;
  };
  const cells = ROWS.map(([key, label, kind]) => [label, fmt(report.metrics[key], kind)] as const);
  const w0 = Math.max(...cells.map((c) => c[0].length));
  const w1 = Math.max(...cells.map((c) => c[1].length));
  const head = `${file}: ${report.points} daily points, ${isoDay(report.start)} to ${isoDay(report.end)}${report.resampled ? ' (intraday points resampled to the last equity per UTC day)' : ''}; annualized on ${report.daysPerYear} days a year`;
  return [head, ...cells.map(([l, v]) => `  ${l.padEnd(w0)}  ${v.padStart(w1)}`)].join('\n') + '\n';
}

function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && (e as unknown as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

/** Runs `tradedesk metrics`; `argv` is what follows the word `metrics`. Returns the exit code. */
export async function runMetrics(argv: string[], out: Writable = process.stdout, err: Writable = process.stderr): Promise<number> {
  let values: { equity?: string; 'days-per-year'?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { equity: { type: 'string' }, 'days-per-year': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (e) {
    if (!isParseArgsError(e)) throw e;
    err.write(`tradedesk metrics: ${e.message}\n\n${METRICS_USAGE}`);
    return 2;
  }
  if (values.help) {
    out.write(METRICS_USAGE);
    return 0;
  }
  if (values.equity === undefined || values.equity === '') {
    err.write(`tradedesk metrics: --equity FILE.csv is required\n\n${METRICS_USAGE}`);
    return 2;
  }
  const perYearFlag = values['days-per-year'];
  const perYear = perYearFlag === undefined ? undefined : Number(perYearFlag);
  if (perYear !== undefined && !(Number.isInteger(perYear) && perYear >= 1 && perYear <= 366)) {
    err.write(`tradedesk metrics: --days-per-year must be a whole number of days from 1 to 366 (252 for stocks, 365 around the clock), got ${JSON.stringify(perYearFlag)}\n`);
    return 2;
  }
  const file = values.equity;
  let report: PerformanceReport;
  try {
    report = computePerformanceReport(await readEquityCsv(file), perYear);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT') err.write(`tradedesk metrics: equity file not found: ${file}\n`);
    else if (code === 'EISDIR') err.write(`tradedesk metrics: ${file} is a directory, expected a CSV file\n`);
    else if (code === 'EACCES' || code === 'EPERM') err.write(`tradedesk metrics: cannot read ${file}: permission denied\n`);
    else if (e instanceof EquityCsvError) err.write(`tradedesk metrics: ${e.message}\n`);
    else if (e instanceof AnalyticsInputError) err.write(`tradedesk metrics: ${file}: ${e.message}\n`);
    else throw e;
    return 1;
  }
  out.write(values.json ? `${JSON.stringify(metricsJson(report))}\n` : formatMetricsTable(report, file));
  return 0;
}
