// Where the pre-generated history starts: far enough back that every instrument
// has `minutes` completed 1-minute bars before the start - 24/7 instruments the
// last N minutes, NYSE instruments the last N session minutes (across days).
import { lastNyseSessionBefore } from '../../data/calendar.js';
import { MINUTE_MS } from './bars.js';

/** Start (epoch ms, minute-aligned) of the last `minutes` NYSE session minutes that end by `end`. */
export function sessionMinutesStart(end: number, minutes: number): number {
  let t = end - (((end % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
  let left = minutes;
  while (left > 0) {
    const s = lastNyseSessionBefore(t);
    const until = Math.min(t, s.close);
    const available = Math.floor((until - s.open) / MINUTE_MS);
    if (available >= left) return until - left * MINUTE_MS;
    left -= available;
    t = s.open;
  }
  return t;
}

export function historyStart(start: number, minutes: number, hasSessionInstruments: boolean): number {
  const startMinute = start - (((start % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
  let h = startMinute - minutes * MINUTE_MS;
  if (hasSessionInstruments && minutes > 0) h = Math.min(h, sessionMinutesStart(startMinute, minutes));
  return h;
}
