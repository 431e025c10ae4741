// StrategyControl: the list, and enable/weight changes journaled as an input
// command and a 'config' record (so a replay applies them at the same point).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';

describe('strategy control', () => {
  it('lists the strategies and journals enable and weight changes; refuses unknown ids and bad weights', async () => {
    const recs: Array<{ kind: string; payload: unknown }> = [];
    const e = await createEngine({ sim: { speed: 'max' } }, { journal: { append: (_ts, kind, payload) => recs.push({ kind, payload }) } });
    await e.prepare();
    const list = e.strategyControl.list();
    expect(list.map((s) => s.id)).toEqual(expect.arrayContaining(['intraday_momentum', 'cs_momentum', 'etf_macro', 'crypto_momentum', 'buy_and_hold']));
    expect(list.find((s) => s.id === 'buy_and_hold')).toMatchObject({ kind: 'benchmark', baseWeight: 0, enabled: true });
    expect(list.find((s) => s.id === 'ma_cross')).toMatchObject({ enabled: false });
    expect(e.strategyControl.setWeight('orb', 0.9, 'learning', 'hit rate 0.61')).toMatchObject({ id: 'orb', baseWeight: 0.9 });
    expect(e.strategyControl.setEnabled('orb', false, 'operator', 'test')).toMatchObject({ enabled: false });
    const journaled = recs.filter((r) => r.kind === 'input.command' || r.kind === 'config').map((r) => r.kind);
    expect(journaled).toEqual(['input.command', 'config', 'input.command', 'config']);
    expect(recs.find((r) => r.kind === 'config')!.payload).toMatchObject({ actor: 'learning', strategy: 'orb', weight: 0.9, changed: ['strategies.orb.weight'] });
    expect(() => e.strategyControl.setWeight('nope', 0.5, 'x', 'y')).toThrow(/unknown strategy/);
    expect(() => e.strategyControl.setWeight('orb', 1.5, 'x', 'y')).toThrow(/within \[0, 1\]/);
    // a disabled strategy's signals no longer reach the ensemble
    e.runUntil(e.now() + 120 * 60_000);
    expect(e.oms.recent(10_000).filter((o) => o.source === 'orb')).toEqual([]);
    await e.stop();
  });
});
