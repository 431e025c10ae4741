// The common shape of the streaming indicators: one update per bar in O(1)
// (amortized for the rolling extremes and the intraday lookback), the latest
// value, and whether the warm-up is over. Values are NaN during warm-up.
// update() returns nothing on purpose: a number returned from a call V8 does not
// inline is boxed on the heap, which costs more than the indicator itself.

/** An indicator of one number per bar (a close, a volume, a return). */
export interface Indicator {
  /** Feeds the next value; read the result from `value` (NaN during warm-up). */
  update(x: number): void;
  readonly value: number;
  readonly ready: boolean;
}

/** The parts of a bar the OHLC indicators read. */
export interface Ohlc {
  high: number;
  low: number;
  close: number;
}

/** An indicator fed whole bars (true range, ADX, stochastic). */
export interface BarIndicator {
  update(bar: Ohlc): void;
  readonly value: number;
  readonly ready: boolean;
}

/** Throws a RangeError unless `period` is an integer >= `min`. */
export function checkPeriod(name: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw new RangeError(`${name} period must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, got ${period}`);
  }
}
