// The order ticket's execution choice (Direct, TWAP, VWAP, Iceberg) as typed,
// and the AlgoRequest it describes or, per field, why it does not describe one
// (the same bounds the engine's contract enforces, shown beside each field).
import type { AlgoRequest } from '../../../shared/api/contract.js';
import type { OrderType } from '../../../shared/domain.js';

export type ExecChoice = 'direct' | AlgoRequest['kind'];

export const EXEC_CHOICES: ReadonlyArray<{ value: ExecChoice; label: string }> = [
  { value: 'direct', label: 'Direct' },
  { value: 'twap', label: 'TWAP' },
  { value: 'vwap', label: 'VWAP' },
  { value: 'iceberg', label: 'Iceberg' },
];

/** The algorithm fields as typed: minutes, seconds, percent and shares (blank = the engine's default). */
export interface AlgoFields {
  exec: ExecChoice;
  durationMin: string;
  sliceSec: string;
  capPct: string;
  displayQty: string;
}

export type AlgoFieldErrors = Partial<Record<'durationMin' | 'sliceSec' | 'capPct' | 'displayQty' | 'exec', string>>;

export const ALGO_BOUNDS = {
  durationMin: { min: 1 / 60, max: 7 * 24 * 60 },
  sliceSec: { min: 1, max: 86_400 },
} as const;

function num(text: string): number | null {
  const t = text.trim().replace(/,/g, '');
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/** The AlgoRequest the fields describe (undefined for Direct), or the errors by field. */
export function buildAlgo(f: AlgoFields, type: OrderType, qty: number | null): { algo: AlgoRequest | undefined; errors: AlgoFieldErrors } {
  const errors: AlgoFieldErrors = {};
  if (f.exec === 'direct') return { algo: undefined, errors };
  const algo: AlgoRequest = { kind: f.exec };
  if (f.exec === 'twap' || f.exec === 'vwap') {
    const dur = num(f.durationMin);
    const slice = num(f.sliceSec);
    const { durationMin: db, sliceSec: sb } = ALGO_BOUNDS;
    if (dur !== null) {
      const ms = Math.round(dur * 60_000);
      if (Number.isNaN(dur) || ms < db.min * 60_000 || ms > db.max * 60_000) errors.durationMin = 'Duration must be between 1 second and 7 days (10080 min)';
      else algo.durationMs = ms;
    }
    if (slice !== null) {
      const ms = Math.round(slice * 1000);
      if (Number.isNaN(slice) || ms < sb.min * 1000 || ms > sb.max * 1000) errors.sliceSec = 'Slice must be between 1 and 86400 seconds';
      else if (algo.durationMs !== undefined && ms > algo.durationMs) errors.sliceSec = 'Slice must not be longer than the duration';
      else algo.sliceMs = ms;
    }
    const cap = num(f.capPct);
    if (cap !== null) {
      if (Number.isNaN(cap) || cap <= 0 || cap > 100) errors.capPct = 'Participation cap must be above 0% and at most 100%';
      else algo.participationCap = cap / 100;
    }
  } else {
    if (type !== 'limit') errors.exec = 'Iceberg works a limit order: choose the limit type';
    const disp = num(f.displayQty);
    if (disp !== null) {
      if (Number.isNaN(disp) || disp <= 0) errors.displayQty = 'Display quantity must be a positive number';
      else if (qty !== null && disp > qty) errors.displayQty = 'Display quantity must not exceed the order quantity';
      else algo.displayQty = disp;
    }
  }
  return Object.keys(errors).length ? { algo: undefined, errors } : { algo, errors };
}
