// NYSE session calendar: regular hours 09:30-16:00 America/New_York on weekdays,
// minus full holidays, with 13:00 early closes. 2024-2028 use a hard-coded list;
// other years fall back to the exchange's holiday rules. DST-correct via Intl.

export interface NyseSession {
  /** Session open, UTC epoch ms. */
  open: number;
  /** Session close, UTC epoch ms (13:00 New York time on early-close days). */
  close: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Full-day closures, New York dates (YYYY-MM-DD). */
const HOLIDAYS: Record<number, readonly string[]> = {
  2024: ['2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25'],
  // 2025-01-09: special closure (national day of mourning for President Carter).
  2025: ['2025-01-01', '2025-01-09', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25'],
  // Independence Day falls on a Saturday: observed Friday 07-03.
  2026: ['2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25'],
  // Juneteenth and Christmas on Saturdays (observed Fridays), July 4 on a Sunday (observed Monday).
  2027: ['2027-01-01', '2027-01-18', '2027-02-15', '2027-03-26', '2027-05-31', '2027-06-18', '2027-07-05', '2027-09-06', '2027-11-25', '2027-12-24'],
  // New Year's Day 2028 is a Saturday: NYSE does not close on Friday 2027-12-31.
  2028: ['2028-01-17', '2028-02-21', '2028-04-14', '2028-05-29', '2028-06-19', '2028-07-04', '2028-09-04', '2028-11-23', '2028-12-25'],
};

/** 13:00 early closes, New York dates. */
const EARLY_CLOSES: Record<number, readonly string[]> = {
  2024: ['2024-07-03', '2024-11-29', '2024-12-24'],
  2025: ['2025-07-03', '2025-11-28', '2025-12-24'],
  2026: ['2026-11-27', '2026-12-24'],
  2027: ['2027-11-26'],
  2028: ['2028-07-03', '2028-11-24'],
};

type YearRules = { holidays: Set<string>; earlyCloses: Set<string> };
const yearCache = new Map<number, YearRules>();

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Day of week (0 = Sunday) of a calendar date. */
function weekday(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Day of month of the n-th (1-based) `wd` weekday of a month; n = -1 for the last one. */
function nthWeekday(y: number, m: number, wd: number, n: number): number {
  if (n > 0) {
    const first = weekday(y, m, 1);
    return 1 + ((wd - first + 7) % 7) + (n - 1) * 7;
  }
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = weekday(y, m, lastDay);
  return lastDay - ((last - wd + 7) % 7);
}

/** Easter Sunday (Gregorian, anonymous computus) as [month, day]. */
function easter(y: number): [number, number] {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

/**
 * Holidays and early closes derived from the NYSE rules (Rule 7.2): Saturday
 * holidays are observed the Friday before (except New Year's Day), Sunday
 * holidays the Monday after. Used for years outside the hard-coded list and to
 * cross-check that list. Special one-off closures are not derivable.
 */
export function nyseRuleCalendar(y: number): { holidays: string[]; earlyCloses: string[] } {
  const holidays: string[] = [];
  const observed = (m: number, d: number, observeSaturday = true): void => {
    const wd = weekday(y, m, d);
    const t = Date.UTC(y, m - 1, d);
    if (wd === 6) {
      if (!observeSaturday) return;
      const f = new Date(t - DAY);
      holidays.push(iso(f.getUTCFullYear(), f.getUTCMonth() + 1, f.getUTCDate()));
    } else if (wd === 0) {
      const mo = new Date(t + DAY);
      holidays.push(iso(mo.getUTCFullYear(), mo.getUTCMonth() + 1, mo.getUTCDate()));
    } else holidays.push(iso(y, m, d));
  };
  observed(1, 1, false);
  holidays.push(iso(y, 1, nthWeekday(y, 1, 1, 3)));
  holidays.push(iso(y, 2, nthWeekday(y, 2, 1, 3)));
  const [em, ed] = easter(y);
  const gf = new Date(Date.UTC(y, em - 1, ed) - 2 * DAY);
  holidays.push(iso(y, gf.getUTCMonth() + 1, gf.getUTCDate()));
  holidays.push(iso(y, 5, nthWeekday(y, 5, 1, -1)));
  if (y >= 2022) observed(6, 19);
  observed(7, 4);
  holidays.push(iso(y, 9, nthWeekday(y, 9, 1, 1)));
  const thanksgiving = nthWeekday(y, 11, 4, 4);
  holidays.push(iso(y, 11, thanksgiving));
  observed(12, 25);

  const earlyCloses: string[] = [];
  const jul3 = weekday(y, 7, 3);
  if (jul3 >= 1 && jul3 <= 4) earlyCloses.push(iso(y, 7, 3));
  earlyCloses.push(iso(y, 11, thanksgiving + 1));
  const dec24 = weekday(y, 12, 24);
  if (dec24 >= 1 && dec24 <= 4) earlyCloses.push(iso(y, 12, 24));
  return { holidays, earlyCloses };
}

function rulesFor(y: number): YearRules {
  let r = yearCache.get(y);
  if (!r) {
    const hard = HOLIDAYS[y];
    const early = EARLY_CLOSES[y];
    if (hard && early) r = { holidays: new Set(hard), earlyCloses: new Set(early) };
    else {
      const derived = nyseRuleCalendar(y);
      r = { holidays: new Set(derived.holidays), earlyCloses: new Set(derived.earlyCloses) };
    }
    yearCache.set(y, r);
  }
  return r;
}

// ---- time zone ------------------------------------------------------------

const nyFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** New York offset from UTC at instant `ts` (local = utc + offset), in ms. */
export function newYorkOffsetMs(ts: number): number {
  const parts = nyFormat.formatToParts(ts);
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value) % 24; break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
    }
  }
  const whole = ts - (((ts % 1000) + 1000) % 1000);
  return Date.UTC(y, mo - 1, d, h, mi, s) - whole;
}

// ---- per-day cache --------------------------------------------------------

interface DayInfo {
  /** Offset (local = utc + offset) at noon of the day; the session hours never straddle a DST switch. */
  offset: number;
  session: NyseSession | null;
}

/** Keyed by the local day number (days since 1970-01-01 in New York dates). */
const dayCache = new Map<number, DayInfo>();

function dayInfo(localDay: number): DayInfo {
  let info = dayCache.get(localDay);
  if (info) return info;
  const midnightAsUtc = localDay * DAY;
  // 12:00 UTC is 07:00/08:00 in New York: after the 02:00 DST switch, before the open.
  const offset = newYorkOffsetMs(midnightAsUtc + 12 * HOUR);
  const date = new Date(midnightAsUtc);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  const wd = date.getUTCDay();
  let session: NyseSession | null = null;
  if (wd !== 0 && wd !== 6) {
    const rules = rulesFor(y);
    const key = iso(y, m, d);
    if (!rules.holidays.has(key)) {
      const closeLocal = rules.earlyCloses.has(key) ? 13 * HOUR : 16 * HOUR;
      session = { open: midnightAsUtc + 9 * HOUR + 30 * MINUTE - offset, close: midnightAsUtc + closeLocal - offset };
    }
  }
  info = { offset, session };
  dayCache.set(localDay, info);
  return info;
}

/**
 * New York calendar day of `ts`. Exact except within an hour of midnight on the
 * two DST-switch Sundays, where it may name the adjacent weekend day; both have
 * no session, so session answers are unaffected.
 */
function localDayOf(ts: number): number {
  const guess = Math.floor((ts - 4 * HOUR) / DAY); // as if EDT (UTC-4)
  const info = dayInfo(guess);
  if (info.offset !== -4 * HOUR) return Math.floor((ts + info.offset) / DAY);
  return guess;
}

/** The regular session on the New York calendar day containing `ts`, or null (weekend/holiday). */
export function nyseSessionFor(ts: number): NyseSession | null {
  const s = dayInfo(localDayOf(ts)).session;
  return s ? { open: s.open, close: s.close } : null;
}

/** True while the NYSE regular session is open: open <= ts < close. */
export function isNyseOpen(ts: number): boolean {
  const s = dayInfo(localDayOf(ts)).session;
  return s !== null && ts >= s.open && ts < s.close;
}

/** Open time of the first session opening strictly after `ts`. */
export function nextNyseOpen(ts: number): number {
  const first = localDayOf(ts);
  for (let d = first; d < first + 30; d++) {
    const s = dayInfo(d).session;
    if (s && s.open > ts) return s.open;
  }
  throw new Error(`no NYSE session within 30 days after ${new Date(ts).toISOString()}`);
}

/** The latest session that opened strictly before `ts` (it may still be open at `ts`). */
export function lastNyseSessionBefore(ts: number): NyseSession {
  const first = localDayOf(ts);
  for (let d = first; d > first - 30; d--) {
    const s = dayInfo(d).session;
    if (s && s.open < ts) return { open: s.open, close: s.close };
  }
  throw new Error(`no NYSE session within 30 days before ${new Date(ts).toISOString()}`);
}
