// The backtest commands of the contract (shared/api/backtest-contract.ts): a
// run over the engine's recent bars for chosen symbols or over uploaded CSV
// text goes to a worker thread (runBacktestInWorker), so the engine and the UI
// stay responsive; backtestRun answers at once with the run's id, and the UI
// polls backtestStatus. The last BACKTEST_RUNS_KEPT runs stay in memory with
// their reports; backtestCancel terminates a run's worker.
import type { BacktestRunInfo } from '../../shared/api/backtest-contract.js';
import { BACKTEST_RUNS_KEPT } from '../../shared/api/backtest-contract.js';
import type { CommandHandlers } from '../../shared/api/protocol.js';
import { ApiFailure } from '../../shared/api/protocol.js';
import type { Bar } from '../../shared/domain.js';
import { BarsCsvError, parseBarsCsv } from '../data/csv-bars.js';
import { parseStrategySpec, strategyCatalog, StrategySpecError, type StrategySpec } from '../strategy/registry.js';
import type { BacktestConfig } from './backtest-config.js';
import type { BacktestResult } from './backtest-result.js';
import { BacktestError } from './errors.js';
import { buildReport, type BacktestReport } from './report.js';
import { renderHtmlReport } from './report-html.js';
import type { WorkerHooks } from './run-in-worker.js';

/** Runs at once at most; a further backtestRun is refused (BUSY). */
export const BACKTEST_MAX_RUNNING = 2;

type BacktestCommandName = 'backtestRun' | 'backtestStatus' | 'backtestResult' | 'backtestCancel' | 'backtestList' | 'backtestStrategies' | 'backtestHtml';
export type BacktestHandlers = Pick<CommandHandlers, BacktestCommandName>;

export interface BacktestDeps {
  /** Recent bars per symbol (the engine's history). */
  bars: (symbols: string[], limit: number) => Promise<Map<string, Bar[]>>;
  knownSymbol: (symbol: string) => boolean;
  /** Wall-clock ms (default Date.now). */
  now?: () => number;
  /** Default: runBacktestInWorker. */
  run?: (bars: readonly Bar[], config: BacktestConfig, seed: number, hooks: WorkerHooks) => Promise<BacktestResult>;
}

interface Run {
  info: BacktestRunInfo;
  abort: AbortController;
  report?: BacktestReport;
}

function strategySpecs(texts: readonly string[]): StrategySpec[] {
  return texts.map((t, i) => {
    try {
      return parseStrategySpec(t.trim());
    } catch (e) {
      if (e instanceof StrategySpecError) throw new ApiFailure('BAD_ARGS', `field 'strategies.${i}': ${e.message}`);
      throw e;
    }
  });
}

/** Progress about every 1% of the bar times. */
function progressEvery(bars: readonly Bar[]): number {
  return Math.max(1, Math.ceil(new Set(bars.map((b) => b.ts)).size / 100));
}

export function buildBacktestHandlers(deps: BacktestDeps): BacktestHandlers {
  const now = deps.now ?? Date.now;
  const runs = new Map<string, Run>();
  let seq = 0;

  const get = (id: string): Run => {
    const r = runs.get(id);
    if (!r) throw new ApiFailure('UNKNOWN_RUN', `no backtest run '${id}' (the last ${BACKTEST_RUNS_KEPT} runs are kept)`);
    return r;
  };
  const finished = (id: string): Run & { report: BacktestReport } => {
    const r = get(id);
    if (!r.report) throw new ApiFailure('NOT_FINISHED', `backtest run '${id}' is ${r.info.state}${r.info.error ? `: ${r.info.error}` : ''}; it has no report`);
    return r as Run & { report: BacktestReport };
  };
  const prune = (): void => {
    const old = [...runs.values()].filter((r) => r.info.state !== 'running').sort((a, b) => a.info.startedAt - b.info.startedAt);
    while (runs.size > BACKTEST_RUNS_KEPT && old.length) runs.delete(old.shift()!.info.id);
  };

  return {
    backtestRun: async (a) => {
      const running = [...runs.values()].filter((r) => r.info.state === 'running').length;
      if (running >= BACKTEST_MAX_RUNNING) throw new ApiFailure('BUSY', `${running} backtests are running; wait for one or cancel it`);
      const strategies = strategySpecs(a.strategies);
      let bars: Bar[];
      let source: string;
      if (a.source.kind === 'sim') {
        const symbols = [...new Set(a.source.symbols)];
        const unknown = symbols.filter((s) => !deps.knownSymbol(s));
        if (unknown.length) throw new ApiFailure('BAD_ARGS', `field 'source.symbols': unknown symbol${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `'${s}'`).join(', ')}`);
        const got = await deps.bars(symbols, a.source.limit);
        bars = symbols.flatMap((s) => got.get(s) ?? []);
        source = `simulator: ${symbols.join(', ')} (last ${a.source.limit} bars)`;
      } else {
        try {
          bars = parseBarsCsv(a.source.text, a.source.name);
        } catch (e) {
          if (e instanceof BarsCsvError) throw new ApiFailure('BAD_CSV', e.message);
          throw e;
        }
        source = a.source.name;
      }
      if (bars.length === 0) throw new ApiFailure('NO_BARS', `field 'source': no bars to replay from ${source}`);
      const id = `bt-${++seq}`;
      const run: Run = {
        abort: new AbortController(),
        info: { id, label: a.label || `Run ${seq}`, source, strategies: a.strategies.map((s) => s.trim()), state: 'running', done: 0, total: bars.length, startedAt: now(), finishedAt: null, error: null, summary: null },
      };
      runs.set(id, run);
      prune();
      const config: BacktestConfig = { strategies, cash: a.cash, costs: a.costs, fees: a.fees, calendar: a.calendar };
      const start = deps.run ?? (await import('./run-in-worker.js')).runBacktestInWorker;
      const info = run.info;
      start(bars, config, a.seed, { signal: run.abort.signal, every: progressEvery(bars), onProgress: (p) => Object.assign(info, { done: p.done, total: p.total }) }).then(
        (result) => {
          run.report = buildReport(result);
          const s = result.summary;
          Object.assign(info, {
            state: 'done',
            done: result.bars,
            finishedAt: now(),
            summary: { finalEquity: s.finalEquity, totalReturn: s.totalReturn, maxDrawdown: run.report.maxDrawdown.depth, trades: s.trades, winRate: s.winRate, totalCosts: s.totalCosts, sharpe: result.metrics?.metrics.sharpe ?? null },
          });
        },
        (e: unknown) => {
          const canceled = e instanceof BacktestError && e.code === 'CANCELED';
          Object.assign(info, { state: canceled ? 'canceled' : 'failed', finishedAt: now(), error: e instanceof Error ? e.message : String(e) });
        },
      );
      return { ...info };
    },
    backtestStatus: ({ id }) => ({ ...get(id).info }),
    backtestResult: ({ id }) => {
      const r = finished(id);
      return { info: { ...r.info }, report: r.report };
    },
    backtestCancel: ({ id }) => {
      const r = get(id);
      if (r.info.state === 'running') r.abort.abort();
      return { ...r.info };
    },
    backtestList: () => [...runs.values()].map((r) => ({ ...r.info })).reverse(),
    backtestStrategies: () => strategyCatalog(),
    backtestHtml: ({ id }) => {
      const r = finished(id);
      const content = renderHtmlReport(r.report, { title: `Backtest report: ${r.info.label}`, source: r.info.source, generatedAt: now() });
      return { filename: `tradedesk-backtest-${id}.html`, mime: 'text/html', content };
    },
  };
}
