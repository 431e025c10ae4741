// Rolling per-symbol market statistics the cost model needs, updated from bars
// as they arrive (so a backtest never looks ahead): average daily volume (shares
// and dollars) and daily volatility, both scaled from the last `window` bars by
// the number of bars in a trading day (the bar interval is learnt from the data).
import type { Bar } from '../../../shared/domain.js';

const DAY_MS = 86_400_000;
/** A US equity session (6.5 hours); 24/7 instruments trade a full day. */
export const NYSE_SESSION_MS = 23_400_000;

/** Length of a trading day: a US equity session, or 24 hours for what trades around the clock. */
export function sessionMsOf(assetClass: string | undefined): number {
  return assetClass === 'us_equity' ? NYSE_SESSION_MS : DAY_MS;
}

export interface SymbolStats {
  /** Average daily volume in shares (units). */
  adv: number;
  /** Average daily dollar volume (adv × last close). */
  dollarAdv: number;
  /** Standard deviation of daily returns (fraction). */
  dailyVol: number;
  /** Last close. */
  price: number;
}

/** Sum and sum of squares over the last `size` values (a ring buffer). */
class Ring {
  private readonly buf: Float64Array;
  n = 0;
  private i = 0;
  sum = 0;
  sumSq = 0;
  constructor(size: number) {
    this.buf = new Float64Array(size);
  }
  push(x: number): void {
    if (this.n === this.buf.length) {
      const old = this.buf[this.i]!;
      this.sum -= old;
      this.sumSq -= old * old;
    } else this.n++;
    this.buf[this.i] = x;
    this.sum += x;
    this.sumSq += x * x;
    this.i = this.i + 1 === this.buf.length ? 0 : this.i + 1; // not %: an integer division on every bar
  }
}

interface Rolling {
  volume: Ring;
  returns: Ring;
  lastClose: number;
  lastTs: number;
  /** Smallest spacing seen between two bars: the bar interval. */
  minDt: number;
}

export class MarketStats {
  private readonly bySymbol = new Map<string, Rolling>();

  constructor(
    /** Bars each statistic looks back over. */
    private readonly window = 100,
    /** Length of a trading day for the symbol, in ms (NYSE session or 24 h). */
    private readonly sessionMs: (symbol: string) => number = () => DAY_MS,
    /** Bars needed before the statistics are reported. */
    private readonly minBars = 20,
  ) {}

  onBar(b: Bar): void {
    let r = this.bySymbol.get(b.symbol);
    if (!r) {
      r = { volume: new Ring(this.window), returns: new Ring(this.window), lastClose: NaN, lastTs: NaN, minDt: Infinity };
      this.bySymbol.set(b.symbol, r);
    }
    if (!(b.close > 0) || b.ts <= r.lastTs) return;
    if (r.lastClose > 0) {
      r.returns.push(Math.log(b.close / r.lastClose));
      r.minDt = Math.min(r.minDt, b.ts - r.lastTs);
    }
    r.volume.push(b.volume > 0 ? b.volume : 0);
    r.lastClose = b.close;
    r.lastTs = b.ts;
  }

  /** The symbol's average daily dollar volume as get() reports it, without building the rest (a backtest's quote on every bar). */
  dollarAdv(symbol: string): number | undefined {
    const r = this.bySymbol.get(symbol);
    if (!r || r.volume.n < this.minBars || r.returns.n < 2) return undefined;
    return (r.volume.sum / r.volume.n) * this.perDay(symbol, r) * r.lastClose;
  }

  private perDay(symbol: string, r: Rolling): number {
    return r.minDt >= DAY_MS ? 1 : this.sessionMs(symbol) / r.minDt;
  }

  /** The symbol's statistics, or undefined before `minBars` bars. */
  get(symbol: string): SymbolStats | undefined {
    const r = this.bySymbol.get(symbol);
    if (!r || r.volume.n < this.minBars || r.returns.n < 2) return undefined;
    const perDay = this.perDay(symbol, r);
    const adv = (r.volume.sum / r.volume.n) * perDay;
    const n = r.returns.n;
    const m = r.returns.sum / n;
    const variance = Math.max(0, (r.returns.sumSq - n * m * m) / (n - 1));
    return { adv, dollarAdv: adv * r.lastClose, dailyVol: Math.sqrt(variance * perDay), price: r.lastClose };
  }
}
