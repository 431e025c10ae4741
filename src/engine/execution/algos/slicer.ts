// The size of a TWAP / VWAP child: what the schedule says is due by now, less
// what is already filled or working, capped by the participation limit (a
// share of the symbol's last bar volume) and rounded down to the lot.
import { roundToLot } from '../../strategy/strategy.js';
import { dueFraction, type Slice } from './twap.js';

export interface SliceInput {
  schedule: readonly Slice[];
  now: number;
  parentQty: number;
  /** Filled by children so far, and the open remainder of a working child. */
  filled: number;
  working: number;
  lot: number;
  /** The symbol's last bar volume (undefined: none seen yet, so no child can be sized). */
  barVolume: number | undefined;
  participationCap: number;
}

/** The next child's quantity (0: nothing due, or the cap leaves less than a lot). */
export function childQty(x: SliceInput): number {
  const due = dueFraction(x.schedule, x.now);
  const target = due >= 1 ? x.parentQty : roundToLot(x.parentQty * due, x.lot);
  const want = Math.min(target, x.parentQty) - x.filled - x.working;
  if (!(want > 0) || x.barVolume === undefined) return 0;
  const cap = participationLimit(x.barVolume, x.participationCap);
  return roundToLot(Math.min(want, cap), x.lot);
}

/** The largest child the participation cap allows on a bar of `volume`. */
export function participationLimit(volume: number, cap: number): number {
  return Math.max(0, volume) * cap;
}
