// The price chart's data window (pure functions): ECharts is given only the bars
// around the visible range — one screen of margin on each side — and, when the
// visible range holds more bars than the plot has pixels, candles aggregated over
// buckets of 2^k bars (first open, highest high, lowest low, last close, summed
// volume; an overlay takes its value at the bucket's last bar). So ECharts never
// lays out more than about three points per pixel of plot, whatever the history
// length. Buckets are aligned to multiples of their size in the full series, so a
// pan never changes what a bucket holds. Positions are indices of the full series.
import type { Bar } from '../../../shared/domain.js';
import type { Candle, OverlayLine } from './chart-model.js';
import type { Series } from './indicators.js';

/** The visible bars: inclusive indices of the full series (start <= end). */
export interface ViewRange {
  start: number;
  end: number;
}

/** What ECharts holds: bars [from, to) of the full series, in buckets of `bucket` bars (from is a multiple of it). */
export interface DataWindow {
  from: number;
  to: number;
  bucket: number;
}

/** The smallest visible span, in bars (zooming in stops there). */
export const MIN_VIEW_BARS = 20;

/** The full-resolution series a window is cut from (ChartModel's bars and overlays). */
export interface WindowSource {
  readonly bars: readonly Bar[];
  readonly lines: readonly OverlayLine[];
}

/** One window's worth of series data, as ECharts is given it. */
export interface WindowData {
  categories: string[];
  candles: Candle[];
  volumes: number[];
  lines: Array<{ id: string; name: string; data: Series }>;
}

/** Keeps a view inside [0, n-1] with at least MIN_VIEW_BARS (or n) bars, preserving its span where it can. */
export function clampView(view: ViewRange, n: number): ViewRange {
  if (n <= 0) return { start: 0, end: 0 };
  const last = n - 1;
  const span = Math.min(last, Math.max(Math.min(MIN_VIEW_BARS - 1, last), Math.round(view.end - view.start)));
  let start = Math.round(view.start);
  let end = start + span;
  if (end > last) {
    end = last;
    start = last - span;
  }
  if (start < 0) {
    start = 0;
    end = span;
  }
  return { start, end };
}

/** The first view of a series: its last `visible` bars, or all of it when `visible` is 0. */
export function initialView(n: number, visible: number): ViewRange {
  const last = Math.max(0, n - 1);
  return clampView({ start: visible > 0 ? n - visible : 0, end: last }, n);
}

/** Bars per drawn candle for a span on a plot `plotPx` wide: 1, or the power of two giving at most one candle per pixel. */
export function bucketFor(span: number, plotPx: number): number {
  const need = span / Math.max(1, plotPx);
  if (need <= 1) return 1;
  return 2 ** Math.ceil(Math.log2(need));
}

/** The window for a view: the view plus one view's span of margin on each side, on bucket boundaries. */
export function planWindow(n: number, view: ViewRange, plotPx: number): DataWindow {
  const span = view.end - view.start + 1;
  const bucket = bucketFor(span, plotPx);
  const from = Math.max(0, Math.floor((view.start - span) / bucket) * bucket);
  const to = Math.min(n, Math.ceil((view.end + 1 + span) / bucket) * bucket);
  return { from, to, bucket };
}

/**
 * Whether the current window still serves a view: same bucket size, the view
 * inside it, and at least half a span of margin left on every side that has
 * more bars beyond it (so panning inside ECharts never reaches the edge first).
 */
export function windowServes(w: DataWindow, view: ViewRange, n: number, plotPx: number): boolean {
  const span = view.end - view.start + 1;
  if (bucketFor(span, plotPx) !== w.bucket) return false;
  if (view.start < w.from || view.end >= w.to || w.to > n) return false;
  const half = span / 2;
  if (w.from > 0 && view.start - w.from < half) return false;
  if (w.to < n && w.to - 1 - view.end < half) return false;
  return true;
}

/** Pixels between time labels on the axis, about. */
export const LABEL_PX = 110;

/**
 * Every how many buckets a time label (and grid line) goes, a power of two for
 * the view's bucket count on a plot `plotPx` wide. Counted from the start of the
 * series, so labels stay on the same bars while panning.
 */
export function labelStep(view: ViewRange, bucket: number, plotPx: number): number {
  const buckets = (view.end - view.start + 1) / bucket;
  const need = buckets / Math.max(1, plotPx / LABEL_PX);
  return need <= 1 ? 1 : 2 ** Math.ceil(Math.log2(need));
}

/** Number of drawn points (buckets) in a window. */
export function windowLength(w: DataWindow): number {
  return Math.ceil((w.to - w.from) / w.bucket);
}

/** The view as ECharts' category values in the window (bucket positions). */
export function viewToLocal(w: DataWindow, view: ViewRange): { startValue: number; endValue: number } {
  const last = windowLength(w) - 1;
  const at = (i: number): number => Math.min(last, Math.max(0, Math.floor((i - w.from) / w.bucket)));
  return { startValue: at(view.start), endValue: at(view.end) };
}

/** Bucket positions in the window back to a view of the full series (the buckets' first to last bars). */
export function localToView(w: DataWindow, startValue: number, endValue: number, n: number): ViewRange {
  const s = Math.round(startValue);
  const e = Math.round(endValue);
  return { start: w.from + s * w.bucket, end: Math.min(n - 1, w.from + (e + 1) * w.bucket - 1) };
}

/** A zoom given in percent of the window's category extent, as bucket positions. */
export function percentToLocal(w: DataWindow, startPct: number, endPct: number): { startValue: number; endValue: number } {
  const last = windowLength(w) - 1;
  return { startValue: (startPct / 100) * last, endValue: (endPct / 100) * last };
}

/** The window's series: one point per bar, or OHLC candles aggregated over each bucket. */
export function windowData(src: WindowSource, w: DataWindow): WindowData {
  const { from, bucket } = w;
  const bars = src.bars;
  const to = Math.min(w.to, bars.length);
  const out: WindowData = { categories: [], candles: [], volumes: [], lines: src.lines.map((l) => ({ id: l.id, name: l.name, data: [] })) };
  for (let b = from; b < to; b += bucket) {
    const end = Math.min(to, b + bucket);
    const first = bars[b]!;
    let low = first.low;
    let high = first.high;
    let volume = 0;
    for (let i = b; i < end; i++) {
      const x = bars[i]!;
      if (x.low < low) low = x.low;
      if (x.high > high) high = x.high;
      volume += x.volume;
    }
    out.categories.push(String(first.ts));
    out.candles.push([first.open, bars[end - 1]!.close, low, high]);
    out.volumes.push(volume);
    for (let j = 0; j < src.lines.length; j++) out.lines[j]!.data.push(src.lines[j]!.data[end - 1]!);
  }
  return out;
}

/** Markers (anything with a full-series bar index) inside the window, re-indexed to its buckets. */
export function markersInWindow<M extends { index: number }>(markers: readonly M[], w: DataWindow): M[] {
  const out: M[] = [];
  for (const m of markers) {
    if (m.index < w.from || m.index >= w.to) continue;
    out.push({ ...m, index: Math.floor((m.index - w.from) / w.bucket) });
  }
  return out;
}

/**
 * The view after the series changed from `before` to `n` bars: a view that
 * showed the last bar keeps following the tail; any other keeps its bars.
 */
export function followTail(view: ViewRange, before: number, n: number): ViewRange {
  if (before > 0 && view.end >= before - 1 && n !== before) {
    const shift = n - before;
    return clampView({ start: view.start + shift, end: view.end + shift }, n);
  }
  return clampView(view, n);
}

/** The view panned by `fraction` of its span (negative: back in time). */
export function panView(view: ViewRange, fraction: number, n: number): ViewRange {
  const shift = Math.round((view.end - view.start + 1) * fraction) || Math.sign(fraction);
  return clampView({ start: view.start + shift, end: view.end + shift }, n);
}

/** The view zoomed by `factor` (> 1 shows more bars) around its last bar. */
export function zoomView(view: ViewRange, factor: number, n: number): ViewRange {
  const span = Math.max(MIN_VIEW_BARS, Math.round((view.end - view.start + 1) * factor));
  return clampView({ start: view.end - span + 1, end: view.end }, n);
}
