// Price model: per step, factor-model log-returns (common + idiosyncratic) with GARCH(1,1)
// vol clustering, Student-t innovations and Poisson jumps; then quotes (tier spread widening
// with vol), displayed sizes and trade prints. Struct-of-arrays, no allocation per step.
import { Rng } from './rng.js';
import { FACTORS, LIQUIDITY_TIERS, type SimInstrumentSpec } from './universe.js';

/** Seconds in a trading year for NYSE instruments (252 sessions x 6.5 h). */
export const EQUITY_YEAR_SECONDS = 252 * 6.5 * 3600;
/** Seconds in a year for 24/7 instruments. */
export const CRYPTO_YEAR_SECONDS = 365 * 24 * 3600;
/** The first step of a session also carries an overnight gap worth this many session seconds of variance. */
const OVERNIGHT_GAP_SECONDS = 0.25 * 6.5 * 3600;
/** Degrees of freedom of the Student-t innovations (8: pow-free draw; GARCH and jumps fatten the tails further). */
const NU_FACTOR = 8;
const NU_IDIO = 8;
/** Half-life of a volatility shock, in simulated seconds. */
const VOL_HALF_LIFE_S = 7200;
/** Largest share of an instrument's variance the common factors may explain. */
const MAX_FACTOR_SHARE = 0.9;
/** Bounds on the GARCH variance multiplier (mean 1). */
const G_MIN = 0.05;
const G_MAX = 25;
const MAX_STEP_RETURN = 0.25;

/** 1 / increment for increments that are powers of ten (0.01 -> 100), so prices are exact integers / den. */
export function decimalDenominator(increment: number, what: string): number {
  const den = Math.round(1 / increment);
  if (!(den >= 1) || Math.abs(den * increment - 1) > 1e-9) throw new Error(`${what} ${increment} must be 1/integer (e.g. 0.01)`);
  return den;
}

export class PriceModel {
  readonly n: number;
  readonly isStock: Uint8Array;
  /** Prices are integer ticks / tickDen; quantities are integer lots / lotDen. */
  readonly tickDen: Float64Array;
  readonly lotDen: Float64Array;
  /** Unrounded fair value. */
  readonly mid: Float64Array;
  /** GARCH variance multiplier (stationary mean 1). */
  readonly g: Float64Array;
  readonly bidTicks: Float64Array;
  readonly askTicks: Float64Array;
  readonly bidLots: Float64Array;
  readonly askLots: Float64Array;
  /** Trade print of the last step: lots (0 = none) and price in ticks. */
  readonly tradeLots: Float64Array;
  readonly tradeTicks: Float64Array;
  /** 1 if the instrument moved (and quoted) in the last step. */
  readonly active: Uint8Array;

  private rng: Rng;
  private readonly nf = FACTORS.length;
  private readonly z: Float64Array;
  /** n x nf standardized loadings (share of the instrument's unit-variance shock). */
  private readonly load: Float64Array;
  private readonly idio: Float64Array;
  private readonly scale: Float64Array;
  private readonly gapScale: Float64Array;
  private readonly jumpProb: Float64Array;
  private readonly jumpSd: Float64Array;
  private readonly halfSpread: Float64Array;
  private readonly displayNotional: Float64Array;
  private readonly tradeProb: Float64Array;
  private readonly minTicks: Float64Array;
  private readonly omega: number;
  private readonly alpha: number;
  private readonly beta: number;

  constructor(specs: readonly SimInstrumentSpec[], stepSeconds: number, seed: number) {
    if (!(stepSeconds > 0)) throw new RangeError(`stepSeconds must be > 0, got ${stepSeconds}`);
    const n = (this.n = specs.length);
    const nf = this.nf;
    this.rng = new Rng(seed);
    this.isStock = new Uint8Array(n);
    this.tickDen = new Float64Array(n);
    this.lotDen = new Float64Array(n);
    this.mid = new Float64Array(n);
    this.g = new Float64Array(n).fill(1);
    this.bidTicks = new Float64Array(n);
    this.askTicks = new Float64Array(n);
    this.bidLots = new Float64Array(n);
    this.askLots = new Float64Array(n);
    this.tradeLots = new Float64Array(n);
    this.tradeTicks = new Float64Array(n);
    this.active = new Uint8Array(n);
    this.z = new Float64Array(nf);
    this.load = new Float64Array(n * nf);
    this.idio = new Float64Array(n);
    this.scale = new Float64Array(n);
    this.gapScale = new Float64Array(n);
    this.jumpProb = new Float64Array(n);
    this.jumpSd = new Float64Array(n);
    this.halfSpread = new Float64Array(n);
    this.displayNotional = new Float64Array(n);
    this.tradeProb = new Float64Array(n);
    this.minTicks = new Float64Array(n);

    // GARCH(1,1) in multiplier form: g' = omega + g (alpha e^2 + beta), omega = 1 - alpha - beta.
    const persistence = Math.exp((-Math.LN2 * stepSeconds) / VOL_HALF_LIFE_S);
    this.alpha = Math.min(0.04, 20 * (1 - persistence));
    this.beta = persistence - this.alpha;
    this.omega = 1 - persistence;

    specs.forEach((spec, i) => {
      const inst = spec.instrument;
      const stock = inst.calendar === 'nyse';
      this.isStock[i] = stock ? 1 : 0;
      this.tickDen[i] = decimalDenominator(inst.tickSize, `${inst.symbol} tickSize`);
      this.lotDen[i] = decimalDenominator(inst.lotSize, `${inst.symbol} lotSize`);
      if (!(spec.price > 0) || !(spec.annualVol > 0)) throw new RangeError(`${inst.symbol}: price and annualVol must be > 0`);
      this.mid[i] = spec.price;
      this.minTicks[i] = Math.max(2, Math.ceil(this.tickDen[i] * spec.price * 1e-3));

      const vol = spec.annualVol;
      let factorVar = 0;
      FACTORS.forEach((f) => {
        const b = spec.betas[f.id] ?? 0;
        factorVar += b * b * f.annualVol * f.annualVol;
      });
      const shrink = factorVar > MAX_FACTOR_SHARE * vol * vol ? Math.sqrt((MAX_FACTOR_SHARE * vol * vol) / factorVar) : 1;
      let loadVar = 0;
      FACTORS.forEach((f, k) => {
        const a = ((spec.betas[f.id] ?? 0) * f.annualVol * shrink) / vol;
        this.load[i * nf + k] = a;
        loadVar += a * a;
      });
      this.idio[i] = Math.sqrt(Math.max(0, 1 - loadVar));

      const year = stock ? EQUITY_YEAR_SECONDS : CRYPTO_YEAR_SECONDS;
      this.scale[i] = vol * Math.sqrt(stepSeconds / year);
      this.gapScale[i] = vol * Math.sqrt((stepSeconds + (stock ? OVERNIGHT_GAP_SECONDS : 0)) / year);
      this.jumpProb[i] = 1 - Math.exp((-spec.jumpsPerYear * stepSeconds) / year);
      this.jumpSd[i] = spec.jumpSd;
      const tier = LIQUIDITY_TIERS[spec.tier];
      this.halfSpread[i] = tier.spreadBps / 2e4;
      this.displayNotional[i] = tier.displayNotional;
      this.tradeProb[i] = 1 - Math.exp(-tier.tradesPerSecond * stepSeconds);
    });
    for (let i = 0; i < n; i++) this.quote(i, 1, false);
    this.tradeLots.fill(0);
  }

  /**
   * Advances one step. Stocks move only when `stocksOpen`; `stocksGap` marks
   * the first step of a session (adds the overnight gap variance). 24/7
   * instruments move unless `othersOpen` is false (used to skip history nobody needs).
   */
  step(stocksOpen: boolean, stocksGap: boolean, othersOpen = true): void {
    const rng = this.rng;
    const nf = this.nf;
    const z = this.z;
    for (let k = 0; k < nf; k++) z[k] = rng.studentT(NU_FACTOR);
    const load = this.load;
    const mid = this.mid;
    const g = this.g;
    const alpha = this.alpha;
    const beta = this.beta;
    const omega = this.omega;
    for (let i = 0; i < this.n; i++) {
      this.tradeLots[i] = 0;
      if (this.isStock[i] === 1 ? !stocksOpen : !othersOpen) {
        this.active[i] = 0;
        continue;
      }
      this.active[i] = 1;
      let e = this.idio[i]! * rng.studentT(NU_IDIO);
      const row = i * nf;
      for (let k = 0; k < nf; k++) e += load[row + k]! * z[k]!;
      const gi = g[i]!;
      const sqrtG = Math.sqrt(gi);
      const s = (stocksGap && this.isStock[i] === 1 ? this.gapScale[i]! : this.scale[i]!) * sqrtG;
      let r = s * e - 0.5 * s * s;
      let jumped = false;
      if (rng.next() < this.jumpProb[i]!) {
        r += this.jumpSd[i]! * rng.normal();
        jumped = true;
      }
      if (r > MAX_STEP_RETURN) r = MAX_STEP_RETURN;
      else if (r < -MAX_STEP_RETURN) r = -MAX_STEP_RETURN;
      // exp(r); per-step returns are tiny, where a cubic is exact to ~1e-14
      let m = mid[i]! * (r > -1e-3 && r < 1e-3 ? 1 + r * (1 + r * (0.5 + r / 6)) : Math.exp(r));
      const floor = this.minTicks[i]! / this.tickDen[i]!;
      if (!(m >= floor)) m = floor;
      mid[i] = m;
      let gn = omega + gi * (alpha * e * e + beta);
      if (gn < G_MIN) gn = G_MIN;
      else if (gn > G_MAX) gn = G_MAX;
      g[i] = gn;
      this.quote(i, sqrtG, jumped);
    }
  }

  /** Replaces the random stream (a resumed market continues on a stream of its own). */
  reseed(seed: number): void {
    this.rng = new Rng(seed);
  }

  /** Sets the state of instrument `i` (fair value, vol multiplier, quote) from a saved market. */
  restore(i: number, s: { mid: number; g: number; bidTicks: number; askTicks: number; bidLots: number; askLots: number }): void {
    this.mid[i] = s.mid;
    this.g[i] = s.g;
    this.bidTicks[i] = s.bidTicks;
    this.askTicks[i] = s.askTicks;
    this.bidLots[i] = s.bidLots;
    this.askLots[i] = s.askLots;
    this.tradeLots[i] = 0;
  }

  /** Mark price: the quote mid, (bid + ask) / 2 (may fall between ticks). */
  markPrice(i: number): number {
    return (this.bidTicks[i]! + this.askTicks[i]!) / 2 / this.tickDen[i]!;
  }

  /** Current quoted spread in basis points of the quote mid. */
  spreadBps(i: number): number {
    const b = this.bidTicks[i]!;
    const a = this.askTicks[i]!;
    return ((a - b) / ((a + b) / 2)) * 1e4;
  }

  /** Quotes around the new mid; the spread widens with the vol multiplier (`sqrtG`, the vol of this step) and after a jump. */
  private quote(i: number, sqrtG: number, jumped: boolean): void {
    const rng = this.rng;
    const den = this.tickDen[i]!;
    const m = this.mid[i]!;
    const h = this.halfSpread[i]! * (0.5 + 0.5 * sqrtG) * (jumped ? 3 : 1);
    let bid = Math.floor(m * den * (1 - h));
    let ask = Math.ceil(m * den * (1 + h));
    if (bid < 1) bid = 1;
    if (ask <= bid) ask = bid + 1;
    this.bidTicks[i] = bid;
    this.askTicks[i] = ask;
    const lotsPerUnit = this.lotDen[i]! * (this.displayNotional[i]! / m);
    // one 32-bit draw gives both displayed sizes (16 bits each)
    const bits = rng.nextU32();
    const bl = Math.round(lotsPerUnit * (0.4 + (bits >>> 16) / 65536));
    const al = Math.round(lotsPerUnit * (0.4 + (bits & 0xffff) / 65536));
    this.bidLots[i] = bl >= 1 ? bl : 1;
    this.askLots[i] = al >= 1 ? al : 1;
    if (rng.next() < this.tradeProb[i]!) {
      const tb = rng.nextU32();
      const buy = (tb & 1) === 1;
      const u = (tb >>> 1) / 2147483648;
      const shown = buy ? this.askLots[i]! : this.bidLots[i]!;
      const lots = Math.round(shown * 0.3 * u * u);
      this.tradeLots[i] = lots >= 1 ? lots : 1;
      this.tradeTicks[i] = buy ? ask : bid;
    }
  }
}
