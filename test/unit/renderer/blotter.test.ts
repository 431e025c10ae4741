// The blotter's rows from the store: filtering by state, instrument and
// strategy; algorithm children grouped under their parent and collapsible;
// open groups first; a child whose parent is not held stands alone.
import { beforeEach, describe, expect, it } from 'vitest';
import { ALL_ORDERS } from '../../../src/renderer/src/lib/blotter.js';
import { selectBlotterView, setBlotterFilter, toggleCollapsed, useBlotterUi } from '../../../src/renderer/src/store/blotter-store.js';
import type { Order, OrderStatus } from '../../../src/shared/domain.js';

let t = 1_000;
function order(id: string, status: OrderStatus, over: Partial<Order> = {}): Order {
  t += 1_000;
  return { clientOrderId: id, symbol: 'SPY', side: 'buy', type: 'limit', qty: 10, limitPrice: 100, timeInForce: 'day', status, filledQty: 0, avgFillPrice: 0, source: 'manual', reason: 'r', createdAt: t, updatedAt: t, ...over };
}

const ids = () => selectBlotterView(orders, useBlotterUi.getState()).rows.map((r) => `${'  '.repeat(r.depth)}${r.order.clientOrderId}`);

const parent = order('P', 'accepted', { algo: 'twap', qty: 300, type: 'market', limitPrice: undefined });
const orders: Order[] = [
  order('a', 'filled', { symbol: 'QQQ', source: 'ma_cross', filledQty: 10, avgFillPrice: 99 }),
  parent,
  order('P-2', 'accepted', { parentId: 'P' }),
  order('P-1', 'filled', { parentId: 'P', filledQty: 10, avgFillPrice: 100, createdAt: 1 }),
  order('b', 'denied', { source: 'ma_cross' }),
  order('c', 'accepted', { symbol: 'QQQ' }),
  order('orphan', 'canceled', { parentId: 'gone' }),
];

beforeEach(() => useBlotterUi.setState({ filter: { ...ALL_ORDERS }, collapsed: new Set() }));

describe('blotter view (store)', () => {
  it('puts open groups first (newest first), children under their parent oldest first', () => {
    expect(ids()).toEqual(['c', 'P', '  P-1', '  P-2', 'orphan', 'b', 'a']);
    const v = selectBlotterView(orders, useBlotterUi.getState());
    expect(v.open).toBe(2);
    expect(v.rows.find((r) => r.order.clientOrderId === 'P')).toMatchObject({ children: 2, depth: 0, collapsed: false });
    expect(v.symbols).toEqual(['QQQ', 'SPY']);
    expect(v.sources).toEqual(['ma_cross', 'manual']);
  });

  it('collapses and expands a parent', () => {
    toggleCollapsed('P');
    expect(ids()).toEqual(['c', 'P', 'orphan', 'b', 'a']);
    expect(selectBlotterView(orders, useBlotterUi.getState()).rows[1]).toMatchObject({ collapsed: true, children: 2 });
    toggleCollapsed('P');
    expect(ids()).toContain('  P-1');
  });

  it('filters by state, instrument and strategy; a group shows for a matching child', () => {
    setBlotterFilter({ state: 'open' });
    expect(ids()).toEqual(['c', 'P', '  P-1', '  P-2']);
    setBlotterFilter({ state: 'filled' });
    // the parent is working, one child filled: the group shows with that child only
    expect(ids()).toEqual(['P', '  P-1', 'a']);
    setBlotterFilter({ state: 'all', symbol: 'QQQ' });
    expect(ids()).toEqual(['c', 'a']);
    setBlotterFilter({ symbol: '', source: 'ma_cross' });
    expect(ids()).toEqual(['b', 'a']);
    setBlotterFilter({ source: '', state: 'canceled' });
    expect(ids()).toEqual(['orphan']);
    setBlotterFilter({ state: 'denied', symbol: 'QQQ' });
    expect(ids()).toEqual([]);
  });

  it('lists each part newest first by the time the order was placed (its TIME column), not by its last event', () => {
    const placed = [
      order('early', 'filled', { createdAt: 10_000, updatedAt: 90_000 }), // placed first, filled last
      order('late', 'filled', { createdAt: 30_000, updatedAt: 40_000 }),
      order('mid', 'canceled', { createdAt: 20_000, updatedAt: 50_000 }),
      order('open-early', 'accepted', { createdAt: 15_000, updatedAt: 95_000 }),
      order('open-late', 'partially_filled', { createdAt: 25_000, updatedAt: 26_000 }),
    ];
    const rows = selectBlotterView(placed, useBlotterUi.getState()).rows.map((r) => r.order.clientOrderId);
    expect(rows).toEqual(['open-late', 'open-early', 'late', 'mid', 'early']);
  });
});
