// How loud a change of trading state is: the routine hold of a reconciliation
// pass (REDUCING while it reads the venue, at every start and reconnect) is a
// warning and its end an info; an operator's HALT is critical.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';

describe('trading state alerts', () => {
  it('a reconciliation pass warns, its end informs, a HALT is critical', async () => {
    const e = await createEngine({ sim: { speed: 'max' } });
    await e.prepare();
    await e.reconcile('start');
    await e.handlers.halt({ reason: 'test: a halt' });
    const states = e.alerts
      .recent()
      .filter((a) => a.code === 'TRADING_STATE')
      .map((a) => [a.level, a.message])
      .reverse();
    expect(states).toEqual([
      ['warning', 'trading ACTIVE -> REDUCING by reconcile: reconciling with sim (start)'],
      ['info', 'trading REDUCING -> ACTIVE by reconcile: reconciliation complete'],
      ['critical', 'trading ACTIVE -> HALTED by operator: test: a halt'],
    ]);
    await e.stop();
  });
});
