// Property-based tests of the algorithm order path (parent -> children -> risk
// -> OMS -> venue) over random sequences of parents, time, bar volumes, venue
// acks / fills / cancels, parent cancels and trading-state changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradingState } from '../../../../../src/shared/domain.js';
import { isOpen } from '../../../../../src/engine/execution/order-state.js';
import { algoHarness } from '../../../../support/algo-harness.js';
import { wideLimits } from '../../../../support/oms-harness.js';

type Cmd =
  | { t: 'parent'; kind: 'twap' | 'vwap' | 'iceberg'; side: 'buy' | 'sell'; qty: number; limit: boolean; display: number }
  | { t: 'tick'; ms: number }
  | { t: 'bar'; volume: number }
  | { t: 'ack'; pick: number }
  | { t: 'fill'; pick: number; frac: number }
  | { t: 'venueCancel'; pick: number }
  | { t: 'cancelParent'; pick: number }
  | { t: 'state'; to: TradingState }
  | { t: 'quote'; mid: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('parent' as const), kind: fc.constantFrom('twap' as const, 'vwap' as const, 'iceberg' as const), side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.integer({ min: 1, max: 400 }), limit: fc.boolean(), display: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 200_000 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('bar' as const), volume: fc.integer({ min: 0, max: 3_000 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('fill' as const), pick: fc.nat(), frac: fc.double({ min: 0.05, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('venueCancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancelParent' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('state' as const), to: fc.constantFrom<TradingState>('ACTIVE', 'REDUCING', 'HALTED') }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('quote' as const), mid: fc.double({ min: 95, max: 105, noNaN: true }) }) },
);

describe('algorithm order path properties', () => {
  it('children never commit more than the parent; none is sent after the parent is canceled or while HALTED; every child passed its risk check; filled <= ordered', () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 60 }), (cmds) => {
        const h = algoHarness(wideLimits({ maxOrderQty: 300, maxOrderNotional: 1e9, maxPositionNotional: 1e9 }));
        const parents: string[] = [];
        const stopped = new Set<string>();
        let fillSeq = 0;
        for (const c of cmds) {
          const sentBefore = h.venue.submitted.length;
          const halted = h.risk.tradingState === 'HALTED';
          const open = h.oms.openOrders();
          const pick = (n: number) => open[n % (open.length || 1)];
          switch (c.t) {
            case 'parent': {
              const mid = (h.quotes.get('X')!.bid + h.quotes.get('X')!.ask) / 2;
              const limitPrice = c.kind === 'iceberg' || c.limit ? Math.round(mid * 100) / 100 : undefined;
              const { order, decision } = h.algos.submit({ symbol: 'X', side: c.side, type: limitPrice ? 'limit' : 'market', limitPrice, qty: c.qty, timeInForce: 'day', source: 'prop', reason: 'prop', algo: { kind: c.kind, durationMs: 300_000, sliceMs: 60_000, displayQty: Math.min(c.display, c.qty) } });
              if (decision.approved) parents.push(order.clientOrderId);
              else expect(h.venue.submitted.length).toBe(sentBefore); // a denied parent sends nothing
              h.pump();
              break;
            }
            case 'tick':
              h.tick(c.ms);
              break;
            case 'bar':
              h.bar(c.volume);
              break;
            case 'ack': {
              const o = pick(c.pick);
              if (o && o.status === 'pending_new') h.ack(o.clientOrderId);
              break;
            }
            case 'fill': {
              const o = pick(c.pick);
              if (!o || o.status === 'pending_new') break;
              const rest = o.qty - o.filledQty;
              const q = Math.max(1, Math.min(rest, Math.round(rest * c.frac)));
              h.oms.onVenueFill({ clientOrderId: o.clientOrderId, fillId: `pf${++fillSeq}`, symbol: 'X', side: o.side, qty: q, price: 100, fee: 0, ts: h.now(), cumQty: o.filledQty + q, leavesQty: rest - q });
              h.pump();
              break;
            }
            case 'venueCancel': {
              const o = pick(c.pick);
              if (o) h.venueCanceled(o.clientOrderId);
              break;
            }
            case 'cancelParent': {
              const id = parents[c.pick % (parents.length || 1)];
              if (id && h.algos.cancel(id)?.requested) stopped.add(id);
              h.pump();
              break;
            }
            case 'state': {
              const from = h.risk.tradingState;
              if (h.risk.setState(c.to, 'prop', 'random')) h.algos.onTradingState({ ts: h.now(), from, to: c.to, actor: 'prop', reason: 'random', scope: 'account' });
              if (c.to === 'HALTED') for (const id of parents) stopped.add(id);
              h.pump();
              break;
            }
            case 'quote': {
              const m = Math.round(c.mid * 100) / 100;
              h.quotes.set('X', { symbol: 'X', ts: h.now(), bid: m - 0.01, ask: m + 0.01, bidSize: 1, askSize: 1 });
              break;
            }
          }
          const sent = h.venue.submitted.slice(sentBefore);
          // nothing leaves while HALTED (checked at the command's start), and no child of a stopped parent ever
          if (halted && c.t !== 'state') expect(sent).toHaveLength(0);
          for (const r of sent) {
            const child = h.oms.get(r.clientOrderId)!;
            if (child.parentId !== undefined) expect(stopped.has(child.parentId)).toBe(false);
            // it passed its own pre-trade checks
            expect(h.checked.some((x) => x.order.clientOrderId === r.clientOrderId && x.decision.approved)).toBe(true);
          }
          for (const id of parents) {
            const p = h.algos.get(id)!;
            const kids = h.children(id);
            const committed = kids.reduce((a, k) => a + (isOpen(k.status) ? k.qty : k.filledQty), 0);
            const filled = kids.reduce((a, k) => a + k.filledQty, 0);
            expect(committed).toBeLessThanOrEqual(p.qty + 1e-9);
            for (const k of kids) expect(k.filledQty).toBeLessThanOrEqual(k.qty + 1e-9);
            expect(p.filledQty).toBeCloseTo(filled, 9);
            expect(p.filledQty).toBeLessThanOrEqual(p.qty + 1e-9);
            if (p.status === 'filled') expect(p.filledQty).toBeCloseTo(p.qty, 9);
          }
        }
      }),
      {
        numRuns: 200,
        examples: [
          // a working TWAP through HALT and RESUME: it must not send again
          [[{ t: 'bar', volume: 1_000 }, { t: 'parent', kind: 'twap', side: 'buy', qty: 100, limit: false, display: 1 }, { t: 'ack', pick: 0 }, { t: 'fill', pick: 0, frac: 1 }, { t: 'state', to: 'HALTED' }, { t: 'state', to: 'ACTIVE' }, { t: 'tick', ms: 60_000 }]],
          // an iceberg canceled while its visible child fills
          [[{ t: 'parent', kind: 'iceberg', side: 'sell', qty: 30, limit: true, display: 10 }, { t: 'ack', pick: 0 }, { t: 'cancelParent', pick: 0 }, { t: 'fill', pick: 0, frac: 1 }, { t: 'tick', ms: 1 }]],
        ],
      },
    );
  });
});
