// `tradedesk serve --bars FILE.csv [--strategy NAME]... [--speed max|N]`: the
// engine `serve` hosts replays the CSV's bars through the backtest's BarVenue
// (createBacktestSession) instead of trading the simulator, driven by its
// SimDriver at --speed like any served session, journaled in --data-dir. What
// it decides is what runBacktest decides on the same bars, config and seed
// (test/integration/cli/serve-bars-parity.test.ts checks it against a real
// serve process). The end of the bars is logged on stderr; the engine and the
// UI keep running (simulated time stopped) until stopped.
import { existsSync, readdirSync } from 'node:fs';
import type { BacktestConfig } from '../engine/backtest/backtest-config.js';
import type { CalendarChoice } from '../engine/data/bar-calendar.js';
import { BacktestError } from '../engine/backtest/errors.js';
import type { Engine } from '../engine/engine.js';
import { parseStrategySpec, StrategySpecError } from '../engine/strategy/registry.js';
import { loadBars } from './backtest-command.js';
import { CliError, UsageError } from './usage.js';

export interface ServeBarsOptions {
  files: string[];
  /** `name[:k=v,...]` as for `tradedesk backtest` (default: ensemble, the signal strategies as live). */
  strategies?: string[];
  /** The cost model on (default) or off, as `tradedesk backtest --costs`. */
  costs?: 'model' | 'none';
  /** The stocks' market calendar, as `tradedesk backtest --calendar` (default auto). */
  calendar?: CalendarChoice;
  seed?: number;
  speed?: number | 'max';
  dataDir: string;
  log: (line: string) => void;
}

/** The line logged when every bar has been replayed (tests wait for it). */
export const REPLAY_DONE = 'bars replayed:';

export async function createBarsEngine(o: ServeBarsOptions): Promise<Engine> {
  let strategies;
  try {
    strategies = (o.strategies?.length ? o.strategies : ['ensemble']).map(parseStrategySpec);
  } catch (e) {
    if (e instanceof StrategySpecError) throw new UsageError(`--strategy: ${e.message}`);
    throw e;
  }
  // a replay starts its own journal at the first bar's time: never mixed into an existing one
  if (existsSync(o.dataDir) && readdirSync(o.dataDir).some((f) => f.startsWith('journal-'))) {
    throw new CliError(`--bars replays into a fresh data dir, and ${o.dataDir} already holds a journal; choose another --data-dir`, 1);
  }
  const bars = loadBars(o.files);
  const config: BacktestConfig = { strategies, costs: o.costs, calendar: o.calendar, journalDir: o.dataDir, speed: o.speed ?? 'max' };
  const { createBacktestSession } = await import('../engine/backtest/run-backtest.js');
  let session: ReturnType<typeof createBacktestSession>;
  try {
    session = createBacktestSession(bars, config, o.seed ?? 1, {
      onEnd: (failure) => {
        const e = session.engine;
        e.pauseClock(); // nothing more to replay: simulated time stops (no busy loop, no records past the bars)
        if (failure) o.log(`replay stopped: ${failure.message}`);
        else o.log(`${REPLAY_DONE} ${session.bars.length} bars of ${o.files.join(', ')}; ${e.stats.ordersSubmitted} orders, ${e.stats.fills} fills, equity ${e.portfolio.equity().toFixed(2)}`);
      },
    });
  } catch (e) {
    if (e instanceof BacktestError) throw new CliError(e.message, 1);
    throw e;
  }
  return session.engine;
}
