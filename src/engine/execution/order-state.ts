// The order state machine. Every status change goes through `canTransition`;
// an illegal one is refused (the order keeps its state) and reported.
import type { OrderStatus } from '../../shared/domain.js';

/**
 * new            created by the OMS, before the risk engine has ruled
 * denied         refused by the risk engine: it never left (terminal)
 * pending_new    approved and sent to the venue, not yet acknowledged
 * accepted       acknowledged by the venue, resting
 * partially_filled / filled
 * pending_cancel a cancel was requested, not yet confirmed
 * canceled / rejected / expired (terminal)
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  new: ['pending_new', 'denied'],
  pending_new: ['accepted', 'rejected', 'partially_filled', 'filled', 'pending_cancel', 'canceled', 'expired'],
  accepted: ['partially_filled', 'filled', 'pending_cancel', 'canceled', 'expired'],
  partially_filled: ['partially_filled', 'filled', 'pending_cancel', 'canceled', 'expired'],
  // a cancel the venue refused returns the order to its working state; the venue may also reject the
  // order itself while the cancel is on its way (an order sent just before a FLATTEN or KILL): final
  pending_cancel: ['canceled', 'rejected', 'partially_filled', 'filled', 'expired', 'accepted', 'pending_new'],
  filled: [],
  canceled: [],
  rejected: [],
  expired: [],
  denied: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'pending_new',
  'accepted',
  'partially_filled',
  'pending_cancel',
]);

export function isOpen(status: OrderStatus): boolean {
  return OPEN_STATUSES.has(status);
}
