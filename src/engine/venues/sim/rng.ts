// Seeded deterministic PRNG for the simulator: xoshiro128** (seeded through
// splitmix32) with uniform, standard normal and unit-variance Student-t draws.
// Same seed, same calls -> identical streams on every platform.

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

export class Rng {
  /** xoshiro128** state; a typed array keeps the 32-bit words unboxed (fast). */
  private readonly s = new Int32Array(4);
  private spare = 0;
  private hasSpare = false;

  /** `seed`: any finite number; integers up to 2^53 are all distinct seeds. */
  constructor(seed: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let st = lo ^ Math.imul(hi, 0x27d4eb2d);
    for (let k = 0; k < 4; k++) {
      const [ns, v] = splitmix32(st);
      st = ns;
      this.s[k] = v;
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const s1 = s[1]!;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s1;
    s[1] = s1 ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return r >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Standard normal (Marsaglia polar method; the second value is cached). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /**
   * Student-t with `nu` > 2 degrees of freedom, scaled to unit variance
   * (Bailey's polar method: one accept/reject loop, no chi-square sum;
   * nu = 4, 6 and 8 avoid Math.pow).
   */
  studentT(nu: number): number {
    let u: number, v: number, w: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      w = u * u + v * v;
    } while (w >= 1 || w === 0);
    // w^(-2/nu), with pow-free fast paths for the common nu = 4, 6, 8
    const p = nu === 4 ? 1 / Math.sqrt(w) : nu === 6 ? 1 / Math.cbrt(w) : nu === 8 ? 1 / Math.sqrt(Math.sqrt(w)) : Math.pow(w, -2 / nu);
    const t = u * Math.sqrt((nu * (p - 1)) / w);
    return t * Math.sqrt((nu - 2) / nu);
  }
}

/**
 * A seed derived from `seed` and `salt` (e.g. a resume time): deterministic, and
 * different for every pair in practice. Returns an integer below 2^53.
 */
export function deriveSeed(seed: number, salt: number): number {
  const a = new Rng(seed);
  const b = new Rng(salt);
  b.nextU32(); // decorrelate from the plain stream of `salt`
  const hi = (a.nextU32() ^ Math.imul(b.nextU32(), 0x9e3779b1)) >>> 0;
  const lo = (a.nextU32() ^ b.nextU32()) >>> 0;
  return hi * 2097152 + (lo >>> 11);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
