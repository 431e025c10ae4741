// Every streaming feature of one symbol, updated together from one bar in O(1)
// (amortized for the rolling extremes and the intraday lookback) with no
// allocation per bar. The same class serves live, paper and backtest, so a
// strategy sees the same numbers in each. Values are NaN during warm-up.
import type { Bar } from '../../shared/domain.js';
import { Adx } from './adx.js';
import { Atr } from './atr.js';
import { Bollinger } from './bollinger.js';
import { RollingCorrelation } from './correlation.js';
import { Ema } from './ema.js';
import { Macd } from './macd.js';
import { OpeningRange } from './opening-range.js';
import { IntradayReturns, LagReturns } from './returns.js';
import { Rsi } from './rsi.js';
import { Sma } from './sma.js';
import { Stochastic } from './stochastic.js';
import { RealizedVol } from './volatility.js';
import { VolumeRatio } from './volume-ratio.js';
import { SessionVwap } from './vwap.js';
import { ZScore } from './zscore.js';

/** The bar fields the features read: an engine Bar without its symbol. */
export type FeatureBar = Omit<Bar, 'symbol'>;

const LAGS = [1, 5, 21, 63, 126, 252] as const;
const INTRADAY_MIN = [15, 30, 60] as const;

/** Column names in output order: `tradedesk features` writes them after `timestamp` (and `symbol`). */
export const FEATURE_COLUMNS = [
  'sma_20',
  'sma_50',
  'sma_200',
  'ema_20',
  'ema_50',
  'ema_200',
  'rsi_14',
  'macd',
  'macd_signal',
  'macd_hist',
  'bb_upper',
  'bb_middle',
  'bb_lower',
  'atr_14',
  'adx_14',
  'plus_di_14',
  'minus_di_14',
  'stoch_k_14',
  'stoch_d_3',
  ...LAGS.map((k) => `ret_${k}` as const),
  ...INTRADAY_MIN.map((m) => `ret_${m}m` as const),
  'vol_21',
  'vol_63',
  'vwap',
  'vwap_dev',
  'volume_ratio_20',
  'or_high',
  'or_low',
  'zscore_20',
  'volume_z_20',
  'corr_63',
] as const;
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

const COL = Object.fromEntries(FEATURE_COLUMNS.map((c, i) => [c, i])) as Record<FeatureColumn, number>;
const RET_1 = COL.ret_1;
const RET_15M = COL.ret_15m;

export class FeatureSet {
  /** Latest value of every column, indexed like FEATURE_COLUMNS. */
  readonly values = new Float64Array(FEATURE_COLUMNS.length).fill(NaN);
  private readonly sma50 = new Sma(50);
  private readonly sma200 = new Sma(200);
  private readonly ema20 = new Ema(20);
  private readonly ema50 = new Ema(50);
  private readonly ema200 = new Ema(200);
  private readonly rsi = new Rsi(14);
  private readonly macd = new Macd(12, 26, 9);
  private readonly bb = new Bollinger(20, 2);
  private readonly atr = new Atr(14);
  private readonly adx = new Adx(14);
  private readonly stoch = new Stochastic(14, 3);
  private readonly lagReturns = new LagReturns(LAGS);
  private readonly intraday = new IntradayReturns(INTRADAY_MIN.map((m) => m * 60_000));
  private readonly vol21 = new RealizedVol(21);
  private readonly vol63 = new RealizedVol(63);
  private readonly vwap = new SessionVwap();
  private readonly volumeRatio = new VolumeRatio(20);
  private readonly openingRange = new OpeningRange();
  private readonly volumeZ = new ZScore(20);
  private readonly corr = new RollingCorrelation(63);
  private prevClose = NaN;
  /** Closes of the last bar that came with a benchmark close. */
  private pairClose = NaN;
  private pairBenchmark = NaN;
  private bars = 0;

  /**
   * Feeds the next bar. `benchmarkClose` (optional) is a reference series' close
   * at the same time; corr_63 is the correlation of the two series' log returns
   * between consecutive bars that carry a benchmark close, over the last 63.
   */
  update(bar: FeatureBar, benchmarkClose = NaN): void {
    const v = this.values;
    const c = bar.close;
    this.sma50.update(c);
    this.sma200.update(c);
    this.ema20.update(c);
    this.ema50.update(c);
    this.ema200.update(c);
    this.rsi.update(c);
    this.macd.update(c);
    this.bb.update(c);
    this.atr.update(bar);
    this.adx.update(bar);
    this.stoch.update(bar);
    this.lagReturns.update(c);
    this.intraday.update(bar.ts, c);
    const pc = this.prevClose;
    if (pc === pc) {
      const lr = Math.log(c / pc); // one log return feeds both volatility windows
      this.vol21.addLogReturn(lr);
      this.vol63.addLogReturn(lr);
    }
    this.prevClose = c;
    this.vwap.update(bar);
    this.volumeRatio.update(bar.volume);
    this.openingRange.update(bar);
    this.volumeZ.update(bar.volume);
    v[COL.sma_20] = this.bb.middle;
    v[COL.sma_50] = this.sma50.value;
    v[COL.sma_200] = this.sma200.value;
    v[COL.ema_20] = this.ema20.value;
    v[COL.ema_50] = this.ema50.value;
    v[COL.ema_200] = this.ema200.value;
    v[COL.rsi_14] = this.rsi.value;
    v[COL.macd] = this.macd.macd;
    v[COL.macd_signal] = this.macd.signal;
    v[COL.macd_hist] = this.macd.histogram;
    v[COL.bb_upper] = this.bb.upper;
    v[COL.bb_middle] = this.bb.middle;
    v[COL.bb_lower] = this.bb.lower;
    v[COL.zscore_20] = this.bb.zscore;
    v[COL.atr_14] = this.atr.value;
    v[COL.adx_14] = this.adx.value;
    v[COL.plus_di_14] = this.adx.plusDi;
    v[COL.minus_di_14] = this.adx.minusDi;
    v[COL.stoch_k_14] = this.stoch.k;
    v[COL.stoch_d_3] = this.stoch.d;
    const lr = this.lagReturns.values;
    for (let i = 0; i < lr.length; i++) v[RET_1 + i] = lr[i]!;
    const ir = this.intraday.values;
    for (let i = 0; i < ir.length; i++) v[RET_15M + i] = ir[i]!;
    v[COL.vol_21] = this.vol21.value;
    v[COL.vol_63] = this.vol63.value;
    v[COL.vwap] = this.vwap.value;
    v[COL.vwap_dev] = this.vwap.deviation;
    v[COL.volume_ratio_20] = this.volumeRatio.value;
    v[COL.or_high] = this.openingRange.high;
    v[COL.or_low] = this.openingRange.low;
    v[COL.volume_z_20] = this.volumeZ.value;
    if (benchmarkClose === benchmarkClose) {
      const pp = this.pairClose;
      if (pp === pp) {
        this.corr.update(Math.log(c / pp), Math.log(benchmarkClose / this.pairBenchmark));
        v[COL.corr_63] = this.corr.value;
      }
      this.pairClose = c;
      this.pairBenchmark = benchmarkClose;
    }
    this.bars++;
  }

  /** The latest value of one column (NaN during its warm-up). */
  get(column: FeatureColumn): number {
    return this.values[COL[column]]!;
  }

  /** How many bars have been fed. */
  get count(): number {
    return this.bars;
  }

  /** A plain object of every column (allocates; for journals and the UI, not the hot path). */
  snapshot(): Record<FeatureColumn, number> {
    const out = {} as Record<FeatureColumn, number>;
    FEATURE_COLUMNS.forEach((c, i) => (out[c] = this.values[i]!));
    return out;
  }
}
