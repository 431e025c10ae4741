// The event-loop lag monitor behind the Health view: a blocked loop shows up
// in the report; a stopped monitor reports nothing.
import { describe, expect, it } from 'vitest';
import { LoopLagMonitor } from '../../../../src/engine/core/loop-lag.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LoopLagMonitor', () => {
  it('reports a blocked event loop, and the worst lag across windows', async () => {
    const m = new LoopLagMonitor(400, 10);
    expect(m.report()).toBeNull();
    m.start();
    await sleep(100);
    const t0 = Date.now();
    while (Date.now() - t0 < 150) {
      // block the loop for 150 ms
    }
    await sleep(50);
    const during = m.report()!;
    expect(during.maxMs).toBeGreaterThanOrEqual(100);
    expect(during.worstMs).toBeGreaterThanOrEqual(100);
    expect(during.p50Ms).toBeLessThan(during.maxMs);
    // after the window rolls, the new window is reported (without the block: a smaller maximum, even
    // on a machine busy enough to delay this process), and the worst is kept
    await sleep(900);
    const quiet = m.report()!;
    expect(quiet.windowMs).toBeGreaterThanOrEqual(300);
    expect(quiet.maxMs).toBeLessThan(during.maxMs);
    expect(quiet.worstMs).toBeGreaterThanOrEqual(during.maxMs);
    m.stop();
    expect(m.report()).toBeNull();
  });
});
