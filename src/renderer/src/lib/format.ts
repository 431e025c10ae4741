// Number and time formatting for the UI. The engine sends raw numbers and UTC
// epoch milliseconds; everything a person reads is formatted here, in UTC.
const nfCache = new Map<string, Intl.NumberFormat>();

function nf(min: number, max: number, signed = false): Intl.NumberFormat {
  const key = `${min}:${max}:${signed}`;
  let f = nfCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    nfCache.set(key, f);
  }
  return f;
}

export const DASH = '—';

function finite(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** Decimals implied by a tick size (0.01 -> 2, 0.5 -> 1, 1 -> 0). */
export function decimalsForTick(tick: number | undefined): number | undefined {
  if (!tick || !(tick > 0)) return undefined;
  const s = tick.toString();
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** A price: tick-size decimals when known, else 2 (or more for small prices). */
export function fmtPrice(n: number | null | undefined, decimals?: number): string {
  if (!finite(n)) return DASH;
  const d = decimals ?? (Math.abs(n) >= 1 || n === 0 ? 2 : Math.abs(n) >= 0.01 ? 4 : 6);
  return nf(d, d).format(n);
}

/** A quantity: integers plainly, fractional (crypto) quantities up to 6 decimals. */
export function fmtQty(n: number | null | undefined, signed = false): string {
  if (!finite(n)) return DASH;
  return nf(0, 6, signed).format(n);
}

/** Money in account currency, 2 decimals with separators. */
export function fmtMoney(n: number | null | undefined, signed = false): string {
  if (!finite(n)) return DASH;
  const abs = nf(2, 2).format(Math.abs(n));
  const sign = n < 0 ? '−' : signed && n > 0 ? '+' : '';
  return `${sign}$${abs}`;
}

export function fmtPct(n: number | null | undefined, signed = true): string {
  if (!finite(n)) return DASH;
  return `${nf(2, 2, signed).format(n * 100)}%`;
}

/** CSS class for a P&L-like number. */
export function pnlClass(n: number | null | undefined): string {
  if (!finite(n) || Math.abs(n) < 1e-9) return 'flat';
  return n > 0 ? 'up' : 'down';
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** HH:MM:SS in UTC. */
export function fmtTime(ts: number | null | undefined): string {
  if (!finite(ts)) return DASH;
  const d = new Date(ts);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** YYYY-MM-DD in UTC. */
export function fmtDate(ts: number | null | undefined): string {
  if (!finite(ts)) return DASH;
  const d = new Date(ts);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** YYYY-MM-DD HH:MM:SS UTC. */
export function fmtDateTime(ts: number | null | undefined): string {
  if (!finite(ts)) return DASH;
  return `${fmtDate(ts)} ${fmtTime(ts)} UTC`;
}

/** MM-DD HH:MM:SS in UTC (dense tables spanning several days). */
export function fmtStamp(ts: number | null | undefined): string {
  if (!finite(ts)) return DASH;
  const d = new Date(ts);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${fmtTime(ts)}`;
}

/** A model number (feature, score, weight): up to 6 significant digits, no grouping. */
export function fmtNum(n: number | null | undefined): string {
  if (!finite(n)) return DASH;
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a >= 1e6 || a < 1e-4) return n.toExponential(3);
  return String(Number(n.toPrecision(6)));
}

/** Short chart axis label: HH:MM UTC, with the date when the day changes. */
export function fmtAxisTime(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Compact volume: 1.2K, 3.4M. */
export function fmtCompact(n: number | null | undefined): string {
  if (!finite(n)) return DASH;
  const a = Math.abs(n);
  if (a >= 1e9) return `${nf(0, 2).format(n / 1e9)}B`;
  if (a >= 1e6) return `${nf(0, 2).format(n / 1e6)}M`;
  if (a >= 1e3) return `${nf(0, 1).format(n / 1e3)}K`;
  return nf(0, 2).format(n);
}
