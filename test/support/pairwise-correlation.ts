// The average pairwise correlation of return series written out plainly (the
// risk monitor's correlation check and screen are held to it).

/** The pairwise average written out plainly: each pair's last min(w, length) returns centered (none under 5), in the monitor's order of arithmetic. */
export function reference(returns: number[][], window: number): number | null {
  const w = Math.min(window, ...returns.map((r) => r.length));
  if (w < 5) return null;
  const centered = (a: number[]) => {
    const x = a.slice(-w);
    let s = 0;
    for (const v of x) s += v;
    const m = s / w;
    const d = x.map((v) => v - m);
    let ss = 0;
    for (const v of d) ss += v ** 2;
    return { d, ss };
  };
  const c = returns.map(centered);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < c.length; i++) {
    for (let j = i + 1; j < c.length; j++) {
      let sxy = 0;
      for (let k = 0; k < w; k++) sxy += c[i]!.d[k]! * c[j]!.d[k]!;
      const r = c[i]!.ss > 0 && c[j]!.ss > 0 ? sxy / Math.sqrt(c[i]!.ss * c[j]!.ss) : NaN;
      if (Number.isFinite(r)) {
        sum += r;
        n++;
      }
    }
  }
  return n ? sum / n : null;
}
