// The price chart's data window (chart-window.ts): which bars ECharts is given
// for a view (the view plus a margin, bucket-aligned), the exact OHLC
// aggregation of a bucket, the re-index of markers, and how the view follows
// new bars, pans and zooms — all pure functions, checked against direct sums.
import { describe, expect, it } from 'vitest';
import { ChartModel } from '../../../src/renderer/src/chart/chart-model.js';
import {
  bucketFor,
  clampView,
  followTail,
  initialView,
  localToView,
  markersInWindow,
  MIN_VIEW_BARS,
  panView,
  planWindow,
  viewToLocal,
  windowData,
  windowLength,
  windowServes,
  zoomView,
} from '../../../src/renderer/src/chart/chart-window.js';
import type { Bar } from '../../../src/shared/domain.js';

const MIN = 60_000;
/** Bars with distinct, irregular prices so a wrong index or an off-by-one bucket shows. */
function bars(n: number): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const open = 100 + ((i * 7919) % 101) / 10;
    const close = 100 + ((i * 104729) % 97) / 10;
    return { symbol: 'X', ts: 1_700_000_000_000 + i * MIN, open, close, high: Math.max(open, close) + (i % 5) / 10, low: Math.min(open, close) - (i % 3) / 10, volume: 10 + i };
  });
}

describe('chart window', () => {
  it('gives ECharts the view plus one span of margin on each side, one point per bar when the plot has room', () => {
    const n = 200_000;
    const view = initialView(n, 160);
    expect(view).toEqual({ start: n - 160, end: n - 1 });
    const w = planWindow(n, view, 1124);
    expect(w).toEqual({ from: n - 320, to: n, bucket: 1 });
    expect(viewToLocal(w, view)).toEqual({ startValue: 160, endValue: 319 });
    expect(localToView(w, 160, 319, n)).toEqual(view);
    // in the middle of the history the margin is on both sides
    const mid = planWindow(n, { start: 1000, end: 1159 }, 1124);
    expect(mid).toEqual({ from: 840, to: 1320, bucket: 1 });
  });

  it('aggregates to at most one candle per pixel, in power-of-two buckets aligned to the series', () => {
    expect(bucketFor(1000, 1124)).toBe(1);
    expect(bucketFor(2000, 1124)).toBe(2);
    expect(bucketFor(200_000, 1124)).toBe(256);
    const n = 200_000;
    const all = planWindow(n, { start: 0, end: n - 1 }, 1124);
    expect(all).toEqual({ from: 0, to: n, bucket: 256 });
    expect(windowLength(all)).toBe(782);
    expect(windowLength(all)).toBeLessThanOrEqual(1124);
    // buckets start on multiples of their size, so a pan never regroups bars
    const panned = planWindow(n, { start: 50_003, end: 150_002 }, 1124);
    expect(panned.bucket).toBe(128);
    expect(panned.from % panned.bucket).toBe(0);
  });

  it('an aggregated candle is exactly first open, highest high, lowest low, last close, summed volume; overlays take the bucket’s last value', () => {
    const series = bars(1000);
    const model = new ChartModel();
    model.update(series, 'X|1m', ['sma20']);
    const w = { from: 96, to: 1000, bucket: 32 };
    const d = windowData(model, w);
    expect(d.candles).toHaveLength(Math.ceil((1000 - 96) / 32));
    for (const [k, start] of [
      [0, 96],
      [5, 256],
      [d.candles.length - 1, 96 + 32 * (d.candles.length - 1)],
    ] as const) {
      const group = series.slice(start, Math.min(1000, start + 32));
      expect(d.candles[k]).toEqual([group[0]!.open, group.at(-1)!.close, Math.min(...group.map((b) => b.low)), Math.max(...group.map((b) => b.high))]);
      expect(d.volumes[k]).toBe(group.reduce((s, b) => s + b.volume, 0));
      expect(d.categories[k]).toBe(String(group[0]!.ts));
      expect(d.lines[0]!.data[k]).toBe(model.lines[0]!.data[start + group.length - 1]);
    }
    // the last bucket is partial (1000 - 96 = 904 = 28 × 32 + 8)
    expect(d.volumes.at(-1)).toBe(series.slice(992).reduce((s, b) => s + b.volume, 0));
    // one bar per bucket: the bars themselves, in ECharts' [open, close, low, high] order
    const one = windowData(model, { from: 10, to: 13, bucket: 1 });
    expect(one.candles).toEqual(series.slice(10, 13).map((b) => [b.open, b.close, b.low, b.high]));
    expect(one.lines[0]!.data).toEqual(model.lines[0]!.data.slice(10, 13));
  });

  it('re-indexes markers into the window and leaves out those outside it', () => {
    const w = { from: 64, to: 192, bucket: 16 };
    const out = markersInWindow([{ index: 10, id: 'a' }, { index: 64, id: 'b' }, { index: 100, id: 'c' }, { index: 191, id: 'd' }, { index: 192, id: 'e' }], w);
    expect(out).toEqual([{ index: 0, id: 'b' }, { index: 2, id: 'c' }, { index: 7, id: 'd' }]);
  });

  it('a window serves a view until the bucket changes or the view nears an edge with more bars beyond', () => {
    const n = 10_000;
    const view = { start: 5000, end: 5159 };
    const w = planWindow(n, view, 1124);
    expect(windowServes(w, view, n, 1124)).toBe(true);
    expect(windowServes(w, { start: 5040, end: 5199 }, n, 1124)).toBe(true);
    expect(windowServes(w, { start: 5100, end: 5259 }, n, 1124)).toBe(false); // less than half a span left
    expect(windowServes(w, { start: 4000, end: 6999 }, n, 1124)).toBe(false); // coarser bucket
    // at the end of the history there is nothing beyond: no margin needed
    const tail = initialView(n, 160);
    const tw = planWindow(n, tail, 1124);
    expect(windowServes(tw, tail, n, 1124)).toBe(true);
  });

  it('a view at the last bar follows new bars; any other keeps its bars; pan and zoom stay in the series', () => {
    expect(followTail({ start: 840, end: 999 }, 1000, 1003)).toEqual({ start: 843, end: 1002 });
    expect(followTail({ start: 500, end: 659 }, 1000, 1003)).toEqual({ start: 500, end: 659 });
    expect(panView({ start: 500, end: 659 }, -0.25, 1000)).toEqual({ start: 460, end: 619 });
    expect(panView({ start: 10, end: 169 }, -0.25, 1000)).toEqual({ start: 0, end: 159 });
    expect(panView({ start: 840, end: 999 }, 0.25, 1000)).toEqual({ start: 840, end: 999 });
    expect(zoomView({ start: 840, end: 999 }, 2, 1000)).toEqual({ start: 680, end: 999 });
    expect(zoomView({ start: 840, end: 999 }, 0.01, 1000)).toEqual({ start: 1000 - MIN_VIEW_BARS, end: 999 });
    expect(zoomView({ start: 0, end: 999 }, 4, 1000)).toEqual({ start: 0, end: 999 });
    expect(clampView({ start: -50, end: 10 }, 5)).toEqual({ start: 0, end: 4 });
  });
});
