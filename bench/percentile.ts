// The q-quantile of samples by nearest rank (the sample at floor(q * n) once
// sorted), as the journal benchmarks report their latencies.
export function pct(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
