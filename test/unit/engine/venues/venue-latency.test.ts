// Venue request latency (Health): timed calls are recorded per kind with
// exact nearest-rank percentiles, failures counted and re-thrown unchanged,
// and every other member of the venue is its own (state stays in the venue).
import { describe, expect, it } from 'vitest';
import { LATENCY_WINDOW, timedVenue, VenueLatency } from '../../../../src/engine/venues/venue-latency.js';
import type { Venue } from '../../../../src/engine/venues/venue.js';

class FakeBroker {
  readonly id = 'fake';
  sent: string[] = [];
  opened = 0;
  async submitOrder(r: { clientOrderId: string }): Promise<void> {
    this.sent.push(r.clientOrderId);
  }
  async cancelOrder(id: string): Promise<void> {
    throw new Error(`no order ${id}`);
  }
  isMarketOpen(): boolean {
    this.opened++;
    return true;
  }
}

describe('venue latency', () => {
  it('times the requests per kind, counts failures, keeps the venue its own', async () => {
    let t = 0;
    const lat = new VenueLatency();
    const raw = new FakeBroker();
    const v = timedVenue(raw as unknown as Venue, lat, () => t);
    expect(lat.report()).toBeNull();
    const times = [5, 1, 3, 2, 4];
    for (const [i, ms] of times.entries()) {
      const p = v.submitOrder({ clientOrderId: `c${i}` } as never);
      t += ms; // the answer arrives ms later (the promise settles after this line)
      await p;
    }
    t = 100;
    const c = v.cancelOrder('x');
    t = 107;
    await expect(c).rejects.toThrow('no order x');
    // non-timed members: the venue's own, with its own state
    expect(v.isMarketOpen('A', 0)).toBe(true);
    expect(raw.opened).toBe(1);
    expect(v.id).toBe('fake');
    expect(raw.sent).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(v.submitOrder).toBe(v.submitOrder); // one wrapper per method
    const r = lat.report()!;
    expect(r.byCall.submitOrder).toEqual({ calls: 5, failures: 0, p50Ms: 3, p99Ms: 5, maxMs: 5 });
    expect(r.byCall.cancelOrder).toEqual({ calls: 1, failures: 1, p50Ms: 7, p99Ms: 7, maxMs: 7 });
    expect(r).toMatchObject({ calls: 6, failures: 1, p50Ms: 3, maxMs: 7 });
  });

  it('keeps only the latest samples per kind, counting every call', () => {
    const lat = new VenueLatency();
    for (let i = 0; i < LATENCY_WINDOW; i++) lat.record('getAccount', 1000);
    for (let i = 0; i < LATENCY_WINDOW; i++) lat.record('getAccount', 1);
    expect(lat.report()!.byCall.getAccount).toEqual({ calls: 2 * LATENCY_WINDOW, failures: 0, p50Ms: 1, p99Ms: 1, maxMs: 1 });
  });
});
