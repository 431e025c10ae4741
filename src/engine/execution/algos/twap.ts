// TWAP: a parent's quantity spread evenly over its duration, one slice every
// `sliceMs`. A schedule is the cumulative fraction of the parent due by each
// slice time (the last slice brings it to 1).

/** From `at` on, `cum` (0..1] of the parent's quantity should have been sent. */
export interface Slice {
  at: number;
  cum: number;
}

/** Evenly weighted slices from `start` (the first slice is due at once). */
export function twapSchedule(start: number, durationMs: number, sliceMs: number): Slice[] {
  return weightedSchedule(start, durationMs, sliceMs, () => 1);
}

/** Slices from `start` whose shares follow `weight` (evaluated at each slice's middle). */
export function weightedSchedule(start: number, durationMs: number, sliceMs: number, weight: (ts: number) => number): Slice[] {
  const n = Math.max(1, Math.ceil(durationMs / sliceMs));
  const w: number[] = [];
  let total = 0;
  for (let k = 0; k < n; k++) {
    const x = Math.max(0, weight(start + k * sliceMs + sliceMs / 2));
    w.push(x);
    total += x;
  }
  const out: Slice[] = [];
  let cum = 0;
  for (let k = 0; k < n; k++) {
    cum += total > 0 ? w[k]! / total : 1 / n;
    out.push({ at: start + k * sliceMs, cum: k === n - 1 ? 1 : Math.min(1, cum) });
  }
  return out;
}

/** The cumulative fraction due at `t`: that of the last slice at or before it (0 before the first). */
export function dueFraction(schedule: readonly Slice[], t: number): number {
  let due = 0;
  for (const s of schedule) {
    if (s.at > t) break;
    due = s.cum;
  }
  return due;
}
