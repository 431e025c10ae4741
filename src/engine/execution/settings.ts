// The execution settings (the config's `execution` section): the order
// monitor's timeouts and what it does when one passes, and the execution
// algorithms' defaults (TWAP / VWAP slicing of large orders, participation cap,
// iceberg display). Read by order-monitor.ts and algos/algo-manager.ts.
import { z } from 'zod';

export const OrderMonitorSettings = z.object({
  /** An open limit order unfilled (or with an unfilled remainder) this long after it was sent or last re-priced is worked. */
  limitTimeoutMs: z.number().int().min(1_000).max(86_400_000),
  /** What a timeout does: re-price at a marketable limit (cancel/replace), cancel, or nothing (watch only). */
  onTimeout: z.enum(['replace', 'cancel', 'none']),
  /**
   * Whose orders the timeout acts on: algorithm children only (default: a trader's own resting limit is
   * never re-priced or canceled behind their back), also manual orders, or every order (strategies' too).
   */
  scope: z.enum(['algo', 'manual-and-algo', 'all']),
  /** A marketable limit crosses the touch by this many basis points (buys above the ask, sells below the bid). */
  marketableBps: z.number().finite().min(0).max(500),
  /** Re-prices of one order before a further timeout cancels it instead. */
  maxReplaces: z.number().int().min(0).max(100),
  /** An order whose outcome is unknown (pending new or pending cancel) this long is looked up at the venue (never re-sent) and alerted. */
  unknownOutcomeMs: z.number().int().min(1_000).max(86_400_000),
});
export type OrderMonitorSettings = z.infer<typeof OrderMonitorSettings>;

export const AlgoSettings = z.object({
  /** A strategy order of at least this fraction of the symbol's average daily volume is worked by `largeOrderAlgo`; 0 = never. */
  advThresholdPct: z.number().finite().min(0).max(1),
  largeOrderAlgo: z.enum(['twap', 'vwap']),
  /** How long a TWAP / VWAP works its parent, and the time between two slices. */
  durationMs: z.number().int().min(1_000).max(7 * 86_400_000),
  sliceMs: z.number().int().min(1_000).max(86_400_000),
  /**
   * The hard deadline: a TWAP / VWAP still unfilled this long after its duration ends is stopped (its working child
   * canceled, the parent ended 'canceled' with what filled). The grace lets the last slice's child fill.
   */
  overrunMs: z.number().int().min(0).max(86_400_000),
  /** A child is at most this fraction of the symbol's last bar volume. */
  participationCap: z.number().finite().gt(0).max(1),
  /** An iceberg's visible quantity when the order does not say, as a fraction of the parent (rounded to the lot, at least one lot). */
  icebergDisplayPct: z.number().finite().gt(0).max(1),
});
export type AlgoSettings = z.infer<typeof AlgoSettings>;

export const ExecutionSettings = z.object({ monitor: OrderMonitorSettings, algo: AlgoSettings });
export type ExecutionSettings = z.infer<typeof ExecutionSettings>;

export const DEFAULT_EXECUTION: ExecutionSettings = {
  monitor: { limitTimeoutMs: 120_000, onTimeout: 'replace', scope: 'algo', marketableBps: 5, maxReplaces: 3, unknownOutcomeMs: 30_000 },
  algo: { advThresholdPct: 0.05, largeOrderAlgo: 'twap', durationMs: 30 * 60_000, sliceMs: 60_000, overrunMs: 60_000, participationCap: 0.1, icebergDisplayPct: 0.1 },
};
