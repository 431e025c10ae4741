// A late or failing symbol holds up no other strategy. The simulator venue is
// wrapped so that one symbol's warm-up history answers only when the test
// releases it (a deferred promise: no sleeps, no timed assertions) or fails:
// the other symbols trade on live bars meanwhile, the late one gives no signal
// and one alert names it, its strategies and why; once released it joins,
// warmed up from its history and the live bars held while it waited (each bar
// fed once), and trades. A replay of the journal (whose first input is a live bar
// that came before any history) reproduces every decision.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/shared/domain.js';
import { loadConfig } from '../../../src/engine/core/config.js';
import { createEngine, type Engine } from '../../../src/engine/engine.js';
import { FeatureSet } from '../../../src/engine/features/feature-set.js';
import { readJournal } from '../../../src/engine/journal/reader.js';
import { replayJournal } from '../../../src/engine/replay.js';
import type { Signal } from '../../../src/engine/strategy/signal.js';
import { SimVenue } from '../../../src/engine/venues/sim/sim-venue.js';
import type { Venue, VenueListener } from '../../../src/engine/venues/venue.js';
import { runSliced } from '../../support/run-sliced.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

process.env.TRADEDESK_JOURNAL_ANCHOR = 'file';
const MIN = 60_000;
const LATE = 'NVDA';
const EARLY = 'SPY';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The simulator, except that LATE's history is asked of the simulator only when `gate` opens
 * (so it overlaps the live bars seen meanwhile), or fails; and on connect the stream delivers
 * EARLY's last bar again before any history is in (a broker's stream can be that quick).
 */
function slowVenue(inner: SimVenue, gate: Promise<void>, answered: Bar[][], fail?: string): Venue {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'connect') {
        return async (listener: VenueListener) => {
          await target.connect(listener);
          listener.onBar((await target.getBars(EARLY, 1))[0]!);
        };
      }
      if (prop === 'getBars') {
        return async (symbol: string, limit: number) => {
          if (symbol !== LATE) return target.getBars(symbol, limit);
          await gate;
          if (fail) throw new Error(fail);
          const bars = await target.getBars(symbol, limit);
          answered.push(bars);
          return bars;
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

interface Watch {
  signals: Signal[];
  /** Every bar of LATE a strategy was called with (warm-up and live), in order. */
  calls: number[];
  /** LATE's bars as the live stream delivered them. */
  live: Bar[];
}

async function engineWith(gate: Promise<void>, answered: Bar[][], options: { fail?: string; dataDir?: string; broken?: string } = {}): Promise<{ e: Engine; w: Watch }> {
  const input = { sim: { speed: 'max' as const }, strategy: { warmupTimeoutMs: 5 * MIN } };
  const cfg = loadConfig(input);
  const e = await createEngine(input, { dataDir: options.dataDir, venue: (clock) => slowVenue(new SimVenue(clock, cfg.sim), gate, answered, options.fail) });
  const w: Watch = { signals: [], calls: [], live: [] };
  const sink = e.signals.sink;
  e.signals.sink = { onSignal: (s, p) => (w.signals.push(s), sink?.onSignal(s, p)), onBar: (s, ts, c) => sink?.onBar(s, ts, c) };
  const rt = e.signals.runtime('ts_momentum')!;
  const onBar = rt.strategy.onBar.bind(rt.strategy);
  (rt.strategy as { onBar: typeof onBar }).onBar = (b, ctx) => {
    if (b.symbol === LATE) w.calls.push(b.ts);
    return onBar(b, ctx);
  };
  if (options.broken) {
    (e.signals.runtime(options.broken)!.strategy as { onBar: typeof onBar }).onBar = () => {
      throw new Error('kaboom');
    };
  }
  e.bus.subscribe('bar', (b) => void (b.symbol === LATE && w.live.push(b)));
  return { e, w };
}

const strategyOrders = (e: Engine) => e.oms.recent(100_000).filter((o) => o.source !== 'manual' && o.status !== 'denied');
const alertsOf = (e: Engine, code: string) => e.alerts.recent(1000).filter((a) => a.code === code);

describe('a late or failing symbol does not hold up the other strategies', () => {
  it('trades the others while one symbol\'s history loads; it joins when it arrives, each bar fed once, and a replay matches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-late-'));
    dirs.push(dir);
    const gate = deferred();
    const answered: Bar[][] = [];
    const { e, w } = await engineWith(gate.promise, answered, { dataDir: dir });
    await e.prepare();
    const start = e.now();
    expect(e.signals.history.symbols).toEqual([LATE]);

    await runSliced(e, start + 15 * MIN, 5 * MIN);
    // the others produced signals on live bars; the late symbol none, and no strategy saw its bars
    expect(w.signals.filter((s) => s.symbol !== LATE).length).toBeGreaterThan(50);
    expect(w.signals.filter((s) => s.symbol === LATE)).toEqual([]);
    expect(strategyOrders(e).filter((o) => o.symbol === LATE)).toEqual([]);
    expect(w.calls).toEqual([]);
    expect(w.live.length).toBe(15);
    // one alert: which symbol, which strategies wait, and why
    const waiting = alertsOf(e, 'HISTORY_WAITING');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.message).toMatch(new RegExp(`history for ${LATE} still loading after 300 s \\(strategy.warmupTimeoutMs\\): strategies .*ts_momentum.* give no signal on ${LATE}`));
    expect((await e.handlers.venueHealth({})).counters['history.waiting']).toBe(1);
    // the strategies panel names it on every enabled strategy
    const rows = await e.handlers.listStrategies({});
    expect(rows.filter((r) => r.enabled).map((r) => r.waitingFor.join())).toEqual(rows.filter((r) => r.enabled).map(() => LATE));
    expect(rows.filter((r) => r.enabled).length).toBeGreaterThan(3);
    expect(rows.filter((r) => !r.enabled).every((r) => r.waitingFor.length === 0)).toBe(true);

    gate.resolve();
    await nextTurn();
    expect(e.signals.history.isWaiting(LATE)).toBe(false);
    expect((await e.handlers.listStrategies({})).every((r) => r.waitingFor.length === 0)).toBe(true);
    expect(alertsOf(e, 'HISTORY_JOINED')).toHaveLength(1);
    expect(alertsOf(e, 'HISTORY_JOINED')[0]!.message).toMatch(new RegExp(`history arrived for ${LATE} after 900 s \\(\\d+ bars, ${w.live.length} live bars held meanwhile\\)`));
    // the warm-up: the history before the first live bar, then the live bars, each once, in order
    const history = answered[0]!;
    expect(history.some((b) => b.ts >= w.live[0]!.ts)).toBe(true); // the answer overlapped the live bars
    const expected = [...history.filter((b) => b.ts < w.live[0]!.ts), ...w.live];
    expect(w.calls).toEqual(expected.map((b) => b.ts));
    const ref = new FeatureSet();
    for (const b of expected) ref.update(b);
    const fs = e.signals.features.get(LATE)!;
    for (const c of ['sma_20', 'ema_50', 'rsi_14', 'vol_21', 'ret_5', 'macd'] as const) expect(fs.get(c)).toBe(ref.get(c));
    expect(Number.isFinite(fs.get('sma_200'))).toBe(true);

    const joinedAt = e.now();
    const liveBefore = w.live.length;
    await runSliced(e, joinedAt + 20 * MIN, 5 * MIN);
    // it trades now: signals on its live bars, every later bar given to the strategy once
    expect(w.signals.filter((s) => s.symbol === LATE && s.ts >= joinedAt - MIN).length).toBeGreaterThan(0);
    expect(w.calls.slice(expected.length)).toEqual(w.live.slice(liveBefore).map((b) => b.ts));
    expect((await e.handlers.venueHealth({})).counters).toMatchObject({ 'history.waiting': 0, 'history.lateJoins': 1 });
    expect(strategyOrders(e).length).toBeGreaterThan(0);
    await e.stop();

    // journaled: a live bar before any history, the start-up batch without the late symbol, then its own record when it came
    const records = [...readJournal(dir)];
    const firstWarm = records.findIndex((r) => r.kind === 'input.warmup');
    expect(records.slice(0, firstWarm).some((r) => r.kind === 'input.bar' && (JSON.parse(r.data) as Bar).symbol === EARLY)).toBe(true);
    const warm = records.filter((r) => r.kind === 'input.warmup').map((r) => Object.keys((JSON.parse(r.data) as { bars: object }).bars));
    expect(warm).toHaveLength(2);
    expect(warm[0]).not.toContain(LATE);
    expect(warm[1]).toEqual([LATE]);
    const replay = await replayJournal(dir);
    if (replay.divergence) console.log(replay.divergence);
    expect(replay.divergence).toBeUndefined();
    expect(replay).toMatchObject({ ok: true, sessions: 1 });
    expect(replay.compared).toBeGreaterThan(0);
  }, 120_000);

  it('a failing history request: the others go on, the alert names the symbol and the error, and the symbol starts cold', async () => {
    // and a strategy that throws is isolated too: alerted, switched off after repeated failures
    const { e, w } = await engineWith(Promise.resolve(), [], { fail: 'history server answered 503 Service Unavailable', broken: 'volume_spike' });
    await e.prepare();
    const failed = alertsOf(e, 'HISTORY_FAILED');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).toMatch(new RegExp(`history for ${LATE} failed: history server answered 503 Service Unavailable; strategies .*ts_momentum.* start on ${LATE} cold`));
    expect(e.signals.history.isWaiting(LATE)).toBe(false);
    e.runUntil(e.now() + 30 * MIN);
    expect(w.signals.filter((s) => s.symbol !== LATE).length).toBeGreaterThan(50);
    expect(alertsOf(e, 'STRATEGY_ERROR').some((a) => /volume_spike failed: kaboom; disabled after 5 errors/.test(a.message))).toBe(true);
    expect(e.signals.info().find((s) => s.id === 'volume_spike')!.error).toMatch(/kaboom/);
    // cold: only its live bars, too few for the long features
    expect(w.calls).toEqual(w.live.map((b) => b.ts));
    expect(Number.isNaN(e.signals.features.get(LATE)!.get('sma_200'))).toBe(true);
    expect((await e.handlers.venueHealth({})).counters['history.failed']).toBe(1);
    await e.stop();
  }, 60_000);
});
