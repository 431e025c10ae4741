import { describe, expect, it } from 'vitest';
import { UiPublisher, type TopicBuilders } from '../../../../src/engine/ui-publisher.js';
import type { EngineEvent } from '../../../../src/shared/api/contract.js';

function builders(counter: { n: number }): TopicBuilders {
  const none = () => [];
  return {
    status: () => ({ n: ++counter.n }) as never,
    account: () => ({}) as never,
    positions: none,
    orders: none,
    alerts: none,
    bars: none,
    quotes: none,
    risk: () => ({}) as never,
    dataProgress: () => ({}) as never,
  };
}

describe('UiPublisher', () => {
  it('coalesces many changes of a topic into one snapshot per interval', async () => {
    const c = { n: 0 };
    const p = new UiPublisher(20, builders(c));
    const got: EngineEvent[] = [];
    p.subscribe((e) => got.push(e));
    for (let i = 0; i < 1000; i++) {
      p.markDirty('status');
      p.markDirty('orders');
    }
    await new Promise((r) => setTimeout(r, 60));
    expect(got.map((e) => e.topic)).toEqual(['status', 'orders']);
    expect(c.n).toBe(1);
    p.close();
  });

  it('builds nothing when no one listens', async () => {
    const c = { n: 0 };
    const p = new UiPublisher(5, builders(c));
    p.markDirty('status');
    await new Promise((r) => setTimeout(r, 20));
    expect(c.n).toBe(0);
    p.close();
  });
});
