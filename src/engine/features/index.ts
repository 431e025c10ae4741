// Public surface of the streaming features: the indicators, the per-symbol
// FeatureSet and the regime detector.
export type { BarIndicator, Indicator, Ohlc } from './indicator.js';
export { RingBuffer } from './ring-buffer.js';
export { Sma } from './sma.js';
export { Ema } from './ema.js';
export { WilderAverage } from './wilder.js';
export { Rsi } from './rsi.js';
export { Macd } from './macd.js';
export { RollingStats } from './rolling-stats.js';
export { Bollinger } from './bollinger.js';
export { ZScore } from './zscore.js';
export { RealizedVol, PERIODS_PER_YEAR } from './volatility.js';
export { RollingCorrelation } from './correlation.js';
export { TrueRange, Atr } from './atr.js';
export { Adx } from './adx.js';
export { RollingExtreme } from './rolling-extreme.js';
export { Stochastic } from './stochastic.js';
export { DAY_MS, sessionOf } from './session.js';
export { SessionVwap } from './vwap.js';
export { OpeningRange } from './opening-range.js';
export { IntradayReturns, LagReturns } from './returns.js';
export { VolumeRatio } from './volume-ratio.js';
export { FEATURE_COLUMNS, FeatureSet, type FeatureBar, type FeatureColumn } from './feature-set.js';
export { classifyRegime, RegimeDetector, type Regime, type RegimeInputs, type TradingMode } from './regime.js';
