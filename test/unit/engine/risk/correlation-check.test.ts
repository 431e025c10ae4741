// The risk monitor's per-minute correlation check: its O(holdings × window)
// screen (is the average surely below the alert level?) must never change what
// the full pairwise average gives — the same value in the gauges, to the bit,
// and the same CORRELATION alerts — on holdings that move together, apart,
// flat, or with windows not yet full; and a pending average (worked out when
// the gauges read it) is over the windows as they were at the check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertLog } from '../../../../src/engine/core/alerts.js';
import { DEFAULT_MONITOR } from '../../../../src/engine/core/config.js';
import { Portfolio } from '../../../../src/engine/portfolio/portfolio.js';
import { RiskEngine } from '../../../../src/engine/risk/risk-engine.js';
import { RiskMonitor } from '../../../../src/engine/risk/risk-monitor.js';
import type { Alert } from '../../../../src/shared/domain.js';
import { wideLimits } from '../../../support/oms-harness.js';
import { reference } from '../../../support/pairwise-correlation.js';

const T0 = Date.parse('2026-01-05T15:00:00Z');

describe('correlation check', () => {
  it('gives the full pairwise average and its alerts, whatever the screen decides', () => {
    // the smallest window: every check that can alert has full windows, so goes through the screen
    const w = 5;
    let screenedBelow = 0;
    let alerted = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 200, maxLength: 200 }),
        fc.integer({ min: 0, max: 2 }),
        (k, common, noise, flat) => {
          const alerts: Alert[] = [];
          let now = T0;
          const portfolio = new Portfolio(1e9);
          const monitor = new RiskMonitor({ ...DEFAULT_MONITOR, correlationAlert: 0.8, correlationWindowBars: w }, new RiskEngine(wideLimits(), () => now, () => {}), portfolio, new AlertLog(() => now, (a) => alerts.push(a)), { cutExposure: () => {}, marketOpen: () => true }, () => now);
          const symbols = Array.from({ length: k }, (_, i) => `S${i}`);
          symbols.forEach((s, i) => portfolio.applyFill({ clientOrderId: 'c', fillId: `f${i}`, symbol: s, side: 'buy', qty: 1, price: 100, fee: 0, ts: now }));
          const px = symbols.map(() => 100);
          const rets: number[][] = symbols.map(() => []);
          let firstDue: number | undefined;
          for (let t = 0; t < 17; t++) {
            now = T0 + t * 60_000;
            // the check runs on the minute's first bar, over the returns of the minutes before (the screen only once every window is full)
            const ref = t > 0 ? reference(rets, w) : undefined;
            for (let i = 0; i < k; i++) {
              // a shared move and a symbol's own, in proportions `common`; the first `flat` symbols do not move at all
              const r = i < flat ? 0 : (common * noise[t]! + (1 - common) * noise[(t * 7 + i * 31 + 1) % 200]!) / 100;
              const close = px[i]! * Math.exp(r);
              if (t > 0) rets[i]!.push(Math.log(close / px[i]!));
              px[i] = close;
              monitor.onBar({ symbol: symbols[i]!, ts: now, open: close, high: close, low: close, close, volume: 1 });
              if (i === 0 && ref !== undefined) expect(monitor.gauges().avgCorrelation).toBe(ref);
            }
            if (ref !== undefined && ref !== null) {
              if (ref > 0.8) firstDue ??= now;
              else if (ref < 0.8 - 1e-6) screenedBelow++;
            }
          }
          // 17 minutes: at most one alert (30 minutes apart), raised at the first minute whose average was above the level
          expect(alerts.filter((a) => a.code === 'CORRELATION').map((a) => a.ts)).toEqual(firstDue === undefined ? [] : [firstDue]);
          if (firstDue !== undefined) alerted++;
        },
      ),
      { numRuns: 80 },
    );
    // both sides of the screen were exercised
    expect(screenedBelow).toBeGreaterThan(0);
    expect(alerted).toBeGreaterThan(0);
  });

  it('gives a pending average over the windows as they were at the check, however many returns arrive before the gauges are read', () => {
    const w = 5;
    let now = T0;
    const portfolio = new Portfolio(1e9);
    const monitor = new RiskMonitor({ ...DEFAULT_MONITOR, correlationAlert: 0.8, correlationWindowBars: w, volWindowBars: 30 }, new RiskEngine(wideLimits(), () => now, () => {}), portfolio, new AlertLog(() => now, () => {}), { cutExposure: () => {}, marketOpen: () => true }, () => now);
    const symbols = ['S0', 'S1', 'S2'];
    symbols.forEach((s, i) => portfolio.applyFill({ clientOrderId: 'c', fillId: `f${i}`, symbol: s, side: 'buy', qty: 1, price: 100, fee: 0, ts: now }));
    const px = symbols.map(() => 100);
    const rets: number[][] = symbols.map(() => []);
    // uncorrelated moves: the screen vouches for every check once the windows are full
    const move = (t: number, i: number) => Math.sin(t * 12.9898 + i * 78.233) / 100;
    const bar = (i: number, r: number) => {
      const close = px[i]! * Math.exp(r);
      rets[i]!.push(Math.log(close / px[i]!));
      px[i] = close;
      monitor.onBar({ symbol: symbols[i]!, ts: now, open: close, high: close, low: close, close, volume: 1 });
    };
    for (let t = 0; t < 12; t++) {
      now = T0 + t * 60_000;
      for (let i = 0; i < symbols.length; i++) {
        if (t === 0) monitor.onBar({ symbol: symbols[i]!, ts: now, open: 100, high: 100, low: 100, close: 100, volume: 1 });
        else bar(i, move(t, i));
      }
    }
    // the next minute's first bar runs the check over the returns so far; then one holding gets many more within the minute
    const ref = reference(rets, w);
    now = T0 + 12 * 60_000;
    bar(0, move(12, 0));
    // more than the ring holds beyond the window (volWindowBars 30 + 9): the pending windows must have been copied out
    for (let n = 1; n <= 50; n++) {
      now = T0 + 12 * 60_000 + n * 1_000;
      bar(0, move(12 + n, 0));
    }
    expect(ref).not.toBeNull();
    expect(monitor.gauges().avgCorrelation).toBe(ref);
  });
});

