// The status topic (the UI's engine clock) follows the market data: with no
// order and no change of trading state, each coalesced batch after new quotes
// and bars carries the engine's current time (it once moved only with orders,
// so the clock stood still between them).
import { describe, expect, it, vi } from 'vitest';
import type { EngineStatus } from '../../../src/shared/api/contract.js';
import { createEngine } from '../../../src/engine/engine.js';

const MIN = 60_000;

describe('status clock', () => {
  it('publishes the engine time as simulated data arrives, with no orders', async () => {
    const e = await createEngine({ sim: { seed: 3, speed: 'max', historyMinutes: 30 }, strategy: { enabled: false } });
    await e.prepare();
    const sent: EngineStatus[] = [];
    const off = e.onEvent((ev) => ev.topic === 'status' && sent.push(ev.data));
    try {
      for (const step of [5, 45]) {
        e.runUntil(e.now() + step * MIN);
        const now = e.now();
        await vi.waitFor(() => expect(sent.at(-1)?.now).toBe(now), { timeout: 10_000 });
      }
      expect(e.stats.ordersSubmitted).toBe(0);
    } finally {
      off();
      await e.stop();
    }
  });
});
