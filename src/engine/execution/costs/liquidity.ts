// Liquidity tiers by average daily dollar volume (ADV × price): each tier has a
// typical quoted spread and a slippage allowance. Used when no live quote gives
// the spread, and always for slippage. The spreads match the simulator's own
// tiers (venues/sim/universe.ts: 1, 3, 8, 16 bps).

export type LiquidityTier = 1 | 2 | 3 | 4;

export interface TierCosts {
  /** Minimum average daily dollar volume for the tier. */
  minDollarAdv: number;
  /** Typical quoted spread (ask - bid) / mid, in basis points. */
  spreadBps: number;
  /** Slippage beyond the touch for a marketable order, in basis points. */
  slippageBps: number;
}

export const LIQUIDITY_TIERS: Readonly<Record<LiquidityTier, TierCosts>> = {
  1: { minDollarAdv: 500_000_000, spreadBps: 1, slippageBps: 0.5 },
  2: { minDollarAdv: 50_000_000, spreadBps: 3, slippageBps: 1 },
  3: { minDollarAdv: 5_000_000, spreadBps: 8, slippageBps: 3 },
  4: { minDollarAdv: 0, spreadBps: 16, slippageBps: 8 },
};

/** The tier of an instrument trading `dollarAdv` a day; unknown volume is the least liquid tier. */
export function liquidityTier(dollarAdv: number | undefined): LiquidityTier {
  if (dollarAdv === undefined || !Number.isFinite(dollarAdv)) return 4;
  if (dollarAdv >= LIQUIDITY_TIERS[1].minDollarAdv) return 1;
  if (dollarAdv >= LIQUIDITY_TIERS[2].minDollarAdv) return 2;
  if (dollarAdv >= LIQUIDITY_TIERS[3].minDollarAdv) return 3;
  return 4;
}
