// Risk limits and monitor settings for the editor: a short label and unit per
// key, a readable rendering of a value, which direction of change loosens risk
// (mirrors the engine's rule, for the preview only: the engine decides), and
// the field names inside BAD_LIMIT / CONFIRM_REQUIRED error messages.
import { fmtMoney, fmtNum } from './format.js';

export type LimitKind = 'risk' | 'monitor';
export type LimitUnit = 'money' | 'qty' | 'frac' | 'mult' | 'times' | 'count' | 'ms' | 's' | 'bars' | 'ratio' | 'text';

export interface LimitMeta {
  label: string;
  unit: LimitUnit;
  /** One line shown under the label. */
  hint: string;
}

export const RISK_META: Record<string, LimitMeta> = {
  maxOrderNotional: { label: 'Max order notional', unit: 'money', hint: 'qty × price of one order' },
  maxOrderQty: { label: 'Max order quantity', unit: 'qty', hint: 'units in one order' },
  maxPositionNotional: { label: 'Max position notional', unit: 'money', hint: 'per instrument' },
  maxPositionPctEquity: { label: 'Max position / equity', unit: 'frac', hint: 'per instrument, fraction of equity' },
  priceCollarPct: { label: 'Price collar', unit: 'frac', hint: 'limit price distance from mid' },
  maxConcentrationPct: { label: 'Max concentration', unit: 'frac', hint: 'one sector or asset class / equity' },
  maxGrossExposurePct: { label: 'Max gross exposure', unit: 'mult', hint: 'Σ|position| / equity' },
  minNetExposurePct: { label: 'Min net exposure', unit: 'mult', hint: 'Σ position / equity, lower bound' },
  maxNetExposurePct: { label: 'Max net exposure', unit: 'mult', hint: 'Σ position / equity, upper bound' },
  maxLeverage: { label: 'Max leverage', unit: 'times', hint: 'gross + open orders / equity' },
  maxOrdersPerSecond: { label: 'Max orders / second', unit: 'count', hint: 'order rate' },
  maxOrdersPerMinute: { label: 'Max orders / minute', unit: 'count', hint: 'order rate' },
  duplicateWindowMs: { label: 'Duplicate window', unit: 'ms', hint: 'same order again within' },
};

export const MONITOR_META: Record<string, LimitMeta> = {
  drawdownAlertPct: { label: 'Drawdown alert', unit: 'frac', hint: 'from peak equity: alert' },
  drawdownReducePct: { label: 'Drawdown cut', unit: 'frac', hint: 'from peak: REDUCING + cut' },
  drawdownCutFraction: { label: 'Cut size', unit: 'frac', hint: 'share of each position closed' },
  dailyLossLimitPct: { label: 'Daily loss limit', unit: 'frac', hint: "of the day's start equity: HALT" },
  volRegimeThreshold: { label: 'Vol regime threshold', unit: 'frac', hint: 'annualized vol: no new entries' },
  volRegimeSymbol: { label: 'Vol regime symbol', unit: 'text', hint: 'instrument measured' },
  volWindowBars: { label: 'Vol window', unit: 'bars', hint: '1-minute bars' },
  maxConsecutiveLosses: { label: 'Max losing streak', unit: 'count', hint: 'per strategy: HALT it' },
  staleDataSeconds: { label: 'Stale data after', unit: 's', hint: 'no quote on a holding: REDUCING' },
  rejectStormCount: { label: 'Reject storm', unit: 'count', hint: 'venue rejects in window: HALT' },
  rejectStormWindowSeconds: { label: 'Reject storm window', unit: 's', hint: 'seconds' },
  correlationAlert: { label: 'Correlation alert', unit: 'ratio', hint: 'avg pairwise of holdings' },
  correlationWindowBars: { label: 'Correlation window', unit: 'bars', hint: '1-minute bars' },
};

export function metaOf(kind: LimitKind, key: string): LimitMeta {
  const m = (kind === 'risk' ? RISK_META : MONITOR_META)[key];
  return m ?? { label: key, unit: 'ratio', hint: '' };
}

/** Keys in the editor's order: known ones first (in the table order), then any the engine adds. */
export function orderedKeys(kind: LimitKind, values: Record<string, unknown>): string[] {
  const known = Object.keys(kind === 'risk' ? RISK_META : MONITOR_META).filter((k) => k in values);
  return [...known, ...Object.keys(values).filter((k) => !known.includes(k))];
}

/** A value as a person reads it: 0.15 -> "15.0%", 2 (mult) -> "200% of equity", 2000 ms -> "2 s". */
export function readable(unit: LimitUnit, v: number): string {
  if (!Number.isFinite(v)) return '';
  switch (unit) {
    case 'money':
      return fmtMoney(v);
    case 'frac':
      return `${fmtNum(Number((v * 100).toFixed(4)))}%`;
    case 'mult':
      return `${fmtNum(Number((v * 100).toFixed(4)))}% of equity`;
    case 'ms':
      return v >= 1000 ? `${fmtNum(v / 1000)} s` : `${v} ms`;
    case 's':
      return v >= 60 ? `${fmtNum(v / 60)} min` : `${v} s`;
    case 'times':
      return `${fmtNum(v)}×`;
    default:
      return '';
  }
}

const RISK_LOOSER_WHEN_SMALLER = new Set(['minNetExposurePct', 'duplicateWindowMs']);
const MONITOR_LOOSER_WHEN_SMALLER = new Set(['rejectStormWindowSeconds', 'drawdownCutFraction']);

export type Direction = 'tighter' | 'looser' | 'same';

/** Preview of the engine's classification: a larger maximum or a smaller minimum loosens. */
export function direction(kind: LimitKind, key: string, before: number | string, after: number | string): Direction {
  if (before === after) return 'same';
  if (typeof before !== 'number' || typeof after !== 'number') return 'looser';
  const smallerLoosens = (kind === 'risk' ? RISK_LOOSER_WHEN_SMALLER : MONITOR_LOOSER_WHEN_SMALLER).has(key);
  return (smallerLoosens ? after < before : after > before) ? 'looser' : 'tighter';
}

/** "kind.key" names of the settings a message talks about: `risk.maxOrderNotional`, `field 'x'` after "risk limits:". */
export function fieldsInMessage(message: string): { kind: LimitKind; key: string }[] {
  const out: { kind: LimitKind; key: string }[] = [];
  const seen = new Set<string>();
  const push = (kind: LimitKind, key: string) => {
    const id = `${kind}.${key}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push({ kind, key });
    }
  };
  for (const m of message.matchAll(/\b(risk|monitor)\.([A-Za-z_][\w]*)/g)) push(m[1] as LimitKind, m[2]!);
  // "risk limits: field 'a': ...; field 'b': ..." / "monitor settings: field 'c': ..."
  for (const part of message.split(/(?=\b(?:risk limits|monitor settings):)/)) {
    const kind: LimitKind | null = part.startsWith('risk limits:') ? 'risk' : part.startsWith('monitor settings:') ? 'monitor' : null;
    if (!kind) continue;
    for (const m of part.matchAll(/field '([^'.]+)[^']*'/g)) push(kind, m[1]!);
  }
  return out;
}

/** The message part about one field: "field 'x': Too small…" -> "Too small…". */
export function messageFor(message: string, key: string): string {
  const re = new RegExp(`field '${key}[^']*': ([^;]+)`);
  const m = re.exec(message);
  return (m ? m[1]! : message).replace(/\s*\([A-Z_]+\)\s*$/, '').trim();
}
