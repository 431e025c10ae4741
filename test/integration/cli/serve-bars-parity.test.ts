// Live/backtest parity against an actual process: `tradedesk serve --bars F
// --speed max` (a real serve, its SimDriver on the event loop, a real journal
// in a temp data dir) replays a few hundred bars through the ensemble of
// signal strategies; its journal holds the same decisions and fills as
// runBacktest on the same bars, config and seed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestDecision, runBacktest } from '../../../src/engine/backtest/run-backtest.js';
import { readBarsCsv } from '../../../src/engine/data/csv-bars.js';
import type { DecisionRecord } from '../../../src/engine/journal/decision-log.js';
import { parseData, readJournal } from '../../../src/engine/journal/reader.js';
import type { Fill } from '../../../src/shared/domain.js';
import { createBarsEngine, REPLAY_DONE } from '../../../src/cli/serve-bars.js';
import { parseServeArgs } from '../../../src/cli/serve.js';
import { randomBars } from '../../support/bars.js';
import { REPO, spawnServe } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tradedesk-serve-bars-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve --bars --speed max', () => {
  it('a served replay journals the decisions and fills runBacktest makes on the same bars', async () => {
    // 400 one-minute bars of 4 symbols, calm enough for the ensemble to trade once the
    // cost filter is off (on calm random bars it rightly refuses every entry)
    const csv = join(dir, 'bars.csv');
    const made = randomBars({ symbols: ['AAA', 'BTC/USD', 'QQQ', 'SPY'], n: 400, seed: 3, start: Date.parse('2024-01-02T14:30:00Z'), vol: 0.0006 });
    writeFileSync(csv, `timestamp,open,high,low,close,volume,symbol\n${made.map((b) => [new Date(b.ts).toISOString(), b.open, b.high, b.low, b.close, b.volume, b.symbol].join(',')).join('\n')}\n`);
    const dataDir = join(dir, 'data');

    const serve = await spawnServe(['--speed', 'max', '--seed', '3', '--bars', csv, '--strategy', 'ensemble', '--costs', 'none', '--data-dir', dataDir]);
    try {
      // wait (in real time) for the replay's end line
      for (let i = 0; i < 1_200 && !serve.stderr().includes(REPLAY_DONE); i++) await new Promise((r) => setTimeout(r, 100));
      expect(serve.stderr()).toContain(`${REPLAY_DONE} 1600 bars`);
    } finally {
      expect(await serve.stop()).toBe(0);
    }

    const decisions: DecisionRecord[] = [];
    const fills: Fill[] = [];
    for (const r of readJournal(dataDir, new Set(['decision', 'fill'] as const))) {
      if (r.kind === 'decision') decisions.push(parseData<DecisionRecord>(r));
      else fills.push(parseData<Fill>(r));
    }

    const backtest = await runBacktest(readBarsCsv(csv), { strategies: [{ name: 'ensemble' }], costs: 'none' }, 3);
    expect(backtest.decisions.length).toBeGreaterThan(5);
    expect(backtest.fills.length).toBeGreaterThan(0);
    expect(decisions.map(backtestDecision)).toEqual(backtest.decisions);
    const shape = (f: Pick<Fill, 'symbol' | 'side' | 'qty' | 'price' | 'fee' | 'ts'>) => [f.ts, f.symbol, f.side, f.qty, f.price, f.fee];
    expect(fills.map(shape)).toEqual(backtest.fills.map(shape));
  }, 300_000);

  it('refuses what a replay cannot combine with, naming it, and never writes into an existing journal', async () => {
    const log = (): void => undefined;
    expect(() => parseServeArgs(['--bars', 'x.csv', '--venue', 'alpaca-paper', '--symbols', 'SPY'], log)).toThrow('--bars replays a CSV through the backtest venue; leave out --venue, --symbols');
    expect(() => parseServeArgs(['--strategy', 'ensemble'], log)).toThrow('--strategy applies to a replay: give --bars FILE.csv');
    expect(() => parseServeArgs(['--costs', 'none'], log)).toThrow('--costs applies to a replay: give --bars FILE.csv');
    expect(() => parseServeArgs(['--bars', 'a.csv', '--costs', 'free'], log)).toThrow('--costs must be model or none, got "free"');
    expect(parseServeArgs(['--bars', 'a.csv', '--bars', 'b.csv', '--strategy', 'cs_momentum'], log)).toMatchObject({ bars: ['a.csv', 'b.csv'], strategies: ['cs_momentum'] });
    expect(() => parseServeArgs(['--calendar', 'nyse'], log)).toThrow('--calendar applies to a replay: give --bars FILE.csv');
    expect(() => parseServeArgs(['--bars', 'a.csv', '--calendar', 'lunar'], log)).toThrow('--calendar must be auto, nyse, 24x7, got "lunar"');
    // the calendar reaches the replay's instruments: the hand-checked bars (10:00 New York) would be on the NYSE calendar by 'auto'
    const fixture = join(REPO, 'test', 'fixtures', 'bars_hand_checked.csv');
    const opts = parseServeArgs(['--bars', fixture, '--calendar', '24x7'], log);
    expect(opts).toMatchObject({ calendar: '24x7' });
    const replay = await createBarsEngine({ files: opts.bars!, calendar: opts.calendar, dataDir: join(dir, 'calendar'), log });
    await replay.prepare();
    expect(replay.instrumentsBySymbol.get('AAA')?.calendar).toBe('24x7');
    await replay.stop();
    await expect(createBarsEngine({ files: ['x.csv'], strategies: ['nope'], dataDir: dir, log })).rejects.toThrow(/--strategy: unknown strategy 'nope'/);
    const used = join(dir, 'used');
    mkdirSync(used, { recursive: true });
    writeFileSync(join(used, 'journal-2024-01-02.sqlite'), 'not empty');
    await expect(createBarsEngine({ files: ['x.csv'], dataDir: used, log })).rejects.toThrow(`--bars replays into a fresh data dir, and ${used} already holds a journal`);
  });
});
