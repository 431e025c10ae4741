// closePosition (the Positions table's Close) on the real engine and simulator:
// for random positions, open orders and trading states, a close either sends
// exactly one opposing market order for the whole position through the risk
// engine (source 'manual', reason 'close position from UI') and the position is
// gone once it fills, or is refused with a code naming why and sends nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/engine/core/config.js';
import { CLOSE_REASON } from '../../../src/engine/engine-commands.js';
import { Engine, type JournalSink } from '../../../src/engine/engine.js';
import type { JournalKind } from '../../../src/engine/journal/records.js';
import type { VenueOrderRequest } from '../../../src/engine/venues/venue.js';
import { ApiFailure } from '../../../src/shared/api/protocol.js';

const SYMBOLS = ['SPY', 'AAPL', 'BTC/USD', 'ETH/USD'];

class Decisions implements JournalSink {
  readonly list: Array<Record<string, unknown>> = [];
  append(_ts: number, kind: JournalKind, payload: unknown): void {
    if (kind === 'decision') this.list.push(payload as Record<string, unknown>);
  }
}

async function makeEngine(seed: number) {
  const journal = new Decisions();
  const config = loadConfig({ sim: { seed, speed: 'max', historyMinutes: 30 }, strategy: { enabled: false }, risk: { maxOrdersPerSecond: 50, maxOrdersPerMinute: 1000 } });
  const e = new Engine(config, { journal });
  await e.prepare();
  e.runUntil(e.now() + 10_000);
  // every request that reaches the venue
  const sent: VenueOrderRequest[] = [];
  const submit = e.venue.submitOrder.bind(e.venue);
  e.venue.submitOrder = (r) => {
    sent.push(r);
    return submit(r);
  };
  return { e, journal, sent };
}

type Step =
  | { t: 'buy' | 'sell'; sym: number; qty: number }
  | { t: 'rest'; sym: number; side: 'buy' | 'sell' }
  | { t: 'halt' | 'reducing' | 'resume' }
  | { t: 'haltSymbol'; sym: number }
  | { t: 'wait'; seconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constantFrom('buy' as const, 'sell' as const), sym: fc.nat(SYMBOLS.length - 1), qty: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rest' as const), sym: fc.nat(SYMBOLS.length - 1), side: fc.constantFrom('buy' as const, 'sell' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('halt' as const, 'reducing' as const, 'resume' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('haltSymbol' as const), sym: fc.nat(SYMBOLS.length - 1) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 120 }) }) },
);

describe('closePosition', () => {
  it('sends one opposing market order for the whole position through the risk engine, or refuses and sends nothing', async () => {
    const seen = { closed: 0, refused: new Set<string>() };
    // found by this property: a close while an opening-side market order waited for the
    // open left the position at -2 once that order filled; any open order now refuses the close
    const reopened = { seed: 1, steps: [{ t: 'sell', sym: 0, qty: 1 }, { t: 'wait', seconds: 1 }, { t: 'sell', sym: 0, qty: 2 }, { t: 'resume' }] as Step[], target: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.array(step, { minLength: 2, maxLength: 14 }), fc.nat(SYMBOLS.length - 1), async (seed, steps, target) => {
        const { e, journal, sent } = await makeEngine(seed);
        for (const s of steps) {
          const symbol = 'sym' in s ? SYMBOLS[s.sym]! : '';
          const crypto = symbol.includes('/');
          if (s.t === 'buy' || s.t === 'sell') await e.handlers.submitOrder({ symbol, side: s.t, type: 'market', qty: crypto ? s.qty / 100 : s.qty, timeInForce: 'day' });
          else if (s.t === 'rest') {
            // a limit far from the market: it rests
            const q = e.quotes.get(symbol);
            if (q) {
              const px = Number((s.side === 'buy' ? q.bid * 0.97 : q.ask * 1.03).toFixed(2));
              await e.handlers.submitOrder({ symbol, side: s.side, type: 'limit', qty: crypto ? 0.01 : 1, limitPrice: px, timeInForce: 'gtc' });
            }
          } else if (s.t === 'halt') await e.handlers.halt({ reason: 'prop' });
          else if (s.t === 'resume') await e.handlers.resume({ reason: 'prop' });
          else if (s.t === 'reducing') e.risk.setState('REDUCING', 'prop', 'prop');
          else if (s.t === 'haltSymbol') await e.handlers.halt({ reason: 'prop', scope: { symbol } });
          else if (s.t === 'wait') e.runUntil(e.now() + s.seconds * 1000);
        }
        const symbol = SYMBOLS[target]!;
        const before = e.portfolio.qty(symbol);
        const openBefore = e.oms.openOrders(symbol);
        const stateBefore = e.risk.effectiveState('manual', symbol);
        const sentBefore = sent.length;
        const decisionsBefore = journal.list.length;
        let result: { clientOrderId: string; side: string; qty: number } | undefined;
        let code = '';
        try {
          result = await e.handlers.closePosition({ symbol });
        } catch (err) {
          expect(err).toBeInstanceOf(ApiFailure);
          code = (err as ApiFailure).code;
          expect((err as Error).message).toContain(symbol);
        }
        const newlySent = sent.slice(sentBefore);
        if (result) {
          // exactly one order left: the whole position, the other way, at market
          expect(before).not.toBe(0);
          expect(newlySent).toHaveLength(1);
          expect(newlySent[0]).toMatchObject({ symbol, type: 'market', side: before > 0 ? 'sell' : 'buy', qty: Math.abs(before) });
          expect(result).toMatchObject({ side: newlySent[0]!.side, qty: Math.abs(before) });
          const order = e.oms.get(result.clientOrderId)!;
          expect(order).toMatchObject({ source: 'manual', reason: CLOSE_REASON });
          // nothing else was open on the symbol: it could neither flip the position nor re-open it
          expect(openBefore).toEqual([]);
          expect(stateBefore).not.toBe('HALTED');
          seen.closed++;
        } else {
          expect(newlySent).toEqual([]);
          seen.refused.add(code);
          if (before === 0) expect(code).toBe('NO_POSITION');
          else if (openBefore.length > 0) expect(code).toBe('OPEN_ORDERS');
          else if (stateBefore === 'HALTED') expect(code).toBe('TRADING_HALTED');
          else {
            // the risk engine said no: a journaled, denied decision with its failed check
            expect(code).toBe('RISK_DENIED');
            const d = journal.list.slice(decisionsBefore);
            expect(d).toHaveLength(1);
            expect(d[0]).toMatchObject({ approved: false, source: 'manual' });
          }
        }
        // and the position, once the close fills, is gone
        if (result) {
          e.runUntil(e.now() + 5_000);
          const o = e.oms.get(result.clientOrderId)!;
          if (o.status === 'filled') expect(e.portfolio.qty(symbol)).toBeCloseTo(0, 9);
        }
        await e.stop();
      }),
      {
        numRuns: 40,
        examples: [
          [reopened.seed, reopened.steps, reopened.target],
          // each outcome at least once whatever the random runs draw (a close needs a position, no open
          // order and no halt on the symbol: about one random run in ten): a coin bought and filled
          // closes; a symbol never traded has no position
          [1, [{ t: 'buy', sym: 2, qty: 5 }, { t: 'wait', seconds: 5 }], 2],
          [1, [{ t: 'wait', seconds: 1 }, { t: 'buy', sym: 3, qty: 1 }], 0],
        ],
      },
    );
    // the runs exercised both outcomes
    expect(seen.closed).toBeGreaterThan(0);
    expect(seen.refused.has('NO_POSITION')).toBe(true);
  }, 240_000);
});
