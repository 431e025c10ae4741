// Property-based tests of the order path (strategy/manual intent -> risk -> OMS
// -> venue) over random sequences of commands, prices and venue responses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradingState } from '../../../../src/shared/domain.js';
import { omsHarness, wideLimits } from '../../../support/oms-harness.js';

type Cmd =
  | { t: 'submit'; side: 'buy' | 'sell'; qty: number; limit: number | null }
  | { t: 'state'; to: TradingState }
  | { t: 'price'; p: number }
  | { t: 'ack'; pick: number }
  | { t: 'fill'; pick: number; frac: number }
  | { t: 'cancel'; pick: number }
  | { t: 'venueCancel'; pick: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('submit' as const), side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.integer({ min: 1, max: 300 }), limit: fc.option(fc.double({ min: 1, max: 300, noNaN: true })) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('state' as const), to: fc.constantFrom<TradingState>('ACTIVE', 'REDUCING', 'HALTED') }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('price' as const), p: fc.oneof(fc.double({ min: 1, max: 300, noNaN: true }), fc.constantFrom(Number.NaN, 0, -5)) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('fill' as const), pick: fc.nat(), frac: fc.double({ min: 0.1, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('venueCancel' as const), pick: fc.nat() }) },
);

describe('order path properties', () => {
  it('no order leaves while HALTED; under REDUCING every order that leaves shrinks |exposure|; every denial has a reason; limits always hold', () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 80 }), (cmds) => {
        const h = omsHarness(wideLimits({ maxOrderNotional: 10_000, maxOrderQty: 200, maxPositionNotional: 15_000 }));
        let fillSeq = 0;
        for (const c of cmds) {
          h.tick();
          const open = h.oms.openOrders();
          switch (c.t) {
            case 'submit': {
              const before = h.venue.submitted.length;
              const state = h.risk.tradingState;
              const pos = h.portfolio.qty('X');
              const { buy, sell } = h.oms.openQty('X');
              const { order } = h.oms.submit({
                symbol: 'X',
                side: c.side,
                type: c.limit === null ? 'market' : 'limit',
                qty: c.qty,
                limitPrice: c.limit ?? undefined,
                timeInForce: 'day',
                source: 'prop',
                reason: 'prop',
              });
              const left = h.venue.submitted.length > before;
              if (state === 'HALTED') expect(left).toBe(false);
              if (left && state === 'REDUCING') {
                // worst case: this and every other open order on its side fill
                const sameSide = c.side === 'buy' ? buy : sell;
                const worst = pos + (c.side === 'buy' ? 1 : -1) * (c.qty + sameSide);
                expect(Math.abs(worst)).toBeLessThanOrEqual(Math.abs(pos));
                expect(Math.sign(worst) * Math.sign(pos)).toBeGreaterThanOrEqual(0);
              }
              if (left) {
                expect(c.qty).toBeLessThanOrEqual(200);
                const ref = h.prices.get('X');
                expect(ref !== undefined && ref > 0).toBe(true);
                expect(c.qty * Math.max(c.limit ?? 0, ref!)).toBeLessThanOrEqual(10_000 + 1e-6);
              } else {
                expect(order.status).toBe('denied');
                expect(order.reason.length).toBeGreaterThan('denied: '.length);
              }
              break;
            }
            case 'state':
              h.risk.setState(c.to, 'prop', 'random');
              break;
            case 'price':
              if (Number.isFinite(c.p) && c.p > 0) h.prices.set('X', c.p);
              else h.prices.delete('X');
              break;
            case 'ack': {
              const o = open[c.pick % (open.length || 1)];
              if (o) h.oms.onVenueUpdate({ kind: 'accepted', clientOrderId: o.clientOrderId, venueOrderId: `v${o.clientOrderId}`, ts: 0 });
              break;
            }
            case 'fill': {
              const o = open[c.pick % (open.length || 1)];
              if (!o) break;
              const rest = o.qty - o.filledQty;
              const q = Math.max(1, Math.min(rest, Math.round(rest * c.frac)));
              h.oms.onVenueFill({ clientOrderId: o.clientOrderId, fillId: `f${++fillSeq}`, symbol: 'X', side: o.side, qty: q, price: 100, fee: 0, ts: 0, cumQty: o.filledQty + q, leavesQty: rest - q });
              break;
            }
            case 'cancel': {
              const o = open[c.pick % (open.length || 1)];
              if (o) h.oms.cancel(o.clientOrderId);
              break;
            }
            case 'venueCancel': {
              const o = open[c.pick % (open.length || 1)];
              if (o) h.oms.onVenueUpdate({ kind: 'canceled', clientOrderId: o.clientOrderId, reason: 'venue', ts: 0 });
              break;
            }
          }
          // the OMS's books always agree with themselves
          for (const o of h.oms.openOrders()) expect(o.filledQty).toBeLessThanOrEqual(o.qty);
        }
        expect(h.denials.length).toBe(h.oms.denied);
        expect(h.venue.submitted.length).toBe(h.oms.submitted);
      }),
      { numRuns: 300 },
    );
  });
});
