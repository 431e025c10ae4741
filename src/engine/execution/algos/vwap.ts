// VWAP: a parent's quantity spread over its duration in proportion to the
// volume the market usually trades at each time of day. NYSE stocks follow a
// U-shaped intraday profile (heavy at the open and the close, light at midday,
// nothing outside the session); a 24x7 market has a flat profile (= TWAP).
import { nyseSessionFor } from '../../data/calendar.js';
import { weightedSchedule, type Slice } from './twap.js';

/** Relative volume at `ts` of an NYSE session: 1 at midday rising to 4 at the open and the close; 0 when closed. */
export function nyseVolumeWeight(ts: number): number {
  const s = nyseSessionFor(ts);
  if (!s || ts < s.open || ts >= s.close) return 0;
  const x = (2 * (ts - s.open)) / (s.close - s.open) - 1; // -1 at the open, +1 at the close
  return 1 + 3 * x * x;
}

export function vwapSchedule(start: number, durationMs: number, sliceMs: number, calendar: 'nyse' | '24x7'): Slice[] {
  return weightedSchedule(start, durationMs, sliceMs, calendar === 'nyse' ? nyseVolumeWeight : () => 1);
}
