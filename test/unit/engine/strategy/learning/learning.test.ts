// The Learning component as the engine holds it: a snapshot (what a session
// start records) restores a learner that continues exactly like the original
// (replay reproduces the weights the ensemble saw); disabled learning tracks
// nothing; stats for strategies it has not seen are zeros with the exploration weight.
import { describe, expect, it } from 'vitest';
import { Learning } from '../../../../../src/engine/strategy/learning/learning.js';
import { sig } from './helpers.js';

/** A deterministic stream of signals and bars over two symbols and three strategies. */
function drive(l: Learning, from: number, to: number): unknown[] {
  const out: unknown[] = [];
  for (let i = from; i < to; i++) {
    for (const symbol of ['SPY', 'QQQ']) {
      const close = 100 + 5 * Math.sin(i / 3 + (symbol === 'SPY' ? 0 : 1));
      out.push(l.onBar(symbol, i * 60_000, close).map((r) => [r.id, r.hit, r.ret]));
      ['mom', 'rev', 'brk'].forEach((strategy, k) => {
        const score = Math.round(Math.cos(i + k) * 100) / 100 || 0.1;
        l.onSignal(sig({ strategy, symbol, ts: i * 60_000, score, horizonBars: 1 + ((i + k) % 3) }), close, i % 5 < 2 ? 'uptrend' : 'neutral');
      });
      out.push(['mom', 'rev', 'brk'].map((s) => [l.weight(s, 'uptrend'), l.influence(s, 'neutral')]));
    }
  }
  return out;
}

describe('Learning', () => {
  it('a snapshot restores a learner that continues identically (JSON round trip)', () => {
    const a = new Learning();
    drive(a, 0, 40);
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<Learning['snapshot']>;
    expect(snap.pending.length).toBeGreaterThan(0);
    const b = new Learning({ snapshot: snap });
    expect(b.stats()).toEqual(a.stats());
    expect(drive(b, 40, 80)).toEqual(drive(a, 40, 80));
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(a.strategyStats('mom').resolved).toBeGreaterThan(40);
  });

  it('a snapshot and a data dir together are refused', () => {
    expect(() => new Learning({ dataDir: '/nonexistent', snapshot: new Learning().snapshot() })).toThrow('not both');
  });

  it('disabled: no predictions, weight 1, influence 0', () => {
    const l = new Learning({ settings: { enabled: false } });
    expect(l.onSignal(sig({ horizonBars: 1 }), 100)).toEqual({ ok: false, reason: 'learning is disabled' });
    expect(l.onBar('SPY', 2_000, 101)).toEqual([]);
    expect(l.weight('mom', 'neutral')).toBe(1);
    expect(l.influence('mom', 'neutral')).toBe(0);
    expect(l.stats()).toEqual([]);
  });

  it('stats for a strategy it has not seen: zeros, exploration weight 1, the first influence step', () => {
    expect(new Learning().stats(['new'])).toEqual([
      { strategy: 'new', resolved: 0, hits: 0, pending: 0, accuracy: null, meanPayoff: null, regime: null, weight: 1, influence: 0.2, byRegime: [] },
    ]);
  });
});
