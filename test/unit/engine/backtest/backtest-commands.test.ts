// The backtest commands: argument errors name the field (strategy, symbol, CSV
// line and field), a run answers at once and is then polled to its report and
// HTML (on the real worker thread), cancel ends a run, and only the last ten
// runs are kept.
import { describe, expect, it } from 'vitest';
import { buildBacktestHandlers, type BacktestDeps } from '../../../../src/engine/backtest/backtest-commands.js';
import { BacktestError } from '../../../../src/engine/backtest/errors.js';
import { runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import { ApiFailure, parseCommand } from '../../../../src/shared/api/protocol.js';
import type { Bar } from '../../../../src/shared/domain.js';
import { randomBars } from '../../../support/bars.js';

const T0 = Date.parse('2024-01-02T15:00:00Z');
const BARS = randomBars({ symbols: ['AAA', 'BBB'], n: 200, seed: 4, start: T0, stepMs: 60_000, vol: 0.01 });
const csvOf = (bars: readonly Bar[]): string => `symbol,timestamp,open,high,low,close,volume\n${bars.map((b) => `${b.symbol},${new Date(b.ts).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`).join('\n')}\n`;

function deps(over: Partial<BacktestDeps> = {}): BacktestDeps {
  return {
    bars: async (symbols, limit) => new Map(symbols.map((s) => [s, BARS.filter((b) => b.symbol === s).slice(-limit)])),
    knownSymbol: (s) => s === 'AAA' || s === 'BBB',
    run: (bars, config, seed, hooks) => runBacktest(bars, config, seed, hooks),
    ...over,
  };
}

/** Parses the args like a transport does, then calls the handler. */
async function run(h: ReturnType<typeof buildBacktestHandlers>, args: unknown) {
  const p = parseCommand('backtestRun', args);
  if (!p.ok) throw new ApiFailure(p.error.code, p.error.message);
  return h.backtestRun(p.args as Parameters<typeof h.backtestRun>[0]);
}

async function settled(h: ReturnType<typeof buildBacktestHandlers>, id: string) {
  for (;;) {
    const s = h.backtestStatus({ id }) as Awaited<ReturnType<typeof h.backtestStatus>>;
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('backtest commands: errors name the field', () => {
  const h = buildBacktestHandlers(deps());
  it('a bad strategy, an unknown symbol, a bad CSV row, a bad cash', async () => {
    await expect(run(h, { source: { kind: 'sim', symbols: ['AAA'] }, strategies: ['buy_and_hold', 'ma_cross:fast=x'] })).rejects.toThrow(/field 'strategies\.1': strategy ma_cross: 'fast=x' must be key=number/);
    await expect(run(h, { source: { kind: 'sim', symbols: ['AAA', 'ZZZ'] }, strategies: ['buy_and_hold'] })).rejects.toThrow(/field 'source\.symbols': unknown symbol 'ZZZ'/);
    const bad = csvOf(BARS.slice(0, 5)).replace(/,(\d+(\.\d+)?),(\d+(\.\d+)?)\n/, ',oops,$3\n');
    await expect(run(h, { source: { kind: 'csv', text: bad, name: 'up.csv' }, strategies: ['buy_and_hold'] })).rejects.toThrow(/up\.csv:2: field 'close'/);
    await expect(run(h, { source: { kind: 'sim', symbols: ['AAA'] }, strategies: ['buy_and_hold'], cash: -5 })).rejects.toThrow(/field 'cash'/);
    await expect(run(h, { source: { kind: 'sim', symbols: [] }, strategies: ['buy_and_hold'] })).rejects.toThrow(/field 'source\.symbols': choose at least one symbol/);
    expect(() => h.backtestStatus({ id: 'bt-99' })).toThrow(/no backtest run 'bt-99'/);
    expect(h.backtestList({})).toEqual([]);
  });
});

describe('backtest commands: runs', () => {
  it('runs CSV text on the worker thread: running at once, then done with the report and its HTML', async () => {
    const h = buildBacktestHandlers(deps({ run: undefined }));
    const started = await run(h, { source: { kind: 'csv', text: csvOf(BARS), name: 'two.csv' }, strategies: ['buy_and_hold', 'ma_cross:fast=3,slow=8'], label: 'mine' });
    expect(started).toMatchObject({ id: 'bt-1', label: 'mine', state: 'running', source: 'two.csv', total: 400 });
    expect(() => h.backtestResult({ id: started.id })).toThrow(/is running; it has no report/);
    const done = await settled(h, started.id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ state: 'done', done: 400 });
    const direct = await runBacktest(BARS, { strategies: [{ name: 'buy_and_hold', params: {} }, { name: 'ma_cross', params: { fast: 3, slow: 8 } }] }, 1);
    const { report, info } = h.backtestResult({ id: started.id }) as Awaited<ReturnType<typeof h.backtestResult>>;
    expect(info.summary!.finalEquity).toBeCloseTo(direct.summary.finalEquity, 9);
    expect(report.trades).toEqual(direct.trades);
    expect(report.run.symbols).toEqual(['AAA', 'BBB']);
    const html = h.backtestHtml({ id: started.id }) as Awaited<ReturnType<typeof h.backtestHtml>>;
    expect(html.filename).toBe('tradedesk-backtest-bt-1.html');
    expect(html.content).toContain('Backtest report: mine');
    expect(html.content.match(/<tr>/g)!.length).toBeGreaterThan(direct.trades.length);
  });

  it('the simulator source reads the engine history of each symbol', async () => {
    let asked: [string[], number] | undefined;
    const h = buildBacktestHandlers(deps({ bars: async (s, l) => ((asked = [s, l]), deps().bars(s, l)) }));
    const r = await run(h, { source: { kind: 'sim', symbols: ['BBB', 'AAA', 'BBB'], limit: 50 }, strategies: ['buy_and_hold'] });
    expect(asked).toEqual([['BBB', 'AAA'], 50]);
    expect(r).toMatchObject({ total: 100, source: 'simulator: BBB, AAA (last 50 bars)' });
    expect((await settled(h, r.id)).state).toBe('done');
    // the last 50 of these minute bars open from 17:30Z to 18:19Z on a Tuesday, inside the NYSE session: 'auto' (the
    // default) finds the exchange's calendar; one chosen in the form reaches the run
    const calendars = (id: string) => (h.backtestResult({ id }) as Awaited<ReturnType<typeof h.backtestResult>>).report.run.calendars;
    expect(calendars(r.id)).toEqual({ AAA: 'nyse', BBB: 'nyse' });
    const chosen = await run(h, { source: { kind: 'sim', symbols: ['AAA', 'BBB'], limit: 50 }, strategies: ['buy_and_hold'], calendar: '24x7' });
    expect((await settled(h, chosen.id)).state).toBe('done');
    expect(calendars(chosen.id)).toEqual({ AAA: '24x7', BBB: '24x7' });
    await expect(run(h, { source: { kind: 'sim', symbols: ['AAA'] }, strategies: ['buy_and_hold'], calendar: 'lse' })).rejects.toThrow(/field 'calendar'/);
  });

  it('cancel aborts the run: canceled, with no report', async () => {
    const h = buildBacktestHandlers(
      deps({
        run: (_b, _c, _s, hooks) =>
          new Promise((_, reject) => hooks.signal!.addEventListener('abort', () => reject(new BacktestError('CANCELED', 'backtest canceled after 0 of 400 bars')))),
      }),
    );
    const r = await run(h, { source: { kind: 'sim', symbols: ['AAA'] }, strategies: ['buy_and_hold'] });
    h.backtestCancel({ id: r.id });
    const s = await settled(h, r.id);
    expect(s).toMatchObject({ state: 'canceled', error: 'backtest canceled after 0 of 400 bars' });
    expect(() => h.backtestHtml({ id: r.id })).toThrow(/is canceled/);
  });

  it('refuses a third concurrent run, keeps the last ten runs', async () => {
    const pending: Array<() => void> = [];
    const h = buildBacktestHandlers(deps({ run: (b, c, s) => new Promise((res) => pending.push(() => res(runBacktest(b, c, s))))  }));
    const args = { source: { kind: 'sim', symbols: ['AAA'], limit: 20 }, strategies: ['buy_and_hold'] };
    await run(h, args);
    await run(h, args);
    await expect(run(h, args)).rejects.toThrow(/2 backtests are running/);
    for (let i = 0; i < 11; i++) {
      pending.shift()!();
      await settled(h, `bt-${i + 1}`);
      if (i < 10) await run(h, args);
    }
    const list = h.backtestList({}) as Array<{ id: string; state: string }>;
    expect(list.map((x) => x.id)).toEqual(['bt-12', 'bt-11', 'bt-10', 'bt-9', 'bt-8', 'bt-7', 'bt-6', 'bt-5', 'bt-4', 'bt-3']);
  });
});
