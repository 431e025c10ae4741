// The built-in strategies: their settings (the config's `strategies` section,
// one entry per strategy with defaults) and the factory the engine uses.
import { z } from 'zod';
import type { SignalStrategy } from '../signal-strategy.js';
import { BUY_AND_HOLD_DEFAULTS, BuyAndHold, BuyAndHoldParams } from './buy-and-hold.js';
import { CRYPTO_MOMENTUM_DEFAULTS, CryptoMomentum, CryptoMomentumParams } from './crypto-momentum.js';
import { CS_MOMENTUM_DEFAULTS, CsMomentum, CsMomentumParams } from './cs-momentum.js';
import { ETF_CARRY_DEFAULTS, EtfCarry, EtfCarryParams } from './etf-carry.js';
import { ETF_MACRO_DEFAULTS, EtfMacro, EtfMacroParams } from './etf-macro.js';
import { ETF_TREND_DEFAULTS, EtfTrend, EtfTrendParams } from './etf-trend.js';
import { INTRADAY_MOMENTUM_DEFAULTS, IntradayMomentum, IntradayMomentumParams } from './intraday-momentum.js';
import { INTRADAY_RS_DEFAULTS, IntradayRelativeStrength, IntradayRelativeStrengthParams } from './intraday-relative-strength.js';
import { MA_CROSS_DEFAULTS, MaCross, MaCrossParams } from './ma-cross.js';
import { MEAN_REVERSION_LS_DEFAULTS, MeanReversionLs, MeanReversionLsParams } from './mean-reversion-ls.js';
import { ORB_DEFAULTS, OpeningRangeBreakout, OpeningRangeBreakoutParams } from './opening-range-breakout.js';
import { QUICK_MR_DEFAULTS, QuickMeanReversion, QuickMeanReversionParams } from './quick-mean-reversion.js';
import { TS_MOMENTUM_DEFAULTS, TsMomentum, TsMomentumParams } from './ts-momentum.js';
import { VOLUME_SPIKE_DEFAULTS, VolumeSpike, VolumeSpikeParams } from './volume-spike.js';
import { VWAP_REVERSION_DEFAULTS, VwapReversion, VwapReversionParams } from './vwap-reversion.js';

export const StrategiesConfig = z.object({
  intraday_momentum: IntradayMomentumParams,
  vwap_reversion: VwapReversionParams,
  volume_spike: VolumeSpikeParams,
  intraday_rs: IntradayRelativeStrengthParams,
  orb: OpeningRangeBreakoutParams,
  quick_mr: QuickMeanReversionParams,
  cs_momentum: CsMomentumParams,
  ts_momentum: TsMomentumParams,
  mean_reversion_ls: MeanReversionLsParams,
  etf_trend: EtfTrendParams,
  etf_carry: EtfCarryParams,
  etf_macro: EtfMacroParams,
  crypto_momentum: CryptoMomentumParams,
  buy_and_hold: BuyAndHoldParams,
  ma_cross: MaCrossParams,
});
export type StrategiesConfig = z.infer<typeof StrategiesConfig>;
export type StrategyId = keyof StrategiesConfig;

export function defaultStrategies(): StrategiesConfig {
  const c = (x: object) => structuredClone(x);
  return {
    intraday_momentum: c(INTRADAY_MOMENTUM_DEFAULTS),
    vwap_reversion: c(VWAP_REVERSION_DEFAULTS),
    volume_spike: c(VOLUME_SPIKE_DEFAULTS),
    intraday_rs: c(INTRADAY_RS_DEFAULTS),
    orb: c(ORB_DEFAULTS),
    quick_mr: c(QUICK_MR_DEFAULTS),
    cs_momentum: c(CS_MOMENTUM_DEFAULTS),
    ts_momentum: c(TS_MOMENTUM_DEFAULTS),
    mean_reversion_ls: c(MEAN_REVERSION_LS_DEFAULTS),
    etf_trend: c(ETF_TREND_DEFAULTS),
    etf_carry: c(ETF_CARRY_DEFAULTS),
    etf_macro: c(ETF_MACRO_DEFAULTS),
    crypto_momentum: c(CRYPTO_MOMENTUM_DEFAULTS),
    buy_and_hold: c(BUY_AND_HOLD_DEFAULTS),
    ma_cross: c(MA_CROSS_DEFAULTS),
  } as StrategiesConfig;
}

/** Every built-in strategy, in a fixed order (the ensemble's order). Disabled ones are built too: they can be enabled at run time. */
export function buildStrategies(cfg: StrategiesConfig): SignalStrategy[] {
  return [
    new IntradayMomentum(cfg.intraday_momentum),
    new VwapReversion(cfg.vwap_reversion),
    new VolumeSpike(cfg.volume_spike),
    new IntradayRelativeStrength(cfg.intraday_rs),
    new OpeningRangeBreakout(cfg.orb),
    new QuickMeanReversion(cfg.quick_mr),
    new CsMomentum(cfg.cs_momentum),
    new TsMomentum(cfg.ts_momentum),
    new MeanReversionLs(cfg.mean_reversion_ls),
    new EtfTrend(cfg.etf_trend),
    new EtfCarry(cfg.etf_carry),
    new EtfMacro(cfg.etf_macro),
    new CryptoMomentum(cfg.crypto_momentum),
    new BuyAndHold(cfg.buy_and_hold),
    new MaCross(cfg.ma_cross),
  ];
}
