// Market regimes from trend and volatility: one of seven labels per bar, plus
// the trading mode and the position-size multiplier the settings give it.
// classifyRegime is the rule on already-computed measures; RegimeDetector keeps
// those measures itself, streaming, one bar at a time.
import type { Bar } from '../../shared/domain.js';
import type { Regime, RegimeConfig, TradingMode } from '../core/regime-config.js';
import { Adx } from './adx.js';
import { RingBuffer } from './ring-buffer.js';
import { Sma } from './sma.js';
import { RealizedVol } from './volatility.js';

export type { Regime, TradingMode } from '../core/regime-config.js';

/** The measures a regime is read from. */
export interface RegimeInputs {
  close: number;
  smaFast: number;
  smaSlow: number;
  /** smaFast now minus smaFast `slopeBars` bars ago. */
  smaFastSlope: number;
  adx: number;
  /** Realized vol over the short window divided by the long-run one. */
  volRatio: number;
}

/**
 * The rule, in order: high volatility (vol ratio >= highVolRatio) overrides
 * everything; an uptrend is close > slow SMA, fast SMA > slow SMA and a rising
 * fast SMA, a strong one also has close > fast SMA and ADX >= strongAdx (the
 * downtrends mirror it); with no trend, low volatility (vol ratio <= lowVolRatio);
 * otherwise neutral.
 */
export function classifyRegime(m: RegimeInputs, cfg: Pick<RegimeConfig, 'strongAdx' | 'highVolRatio' | 'lowVolRatio'>): Regime {
  if (m.volRatio >= cfg.highVolRatio) return 'high_volatility';
  const strong = m.adx >= cfg.strongAdx;
  if (m.close > m.smaSlow && m.smaFast > m.smaSlow && m.smaFastSlope > 0) return strong && m.close > m.smaFast ? 'strong_uptrend' : 'uptrend';
  if (m.close < m.smaSlow && m.smaFast < m.smaSlow && m.smaFastSlope < 0) return strong && m.close < m.smaFast ? 'strong_downtrend' : 'downtrend';
  if (m.volRatio <= cfg.lowVolRatio) return 'low_volatility';
  return 'neutral';
}

/** Streaming regime of one symbol: 'neutral' (and ready = false) until every measure has warmed up. */
export class RegimeDetector {
  private readonly fast: Sma;
  private readonly slow: Sma;
  private readonly fastHistory: RingBuffer;
  private readonly adx: Adx;
  private readonly volShort: RealizedVol;
  private readonly volLong: RealizedVol;
  regime: Regime = 'neutral';
  ready = false;
  /** The measures behind the latest regime (for journals and the UI). */
  readonly inputs: RegimeInputs = { close: NaN, smaFast: NaN, smaSlow: NaN, smaFastSlope: NaN, adx: NaN, volRatio: NaN };

  constructor(readonly cfg: RegimeConfig) {
    this.fast = new Sma(cfg.smaFast);
    this.slow = new Sma(cfg.smaSlow);
    this.fastHistory = new RingBuffer(cfg.slopeBars + 1);
    this.adx = new Adx(cfg.adxPeriod);
    this.volShort = new RealizedVol(cfg.volShortBars);
    this.volLong = new RealizedVol(cfg.volLongBars);
  }

  update(bar: Pick<Bar, 'high' | 'low' | 'close'>): Regime {
    this.fast.update(bar.close);
    this.slow.update(bar.close);
    this.fastHistory.push(this.fast.value);
    this.adx.update(bar);
    this.volShort.update(bar.close);
    this.volLong.update(bar.close);
    const m = this.inputs;
    m.close = bar.close;
    m.smaFast = this.fast.value;
    m.smaSlow = this.slow.value;
    m.smaFastSlope = this.fast.value - this.fastHistory.ago(this.cfg.slopeBars);
    m.adx = this.adx.value;
    m.volRatio = this.volShort.value / this.volLong.value;
    this.ready = this.slow.ready && this.volLong.ready && this.adx.ready && m.smaFastSlope === m.smaFastSlope;
    this.regime = this.ready ? classifyRegime(m, this.cfg) : 'neutral';
    return this.regime;
  }

  /** The trading mode the settings give the current regime. */
  get mode(): TradingMode {
    return this.cfg.modes[this.regime];
  }

  /** The position-size multiplier the settings give the current regime. */
  get sizeMultiplier(): number {
    return this.cfg.sizeMultiplier[this.regime];
  }
}
