// Session boundaries for the intraday features: a session is one UTC calendar
// day (NYSE's regular session and a crypto day both fall inside one), so daily
// bars make one-bar sessions.
export const DAY_MS = 86_400_000;

/** The session a bar opening at `ts` (epoch ms) belongs to. */
export function sessionOf(ts: number): number {
  return Math.floor(ts / DAY_MS);
}
