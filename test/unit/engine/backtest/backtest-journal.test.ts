// A backtest with a journal (runBacktest's journalDir, as `serve --bars` uses):
// the journal holds exactly the run's decisions and fills, verifies, and its
// durable records are group-committed - a few fsyncs per run, not one per order
// and fill - without changing what the run decides.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { backtestDecision, runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import type { DecisionRecord } from '../../../../src/engine/journal/decision-log.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import { parseData, readJournal } from '../../../../src/engine/journal/reader.js';
import { DURABLE_GROUP_RECORDS } from '../../../../src/engine/journal/settings.js';
import { verifyJournal } from '../../../../src/engine/journal/verify.js';
import type { Fill } from '../../../../src/shared/domain.js';
import { randomBars } from '../../../support/bars.js';

const dir = mkdtempSync(join(tmpdir(), 'tradedesk-bt-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a backtest with a journal', () => {
  it('journals the same decisions and fills as without one, verifiable, with one fsync per group of durable records', async () => {
    const bars = randomBars({ symbols: ['AAA', 'BBB', 'CCC'], n: 4_000, seed: 11, start: Date.parse('2024-01-02T14:30:00Z'), vol: 0.003 });
    const config = { strategies: [{ name: 'buy_and_hold' as const }, { name: 'ma_cross' as const, params: { fast: 3, slow: 10 } }], risk: { maxConcentrationPct: 1 } };
    const plain = await runBacktest(bars, config, 2);
    const opened: Journal[] = [];
    const open = Journal.open.bind(Journal);
    const spy = vi.spyOn(Journal, 'open').mockImplementation((d, o) => {
      const j = open(d, o);
      opened.push(j);
      return j;
    });
    let journaled;
    try {
      journaled = await runBacktest(bars, { ...config, journalDir: dir }, 2);
    } finally {
      spy.mockRestore();
    }
    expect(journaled.decisions).toEqual(plain.decisions);
    expect(journaled.fills).toEqual(plain.fills);
    expect(journaled.summary).toEqual(plain.summary);

    const decisions: DecisionRecord[] = [];
    const fills: Fill[] = [];
    for (const r of readJournal(dir, new Set(['decision', 'fill'] as const))) {
      if (r.kind === 'decision') decisions.push(parseData<DecisionRecord>(r));
      else fills.push(parseData<Fill>(r));
    }
    expect(decisions.map(backtestDecision)).toEqual(plain.decisions);
    expect(fills.map((f) => [f.ts, f.symbol, f.side, f.qty, f.price])).toEqual(plain.fills.map((f) => [f.ts, f.symbol, f.side, f.qty, f.price]));
    const v = verifyJournal(dir);
    expect(v.problem).toBeUndefined();
    expect(v.ok).toBe(true);

    // orders and fills are durable kinds: committed in groups, not one fsync each
    expect(opened).toHaveLength(1);
    const durable = plain.fills.length + plain.decisions.filter((d) => d.approved).length;
    expect(durable).toBeGreaterThan(200);
    expect(opened[0]!.stats.durableCommits).toBeLessThanOrEqual(Math.ceil(durable / DURABLE_GROUP_RECORDS) * 4 + 2);
  });
});
