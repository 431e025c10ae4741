// The strategies panel's commands through the contract's dispatcher, against a
// fake StrategyControl (a list in memory, recording calls) and real Learning:
// rows carry learning's accuracy, weight and influence (hand-computed); changes
// reach the control with actor and reason; unknown ids, bad weights, missing
// reasons and refusals come back as errors naming what is wrong.
import { describe, expect, it } from 'vitest';
import { commands } from '../../../../src/shared/api/contract.js';
import { ApiFailure, dispatchCommand, type CommandHandlers } from '../../../../src/shared/api/protocol.js';
import { Learning } from '../../../../src/engine/strategy/learning/learning.js';
import { buildStrategyHandlers, strategyHandlersNotWired, type StrategyControlLike, type StrategyInfo } from '../../../../src/engine/strategy/strategy-commands.js';
import { makeSignal } from '../../../../src/engine/strategy/signal-strategy.js';
import { sig } from './learning/helpers.js';

class FakeStrategyControl implements StrategyControlLike {
  calls: unknown[][] = [];
  failWith: Error | null = null;
  rows: StrategyInfo[] = [
    { id: 'mom', name: 'Momentum', enabled: true, baseWeight: 0.6, kind: 'intraday', lastSignal: makeSignal('mom', { symbol: 'SPY', ts: 1_000 }, 0.5, 0.8, 2, () => ['test'], { rsi_14: 61, sma_200: Number.NaN }) },
    { id: 'rev', name: 'Mean reversion', enabled: false, baseWeight: 0.4, kind: 'position', error: 'feed missing' },
  ];
  list() {
    return this.rows.map((r) => ({ ...r }));
  }
  setEnabled(id: string, on: boolean, actor: string, reason: string) {
    this.calls.push(['setEnabled', id, on, actor, reason]);
    if (this.failWith) throw this.failWith;
    this.rows.find((r) => r.id === id)!.enabled = on;
  }
  setWeight(id: string, w: number, actor: string, reason: string) {
    this.calls.push(['setWeight', id, w, actor, reason]);
    this.rows.find((r) => r.id === id)!.baseWeight = w;
  }
}

function setup(options: Parameters<typeof buildStrategyHandlers>[2] = {}) {
  const control = new FakeStrategyControl();
  const learning = new Learning();
  // mom in uptrend: one hit then one miss
  learning.onSignal(sig({ ts: 1_000, horizonBars: 1, score: 0.5 }), 100, 'uptrend');
  learning.onBar('SPY', 2_000, 101);
  learning.onSignal(sig({ ts: 2_000, horizonBars: 1, score: 0.5 }), 101, 'uptrend');
  learning.onBar('SPY', 3_000, 100);
  const handlers = buildStrategyHandlers(control, learning, options) as unknown as CommandHandlers;
  const call = (name: string, args: unknown) => dispatchCommand(handlers, name, args);
  return { control, call };
}

describe('strategy commands', () => {
  it('listStrategies: each strategy with its state, last signal and learning', async () => {
    const { call } = setup();
    const r = await call('listStrategies', {});
    expect(r.ok).toBe(true);
    const rows = commands.listStrategies.result.parse((r as { result: unknown }).result); // what the UI accepts
    expect(rows.map((x) => [x.id, x.name, x.enabled, x.baseWeight, x.kind, x.error])).toEqual([
      ['mom', 'Momentum', true, 0.6, 'intraday', null],
      ['rev', 'Mean reversion', false, 0.4, 'position', 'feed missing'],
    ]);
    const mom = rows[0]!;
    expect(mom.lastSignal?.features).toEqual({ rsi_14: 61 }); // NaN left out
    expect(mom.lastSignal?.reasons).toEqual(['test']);
    // ema: 0.5 → 0.55 (hit) → 0.495 (miss); bonus 0.2 × sqrt(ln 2 / 2)
    expect(mom.learning).toMatchObject({ resolved: 2, hits: 1, accuracy: 0.5, regime: 'uptrend', influence: 0.2 });
    expect(mom.learning.weight).toBeCloseTo(0.6127411, 6);
    expect(mom.learning.byRegime).toHaveLength(1);
    expect(mom.learning.byRegime[0]).toMatchObject({ regime: 'uptrend', resolved: 2, accuracy: 0.5 });
    // no evidence: exploration weight 1, the first influence step
    expect(rows[1]!.learning).toMatchObject({ resolved: 0, accuracy: null, regime: null, weight: 1, influence: 0.2, byRegime: [] });
    expect(rows[1]!.lastSignal).toBeNull();
  });

  it('setStrategyEnabled and setStrategyWeight reach the control with actor and reason and return the new row', async () => {
    const { control, call } = setup();
    const off = await call('setStrategyEnabled', { id: 'mom', enabled: false, reason: 'too noisy today' });
    expect(off).toMatchObject({ ok: true, result: { id: 'mom', enabled: false } });
    const w = await call('setStrategyWeight', { id: 'rev', weight: 0.25, reason: 'less trust' });
    expect(w).toMatchObject({ ok: true, result: { id: 'rev', baseWeight: 0.25 } });
    expect(control.calls).toEqual([
      ['setEnabled', 'mom', false, 'operator', 'too noisy today'],
      ['setWeight', 'rev', 0.25, 'operator', 'less trust'],
    ]);
  });

  it('errors name what is wrong', async () => {
    const { control, call } = setup();
    expect(await call('setStrategyEnabled', { id: 'nope', enabled: true, reason: 'x' })).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_STRATEGY', message: "unknown strategy 'nope'; known: mom, rev" },
    });
    const big = await call('setStrategyWeight', { id: 'mom', weight: 1.5, reason: 'x' });
    expect(big).toMatchObject({ ok: false, error: { code: 'BAD_ARGS', message: expect.stringContaining("field 'weight': must be between 0 and 1") } });
    const neg = await call('setStrategyWeight', { id: 'mom', weight: -0.1, reason: 'x' });
    expect(neg).toMatchObject({ ok: false, error: { code: 'BAD_ARGS', message: expect.stringContaining("field 'weight'") } });
    const noReason = await call('setStrategyEnabled', { id: 'mom', enabled: false, reason: '  ' });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'BAD_ARGS', message: expect.stringContaining("field 'reason': a reason is required") } });
    expect(control.calls).toEqual([]);
  });

  it('the handler itself refuses a non-finite weight (callers that skip the schema)', () => {
    const h = buildStrategyHandlers(new FakeStrategyControl(), new Learning());
    expect(() => h.setStrategyWeight({ id: 'mom', weight: Number.NaN, reason: 'x' })).toThrow(ApiFailure);
    expect(() => h.setStrategyWeight({ id: 'mom', weight: Number.NaN, reason: 'x' })).toThrow("field 'weight'");
  });

  it('beforeChange can refuse (read-only); a control error keeps its code', async () => {
    const refused = setup({
      beforeChange: (c) => {
        throw new ApiFailure('READ_ONLY', `'${c.name}' refused: read-only`);
      },
    });
    expect(await refused.call('setStrategyEnabled', { id: 'mom', enabled: false, reason: 'x' })).toEqual({
      ok: false,
      error: { code: 'READ_ONLY', message: "'setStrategyEnabled' refused: read-only" },
    });
    expect(refused.control.calls).toEqual([]);

    const { control, call } = setup();
    control.failWith = Object.assign(new Error('strategy mom is halted by the risk monitor'), { code: 'STRATEGY_HALTED' });
    expect(await call('setStrategyEnabled', { id: 'mom', enabled: true, reason: 'x' })).toEqual({
      ok: false,
      error: { code: 'STRATEGY_HALTED', message: 'strategy mom is halted by the risk monitor' },
    });
  });

  it('without a strategy control every strategy command answers UNKNOWN_COMMAND', async () => {
    const r = await dispatchCommand(strategyHandlersNotWired() as unknown as CommandHandlers, 'listStrategies', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: expect.stringContaining("'listStrategies' is not available") } });
  });
});
