// Fee models per venue, small and swappable (after nautilus_trader's fee.rs):
// each turns one fill (side, quantity, price, maker or taker, asset class) into
// a fee in account currency. 'sim' is the built-in simulator's schedule, 'alpaca'
// commission-free stocks with the US regulatory fees on sells, 'ccxt' a typical
// spot-exchange schedule (10 bps maker and taker), 'none' is free.
import type { AssetClass, OrderSide } from '../../../shared/domain.js';
import { CRYPTO_FEE_RATE, STOCK_FEE_RATE } from '../../venues/sim/account.js';

export interface FeeInput {
  side: OrderSide;
  qty: number;
  price: number;
  liquidity: 'maker' | 'taker';
  assetClass: AssetClass;
}

export interface FeeModel {
  readonly id: string;
  fee(f: FeeInput): number;
}

/** Proportional fee: `maker` / `taker` fraction of notional, per asset class. */
export class RateFees implements FeeModel {
  constructor(
    readonly id: string,
    private readonly rates: Readonly<Record<AssetClass, { maker: number; taker: number }>>,
  ) {}
  fee(f: FeeInput): number {
    return f.qty * f.price * this.rates[f.assetClass][f.liquidity];
  }
}

/** SEC Section 31 fee on sells: $27.80 per million of proceeds (rate from May 2024). */
export const SEC_FEE_RATE = 27.8 / 1_000_000;
/** FINRA trading activity fee on sells: $0.000166 per share, at most $8.30 per trade. */
export const FINRA_TAF_PER_SHARE = 0.000166;
export const FINRA_TAF_MAX = 8.3;

/** Alpaca: no commission; stock sells pay the SEC fee and FINRA TAF; crypto 15 bps maker / 25 bps taker. */
export class AlpacaFees implements FeeModel {
  readonly id = 'alpaca';
  fee(f: FeeInput): number {
    if (f.assetClass === 'crypto') return f.qty * f.price * (f.liquidity === 'maker' ? 0.0015 : 0.0025);
    if (f.side === 'buy') return 0;
    return f.qty * f.price * SEC_FEE_RATE + Math.min(FINRA_TAF_MAX, f.qty * FINRA_TAF_PER_SHARE);
  }
}

export const FEE_SCHEDULES = ['sim', 'alpaca', 'ccxt', 'none'] as const;
export type FeeSchedule = (typeof FEE_SCHEDULES)[number];

/** The fee model of a schedule; a venue id ('alpaca-paper', 'ccxt:kraken') picks its family. */
export function feeModelFor(schedule: string): FeeModel {
  if (schedule === 'none') return new RateFees('none', { us_equity: { maker: 0, taker: 0 }, crypto: { maker: 0, taker: 0 } });
  if (schedule.startsWith('alpaca')) return new AlpacaFees();
  if (schedule.startsWith('ccxt')) return new RateFees('ccxt', { us_equity: { maker: 0.001, taker: 0.001 }, crypto: { maker: 0.001, taker: 0.001 } });
  return new RateFees('sim', { us_equity: { maker: STOCK_FEE_RATE, taker: STOCK_FEE_RATE }, crypto: { maker: CRYPTO_FEE_RATE, taker: CRYPTO_FEE_RATE } });
}
