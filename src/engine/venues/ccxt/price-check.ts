// Cross-venue price sanity check: one symbol's price seen on two exchanges.

export interface PriceCrossCheck {
  a: number;
  b: number;
  /** |a - b| */
  absoluteDiff: number;
  /** |a - b| relative to the mean of a and b. */
  relativeDiff: number;
  threshold: number;
  /** True when relativeDiff exceeds the threshold. */
  flagged: boolean;
}

/**
 * Compares one symbol's price on two exchanges; flags a relative difference
 * above `threshold` (default 0.5%). Prices must be finite and positive.
 */
export function crossCheckPrices(a: number, b: number, threshold = 0.005): PriceCrossCheck {
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`crossCheckPrices: price ${name} is ${String(v)}, expected a finite number > 0`);
  }
  if (!Number.isFinite(threshold) || threshold < 0) throw new RangeError(`crossCheckPrices: threshold is ${String(threshold)}, expected a finite number >= 0`);
  const absoluteDiff = Math.abs(a - b);
  const relativeDiff = absoluteDiff / ((a + b) / 2);
  return { a, b, absoluteDiff, relativeDiff, threshold, flagged: relativeDiff > threshold };
}
