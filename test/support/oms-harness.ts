// Wires a real OrderManager, RiskEngine and Portfolio to a ScriptedVenue, so
// tests can drive the order path and inspect what reached the venue.
import { defaultConfig, type RiskLimits } from '../../src/engine/core/config.js';
import { ClientOrderIds } from '../../src/engine/core/ids.js';
import { OrderManager } from '../../src/engine/execution/oms.js';
import { Portfolio } from '../../src/engine/portfolio/portfolio.js';
import { RiskEngine, type RiskDecision } from '../../src/engine/risk/risk-engine.js';
import type { Instrument, Order } from '../../src/shared/domain.js';
import { ScriptedVenue } from './scripted-venue.js';

export const TEST_INSTRUMENT: Instrument = {
  symbol: 'X',
  name: 'Test',
  assetClass: 'us_equity',
  sector: 'Tech',
  tickSize: 0.01,
  lotSize: 1,
  minNotional: 1,
  shortable: true,
  calendar: '24x7',
};

/** Limits wide enough that only the ones a test sets bite. */
export function wideLimits(over: Partial<RiskLimits> = {}): RiskLimits {
  return {
    ...defaultConfig().risk,
    maxPositionPctEquity: 1,
    maxConcentrationPct: 1,
    maxGrossExposurePct: 20,
    minNetExposurePct: -20,
    maxNetExposurePct: 20,
    maxLeverage: 20,
    priceCollarPct: 1,
    maxOrdersPerSecond: 1_000_000,
    maxOrdersPerMinute: 1_000_000,
    duplicateWindowMs: 0,
    ...over,
  };
}

/** Optional journal wiring: where order and fill records go, and the write-ahead gate the OMS waits on. */
export interface HarnessJournal {
  record?: (kind: 'decision' | 'order' | 'order.modify' | 'fill', payload: unknown) => void;
  writeAhead?: () => Promise<void> | undefined;
}

/** `symbols`: the tradable instruments (TEST_INSTRUMENT under each name), each priced 100. */
export function omsHarness(
  limits: RiskLimits = wideLimits({ maxOrderNotional: 10_000, maxOrderQty: 1_000, maxPositionNotional: 20_000 }),
  journal: HarnessJournal = {},
  symbols: readonly string[] = ['X'],
) {
  let now = 1_000;
  const prices = new Map<string, number>(symbols.map((s) => [s, 100]));
  const venue = new ScriptedVenue();
  const portfolio = new Portfolio(100_000);
  portfolio.setClassifier(() => ({ sector: 'Tech', assetClass: 'us_equity' }));
  const problems: Array<{ code: string; message: string }> = [];
  const denials: Array<{ order: Order; decision: RiskDecision }> = [];
  const checked: Array<{ order: Order; decision: RiskDecision }> = [];
  const updates: Order[] = [];
  const covered: Array<{ fillId: string; qty: number }> = [];
  const reconcileAsked: string[] = [];
  const state = { marketOpen: true, vol: undefined as { value: number; threshold: number } | undefined };
  const risk = new RiskEngine(limits, () => now, () => {});
  const oms = new OrderManager({
    venue,
    risk,
    ids: new ClientOrderIds('test'),
    now: () => now,
    writeAhead: journal.writeAhead,
    view: {
      position: (s) => portfolio.qty(s),
      referencePrice: (s) => prices.get(s),
      instrument: (s) => (s === 'X' ? TEST_INSTRUMENT : symbols.includes(s) ? { ...TEST_INSTRUMENT, symbol: s } : undefined),
      marketOpen: () => state.marketOpen,
      equity: () => portfolio.equity(),
      gross: () => portfolio.gross(),
      net: () => portfolio.net(),
      groupGross: (k, key) => portfolio.groupGross(k, key),
      buyingPower: () => portfolio.buyingPower(),
      volRegime: () => state.vol,
    },
    events: {
      checked: (order, decision) => {
        journal.record?.('decision', { id: order.clientOrderId, approved: decision.approved });
        checked.push({ order, decision });
      },
      modifying: (o, changes, decisionId) => journal.record?.('order.modify', { clientOrderId: o.clientOrderId, ...changes, decisionId }),
      order: (o) => {
        journal.record?.('order', o);
        updates.push(o);
      },
      fill: (f) => {
        journal.record?.('fill', f);
        portfolio.applyFill(f);
      },
      denied: (order, decision) => denials.push({ order, decision }),
      problem: (code, message) => problems.push({ code, message }),
      covered: (f, qty) => covered.push({ fillId: f.fillId, qty }),
      needsReconcile: (id) => reconcileAsked.push(id),
    },
  });
  return {
    venue,
    portfolio,
    risk,
    oms,
    problems,
    denials,
    checked,
    updates,
    covered,
    reconcileAsked,
    prices,
    state,
    tick: (ms = 1) => (now += ms),
    now: () => now,
  };
}
