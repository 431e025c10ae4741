// Order status groups used by the blotter: which orders are open (cancelable),
// and the sort that puts open orders first, newest first within each group.
import type { Order, OrderStatus } from '../../../shared/domain.js';
import { TERMINAL_STATUSES } from '../../../shared/domain.js';

export const CANCELABLE_STATUSES: ReadonlySet<OrderStatus> = new Set(['pending_new', 'new', 'accepted', 'partially_filled']);

export function isOpen(order: Order): boolean {
  return !TERMINAL_STATUSES.has(order.status);
}

export function isCancelable(order: Order): boolean {
  return CANCELABLE_STATUSES.has(order.status);
}

/** Open orders first, then the rest; newest activity first in each group; terminal rows capped. */
export function blotterRows(orders: readonly Order[], maxTerminal: number): { rows: Order[]; open: number; hidden: number } {
  const open: Order[] = [];
  const done: Order[] = [];
  for (const o of orders) (isOpen(o) ? open : done).push(o);
  const byRecent = (a: Order, b: Order) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt;
  open.sort(byRecent);
  done.sort(byRecent);
  const shown = done.slice(0, maxTerminal);
  return { rows: [...open, ...shown], open: open.length, hidden: done.length - shown.length };
}
