// The history gate: a symbol waiting for its warm-up history holds its live
// bars; when the history arrives the warm-up is the history before the first
// held bar, then the held bars (each bar once); an overdue symbol is reported once.
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/shared/domain.js';
import { HistoryGate } from '../../../../src/engine/strategy/history-gate.js';

const MIN = 60_000;
const bar = (symbol: string, i: number, close = 100 + i): Bar => ({ symbol, ts: i * MIN, open: close, high: close, low: close, close, volume: 10 });
const range = (symbol: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => bar(symbol, from + k));

describe('HistoryGate', () => {
  it('holds only the waiting symbols, and a start-up join gives the history unchanged', () => {
    const g = new HistoryGate(10);
    g.wait(['A', 'B'], 0);
    expect(g.hold(bar('A', 1))).toBe(true);
    expect(g.hold(bar('C', 1))).toBe(false);
    const history = range('B', 0, 4);
    const j = g.join('B', history, 0, true);
    expect(j).toEqual({ bars: history, late: false, overdue: false, waitedMs: 0, held: 0 });
    expect(g.hold(bar('B', 5))).toBe(false);
    expect(g.symbols).toEqual(['A']);
    expect(g.lateJoins).toBe(0);
  });

  it('a late join: history older than the first held live bar, then the held bars; overlapping history bars are not fed twice', () => {
    const g = new HistoryGate(10);
    g.wait(['A'], 0);
    for (const i of [5, 6, 7]) g.hold(bar('A', i));
    // the venue answered late, with bars the live stream already delivered (5..7) and one it has not yet (8)
    const history = range('A', 0, 8).map((b) => ({ ...b, close: b.close + 0.5 }));
    const j = g.join('A', history, 9 * MIN, false);
    expect(j.bars.map((b) => b.ts / MIN)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // the held live bars are the ones fed, not the history's copies of them
    expect(j.bars.slice(5).map((b) => b.close)).toEqual([105, 106, 107]);
    expect(j).toMatchObject({ late: true, overdue: false, waitedMs: 9 * MIN, held: 3 });
    expect(g.isWaiting('A')).toBe(false);
    expect(g.lateJoins).toBe(1);
  });

  it('holds at most the warm-up length; once bars were dropped the held ones alone are the warm-up (no gap)', () => {
    const g = new HistoryGate(3);
    g.wait(['A'], 0);
    for (let i = 10; i < 15; i++) g.hold(bar('A', i));
    const j = g.join('A', range('A', 0, 9), 15 * MIN, false, true);
    expect(j.bars.map((b) => b.ts / MIN)).toEqual([12, 13, 14]);
    expect(g.failed).toBe(1);
  });

  it('reports an overdue symbol once, and not one that joined', () => {
    const g = new HistoryGate(5);
    g.wait(['A', 'B'], 1_000);
    expect(g.overdue(30_000, 60_000)).toEqual([]);
    g.join('B', [], 40_000, false);
    expect(g.overdue(61_000, 60_000)).toEqual(['A']);
    expect(g.overdue(120_000, 60_000)).toEqual([]);
    expect(g.isWaiting('A')).toBe(true);
    expect(g.join('A', [], 130_000, false).overdue).toBe(true);
  });
});
