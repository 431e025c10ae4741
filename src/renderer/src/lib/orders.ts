// Order status groups used by the blotter: which orders are open and which
// can be canceled (the blotter's rows are built in blotter.ts).
import type { Order, OrderStatus } from '../../../shared/domain.js';
import { TERMINAL_STATUSES } from '../../../shared/domain.js';

export const CANCELABLE_STATUSES: ReadonlySet<OrderStatus> = new Set(['pending_new', 'new', 'accepted', 'partially_filled']);

export function isOpen(order: Order): boolean {
  return !TERMINAL_STATUSES.has(order.status);
}

export function isCancelable(order: Order): boolean {
  return CANCELABLE_STATUSES.has(order.status);
}
