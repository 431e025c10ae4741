// Iceberg: a limit parent shows only a display quantity at a time; when that
// child fills, the next one (the display quantity, or what is left) replaces it.
import { roundToLot } from '../../strategy/strategy.js';

/** The display quantity: as asked, else `pct` of the parent; on the lot, at least one lot. */
export function displayQty(parentQty: number, lot: number, asked: number | undefined, pct: number): number {
  return Math.max(lot, roundToLot(asked ?? parentQty * pct, lot));
}

/** The next visible child: the display quantity, or the remainder when less is left; 0 when done. */
export function nextIcebergChild(remaining: number, display: number, lot: number): number {
  return roundToLot(Math.min(display, remaining), lot);
}
