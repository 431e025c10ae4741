// The pure parts of the execution algorithms: TWAP and VWAP slice schedules,
// the participation cap on a child, the iceberg's display quantity, and the
// marketable limit the monitor and the children use.
import { describe, expect, it } from 'vitest';
import { dueFraction, twapSchedule } from '../../../../../src/engine/execution/algos/twap.js';
import { nyseVolumeWeight, vwapSchedule } from '../../../../../src/engine/execution/algos/vwap.js';
import { childQty, participationLimit } from '../../../../../src/engine/execution/algos/slicer.js';
import { displayQty, nextIcebergChild } from '../../../../../src/engine/execution/algos/iceberg.js';
import { marketableLimit } from '../../../../../src/engine/execution/marketable.js';

const MIN = 60_000;
// Tuesday 2026-01-06: NYSE opens 14:30 UTC, closes 21:00 UTC
const OPEN = Date.parse('2026-01-06T14:30:00Z');

describe('TWAP schedule', () => {
  it('splits the duration into equal slices, the first due at once and the last bringing it to 1', () => {
    const s = twapSchedule(1_000, 10 * MIN, MIN);
    expect(s).toHaveLength(10);
    expect(s.map((x) => x.at)).toEqual(Array.from({ length: 10 }, (_, k) => 1_000 + k * MIN));
    s.forEach((x, k) => expect(x.cum).toBeCloseTo((k + 1) / 10, 12));
    expect(s[9]!.cum).toBe(1);
    expect(dueFraction(s, 999)).toBe(0);
    expect(dueFraction(s, 1_000)).toBeCloseTo(0.1, 12);
    expect(dueFraction(s, 1_000 + 4.5 * MIN)).toBeCloseTo(0.5, 12);
    expect(dueFraction(s, 1_000 + 60 * MIN)).toBe(1);
  });

  it('a duration that is not a multiple of the slice gets one more (shorter) slice', () => {
    expect(twapSchedule(0, 150_000, MIN)).toHaveLength(3);
  });
});

describe('VWAP schedule', () => {
  it('follows the U-shaped NYSE profile: the first half hour carries more than a midday half hour; nothing when closed', () => {
    expect(nyseVolumeWeight(OPEN)).toBeCloseTo(4, 6);
    expect(nyseVolumeWeight(OPEN + 195 * MIN)).toBeCloseTo(1, 6);
    expect(nyseVolumeWeight(OPEN - MIN)).toBe(0);
    const day = vwapSchedule(OPEN, 390 * MIN, 30 * MIN, 'nyse');
    const share = (k: number) => day[k]!.cum - (k ? day[k - 1]!.cum : 0);
    expect(share(0)).toBeGreaterThan(2 * share(6));
    expect(share(12)).toBeGreaterThan(2 * share(6));
    expect(day[12]!.cum).toBe(1);
  });

  it('a 24x7 market has a flat profile: the same schedule as TWAP', () => {
    const v = vwapSchedule(5, 10 * MIN, MIN, '24x7');
    const t = twapSchedule(5, 10 * MIN, MIN);
    v.forEach((x, k) => expect(x.cum).toBeCloseTo(t[k]!.cum, 12));
  });
});

describe('child size', () => {
  const schedule = twapSchedule(0, 10 * MIN, MIN);
  const base = { schedule, parentQty: 1_000, filled: 0, working: 0, lot: 1, participationCap: 0.1 };

  it('sends what is due less what is filled or working', () => {
    expect(childQty({ ...base, now: 4 * MIN, barVolume: 1e9 })).toBe(500);
    expect(childQty({ ...base, now: 4 * MIN, filled: 300, working: 150, barVolume: 1e9 })).toBe(50);
    expect(childQty({ ...base, now: 4 * MIN, filled: 500, barVolume: 1e9 })).toBe(0);
  });

  it('caps a child at the participation share of the last bar volume (child <= cap x volume)', () => {
    expect(participationLimit(2_000, 0.1)).toBe(200);
    expect(childQty({ ...base, now: 4 * MIN, barVolume: 2_000 })).toBe(200);
    expect(childQty({ ...base, now: 9 * MIN, barVolume: 9 })).toBe(0); // less than a lot allowed
    expect(childQty({ ...base, now: 9 * MIN, barVolume: undefined })).toBe(0); // no volume seen: nothing sized
  });

  it('rounds down to the lot and never goes past the parent', () => {
    expect(childQty({ ...base, lot: 7, now: 0, barVolume: 1e9 })).toBe(98);
    expect(childQty({ ...base, now: 60 * MIN, filled: 999.5, barVolume: 1e9, lot: 0.5 })).toBe(0.5);
  });
});

describe('iceberg display', () => {
  it('shows the asked quantity, else a share of the parent, on the lot and at least one lot', () => {
    expect(displayQty(1_000, 1, 40, 0.1)).toBe(40);
    expect(displayQty(1_000, 1, undefined, 0.1)).toBe(100);
    expect(displayQty(1_000, 10, 25, 0.1)).toBe(20);
    expect(displayQty(5, 1, undefined, 0.1)).toBe(1);
  });
  it('the last child is the remainder', () => {
    expect(nextIcebergChild(250, 100, 1)).toBe(100);
    expect(nextIcebergChild(30, 100, 1)).toBe(30);
    expect(nextIcebergChild(0, 100, 1)).toBe(0);
  });
});

describe('marketable limit', () => {
  const q = { symbol: 'X', ts: 0, bid: 99.5, ask: 100.5, bidSize: 1, askSize: 1 };
  it('crosses the touch by the basis points, on the tick, away from the touch', () => {
    expect(marketableLimit('buy', q, 10, 0.01)).toBe(100.61); // 100.6005 rounded up
    expect(marketableLimit('sell', q, 10, 0.01)).toBe(99.4); // 99.4005 rounded down
  });
  it('never goes past a cap; no quote gives no price', () => {
    expect(marketableLimit('buy', q, 10, 0.01, 100.55)).toBe(100.55);
    expect(marketableLimit('sell', q, 10, 0.01, 99.45)).toBe(99.45);
    expect(marketableLimit('buy', undefined, 10, 0.01)).toBeUndefined();
    expect(marketableLimit('buy', { ...q, bid: 0 }, 10, 0.01)).toBeUndefined();
  });
});
