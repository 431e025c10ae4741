// An equity curve's x axis by sample, not by clock: every bar takes the same
// width, so nights, weekends and holidays (no bars, no change) do not flatten
// the curve into its ends. Labels say the time of day within a short run and
// the date over a longer one; curves of several runs are aligned on the union
// of their sample times (null where a run has none).
import { fmtAxisTime, fmtDate } from './format.js';

const DAY = 86_400_000;

/** The label of a sample at `ts` on an axis spanning `spanMs`: HH:MM under two days, MM-DD HH:MM under a month, else the date. */
export function sampleLabel(ts: number, spanMs: number): string {
  if (spanMs < 2 * DAY) return fmtAxisTime(ts);
  if (spanMs < 31 * DAY) return `${fmtDate(ts).slice(5)} ${fmtAxisTime(ts)}`;
  return fmtDate(ts);
}

/** Several [ts, value] series on one sample axis: the sorted union of their times, each series' value at each (null where it has none). */
export function alignSeries(series: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): { times: number[]; values: Array<Array<number | null>> } {
  const times = [...new Set(series.flatMap((s) => s.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const values = series.map((s) => {
    const row: Array<number | null> = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of s) row[index.get(t)!] = v;
    return row;
  });
  return { times, values };
}
