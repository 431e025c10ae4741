// `tradedesk backtest --bars FILE.csv [...]` or `--symbols A,B --timeframe 1Day
// --from D --to D` (cached venue bars, topped up from Alpaca: backtest-bars.ts):
// runs the engine over the bars in simulated time (see src/engine/backtest) and
// prints the result as a report or JSON. The run goes to a worker thread (progress on a terminal, Ctrl-C
// cancels). Exit codes: 0 ok; 1 unreadable or bad file, or a strategy that raised;
// 2 usage error; 130 canceled (Ctrl-C).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BacktestConfig } from '../engine/backtest/backtest-config.js';
import { BacktestError } from '../engine/backtest/errors.js';
import { metricsCurve } from '../engine/backtest/backtest-result.js';
import type { AlgoSettings } from '../engine/execution/settings.js';
import { renderHtmlReport } from '../engine/backtest/report-html.js';
import { ConfigError } from '../engine/core/errors.js';
import { loadConfig, Profile, type RiskLimits } from '../engine/core/config.js';
import { parseTimestamp } from '../engine/core/timestamps.js';
import { BarsCsvError, readBarsCsv } from '../engine/data/csv-bars.js';
import { parseStrategySpec, strategyCatalog, StrategySpecError } from '../engine/strategy/registry.js';
import type { Bar } from '../shared/domain.js';
import { parseWalkForward, type WalkForwardSpec } from '../engine/backtest/walk-forward.js';
import { ALPACA_TIMEFRAMES } from '../engine/venues/alpaca/bars.js';
import type { BarsVenue, VenueBarsRequest } from './backtest-bars.js';
import { parseCalendar, parseEndpoints, resolveDataDir } from './common-flags.js';
import { backtestJson, backtestText, walkForwardText } from './backtest-output.js';
import { CliError, UsageError } from './usage.js';

const SIGNAL_NAMES = strategyCatalog()
  .filter((c) => c.kind === 'signal')
  .map((c) => c.name)
  .join(', ')
  .replace(/(.{1,52})(, |$)/g, '$1,\n                         ')
  .replace(/,\n\s*$/, '');

export const BACKTEST_USAGE = `Usage: tradedesk backtest --bars FILE.csv [options]
       tradedesk backtest --symbols A,B --timeframe 1Day --from DATE --to DATE [options]

  Runs the engine (strategies, risk checks, OMS, simulated fills, cost model)
  in simulated time over CSV bars (header timestamp,open,high,low,close,volume
  plus an optional symbol column) or over venue bars from the local bar cache.
  Market orders fill at the next bar's open, limit orders when a later bar
  trades through them.

  --bars FILE            the bars CSV (repeat for several files)
  --symbols A,B          instead of --bars: these stocks' bars from the bar cache
                         (<data-dir>/cache/bars.sqlite); with Alpaca keys in the
                         keychain the missing ranges are downloaded first (needs
                         --from and --to)
  --timeframe TF         with --symbols: ${ALPACA_TIMEFRAMES.join(' | ')} (default 1Day)
  --data-dir DIR         with --symbols: the data folder (default ~/.tradedesk, as serve)
  --venue V              with --symbols: alpaca-paper (default) | alpaca-live: whose keys
                         and cached bars
  --endpoint rest=URL,data=URL  with --symbols: override Alpaca's endpoints (as serve)
  --offline              with --symbols: only cached bars, never download
  --strategy NAME[:k=v,...]  buy_and_hold (weight, attempts) or ma_cross (fast,
                         slow, target, passive_bps, ttl), order-submitting; repeatable;
                         default buy_and_hold. Or signal strategies, through the
                         ensemble as live: ensemble (the default set), or any of
                         ${SIGNAL_NAMES}
                         (k = a numeric setting, e.g. cs_momentum:weight=0.8)
  --from DATE --to DATE  only bars in [from, to] (a date-only --to includes that day)
  --calendar C           auto | nyse | 24x7: the stocks' market calendar (crypto pairs,
                         with a slash, trade around the clock). auto (default with
                         --bars): nyse when every bar of the symbol opens in a
                         regular NYSE session (daily bars: on a session day), else
                         24x7; nyse is the default with --symbols. It decides when
                         the market is open (no orders on pre- and after-market bars
                         on nyse), when day orders expire and daily bars close, when
                         intraday strategies flatten, which missing bars are gaps,
                         and how many bars make a year for a volatility target
  --cash N               starting cash (default 100000)
  --costs none|model     frictionless fills, or the cost model (default model)
  --fees sim|alpaca|ccxt|none  fee schedule (default sim)
  --benefit-cost X       skip entries whose expected benefit is below X x cost (default 1.5; 0 = off)
  --profile P            conservative | balanced | aggressive risk limits (default balanced)
  --risk k=v,...         override risk limits, e.g. maxConcentrationPct=1,maxPositionPctEquity=0.5
  --large-orders k=v,... route strategy orders of at least advThresholdPct of the
                         average daily volume to largeOrderAlgo (twap | vwap), e.g.
                         advThresholdPct=0.01,largeOrderAlgo=vwap,participationCap=0.05;
                         advThresholdPct=0 sends every order whole (default 0.05, twap)
  --volume-cap F         fill at most F (0 < F <= 1) of a bar's volume on that bar;
                         the rest carries to the next bars (default: no cap)
  --seed N               seed of the fill model's random draws (default 1)
  --walk-forward train=N,test=M  refit ma_cross's periods (grid search, best Sharpe)
                         on each window of N bar times, then report the next M
                         out of sample; windows step by M
  --equity-out FILE      also write the equity curve as timestamp,equity CSV (from the
                         starting cash, as the close of the day before the first bar)
                         (what tradedesk metrics --equity reads)
  --html FILE            also write the report (equity, drawdown, monthly returns,
                         costs by kind, trades) as one self-contained HTML file
  --json                 print one JSON object: metrics (those of tradedesk metrics
                         plus trades, win_rate, turnover, total_costs), summary,
                         cost_analysis, run, trades
  -h, --help             show this help
`;

/** Where --symbols bars come from (the request of backtest-bars.ts without its log and signal). */
export type VenueBarsSpec = Omit<VenueBarsRequest, 'log' | 'signal'>;

export interface BacktestArgs {
  /** --bars files; empty with --symbols. */
  files: string[];
  /** --symbols: cached (and downloaded) venue bars instead of files. */
  venueBars?: VenueBarsSpec;
  config: BacktestConfig;
  seed: number;
  json: boolean;
  equityOut?: string;
  html?: string;
  walkForward?: WalkForwardSpec;
}

function number(flag: string, v: string | undefined, ok: (x: number) => boolean = Number.isFinite): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !ok(x)) throw new UsageError(`--${flag} must be a valid number, got ${JSON.stringify(v)}`);
  return x;
}

function time(flag: string, v: string | undefined, endOfDay: boolean): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTimestamp(v);
  if (typeof t === 'string') throw new UsageError(`--${flag} ${t} (use YYYY-MM-DD, an ISO datetime or epoch)`);
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? t + 86_400_000 - 1 : t;
}

/** --volume-cap F: a fraction of a bar's volume, 0 < F <= 1. */
function volumeCap(v: string | undefined): number | undefined {
  const x = Number(v);
  if (v === undefined) return undefined;
  if (v.trim() === '' || !(x > 0 && x <= 1)) throw new UsageError(`--volume-cap must be a fraction of bar volume with 0 < F <= 1, got ${JSON.stringify(v)}`);
  return x;
}

/** `k=v,...` of `--flag` as [key, value] pairs; a pair without '=' is a usage error naming `form`. */
function keyValues(flag: string, v: string, form: string): Array<[string, string]> {
  return v.split(',').map((kv) => {
    const [k, x] = kv.split('=', 2);
    if (!k || x === undefined) throw new UsageError(`--${flag}: '${kv}' must be ${form}`);
    return [k, x];
  });
}

function riskOverrides(v: string | undefined): Partial<RiskLimits> | undefined {
  if (v === undefined) return undefined;
  return Object.fromEntries(keyValues('risk', v, 'key=number').map(([k, x]) => [k, number(`risk ${k}`, x)!])) as Partial<RiskLimits>;
}

/** --large-orders: execution.algo settings, numbers except largeOrderAlgo. */
function algoOverrides(v: string | undefined): Partial<AlgoSettings> | undefined {
  if (v === undefined) return undefined;
  return Object.fromEntries(keyValues('large-orders', v, 'key=value').map(([k, x]) => [k, k === 'largeOrderAlgo' ? x : number(`large-orders ${k}`, x)!])) as Partial<AlgoSettings>;
}

export function parseBacktestArgs(argv: string[]): BacktestArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      bars: { type: 'string', multiple: true },
      symbols: { type: 'string' },
      timeframe: { type: 'string' },
      'data-dir': { type: 'string' },
      venue: { type: 'string' },
      endpoint: { type: 'string', multiple: true },
      offline: { type: 'boolean' },
      strategy: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      cash: { type: 'string' },
      costs: { type: 'string' },
      fees: { type: 'string' },
      'benefit-cost': { type: 'string' },
      profile: { type: 'string' },
      risk: { type: 'string' },
      seed: { type: 'string' },
      'volume-cap': { type: 'string' },
      calendar: { type: 'string' },
      'large-orders': { type: 'string' },
      'equity-out': { type: 'string' },
      html: { type: 'string' },
      'walk-forward': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.bars?.length && values.symbols !== undefined) throw new UsageError('--bars reads a CSV and --symbols loads cached venue bars: give one of them');
  if (!values.bars?.length && values.symbols === undefined) throw new UsageError('--bars FILE.csv or --symbols A,B is required');
  if (values.symbols === undefined) {
    const stray = (['timeframe', 'data-dir', 'venue', 'endpoint', 'offline'] as const).filter((k) => values[k] !== undefined);
    if (stray.length) throw new UsageError(`${stray.map((k) => `--${k}`).join(', ')} ${stray.length === 1 ? 'applies' : 'apply'} to --symbols (cached venue bars), not to --bars`);
  }
  if (values.costs !== undefined && values.costs !== 'none' && values.costs !== 'model') throw new UsageError(`--costs must be none or model, got ${JSON.stringify(values.costs)}`);
  if (values.fees !== undefined && !['sim', 'alpaca', 'ccxt', 'none'].includes(values.fees)) throw new UsageError(`--fees must be sim, alpaca, ccxt or none, got ${JSON.stringify(values.fees)}`);
  const profile = values.profile === undefined ? undefined : Profile.safeParse(values.profile);
  if (profile && !profile.success) throw new UsageError(`--profile must be conservative, balanced or aggressive, got ${JSON.stringify(values.profile)}`);
  let strategies;
  try {
    strategies = (values.strategy ?? ['buy_and_hold']).map(parseStrategySpec);
  } catch (e) {
    if (e instanceof StrategySpecError) throw new UsageError(`--strategy: ${e.message}`);
    throw e;
  }
  const config: BacktestConfig = {
    strategies,
    cash: number('cash', values.cash, (x) => Number.isFinite(x) && x > 0),
    costs: values.costs as BacktestConfig['costs'],
    fees: values.fees as BacktestConfig['fees'],
    benefitCostRatio: number('benefit-cost', values['benefit-cost'], (x) => Number.isFinite(x) && x >= 0),
    from: time('from', values.from, false),
    to: time('to', values.to, true),
    profile: profile?.data,
    risk: riskOverrides(values.risk),
    volumeCap: volumeCap(values['volume-cap']),
    algo: algoOverrides(values['large-orders']),
    // --symbols are Alpaca's US stocks: their exchange's sessions, as live (extended-hours bars included)
    calendar: parseCalendar(values.calendar) ?? (values.symbols !== undefined ? 'nyse' : 'auto'),
  };
  try {
    loadConfig({ profile: config.profile, risk: config.risk }); // names a bad --risk field before any work
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--risk: ${e.message}`);
    throw e;
  }
  try {
    if (config.algo) loadConfig({ execution: { algo: config.algo } });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--large-orders: ${e.message}`);
    throw e;
  }
  const seed = number('seed', values.seed, (x) => Number.isInteger(x) && x >= 0) ?? 1;
  let walkForward: WalkForwardSpec | undefined;
  if (values['walk-forward'] !== undefined) {
    try {
      walkForward = parseWalkForward(values['walk-forward']);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (!strategies.some((x) => x.name === 'ma_cross')) throw new UsageError('--walk-forward refits ma_cross: add --strategy ma_cross');
  }
  if (values.html !== undefined && values.html.trim() === '') throw new UsageError('--html needs a file name');
  if (values.html !== undefined && walkForward) throw new UsageError('--html reports one run: leave out --walk-forward');
  const venueBars = values.symbols === undefined ? undefined : venueBarsSpec(values, config);
  return { files: values.bars ?? [], venueBars, config, seed, json: values.json, equityOut: values['equity-out'], html: values.html, walkForward };
}

/** --symbols and its flags: symbols, timeframe, range, data dir, venue, endpoints. */
function venueBarsSpec(
  values: { symbols?: string; timeframe?: string; 'data-dir'?: string; venue?: string; endpoint?: string[]; offline?: boolean; from?: string; to?: string },
  config: BacktestConfig,
): VenueBarsSpec {
  const symbols = [...new Set((values.symbols ?? '').split(',').map((s) => s.trim().toUpperCase()))];
  if (symbols.some((s) => s === '')) throw new UsageError(`--symbols takes stock symbols separated by commas, got ${JSON.stringify(values.symbols)}`);
  const bad = symbols.find((s) => !/^[A-Z0-9][A-Z0-9.-]{0,31}$/.test(s));
  if (bad !== undefined) throw new UsageError(`--symbols: ${JSON.stringify(bad)} is not a stock symbol (letters, digits, '.' and '-')`);
  const timeframe = values.timeframe ?? '1Day';
  if (!(ALPACA_TIMEFRAMES as readonly string[]).includes(timeframe)) throw new UsageError(`--timeframe must be one of ${ALPACA_TIMEFRAMES.join(', ')}, got ${JSON.stringify(timeframe)}`);
  const venue = values.venue ?? 'alpaca-paper';
  if (venue !== 'alpaca-paper' && venue !== 'alpaca-live') throw new UsageError(`--venue must be alpaca-paper or alpaca-live (whose cached bars and keys), got ${JSON.stringify(venue)}`);
  if (config.from === undefined || config.to === undefined) throw new UsageError(`--symbols needs --from DATE and --to DATE: the range of bars to load`);
  if (config.from > config.to) throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
  return {
    symbols,
    timeframe,
    from: config.from,
    to: config.to,
    dataDir: resolveDataDir(values['data-dir']),
    venue: venue as BarsVenue,
    endpoints: parseEndpoints(values.endpoint),
    offline: values.offline ?? false,
  };
}

/** Reads every file; a problem is a CliError naming the file (and line and field). */
export function loadBars(files: readonly string[]): Bar[] {
  const out: Bar[] = [];
  for (const file of files) {
    try {
      out.push(...readBarsCsv(file));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'ENOENT') throw new CliError(`bars file not found: ${file}`, 1);
      if (code === 'EISDIR') throw new CliError(`${file} is a directory, expected a CSV file`, 1);
      if (code === 'EACCES' || code === 'EPERM') throw new CliError(`cannot read ${file}: permission denied`, 1);
      if (e instanceof BarsCsvError) throw new CliError(e.message, 1);
      throw e;
    }
  }
  return out;
}

/** Writes FILE.tmp-PID then renames it over FILE, so a reader never sees half a report. */
function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') throw new CliError(`cannot write --html ${file}: ${(e as Error).message}`, 1);
    throw e;
  }
}

/** Where the command writes: stdout (the report) and stderr (progress, notes). Tests pass their own. */
export interface BacktestIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: BacktestIo = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

/** Runs `fn` with a signal that Ctrl-C (SIGINT) aborts. */
async function withSigint<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** --symbols: the bars from the bar cache, downloaded first where missing (backtest-bars.ts). */
async function venueBars(spec: VenueBarsSpec, io: BacktestIo): Promise<Bar[]> {
  const { loadVenueBars } = await import('./backtest-bars.js');
  return withSigint((signal) => loadVenueBars({ ...spec, signal, log: (line) => io.err(`${line}\n`) }));
}

export async function runBacktestCommand(argv: string[], io: BacktestIo = STDIO): Promise<number> {
  const args = parseBacktestArgs(argv);
  if (args === 'help') {
    io.out(BACKTEST_USAGE);
    return 0;
  }
  const v = args.venueBars;
  const bars = v ? await venueBars(v, io) : loadBars(args.files);
  const source = v ? `${v.symbols.join(', ')} ${v.timeframe} bars (${v.venue}, bar cache)` : args.files.join(', ');
  if (args.walkForward) return walkForwardCommand(bars, args, args.walkForward, io);
  const { runBacktestInWorker } = await import('../engine/backtest/run-in-worker.js');
  // progress on a terminal only: one line, rewritten
  const tty = process.stderr.isTTY === true;
  const onProgress = tty ? (p: { done: number; total: number }) => io.err(`\rbacktest: ${p.done} / ${p.total} bars (${((100 * p.done) / Math.max(1, p.total)).toFixed(0)}%)`) : undefined;
  try {
    const result = await withSigint((signal) => runBacktestInWorker(bars, args.config, args.seed, { signal, onProgress }));
    if (tty) io.err('\n');
    if (args.equityOut) writeFileSync(args.equityOut, `timestamp,equity\n${metricsCurve(result.equity, result.summary.startingCash).map(([t, e]) => `${new Date(t).toISOString()},${e}`).join('\n')}\n`);
    if (args.html) writeFileAtomic(args.html, renderHtmlReport(result, { source, generatedAt: Date.now() }));
    io.out(args.json ? `${JSON.stringify(backtestJson(result))}\n` : backtestText(result, source));
    return 0;
  } catch (e) {
    if (e instanceof BacktestError) throw new CliError(e.message, e.code === 'CANCELED' ? 130 : 1);
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** --walk-forward: every window's refit and test, on a worker thread (progress on a terminal, Ctrl-C cancels). */
async function walkForwardCommand(bars: Bar[], args: BacktestArgs, spec: WalkForwardSpec, io: BacktestIo): Promise<number> {
  const { runWalkForwardInWorker } = await import('../engine/backtest/run-in-worker.js');
  const tty = process.stderr.isTTY === true;
  try {
    const r = await withSigint((signal) =>
      runWalkForwardInWorker(bars, args.config, args.seed, spec, {
        signal,
        onProgress: tty ? (p) => io.err(`\rwalk-forward: ${p.done} / ${p.total} backtest runs`) : undefined,
      }),
    );
    if (tty) io.err('\n');
    io.out(args.json ? `${JSON.stringify({ walk_forward: r })}\n` : walkForwardText(r));
    return 0;
  } catch (e) {
    if (e instanceof BacktestError) throw new CliError(e.message, e.code === 'CANCELED' ? 130 : 1);
    throw e;
  }
}
