// Spans (from, to] of an order's cumulative filled quantity: which part of it
// an inferred fill stands for, and which part a real execution covers. The OMS
// keeps them live; restart recovery rebuilds them from the journal with the
// same arithmetic, so a real execution replayed after a restart is still
// recognized as already counted.

export type Span = [number, number];

/** One order's spans, as a session snapshot carries them. */
export interface OrderSpans {
  clientOrderId: string;
  spans: Span[];
}

/** Removes the overlap of (from, to] from `spans`; returns what is left and the overlap's size. */
export function subtractSpan(spans: readonly Span[], from: number, to: number): { left: Span[]; covered: number } {
  let covered = 0;
  const left: Span[] = [];
  for (const [a, b] of spans) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi - lo <= 1e-12) {
      left.push([a, b]);
      continue;
    }
    covered += hi - lo;
    if (lo - a > 1e-12) left.push([a, lo]);
    if (b - hi > 1e-12) left.push([hi, b]);
  }
  return { left, covered };
}
