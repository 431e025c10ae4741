// Property-based tests of the whole order path on the real engine and the
// real simulator venue, over random sequences of operator commands, manual
// orders, cancels, modifies and time (prices and venue responses come from
// the seeded simulator):
//  - no order reaches the venue while HALTED, except verified flattening orders that reduce;
//  - REDUCING never lets an order increase absolute exposure;
//  - no modify that raises an order's quantity is sent while HALTED or REDUCING unless it still reduces;
//  - every denial is journaled with the check that failed and its reason;
//  - KILL always ends with zero open orders at the venue.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, type JournalSink } from '../../../src/engine/engine.js';
import { loadConfig } from '../../../src/engine/core/config.js';
import type { JournalKind } from '../../../src/engine/journal/records.js';
import type { Order } from '../../../src/shared/domain.js';

const SYMBOLS = ['SPY', 'QQQ', 'AAPL', 'BTC/USD', 'ETH/USD'];

type Cmd =
  | { t: 'order'; sym: number; side: 'buy' | 'sell'; qty: number; offsetBps: number; market: boolean }
  | { t: 'halt' }
  | { t: 'resume' }
  | { t: 'reducing' }
  | { t: 'haltSymbol'; sym: number }
  | { t: 'kill' }
  | { t: 'flatten' }
  | { t: 'wait'; seconds: number }
  | { t: 'cancel'; i: number }
  | { t: 'modify'; i: number; qtyPct: number; offsetBps: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('order' as const), sym: fc.nat(SYMBOLS.length - 1), side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.integer({ min: 1, max: 40 }), offsetBps: fc.integer({ min: -50, max: 50 }), market: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'halt' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'resume' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'reducing' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('haltSymbol' as const), sym: fc.nat(SYMBOLS.length - 1) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'kill' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'flatten' as const }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), i: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('modify' as const), i: fc.nat(9), qtyPct: fc.integer({ min: 50, max: 200 }), offsetBps: fc.integer({ min: -50, max: 50 }) }) },
);

class Records implements JournalSink {
  readonly list: Array<{ kind: JournalKind; data: Record<string, unknown> }> = [];
  /** Called with each modify as it is journaled, before the venue is asked. */
  onModify: ((m: { clientOrderId: string; qty: number }) => void) | undefined;
  append(_ts: number, kind: JournalKind, payload: unknown): void {
    if (kind === 'decision') this.list.push({ kind, data: payload as Record<string, unknown> });
    if (kind === 'order.modify') this.onModify?.(payload as { clientOrderId: string; qty: number });
  }
}

async function makeEngine(seed: number) {
  const journal = new Records();
  // the built-in strategy off: the sequence alone decides what is sent
  const config = loadConfig({ sim: { seed, speed: 'max', historyMinutes: 30 }, strategy: { enabled: false }, risk: { maxOrdersPerSecond: 50, maxOrdersPerMinute: 1000 } });
  const e = new Engine(config, { journal });
  await e.prepare();
  e.runUntil(e.now() + 10_000); // first quotes
  return { e, journal };
}

describe('order path properties (engine + simulator)', () => {
  it('holds the trading-state, denial and kill invariants for random command sequences', async () => {
    const seen = { submitted: 0, fills: 0, haltDenials: 0, flattenSent: 0, modifiesSent: 0, modifyDenials: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.array(cmd, { minLength: 5, maxLength: 40 }), async (seed, cmds) => {
        const { e, journal } = await makeEngine(seed);
        // every order that leaves (pending_new), and every modify sent, is checked against the state at that moment
        const leaks: string[] = [];
        /** After the worst case (everything on the order's side filling): the position, and whether that reduces it. */
        const worstCase = (symbol: string, side: 'buy' | 'sell', sameSide: number) => {
          const pos = e.portfolio.qty(symbol);
          const worst = pos + (side === 'buy' ? sameSide : -sameSide);
          // flat within the portfolio's 1e-9 counts as flat: 0.18 - 0.01 is 0.16999999999999998 here, and a sell of 0.17 closes it
          const flatAfter = Math.abs(worst) <= 1e-9;
          return { pos, worst, reduces: pos !== 0 && Math.abs(worst) <= Math.abs(pos) + 1e-9 && (flatAfter || Math.sign(worst) === Math.sign(pos)) };
        };
        journal.onModify = (m) => {
          seen.modifiesSent++;
          const o = e.oms.get(m.clientOrderId)!;
          const state = e.risk.effectiveState(o.source, o.symbol);
          if (state === 'ACTIVE') return;
          const open = e.oms.openQty(o.symbol);
          // the order's own remaining quantity replaced by what the modify asks for
          const sameSide = (o.side === 'buy' ? open.buy : open.sell) - (o.qty - o.filledQty) + (m.qty - o.filledQty);
          if (m.qty > o.qty && !worstCase(o.symbol, o.side, sameSide).reduces) leaks.push(`${o.clientOrderId} modified up to ${m.qty} while ${state}`);
        };
        e.bus.subscribe('order', (o: Order) => {
          if (o.status !== 'pending_new') return;
          const state = e.risk.effectiveState(o.source, o.symbol);
          const open = e.oms.openQty(o.symbol);
          // open qty already includes this order: worst case is everything on its side filling
          const { reduces } = worstCase(o.symbol, o.side, o.side === 'buy' ? open.buy : open.sell);
          if (state === 'HALTED' && !(o.source === 'flatten' && reduces)) leaks.push(`${o.clientOrderId} left while HALTED`);
          if (state === 'REDUCING' && !reduces) leaks.push(`${o.clientOrderId} increased exposure while REDUCING`);
        });
        for (const c of cmds) {
          switch (c.t) {
            case 'order': {
              const symbol = SYMBOLS[c.sym]!;
              const q = e.quotes.get(symbol);
              const inst = e.instrumentsBySymbol.get(symbol)!;
              const qty = inst.assetClass === 'crypto' ? c.qty / 100 : c.qty;
              if (!q || c.market) await e.handlers.submitOrder({ symbol, side: c.side, type: 'market', qty, timeInForce: 'day' });
              else {
                const px = Math.round(((q.bid + q.ask) / 2) * (1 + c.offsetBps / 10_000) / inst.tickSize) * inst.tickSize;
                await e.handlers.submitOrder({ symbol, side: c.side, type: 'limit', qty, limitPrice: Number(px.toFixed(8)), timeInForce: 'gtc' });
              }
              break;
            }
            case 'halt':
              await e.handlers.halt({ reason: 'prop' });
              break;
            case 'resume':
              await e.handlers.resume({ reason: 'prop' });
              break;
            case 'reducing':
              e.risk.setState('REDUCING', 'prop', 'prop');
              break;
            case 'haltSymbol':
              await e.handlers.halt({ reason: 'prop', scope: { symbol: SYMBOLS[c.sym]! } });
              break;
            case 'kill':
            case 'flatten': {
              // the synchronous part; the venue answers as simulated time passes
              if (c.t === 'kill') void e.handlers.kill({ reason: 'prop' });
              else void e.handlers.flatten({ reason: 'prop' });
              e.runUntil(e.now() + 5_000);
              const flattening = c.t === 'flatten';
              const open = (await e.venue.getOpenOrders()).filter((o) => !flattening || !o.clientOrderId.includes('flatten'));
              expect(open, `${c.t} left orders resting at the venue`).toEqual([]);
              break;
            }
            case 'wait':
              e.runUntil(e.now() + c.seconds * 1000);
              break;
            case 'cancel': {
              const open = e.oms.openOrders();
              if (open.length) await e.handlers.cancelOrder({ clientOrderId: open[c.i % open.length]!.clientOrderId });
              break;
            }
            case 'modify': {
              // the operator changes a resting limit order's quantity and price (checked by the risk engine like a new order)
              const open = e.oms.openOrders().filter((o) => o.type === 'limit');
              const o = open.length ? open[c.i % open.length]! : undefined;
              const q = o && e.quotes.get(o.symbol);
              if (!o || !q) break;
              const inst = e.instrumentsBySymbol.get(o.symbol)!;
              const qty = Math.max(inst.lotSize, Math.round((o.qty * c.qtyPct) / 100 / inst.lotSize) * inst.lotSize);
              const px = Math.round(((q.bid + q.ask) / 2) * (1 + c.offsetBps / 10_000) / inst.tickSize) * inst.tickSize;
              try {
                await e.handlers.replaceOrder({ clientOrderId: o.clientOrderId, qty: Number(qty.toFixed(8)), limitPrice: Number(px.toFixed(8)) });
              } catch {
                // refused (not modifiable in its state, denied): the property is about what leaves
              }
              break;
            }
          }
        }
        // a final KILL always ends with nothing open, at the venue and here
        void e.handlers.kill({ reason: 'final' });
        e.runUntil(e.now() + 5_000);
        expect(await e.venue.getOpenOrders()).toEqual([]);
        expect(e.oms.openCount).toBe(0);
        expect(leaks).toEqual([]);
        // every denial is journaled with the failed check and a reason
        const denied = journal.list.filter((r) => r.data.approved === false);
        // new orders denied = the engine's count; the order monitor's re-pricing of a resting
        // order (a modify, `…:modify:N`) is checked too and may be denied, e.g. when REDUCING
        const isModify = (r: (typeof denied)[number]) => String(r.data.id).includes(':modify:');
        expect(denied.filter((r) => !isModify(r)).length).toBe(e.stats.ordersDenied);
        for (const d of denied) {
          const checks = d.data.checks as Array<{ passed: boolean; message: string }>;
          const f = checks.find((x) => !x.passed);
          expect(f).toBeDefined();
          expect(f!.message.length).toBeGreaterThan(5);
        }
        seen.submitted += e.stats.ordersSubmitted;
        seen.fills += e.stats.fills;
        seen.modifyDenials += denied.filter(isModify).length;
        seen.haltDenials += denied.filter((d) => (d.data.checks as Array<{ check: string; passed: boolean }>).some((x) => x.check === 'trading_state' && !x.passed)).length;
        seen.flattenSent += e.oms.recent(10_000).filter((o) => o.source === 'flatten' && o.status !== 'denied').length;
        await e.stop();
      }),
      {
        numRuns: 40,
        // found by this property: a resting buy while REDUCING, re-priced by the order monitor after its
        // timeout; the modify is denied (it would add exposure) and must be journaled as such
        examples: [
          [1, [{ t: 'wait', seconds: 1 }, { t: 'resume' }, { t: 'order', sym: 0, side: 'buy', qty: 1, offsetBps: -2, market: false }, { t: 'reducing' }, { t: 'wait', seconds: 124 }]],
          // found by CI: FLATTEN of a crypto position held as 0.16999999999999998 (0.18 bought, 0.01 sold) sends a sell of
          // 0.17 while HALTED; it closes the position (within the portfolio's 1e-9), which the check first counted as a leak
          [1, [{ t: 'order', sym: 4, side: 'buy', qty: 18, offsetBps: 0, market: false }, { t: 'wait', seconds: 5 }, { t: 'order', sym: 4, side: 'sell', qty: 1, offsetBps: 0, market: false }, { t: 'wait', seconds: 15 }, { t: 'flatten' }, { t: 'flatten' }, { t: 'wait', seconds: 1 }, { t: 'resume' }, { t: 'order', sym: 0, side: 'buy', qty: 1, offsetBps: 0, market: false }]],
          // found by a long run (400): a sell sent just before a FLATTEN is rejected by the venue (the flatten sold the
          // position first) while its cancel is on its way; the OMS refused pending_cancel -> rejected, the refused cancel
          // then put it back to pending_new, and it stayed open here (and counted as working exposure) for good
          [1, [{ t: 'order', sym: 4, side: 'buy', qty: 1, offsetBps: 0, market: true }, { t: 'flatten' }, { t: 'resume' }, { t: 'order', sym: 4, side: 'sell', qty: 1, offsetBps: 0, market: false }, { t: 'flatten' }, { t: 'wait', seconds: 1 }, { t: 'wait', seconds: 1 }, { t: 'order', sym: 0, side: 'buy', qty: 1, offsetBps: 0, market: false }]],
          // a resting buy doubled by the operator: sent while ACTIVE, denied (it would add exposure) once REDUCING
          [1, [{ t: 'wait', seconds: 1 }, { t: 'resume' }, { t: 'order', sym: 0, side: 'buy', qty: 5, offsetBps: -50, market: false }, { t: 'modify', i: 0, qtyPct: 200, offsetBps: -50 }, { t: 'reducing' }, { t: 'modify', i: 0, qtyPct: 200, offsetBps: -50 }]],
        ],
      },
    );
    // the sequences exercised the path for real: orders left, filled, were denied by state, and flattened
    expect(seen.submitted).toBeGreaterThan(20);
    expect(seen.fills).toBeGreaterThan(5);
    expect(seen.haltDenials).toBeGreaterThan(0);
    expect(seen.flattenSent).toBeGreaterThan(0);
    expect(seen.modifiesSent).toBeGreaterThan(0);
    expect(seen.modifyDenials).toBeGreaterThan(0);
  }, 300_000);
});
