// runBacktest: a pure function of (bars, config, seed) — the same inputs give
// the same result — that runs the real engine (strategies, risk engine, OMS,
// portfolio, risk monitor, cost model) in simulated time over the bars through
// the BarVenue. It runs on any thread (see run-in-worker.ts); progress is
// reported and an AbortSignal cancels it between groups of bars. A strategy that
// raises ends the run with an error naming the bar; no metrics are returned.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Bar, Instrument, TradingStateChange } from '../../shared/domain.js';
import { Engine, type EngineOptions, type JournalSink } from '../engine.js';
import { feeModelFor } from '../execution/costs/fees.js';
import { daysPerYearOf } from '../core/annualize.js';
import { LatestValues } from '../core/latest-values.js';
import { Journal } from '../journal/journal.js';
import type { JournalKind } from '../journal/records.js';
import { DURABLE_GROUP_MS, DURABLE_GROUP_RECORDS } from '../journal/settings.js';
import type { DecisionRecord } from '../journal/decision-log.js';
import { SeededRng } from '../risk/analytics/prng.js';
import { createStrategy, signalIdOf } from '../strategy/registry.js';
import type { Strategy } from '../strategy/strategy.js';
import { calendarsOf, defaultInstrument, engineConfigFor, type BacktestConfig } from './backtest-config.js';
import { buyAndHoldCurve, performanceOf, summarize, type BacktestDecision, type BacktestResult } from './backtest-result.js';
import { BarVenue } from './bar-venue.js';
import { BacktestError } from './errors.js';
import { BarFillModel } from './fill-model.js';
import { TradeBook, type TradeFill } from './trades.js';
import type { BacktestProgress } from './worker-messages.js';

export type { BacktestProgress } from './worker-messages.js';

export interface BacktestHooks {
  onProgress?: (p: BacktestProgress) => void;
  /** Checked between groups of bars; an aborted signal ends the run with BacktestError CANCELED. */
  signal?: AbortSignal;
  /** Groups of bars between progress reports (and cancel checks); default 2048. */
  every?: number;
  /** Strategy objects to run besides the named ones (research code and tests in the same thread). */
  strategies?: Strategy[];
  /** Called once when the last bar has been delivered, or with the failure when a strategy raised (a host driving the session). */
  onEnd?: (failure: BacktestError | undefined) => void;
}

/** A journaled decision as a backtest reports it (runBacktest's decisions; a served replay's journal maps the same way). */
export function backtestDecision(d: DecisionRecord): BacktestDecision {
  return { ts: d.ts, id: d.id, source: d.source, symbol: d.symbol, side: d.side, type: d.type, qty: d.qty, limitPrice: d.limitPrice, approved: d.approved, reason: d.approved ? d.reason : (d.checks.find((c) => !c.passed)?.message ?? d.reason) };
}

/** Sorts by time, then symbol (a copy; the input is not changed) and keeps from..to. */
export function prepareBars(bars: readonly Bar[], from = -Infinity, to = Infinity): Bar[] {
  const all = from === -Infinity && to === Infinity;
  // one pass checks every bar and, without a range, whether they are in order already (a pass over a million bar objects is memory-bound)
  let sorted = true;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    if (typeof b.symbol !== 'string' || b.symbol === '') throw new BacktestError('BAD_INPUT', `bar ${i}: field 'symbol' must be a non-empty string`);
    if (!Number.isFinite(b.ts)) throw new BacktestError('BAD_INPUT', `bar ${i} (${b.symbol}): field 'ts' must be a finite epoch-ms number, got ${b.ts}`);
    if (all && sorted && i > 0) sorted = inOrder(bars[i - 1]!, b);
  }
  const kept = all ? bars.slice() : bars.filter((b) => b.ts >= from && b.ts <= to);
  if (!all) for (let i = 1; i < kept.length && sorted; i++) sorted = inOrder(kept[i - 1]!, kept[i]!);
  return sorted ? kept : kept.sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

function inOrder(a: Bar, b: Bar): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.symbol <= b.symbol);
}

/**
 * The bar interval: the smallest spacing between two bars of one symbol (60 s if none), over the lists read one after
 * the other (warm-up, then bars). Every symbol must have the same one: a bar is delivered one interval after it opens,
 * so daily bars beside minute bars would be delivered a minute after midnight, their close known all day before it
 * happened (a look-ahead for every other symbol's decisions). Symbols on different intervals are refused.
 */
export function barInterval(...lists: ReadonlyArray<readonly Bar[]>): number {
  // per symbol, its last time and smallest spacing in a box (a Map of plain numbers would allocate one for every bar)
  const last = new Map<string, { ts: number; dt: number }>();
  for (const bars of lists) {
    // indexed: this runs once, unoptimized, and `for...of` would allocate an iterator result per bar
    for (let i = 0; i < bars.length; i++) {
      const b = bars[i]!;
      const p = last.get(b.symbol);
      if (p === undefined) {
        last.set(b.symbol, { ts: b.ts, dt: Infinity });
        continue;
      }
      if (b.ts > p.ts && b.ts - p.ts < p.dt) p.dt = b.ts - p.ts;
      p.ts = b.ts;
    }
  }
  let dt = Infinity;
  let first = '';
  for (const [symbol, p] of last) {
    if (!Number.isFinite(p.dt)) continue; // a single bar (or one time): no spacing of its own
    if (dt === Infinity) [dt, first] = [p.dt, symbol];
    else if (p.dt !== dt) {
      throw new BacktestError('BAD_INPUT', `the bars of one run must share one interval: ${first}'s are ${spanText(dt)} apart, ${symbol}'s ${spanText(p.dt)} (run each interval on its own, or resample)`);
    }
  }
  return Number.isFinite(dt) ? dt : 60_000;
}

function spanText(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1_000, 'second']];
  for (const [u, name] of units) if (ms % u === 0) return `${ms / u} ${name}${ms === u ? '' : 's'}`;
  return `${ms} ms`;
}

/** Keeps the decisions (and forwards everything to the journal when there is one). */
class DecisionSink implements JournalSink {
  readonly decisions: BacktestDecision[] = [];
  constructor(private readonly journal?: Journal) {}
  append(ts: number, kind: JournalKind, payload: unknown): void {
    this.journal?.append(ts, kind, payload);
    if (kind !== 'decision') return;
    this.decisions.push(backtestDecision(payload as DecisionRecord));
  }
  flush(): void {
    this.journal?.flush();
  }
  close(): void | Promise<void> {
    return this.journal?.close();
  }
}

/** An engine wired to a BarVenue over the bars, not yet started, and how to read its result. */
export interface BacktestSession {
  engine: Engine;
  venue: BarVenue;
  bars: Bar[];
  /** The first strategy failure, if any (the venue stops delivering after it). */
  failure(): BacktestError | undefined;
  result(): BacktestResult;
}

/**
 * Builds the engine for a backtest: runBacktest drives it synchronously; a host may drive it with its SimDriver (engine.start()).
 * `engineOptions.keepDecisions`: the engine's own decision log (what a host's UI queries); runBacktest keeps none.
 * `engineOptions.equityCurve`: the engine's per-minute equity samples (the account metrics a host's UI shows);
 * runBacktest keeps none (its result's curve is the session's own, sampled after every group of bars).
 */
export function createBacktestSession(
  input: readonly Bar[],
  config: BacktestConfig,
  seed: number,
  hooks: Pick<BacktestHooks, 'strategies' | 'onEnd'> = {},
  engineOptions: Pick<EngineOptions, 'keepDecisions' | 'equityCurve'> = {},
): BacktestSession {
  if (config.strategies.length + (hooks.strategies?.length ?? 0) === 0) throw new BacktestError('BAD_INPUT', 'no strategy to run');
  if (new Set(config.strategies.map((s) => signalIdOf(s) ?? s.name)).size !== config.strategies.length) throw new BacktestError('BAD_INPUT', 'each strategy may run once per backtest');
  // signal strategies run through the StrategyRunner and the ensemble (as live); order-submitting ones alone
  const signalSpecs = config.strategies.filter((s) => signalIdOf(s) !== undefined);
  const signalRun = signalSpecs.length > 0;
  if (signalRun && (signalSpecs.length !== config.strategies.length || hooks.strategies?.length)) {
    throw new BacktestError('BAD_INPUT', `signal strategies (${signalSpecs.map((s) => s.name).join(', ')}) run through the ensemble and cannot be combined with order-submitting ones (buy_and_hold, ma_cross) in one backtest`);
  }
  const bars = prepareBars(input, config.from, config.to);
  if (bars.length === 0) throw new BacktestError('NO_BARS', 'no bars to replay (empty input, or none between --from and --to)');
  const barMs = barInterval(config.warmup ?? [], bars);
  const calendars = calendarsOf(bars, barMs, config.calendar);
  const symbols = [...calendars.keys()].sort();
  const instruments: Instrument[] = symbols.map((s) => defaultInstrument(s, { calendar: calendars.get(s), ...config.instruments?.[s] }));
  const warmup: Record<string, Bar[]> = {};
  for (const b of config.warmup ?? []) (warmup[b.symbol] ??= []).push(b);
  let start = bars[0]!.ts;
  for (const b of config.warmup ?? []) start = Math.min(start, b.ts + barMs);
  const engineConfig = engineConfigFor(config, seed, start, barMs);
  const strategies = signalRun ? [] : [...config.strategies.map((s) => createStrategy(s, engineConfig.strategy)), ...(hooks.strategies ?? [])];
  const rng = new SeededRng(seed);
  const costsOn = (config.costs ?? 'model') === 'model';

  const equity: Array<[number, number]> = [];
  let failure: BacktestError | undefined;
  let ended = false;

  let venue: BarVenue | undefined;
  // Durable records are group-committed (one fsync per DURABLE_GROUP_RECORDS of them, or per group
  // window): no order of a backtest leaves for a venue, and the sink is no write-ahead gate, so
  // the disk never changes what the run decides; close() makes the whole run durable.
  const sink = new DecisionSink(config.journalDir ? Journal.open(config.journalDir, { durableGroupMs: DURABLE_GROUP_MS, durableGroupRecords: DURABLE_GROUP_RECORDS }) : undefined);
  const engine: Engine = new Engine(engineConfig, {
    journal: sink,
    // without injected strategies the engine runs its signal strategies and the ensemble; learning is in memory (no data dir), fresh per run
    strategies: signalRun ? undefined : strategies,
    keepDecisions: engineOptions.keepDecisions,
    equityCurve: engineOptions.equityCurve,
    venue: (clock) =>
      (venue = new BarVenue(clock, {
        bars,
        instruments,
        barMs,
        fillModel: new BarFillModel(config.touchFillProb ?? 0, () => rng.next(), config.volumeCap),
        costs: costsOn ? 'model' : 'none',
        fees: feeModelFor(engineConfig.costs.fees),
        costParams: engineConfig.costs,
        statsWindow: engineConfig.costs.statsWindow,
        warmup,
        // the equity after a group of bars, at the bars' time (as the engine's own curve and the fills are stamped): a
        // daily bar's equity on its trading day, not on the next calendar day (a run to 31 December ended in January)
        afterGroup: (_ts, barTs) => {
          equity.push([barTs, engine.portfolio.equity()]);
          if ((failure || venue!.delivered === bars.length) && !ended) {
            ended = true;
            hooks.onEnd?.(failure);
          }
          return failure !== undefined;
        },
      })),
  });
  const book = new TradeBook();
  const fills: TradeFill[] = [];
  const states: TradingStateChange[] = [];
  const lastClose = new LatestValues();
  const e = engine;
  e.bus.subscribe('fill', (f) => {
    const tf: TradeFill = { source: e.oms.get(f.clientOrderId)?.source ?? 'unknown', symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, fee: f.fee, ts: f.ts };
    fills.push(tf);
    book.onFill(tf);
  });
  e.bus.subscribe('bar', (b) => lastClose.set(b.symbol, b.close));
  e.bus.subscribe('tradingState', (c) => states.push(c));
  e.bus.subscribe('alert', (a) => {
    if (a.code !== 'STRATEGY_ERROR' || failure) return;
    const i = venue!.current;
    const b = bars[i];
    const where = b ? `bar ${i + 1} of ${bars.length} (${b.symbol} ${new Date(b.ts).toISOString()})` : 'warm-up';
    failure = new BacktestError('STRATEGY_FAILED', `${a.message.replace(/^strategy (\S+) failed: /, 'strategy $1 raised ')} at ${where}`);
  });

  const result = (): BacktestResult => {
    const trades = book.all((s) => lastClose.get(s));
    // annualized on the days the curve has: every calendar day when its bars run through weekends
    const perf = performanceOf(equity, engineConfig.sim.startingCash, daysPerYearOf(equity.map((p) => p[0])));
    const benchmark = buyAndHoldCurve(bars, symbols, equity.map((p) => p[0]), engineConfig.sim.startingCash);
    const v = venue!;
    return {
      symbols,
      bars: bars.length,
      from: bars[0]!.ts,
      to: bars[bars.length - 1]!.ts,
      barMs,
      calendars: Object.fromEntries(instruments.map((i) => [i.symbol, i.calendar])),
      seed,
      strategies: signalRun ? e.signals.runtimes.filter((r) => r.enabled).map((r) => r.strategy.id) : strategies.map((s) => s.id),
      summary: summarize({
        startingCash: engineConfig.sim.startingCash,
        equity,
        trades,
        fills,
        fees: v.fees,
        slippage: v.slippage,
        ordersSubmitted: e.stats.ordersSubmitted,
        ordersDenied: e.stats.ordersDenied,
        // direct orders refused by the benefit/cost filter, and the ensemble's entries it refused
        ordersSkipped: e.costs.skipped + (signalRun ? e.signals.ensemble.skippedCost : 0),
        finalTradingState: e.risk.tradingState,
        benchmark,
      }),
      metrics: perf.metrics,
      metricsNote: perf.note,
      trades,
      fills,
      decisions: sink.decisions,
      costAnalysis: { ...e.costs.feedback.summary(), records: e.costs.feedback.records.slice() },
      costBreakdown: { estimated: { ...e.costs.estimatedParts }, charged: { ...v.charged } },
      tradingStates: states,
      equity,
      benchmark,
    };
  };
  return { engine: e, venue: venue!, bars, failure: () => failure, result };
}

/** Groups of bars between two settlements of pending promise reactions (runBacktest without a cancel signal). */
const SETTLE_EVERY = 32;

export async function runBacktest(input: readonly Bar[], config: BacktestConfig, seed: number, hooks: BacktestHooks = {}): Promise<BacktestResult> {
  // no UI asks a batch run's engine for its decision log or account metrics (the result has the decisions and its
  // own equity curve): keeping them only made garbage
  const session = createBacktestSession(input, config, seed, hooks, { keepDecisions: 0, equityCurve: false });
  const { engine: e, venue, bars } = session;
  try {
    await e.prepare();
    const every = hooks.every ?? 2048;
    let groups = 0;
    for (let at = e.clock.nextTimerAt(); at !== undefined && !session.failure(); at = e.clock.nextTimerAt()) {
      e.clock.advanceTo(at);
      const report = ++groups % every === 0;
      if (report) {
        hooks.onProgress?.({ done: venue.delivered, total: bars.length });
        if (hooks.signal) {
          await yieldToLoop();
          if (hooks.signal.aborted) throw new BacktestError('CANCELED', `backtest canceled after ${venue.delivered} of ${bars.length} bars`);
        }
      }
      // settle the venue calls' promise reactions (one per order and cancel) every few groups: held longer, they
      // outlive young-generation collections and are copied to the old one (a long run's GC)
      if (!hooks.signal && (report || groups % SETTLE_EVERY === 0)) await Promise.resolve();
    }
    const failed = session.failure();
    if (failed) throw failed;
    hooks.onProgress?.({ done: venue.delivered, total: bars.length });
  } finally {
    await e.stop();
  }

  return session.result();
}
