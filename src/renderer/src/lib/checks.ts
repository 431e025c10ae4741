// Pre-trade check rows for people: a readable name and the value and limit in
// the check's unit (money, percent of equity, ×, plain). Used by the order
// ticket's what-if.
import type { RiskCheck } from '../../../shared/api/contract.js';
import { fmtMoney, fmtNum, fmtQty } from './format.js';

const MONEY = new Set(['min_notional', 'max_order_notional', 'max_position_notional', 'buying_power']);
const PERCENT = new Set([
  'max_position_pct_equity',
  'sector_concentration',
  'asset_class_concentration',
  'gross_exposure',
  'net_exposure',
  'price_collar',
  'volatility_regime',
]);
const QTY = new Set(['quantity_valid', 'lot_size', 'max_order_qty']);

export function checkLabel(check: string): string {
  const s = check.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pct(n: number): string {
  return `${fmtNum(Number((n * 100).toFixed(2)))}%`;
}

function one(check: string, v: number | string): string {
  if (typeof v === 'string') {
    // net_exposure's limit is "min..max" in fractions of equity
    const range = /^(-?[\d.]+)\.\.(-?[\d.]+)$/.exec(v);
    if (range && PERCENT.has(check)) return `${pct(Number(range[1]))} … ${pct(Number(range[2]))}`;
    return v;
  }
  if (MONEY.has(check)) return fmtMoney(v);
  if (PERCENT.has(check)) return pct(v);
  if (check === 'leverage') return `${fmtNum(Number(v.toFixed(2)))}×`;
  if (QTY.has(check)) return fmtQty(v);
  if (check === 'price_known' || check === 'limit_price_valid' || check === 'tick_size') return fmtNum(v);
  return fmtNum(v);
}

export function checkValue(c: RiskCheck): string {
  return one(c.check, c.value);
}

export function checkLimit(c: RiskCheck): string {
  return one(c.check, c.limit);
}

/** Failed checks first, the engine's order kept within each group. */
export function failedFirst(checks: readonly RiskCheck[]): RiskCheck[] {
  return [...checks.filter((c) => !c.passed), ...checks.filter((c) => c.passed)];
}
