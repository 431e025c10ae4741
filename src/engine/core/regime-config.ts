// The seven market regimes, the trading modes they switch to, and the settings of
// their detection (features/regime.ts): a home of their own so the features can
// use them without importing the whole engine config (which imports the strategies).
import { z } from 'zod';

/** The seven market regimes (src/engine/features/regime.ts classifies them). */
export const Regime = z.enum(['strong_uptrend', 'uptrend', 'neutral', 'downtrend', 'strong_downtrend', 'high_volatility', 'low_volatility']);
export type Regime = z.infer<typeof Regime>;
export const TradingMode = z.enum(['intraday', 'position', 'hybrid']);
export type TradingMode = z.infer<typeof TradingMode>;

/** How regimes are detected from trend and volatility, and what each one switches. */
export const RegimeConfig = z
  .object({
    /** Trend: close and the fast SMA against the slow SMA, the fast SMA's slope over slopeBars, ADX strength. */
    smaFast: z.number().int().min(2).max(1000),
    smaSlow: z.number().int().min(3).max(2000),
    slopeBars: z.number().int().min(1).max(500),
    adxPeriod: z.number().int().min(2).max(500),
    /** ADX at or above this makes an up/down trend a strong one. */
    strongAdx: z.number().gt(0).max(100),
    /** Volatility: realized vol over volShortBars against the long-run realized vol over volLongBars. */
    volShortBars: z.number().int().min(2).max(1000),
    volLongBars: z.number().int().min(3).max(5000),
    /** short / long at or above this is high volatility (checked first: it overrides any trend). */
    highVolRatio: z.number().gt(1).max(100),
    /** short / long at or below this, with no trend, is low volatility. */
    lowVolRatio: z.number().gt(0).lt(1),
    /** The trading mode each regime switches to. */
    modes: z.record(Regime, TradingMode),
    /** Position size multiplier in each regime (1 = unchanged). */
    sizeMultiplier: z.record(Regime, z.number().min(0).max(5)),
  })
  .refine((r) => r.smaFast < r.smaSlow, { message: 'smaFast must be below smaSlow', path: ['smaFast'] })
  .refine((r) => r.volShortBars < r.volLongBars, { message: 'volShortBars must be below volLongBars', path: ['volShortBars'] });
export type RegimeConfig = z.infer<typeof RegimeConfig>;

export const DEFAULT_REGIME: RegimeConfig = {
  smaFast: 50,
  smaSlow: 200,
  slopeBars: 10,
  adxPeriod: 14,
  strongAdx: 25,
  volShortBars: 21,
  volLongBars: 252,
  highVolRatio: 1.5,
  lowVolRatio: 0.75,
  modes: {
    strong_uptrend: 'position',
    uptrend: 'hybrid',
    neutral: 'intraday',
    downtrend: 'hybrid',
    strong_downtrend: 'position',
    high_volatility: 'intraday',
    low_volatility: 'hybrid',
  },
  sizeMultiplier: {
    strong_uptrend: 1.2,
    uptrend: 1,
    neutral: 1,
    downtrend: 1,
    strong_downtrend: 1.2,
    high_volatility: 0.8,
    low_volatility: 1,
  },
};
