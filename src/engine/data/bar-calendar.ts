// Which bar timestamps a market is expected to produce: used by the bar cache
// (is a gap in the cache really missing data, or a weekend?) and the quality
// monitor (is a gap between two bars a missing bar?).
//
// - '24x7' (crypto): a bar every timeframe bucket, always.
// - 'nyse': intraday bars inside regular sessions (09:30-16:00 New York, 13:00
//   on early closes); daily bars on session days. Daily bars are stamped
//   differently by different sources (00:00Z of the date: ccxt and the loopback;
//   00:00 New York: Alpaca; the open or the close: others), so a session day's
//   daily bar is expected anywhere from 00:00Z of its date to its close.
import { isNyseOpen, nyseSessionFor, type NyseSession } from './calendar.js';

export type MarketCalendar = 'nyse' | '24x7';
/** A calendar, or 'auto': the one the bars keep (a backtest's calendarsOf). */
export type CalendarChoice = 'auto' | MarketCalendar;
export const CALENDAR_CHOICES: readonly CalendarChoice[] = ['auto', 'nyse', '24x7'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The timeframe of bars `seconds` long: whole days, hours, else minutes (at least one). */
export function timeframeOfSeconds(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return `${seconds / 86_400}Day`;
  if (seconds >= 3_600 && seconds % 3_600 === 0) return `${seconds / 3_600}Hour`;
  return `${Math.max(1, Math.round(seconds / 60))}Min`;
}

/** Milliseconds of a timeframe: Alpaca ('1Min', '1Hour', '1Day'), ccxt ('1m', '4h', '1d') or '1T' / '1H' / '1D'. */
const TIMEFRAME_MS = new Map<string, number>();

export function timeframeMs(tf: string): number {
  // parsed once per timeframe string (the quality monitor asks for every bar)
  const known = TIMEFRAME_MS.get(tf);
  if (known !== undefined) return known;
  const ms = parseTimeframe(tf);
  if (TIMEFRAME_MS.size < 64) TIMEFRAME_MS.set(tf, ms);
  return ms;
}

function parseTimeframe(tf: string): number {
  const m = /^(\d+)\s*(Min|T|m|Hour|H|h|Day|D|d|Week|W|w)$/.exec(tf);
  if (!m) throw new RangeError(`unsupported timeframe '${tf}' (e.g. 1Min, 5Min, 1Hour, 1Day, 1m, 1h, 1d)`);
  const n = Number(m[1]);
  if (!(n >= 1)) throw new RangeError(`unsupported timeframe '${tf}'`);
  switch (m[2]) {
    case 'Min':
    case 'T':
    case 'm':
      return n * MINUTE;
    case 'Hour':
    case 'H':
    case 'h':
      return n * HOUR;
    case 'Week':
    case 'W':
    case 'w':
      return n * 7 * DAY;
    default:
      return n * DAY;
  }
}

/** Crypto symbols ('BTC/USD') trade 24/7; everything else follows the NYSE calendar. */
export function defaultCalendarOf(symbol: string): MarketCalendar {
  return symbol.includes('/') ? '24x7' : 'nyse';
}

/** Session of the UTC date starting at `dayStart` (00:00Z), or null. */
function sessionOfUtcDay(dayStart: number): NyseSession | null {
  // 17:00Z is 12:00/13:00 New York: always inside the same New York date.
  return nyseSessionFor(dayStart + 17 * HOUR);
}

/** The session of the UTC date `ts` falls on (a daily bar's, whatever time of its date it is stamped at), or null. */
export function nyseSessionOfUtcDate(ts: number): NyseSession | null {
  return sessionOfUtcDay(Math.floor(ts / DAY) * DAY);
}

/**
 * True when a bar opening at `ts`, `barMs` long, is one the NYSE calendar
 * produces: an intraday bar opening inside a regular session; a daily or
 * longer bar dated (UTC) on a session day. Pre- and after-market bars are not.
 */
export function onNyseCalendar(ts: number, barMs: number): boolean {
  return barMs >= DAY ? nyseSessionOfUtcDate(ts) !== null : isNyseOpen(ts);
}

/** Sessions whose UTC date lies in [from, to] (inclusive, by date). */
export function nyseSessionsBetween(from: number, to: number): NyseSession[] {
  const out: NyseSession[] = [];
  for (let d = Math.floor(from / DAY) * DAY; d <= to; d += DAY) {
    const s = sessionOfUtcDay(d);
    if (s) out.push(s);
  }
  return out;
}

/**
 * True when a bar of `timeframe` is expected with open time in [start, end]
 * (inclusive) on this calendar.
 */
export function expectsBars(calendar: MarketCalendar, timeframe: string, start: number, end: number): boolean {
  return estimateBars(calendar, timeframe, start, end, 1) > 0;
}

/**
 * Bars of `timeframe` expected with open time in [start, end]; stops counting
 * at `cap`. Intraday NYSE counts regular-session buckets only (a lower bound
 * when extended hours are included).
 */
export function estimateBars(calendar: MarketCalendar, timeframe: string, start: number, end: number, cap = Infinity): number {
  if (!(end >= start)) return 0;
  const tf = timeframeMs(timeframe);
  if (calendar === '24x7') {
    const first = Math.ceil(start / tf) * tf;
    return first > end ? 0 : Math.min(cap, Math.floor((end - first) / tf) + 1);
  }
  let n = 0;
  if (tf >= DAY) {
    for (let d = Math.floor(start / DAY) * DAY - DAY; d <= end && n < cap; d += DAY) {
      const s = sessionOfUtcDay(d);
      // the date's bar may be stamped from 00:00Z of the date up to its close
      if (s && d <= end && s.close >= start) n++;
    }
    return Math.ceil(n / Math.round(tf / DAY));
  }
  for (let d = Math.floor(start / DAY) * DAY - DAY; d <= end && n < cap; d += DAY) {
    const s = sessionOfUtcDay(d);
    if (!s) continue;
    // buckets (aligned to the epoch) that overlap the session, opening in [start, end]
    const lo = Math.max(Math.floor(s.open / tf), Math.ceil(start / tf));
    const hi = Math.min(Math.floor((s.close - 1) / tf), Math.floor(end / tf));
    if (hi >= lo) n += hi - lo + 1;
  }
  return Math.min(n, cap);
}

/**
 * Intraday bar open times expected strictly between `prev` and `next` (both
 * bar open times) on this calendar: the missing bars of a gap. Capped at `cap`
 * (only the count matters for a long outage).
 */
export function missingBarsBetween(calendar: MarketCalendar, timeframe: string, prev: number, next: number, cap = 100_000): number {
  const tf = timeframeMs(timeframe);
  if (next - prev <= tf) return 0;
  if (tf >= DAY) {
    if (calendar === '24x7') return Math.min(cap, Math.round((next - prev) / tf) - 1);
    // session days strictly between the two bars' dates (a daily bar's UTC date is its session date)
    const a = Math.floor(prev / DAY) * DAY + DAY;
    const b = Math.floor(next / DAY) * DAY - DAY;
    let n = 0;
    for (let d = a; d <= b && n < cap; d += DAY) if (sessionOfUtcDay(d)) n++;
    return n;
  }
  return estimateBars(calendar, timeframe, prev + tf, next - 1, cap);
}
