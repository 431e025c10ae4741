// What the blotter shows, as a pure function of the orders and the filter:
// orders filtered by state group, instrument and strategy (source); execution
// algorithms' child orders grouped under their parent (collapsible; a child
// whose parent is not held is shown on its own); open groups first, each part
// newest first by the time the order was placed (the TIME column), finished
// ones capped.
import type { Order } from '../../../shared/domain.js';
import { isOpen } from './orders.js';

export const STATE_FILTERS = ['all', 'open', 'filled', 'canceled', 'denied', 'rejected'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

export interface BlotterFilter {
  state: StateFilter;
  /** '' for every instrument. */
  symbol: string;
  /** '' for every strategy / source. */
  source: string;
}

export const ALL_ORDERS: BlotterFilter = { state: 'all', symbol: '', source: '' };

export interface BlotterRow {
  order: Order;
  /** 0: a top-level order; 1: a child shown under its parent. */
  depth: 0 | 1;
  /** Child orders the parent holds (0 for a plain order or a child). */
  children: number;
  collapsed: boolean;
}

export interface BlotterView {
  rows: BlotterRow[];
  /** Open top-level orders shown. */
  open: number;
  /** Finished groups left out by the cap. */
  hidden: number;
  /** Every instrument and source among the orders (for the filter menus). */
  symbols: string[];
  sources: string[];
}

export function matches(o: Order, f: BlotterFilter): boolean {
  if (f.symbol && o.symbol !== f.symbol) return false;
  if (f.source && o.source !== f.source) return false;
  switch (f.state) {
    case 'all':
      return true;
    case 'open':
      return isOpen(o);
    case 'canceled':
      return o.status === 'canceled' || o.status === 'expired';
    default:
      return o.status === f.state;
  }
}

// by the time shown in the TIME column: sorted by last activity, an order placed at 19:19 and filled at 19:25
// stood above one placed at 19:21, and the column read out of order
const byPlaced = (a: Order, b: Order) => b.createdAt - a.createdAt || b.updatedAt - a.updatedAt;

export function blotterView(orders: readonly Order[], filter: BlotterFilter, collapsed: ReadonlySet<string>, maxFinished: number): BlotterView {
  const byId = new Map<string, Order>();
  for (const o of orders) byId.set(o.clientOrderId, o);
  const children = new Map<string, Order[]>();
  const tops: Order[] = [];
  for (const o of orders) {
    if (o.parentId !== undefined && byId.has(o.parentId)) {
      const list = children.get(o.parentId);
      if (list) list.push(o);
      else children.set(o.parentId, [o]);
    } else tops.push(o);
  }
  const open: Array<{ top: Order; kids: Order[] }> = [];
  const done: Array<{ top: Order; kids: Order[] }> = [];
  for (const top of tops) {
    const kids = (children.get(top.clientOrderId) ?? []).slice().sort((a, b) => a.createdAt - b.createdAt || a.clientOrderId.localeCompare(b.clientOrderId));
    // a group shows when its parent matches (with all its children) or when some child does (with those)
    const shownKids = matches(top, filter) ? kids : kids.filter((k) => matches(k, filter));
    if (!matches(top, filter) && shownKids.length === 0) continue;
    (isOpen(top) ? open : done).push({ top, kids: shownKids });
  }
  open.sort((a, b) => byPlaced(a.top, b.top));
  done.sort((a, b) => byPlaced(a.top, b.top));
  const shownDone = done.slice(0, maxFinished);
  const rows: BlotterRow[] = [];
  for (const g of [...open, ...shownDone]) {
    const total = children.get(g.top.clientOrderId)?.length ?? 0;
    const isCollapsed = collapsed.has(g.top.clientOrderId);
    rows.push({ order: g.top, depth: 0, children: total, collapsed: isCollapsed });
    if (!isCollapsed) for (const k of g.kids) rows.push({ order: k, depth: 1, children: 0, collapsed: false });
  }
  const symbols = [...new Set(orders.map((o) => o.symbol))].sort();
  const sources = [...new Set(orders.map((o) => o.source))].sort();
  return { rows, open: open.length, hidden: done.length - shownDone.length, symbols, sources };
}
