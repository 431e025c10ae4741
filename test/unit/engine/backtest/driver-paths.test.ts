// The ways a backtest is driven give one result: runBacktest's synchronous loop
// (the venue's promise reactions settled every `every` groups), the same loop
// yielding to the event loop between groups (the worker's path: progress and
// cancel), and a serve-style engine whose SimDriver runs simulated time in
// slices (with and without the engine's own per-minute equity curve) — on
// seeded random bars, for the order-submitting strategies and for the
// ensemble. Also the invariants the fast paths inside the engine rely on: the
// portfolio's cached held symbols are positions() in order, and the OMS's
// per-symbol open-order index answers what a scan of all open orders would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BacktestConfig } from '../../../../src/engine/backtest/backtest-config.js';
import { createBacktestSession, runBacktest } from '../../../../src/engine/backtest/run-backtest.js';
import type { BacktestResult } from '../../../../src/engine/backtest/backtest-result.js';
import { Portfolio } from '../../../../src/engine/portfolio/portfolio.js';
import type { Bar } from '../../../../src/shared/domain.js';
import { omsHarness } from '../../../support/oms-harness.js';
import { randomBars } from '../../../support/bars.js';

const T0 = Date.parse('2024-01-02T14:30:00Z');

/**
 * A serve-style run: engine.start() (the SimDriver's slices on the event loop) until every bar is delivered.
 * With `equityCurve` off (as runBacktest builds its engine) the engine keeps no per-minute curve of its own;
 * on (as `serve --bars` does, for the UI's account metrics) one sample a simulated minute.
 */
async function served(bars: Bar[], config: BacktestConfig, seed: number, equityCurve: boolean): Promise<BacktestResult> {
  const s = createBacktestSession(bars, config, seed, {}, { equityCurve });
  await s.engine.start();
  while (s.venue.delivered < bars.length && !s.failure()) await new Promise((r) => setTimeout(r, 5));
  await s.engine.stop();
  const minutes = new Set(bars.map((b) => b.ts - (b.ts % 60_000))).size;
  expect(s.engine.equityCurve.length).toBe(equityCurve ? minutes : 0);
  return s.result();
}

function expectSame(a: BacktestResult, b: BacktestResult): void {
  expect(b.decisions).toEqual(a.decisions);
  expect(b.fills).toEqual(a.fills);
  expect(b.trades).toEqual(a.trades);
  expect(b.equity).toEqual(a.equity);
  expect(b.summary).toEqual(a.summary);
  expect(b.costBreakdown).toEqual(a.costBreakdown);
}

describe('backtest drivers agree', () => {
  const cases: Array<{ name: string; bars: Bar[]; config: BacktestConfig; equityCurve: boolean }> = [
    {
      name: 'buy_and_hold + ma_cross, costs modelled',
      bars: randomBars({ symbols: ['AAA', 'BBB', 'ETH/USD'], n: 1_500, seed: 11, start: T0, vol: 0.003 }),
      config: { strategies: [{ name: 'buy_and_hold', params: { weight: 0.1 } }, { name: 'ma_cross', params: { fast: 3, slow: 10 } }], risk: { maxConcentrationPct: 1 } },
      equityCurve: false,
    },
    {
      // calm bars and costs off, so the ensemble's entries pass (as in signal-backtest.test.ts)
      name: 'the ensemble of signal strategies',
      bars: randomBars({ symbols: ['AAA', 'BTC/USD', 'QQQ', 'SPY'], n: 600, seed: 3, start: T0, vol: 0.0006 }),
      config: { strategies: [{ name: 'ensemble' }], costs: 'none' },
      equityCurve: true,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: synchronous, yielding and serve-style runs trade identically`, async () => {
      const sync = await runBacktest(c.bars, c.config, 5, { every: 16 });
      expect(sync.fills.length).toBeGreaterThan(0);
      expect(sync.decisions.length).toBeGreaterThan(5);
      const yielding = await runBacktest(c.bars, c.config, 5, { every: 3, signal: new AbortController().signal });
      expectSame(sync, yielding);
      // the engine's own equity curve (kept or not) changes no decision
      expectSame(sync, await served(c.bars, c.config, 5, c.equityCurve));
    });
  }
});

describe('fast-path invariants', () => {
  const symbols = ['b', 'A', 'a', 'C', 'B/USD', 'aa'];

  it("the portfolio's held symbols are positions()'s symbols, in order, after any fills", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ s: fc.integer({ min: 0, max: symbols.length - 1 }), side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.integer({ min: 1, max: 3 }) }), { maxLength: 60 }), (fills) => {
        const p = new Portfolio(1_000_000);
        let i = 0;
        for (const f of fills) {
          p.applyFill({ clientOrderId: 'c', fillId: `f${++i}`, symbol: symbols[f.s]!, side: f.side, qty: f.qty, price: 10, fee: 0, ts: i });
          expect(p.heldSymbols()).toEqual(p.positions().map((x) => x.symbol));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("the OMS's open orders of a symbol are the open orders filtered by symbol, in order, through submits, acks, fills and cancels", () => {
    // the most symbols with open orders at once, over all runs: the index is exercised across symbols
    let opened = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom('submit', 'ack', 'fill', 'cancel', 'canceled'), s: fc.integer({ min: 0, max: 2 }), k: fc.nat() }), { maxLength: 50 }),
        (ops) => {
          const syms = ['X', 'Y', 'Z'];
          const h = omsHarness(undefined, {}, syms);
          const ids: string[] = [];
          let fillNo = 0;
          for (const o of ops) {
            const id = ids.length ? ids[o.k % ids.length]! : undefined;
            const order = id ? h.oms.get(id) : undefined;
            if (o.op === 'submit') {
              ids.push(h.oms.submit({ symbol: syms[o.s]!, side: 'buy', type: 'limit', qty: 1, limitPrice: 100 + o.k % 7, timeInForce: 'day', source: 's', reason: 'r' }).order.clientOrderId);
            } else if (order && o.op === 'ack') h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: `v-${order.clientOrderId}`, ts: 1 });
            else if (order && o.op === 'fill') {
              h.oms.onVenueFill({ clientOrderId: order.clientOrderId, fillId: `f${++fillNo}`, symbol: order.symbol, side: 'buy', qty: 1, price: 100, fee: 0, ts: 2, cumQty: 1, leavesQty: 0 });
            } else if (order && o.op === 'cancel') h.oms.cancel(order.clientOrderId);
            else if (order && o.op === 'canceled') h.oms.onVenueUpdate({ kind: 'canceled', clientOrderId: order.clientOrderId, reason: 'test', ts: 3 });
            const all = h.oms.openOrders();
            opened = Math.max(opened, new Set(all.map((x) => x.symbol)).size);
            for (const s of [...syms, '']) expect(h.oms.openOrders(s).map((x) => x.clientOrderId)).toEqual(all.filter((x) => !s || x.symbol === s).map((x) => x.clientOrderId));
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(opened).toBeGreaterThanOrEqual(2);
  });
});
