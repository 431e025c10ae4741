// How many bars of a given length make a year, by market calendar: what turns
// one bar's return volatility into an annual figure. 1-minute bars on NYSE are
// 252 x 390 a year, on a 24x7 market 365 x 1440; a daily bar is one session
// (252 or 365 a year), not 1,440 minutes, so daily and longer bars count
// sessions, not minutes.
const SESSION_MINUTES = 390;
const DAY_S = 86_400;

/** Bars of `barSeconds` in a year on `calendar` ('nyse' sessions of 6.5 h, 252 a year; anything else 24x7). */
export function barsPerYear(barSeconds: number, calendar: string): number {
  if (calendar === 'nyse') return barSeconds >= DAY_S ? (252 * DAY_S) / barSeconds : (252 * SESSION_MINUTES * 60) / barSeconds;
  return (365 * DAY_S) / barSeconds;
}

/**
 * Daily returns a year of an equity curve sampled at `times` (ms): 365 when it has a point on a weekend (a UTC
 * Saturday or Sunday: something it holds or watches trades around the clock, and every calendar day is a return),
 * else 252 (a curve of stock sessions: weekdays only, pre- and after-market included).
 */
export function daysPerYearOf(times: Iterable<number>): number {
  for (const t of times) {
    const weekday = new Date(t).getUTCDay();
    if (weekday === 0 || weekday === 6) return 365;
  }
  return 252;
}
