// Timestamp parsing shared by every CSV reader (equity curves, bars): ISO dates
// and datetimes (no zone = UTC) or epoch numbers, to UTC epoch milliseconds.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const EPOCH = /^-?\d+(?:\.\d+)?$/;

/** Epoch values at or above this magnitude are milliseconds, below it seconds (1e11 s is the year 5138; 1e11 ms is March 1973). */
export const EPOCH_MS_THRESHOLD = 1e11;

/**
 * Parses one timestamp to epoch ms (UTC), or returns a reason string.
 * Accepted: `YYYY-MM-DD` (UTC midnight); `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`,
 * `±HH:MM` or no zone (no zone = UTC); a space may replace `T`; epoch numbers:
 * milliseconds when |v| >= 1e11, else seconds.
 */
export function parseTimestamp(text: string): number | string {
  const s = text.trim();
  if (s === '') return 'is empty';
  if (EPOCH.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return `is not a finite epoch number: ${JSON.stringify(s)}`;
    return Math.abs(v) >= EPOCH_MS_THRESHOLD ? v : v * 1000;
  }
  let m = ISO_DATE.exec(s);
  if (m) return civil(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, 0, 0, s);
  m = ISO_DATETIME.exec(s);
  if (m) {
    const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
    let offsetMin = 0;
    const zone = m[8];
    if (zone !== undefined && zone.toUpperCase() !== 'Z') {
      const digits = zone.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2, 4));
      if (oh > 23 || om > 59) return `has an invalid UTC offset: ${JSON.stringify(s)}`;
      offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    return civil(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6]), frac, offsetMin, s);
  }
  return `is not an ISO date/datetime or epoch number: ${JSON.stringify(s)}`;
}

function civil(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number, offsetMin: number, s: string): number | string {
  const t = Date.UTC(y, mo - 1, d, h, mi, sec);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== sec) {
    return `is not a valid calendar date/time: ${JSON.stringify(s)}`;
  }
  return t + ms - offsetMin * 60_000;
}
