import { describe, expect, it } from 'vitest';
import { canTransition, isOpen } from '../../../../src/engine/execution/order-state.js';
import { OrderStatus, TERMINAL_STATUSES } from '../../../../src/shared/domain.js';

describe('order state machine', () => {
  it('allows the normal life of an order', () => {
    const path = ['new', 'pending_new', 'accepted', 'partially_filled', 'partially_filled', 'filled'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('refuses any transition out of a terminal state', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of OrderStatus.options) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('refuses skipping the risk engine and going backwards', () => {
    expect(canTransition('new', 'accepted')).toBe(false);
    expect(canTransition('new', 'filled')).toBe(false);
    expect(canTransition('accepted', 'pending_new')).toBe(false);
    expect(canTransition('partially_filled', 'accepted')).toBe(false);
  });

  it('takes the venue rejecting an order whose cancel is on its way: the rejection is final', () => {
    expect(canTransition('pending_cancel', 'rejected')).toBe(true);
  });

  it('knows which states are open', () => {
    expect(isOpen('accepted')).toBe(true);
    expect(isOpen('pending_cancel')).toBe(true);
    expect(isOpen('filled')).toBe(false);
    expect(isOpen('denied')).toBe(false);
  });
});
