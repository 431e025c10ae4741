// Day orders in a backtest expire at the end of their session: a limit that a
// bar after the session's end trades through is not filled, and the order ends
// 'expired'; the same order as GTC fills there.
import { describe, expect, it } from 'vitest';
import { sessionEndFor } from '../../../../src/engine/backtest/bar-venue.js';
import { createBacktestSession } from '../../../../src/engine/backtest/run-backtest.js';
import type { Strategy } from '../../../../src/engine/strategy/strategy.js';
import type { Bar, TimeInForce } from '../../../../src/shared/domain.js';

const MIN = 60_000;
const T0 = Date.parse('2024-03-05T23:50:00Z');
// 20 one-minute bars from 23:50 UTC: around 100 until midnight, then down to 96 (through a 97 limit)
const BARS: Bar[] = Array.from({ length: 20 }, (_, i) => {
  const px = i < 10 ? 100 : 96;
  return { symbol: 'AAA', ts: T0 + i * MIN, open: px, high: px + 0.5, low: px - 1, close: px, volume: 10_000 };
});

function limitOnce(tif: TimeInForce): Strategy {
  let sent = false;
  return {
    id: 'limit_once',
    onBar: (bar, ctx) => {
      if (sent) return;
      sent = true;
      ctx.submit({ symbol: bar.symbol, side: 'buy', type: 'limit', qty: 10, limitPrice: 97, timeInForce: tif, reason: 'test' });
    },
  };
}

async function run(tif: TimeInForce) {
  const s = createBacktestSession(BARS, { strategies: [], costs: 'none' }, 1, { strategies: [limitOnce(tif)] });
  const e = s.engine;
  await e.prepare();
  for (let at = e.clock.nextTimerAt(); at !== undefined; at = e.clock.nextTimerAt()) e.clock.advanceTo(at);
  const orders = e.oms.recent(10);
  await e.stop();
  return { orders, result: s.result() };
}

describe('day orders in a backtest', () => {
  it('a day limit expires at midnight UTC (24x7 calendar) before a later bar trades through it', async () => {
    const { orders, result } = await run('day');
    expect(orders).toHaveLength(1);
    expect(orders[0]!.status).toBe('expired');
    // sent when the 23:50 bar closed; reported expired as the first bar of the new day (00:00) is delivered at its close
    expect(orders[0]!.updatedAt).toBe(Date.parse('2024-03-06T00:01:00Z'));
    expect(result.fills).toEqual([]);
  });

  it('the same limit as GTC fills on the first bar that trades through it', async () => {
    const { orders, result } = await run('gtc');
    expect(orders[0]!.status).toBe('filled');
    // stamped with the time of the bar it filled on (the one opening at 00:00)
    expect(result.fills.map((f) => [f.price, f.ts])).toEqual([[96, Date.parse('2024-03-06T00:00:00Z')]]);
  });

  it('session ends: UTC midnight for 24x7, the NYSE close (next session when sent after it) for nyse', () => {
    expect(sessionEndFor({ calendar: '24x7' }, Date.parse('2024-03-05T23:59:59Z'))).toBe(Date.parse('2024-03-06T00:00:00Z'));
    expect(sessionEndFor({ calendar: '24x7' }, Date.parse('2024-03-06T00:00:00Z'))).toBe(Date.parse('2024-03-07T00:00:00Z'));
    expect(sessionEndFor({ calendar: 'nyse' }, Date.parse('2024-03-05T15:00:00Z'))).toBe(Date.parse('2024-03-05T21:00:00Z'));
    // after Friday's close: Monday's close
    expect(sessionEndFor({ calendar: 'nyse' }, Date.parse('2024-03-08T21:00:00Z'))).toBe(Date.parse('2024-03-11T20:00:00Z'));
  });
});
