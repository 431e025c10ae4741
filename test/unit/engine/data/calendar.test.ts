import { describe, expect, it } from 'vitest';
import {
  isNyseOpen,
  lastNyseSessionBefore,
  nextNyseOpen,
  nyseRuleCalendar,
  nyseSessionFor,
} from '../../../../src/engine/data/calendar.js';

const t = (s: string): number => Date.parse(s);

describe('NYSE calendar', () => {
  it('follows DST: 09:30 New York is 14:30Z in winter and 13:30Z in summer', () => {
    // US DST began Sunday 2026-03-08: Friday before is EST, Monday after is EDT
    expect(nyseSessionFor(t('2026-03-06T16:00:00Z'))).toEqual({ open: t('2026-03-06T14:30:00Z'), close: t('2026-03-06T21:00:00Z') });
    expect(nyseSessionFor(t('2026-03-09T16:00:00Z'))).toEqual({ open: t('2026-03-09T13:30:00Z'), close: t('2026-03-09T20:00:00Z') });
    expect(isNyseOpen(t('2026-03-09T13:45:00Z'))).toBe(true);
    expect(isNyseOpen(t('2026-03-06T13:45:00Z'))).toBe(false);
    // DST ended Sunday 2026-11-01
    expect(nyseSessionFor(t('2026-10-30T15:00:00Z'))!.open).toBe(t('2026-10-30T13:30:00Z'));
    expect(nyseSessionFor(t('2026-11-02T15:00:00Z'))!.open).toBe(t('2026-11-02T14:30:00Z'));
    // from the Friday close across the DST weekend, the next open is Monday 13:30Z
    expect(nextNyseOpen(t('2026-03-06T21:00:00Z'))).toBe(t('2026-03-09T13:30:00Z'));
  });

  it('is open from the open (inclusive) to the close (exclusive)', () => {
    expect(isNyseOpen(t('2026-01-05T14:29:59.999Z'))).toBe(false);
    expect(isNyseOpen(t('2026-01-05T14:30:00Z'))).toBe(true);
    expect(isNyseOpen(t('2026-01-05T20:59:59.999Z'))).toBe(true);
    expect(isNyseOpen(t('2026-01-05T21:00:00Z'))).toBe(false);
  });

  it('is closed on holidays, including observed dates', () => {
    expect(nyseSessionFor(t('2026-07-03T15:00:00Z'))).toBeNull(); // July 4 on a Saturday -> Friday
    expect(nyseSessionFor(t('2025-12-25T15:00:00Z'))).toBeNull();
    expect(nyseSessionFor(t('2026-04-03T15:00:00Z'))).toBeNull(); // Good Friday
    expect(nyseSessionFor(t('2027-07-05T15:00:00Z'))).toBeNull(); // July 4 on a Sunday -> Monday
    expect(nyseSessionFor(t('2025-01-09T15:00:00Z'))).toBeNull(); // special closure
    expect(isNyseOpen(t('2026-01-19T16:00:00Z'))).toBe(false); // MLK day
    // New Year's Day 2028 falls on a Saturday: Friday 2027-12-31 trades normally
    expect(nyseSessionFor(t('2027-12-31T15:00:00Z'))).toEqual({ open: t('2027-12-31T14:30:00Z'), close: t('2027-12-31T21:00:00Z') });
    // after the Thursday 2026-07-02 close, the next open skips the holiday and the weekend
    expect(nextNyseOpen(t('2026-07-02T20:00:00Z'))).toBe(t('2026-07-06T13:30:00Z'));
  });

  it('closes at 13:00 New York time on early-close days', () => {
    expect(nyseSessionFor(t('2026-11-27T15:00:00Z'))!.close).toBe(t('2026-11-27T18:00:00Z')); // day after Thanksgiving, EST
    expect(nyseSessionFor(t('2025-07-03T15:00:00Z'))!.close).toBe(t('2025-07-03T17:00:00Z')); // July 3, EDT
    expect(nyseSessionFor(t('2026-12-24T15:00:00Z'))!.close).toBe(t('2026-12-24T18:00:00Z'));
    expect(isNyseOpen(t('2026-11-27T18:30:00Z'))).toBe(false);
    expect(isNyseOpen(t('2026-11-27T17:30:00Z'))).toBe(true);
  });

  it('is closed on weekends and reports the next open', () => {
    const sat = t('2026-01-03T15:00:00Z');
    expect(nyseSessionFor(sat)).toBeNull();
    expect(isNyseOpen(sat)).toBe(false);
    expect(nextNyseOpen(sat)).toBe(t('2026-01-05T14:30:00Z'));
    expect(lastNyseSessionBefore(sat)).toEqual({ open: t('2026-01-02T14:30:00Z'), close: t('2026-01-02T21:00:00Z') });
    // during a session, next open is the following day's and the last session is the current one
    expect(nextNyseOpen(t('2026-01-05T15:00:00Z'))).toBe(t('2026-01-06T14:30:00Z'));
    expect(lastNyseSessionBefore(t('2026-01-05T15:00:00Z')).open).toBe(t('2026-01-05T14:30:00Z'));
  });

  it('maps late-evening New York times to the right local day', () => {
    // 23:30 New York on Friday is 04:30Z Saturday: the Friday session, already closed
    expect(nyseSessionFor(t('2026-01-10T04:30:00Z'))!.open).toBe(t('2026-01-09T14:30:00Z'));
    expect(nyseSessionFor(t('2026-06-06T03:30:00Z'))!.open).toBe(t('2026-06-05T13:30:00Z'));
  });

  it('hard-coded 2024-2028 lists agree with the exchange rules', () => {
    expect(nyseRuleCalendar(2026).holidays).toContain('2026-07-03');
    for (const y of [2024, 2025, 2026, 2027, 2028]) {
      const rules = nyseRuleCalendar(y);
      for (const d of rules.holidays) expect(nyseSessionFor(t(`${d}T16:00:00Z`)), d).toBeNull();
      for (const d of rules.earlyCloses) {
        const s = nyseSessionFor(t(`${d}T16:00:00Z`))!;
        expect(s.close - s.open, d).toBe(3.5 * 3_600_000);
      }
    }
    // every weekday of 2026 that is not a rule holiday has a session
    const hol = new Set(nyseRuleCalendar(2026).holidays);
    let sessions = 0;
    for (let d = t('2026-01-01T16:00:00Z'); d < t('2027-01-01T00:00:00Z'); d += 86_400_000) {
      const day = new Date(d);
      const wd = day.getUTCDay();
      const key = day.toISOString().slice(0, 10);
      if (wd === 0 || wd === 6 || hol.has(key)) expect(nyseSessionFor(d), key).toBeNull();
      else {
        expect(nyseSessionFor(d), key).not.toBeNull();
        sessions++;
      }
    }
    expect(sessions).toBe(251);
  });
});
