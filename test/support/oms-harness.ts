// Wires a real OrderManager, RiskEngine and Portfolio to a ScriptedVenue, so
// tests can drive the order path and inspect what reached the venue.
import { ClientOrderIds } from '../../src/engine/core/ids.js';
import { OrderManager } from '../../src/engine/execution/oms.js';
import { Portfolio } from '../../src/engine/portfolio/portfolio.js';
import { RiskEngine, type RiskDecision } from '../../src/engine/risk/risk-engine.js';
import type { RiskLimits } from '../../src/engine/core/config.js';
import type { Order } from '../../src/shared/domain.js';
import { ScriptedVenue } from './scripted-venue.js';

export function omsHarness(limits: RiskLimits = { maxOrderNotional: 10_000, maxOrderQty: 1_000, maxPositionNotional: 20_000 }) {
  let now = 1_000;
  const prices = new Map<string, number>([['X', 100]]);
  const venue = new ScriptedVenue();
  const portfolio = new Portfolio(100_000);
  const problems: Array<{ code: string; message: string }> = [];
  const denials: Array<{ order: Order; decision: RiskDecision }> = [];
  const updates: Order[] = [];
  const risk = new RiskEngine(limits, () => now, () => {});
  const oms = new OrderManager({
    venue,
    risk,
    ids: new ClientOrderIds('test'),
    now: () => now,
    referencePrice: (s) => prices.get(s),
    position: (s) => portfolio.qty(s),
    events: {
      checked: () => {},
      order: (o) => updates.push(o),
      fill: (f) => portfolio.applyFill(f),
      denied: (order, decision) => denials.push({ order, decision }),
      problem: (code, message) => problems.push({ code, message }),
    },
  });
  return {
    venue,
    portfolio,
    risk,
    oms,
    problems,
    denials,
    updates,
    prices,
    tick: (ms = 1) => (now += ms),
  };
}
