// Indicator overlays for the price chart: SMA, EMA, Bollinger bands and the
// session VWAP, as pure functions over a bar series. Each fills an output array
// from an index on, reusing the values before it, so a changed last bar costs
// O(period) instead of a pass over the whole series (the SMA keeps a running sum). Missing values are '-'
// (ECharts' empty point). The session is the UTC day, as in the engine.
import type { Bar } from '../../../shared/domain.js';

export type Point = number | '-';
export type Series = Point[];

export const OVERLAYS = ['sma20', 'sma50', 'sma200', 'ema20', 'bb20', 'vwap'] as const;
export type OverlayId = (typeof OVERLAYS)[number];

export const OVERLAY_LABELS: Record<OverlayId, string> = {
  sma20: 'SMA 20',
  sma50: 'SMA 50',
  sma200: 'SMA 200',
  ema20: 'EMA 20',
  bb20: 'Bollinger 20/2',
  vwap: 'VWAP',
};

/** Simple moving average of the closes; '-' until `period` bars exist. A running sum: O(1) per bar. */
export function fillSma(bars: readonly Bar[], period: number, out: Series, from = 0): Series {
  out.length = bars.length;
  let sum = 0;
  for (let j = Math.max(0, from - period + 1); j < from; j++) sum += bars[j]!.close;
  for (let i = from; i < bars.length; i++) {
    sum += bars[i]!.close;
    if (i > from && i >= period) sum -= bars[i - period]!.close;
    out[i] = i + 1 < period ? '-' : sum / period;
  }
  return out;
}

/** Exponential moving average (alpha 2/(period+1)), seeded with the SMA of the first `period` closes. */
export function fillEma(bars: readonly Bar[], period: number, out: Series, from = 0): Series {
  out.length = bars.length;
  const alpha = 2 / (period + 1);
  for (let i = from; i < bars.length; i++) {
    const prev = i > 0 ? out[i - 1] : '-';
    if (typeof prev === 'number') out[i] = prev + alpha * (bars[i]!.close - prev);
    else if (i + 1 === period) {
      let sum = 0;
      for (let j = 0; j <= i; j++) sum += bars[j]!.close;
      out[i] = sum / period;
    } else out[i] = '-';
  }
  return out;
}

export interface Bands {
  mid: Series;
  upper: Series;
  lower: Series;
}

/** Bollinger bands: SMA ± k population standard deviations of the closes. */
export function fillBollinger(bars: readonly Bar[], period: number, k: number, out: Bands, from = 0): Bands {
  for (const s of [out.mid, out.upper, out.lower]) s.length = bars.length;
  for (let i = from; i < bars.length; i++) {
    if (i + 1 < period) {
      out.mid[i] = out.upper[i] = out.lower[i] = '-';
      continue;
    }
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += bars[j]!.close;
    const mean = sum / period;
    let sq = 0;
    for (let j = i - period + 1; j <= i; j++) sq += (bars[j]!.close - mean) ** 2;
    const sd = Math.sqrt(sq / period);
    out.mid[i] = mean;
    out.upper[i] = mean + k * sd;
    out.lower[i] = mean - k * sd;
  }
  return out;
}

const DAY = 86_400_000;

/**
 * Session VWAP: cumulative typical price ((h+l+c)/3) × volume over cumulative
 * volume since the UTC day began; '-' while the session has traded nothing.
 * `cum` carries the running sums per bar so a tail update starts where it left.
 */
export function fillVwap(bars: readonly Bar[], out: Series, cum: { pv: number[]; v: number[] }, from = 0): Series {
  out.length = cum.pv.length = cum.v.length = bars.length;
  for (let i = from; i < bars.length; i++) {
    const b = bars[i]!;
    const sameDay = i > 0 && Math.floor(bars[i - 1]!.ts / DAY) === Math.floor(b.ts / DAY);
    const pv = (sameDay ? cum.pv[i - 1]! : 0) + ((b.high + b.low + b.close) / 3) * b.volume;
    const v = (sameDay ? cum.v[i - 1]! : 0) + b.volume;
    cum.pv[i] = pv;
    cum.v[i] = v;
    out[i] = v > 0 ? pv / v : '-';
  }
  return out;
}
