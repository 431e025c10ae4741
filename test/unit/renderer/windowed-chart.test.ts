// The price chart's controller on real ECharts instances (server-side SVG
// rendering, no canvas needed): live bars draw at most once per TAIL_REDRAW_MS
// and the newest state is what gets drawn; a new series draws at once; a
// view at the tail keeps following the bars that came while a draw waited.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as echarts from 'echarts';
import type { Bar } from '../../../src/shared/domain.js';
import { ChartModel } from '../../../src/renderer/src/chart/chart-model.js';
import { NO_MARKERS } from '../../../src/renderer/src/chart/candle-options.js';
import { CHART_PALETTES } from '../../../src/renderer/src/chart/chart-palette.js';
import type { EChartsType } from '../../../src/renderer/src/chart/echarts.js';
import { TAIL_REDRAW_MS, WindowedChart } from '../../../src/renderer/src/chart/windowed-chart.js';

const bar = (i: number): Bar => ({ symbol: 'X', ts: 1_700_000_000_000 + i * 60_000, open: 100 + i, high: 101 + i, low: 99 + i, close: 100.5 + i, volume: 1_000 });
const series = (n: number): Bar[] => Array.from({ length: n }, (_, i) => bar(i));

function make() {
  const init = () => echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 400 }) as unknown as EChartsType;
  const chart = init();
  const nav = init();
  const drawnLast = () => {
    const opt = chart.getOption() as { series: Array<{ id?: string; data: unknown[] }> };
    return opt.series[0]!.data.length;
  };
  let changes = 0;
  const wc = new WindowedChart(chart, nav, new ChartModel(), CHART_PALETTES.dark, 2, () => changes++);
  return { wc, chart, nav, drawnLast, changes: () => changes };
}

describe('WindowedChart live redraws', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws a burst of live bars once at once and once more after TAIL_REDRAW_MS, with the newest bars, following the tail', () => {
    const { wc, changes } = make();
    let bars = series(300);
    wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120);
    expect(wc.counts).toEqual({ full: 1, patches: 0 });
    vi.advanceTimersByTime(TAIL_REDRAW_MS);

    // ten bars in 50 ms: the first draws at once, the rest wait for one more draw
    for (let i = 0; i < 10; i++) {
      bars = [...bars, bar(bars.length)];
      expect(wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120)).toBe('tail');
      vi.advanceTimersByTime(5);
    }
    expect(wc.counts.patches).toBe(1);
    expect(wc.currentView!.end).toBe(300); // drawn: the first new bar
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    expect(wc.counts.patches).toBe(2);
    expect(wc.counts.full).toBe(1);
    // the waiting draw showed the newest bar, and told its owner (data attributes)
    expect(wc.currentView!.end).toBe(309);
    expect(wc.currentWindow!.to).toBeGreaterThanOrEqual(309);
    expect(changes()).toBeGreaterThan(0);
    // nothing more to draw: no further patches
    vi.advanceTimersByTime(TAIL_REDRAW_MS * 5);
    expect(wc.counts.patches).toBe(2);
  });

  it('a new series while a live draw waits draws at once and the waiting draw is dropped', () => {
    const { wc } = make();
    let bars = series(200);
    wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120);
    bars = [...bars, bar(200)];
    wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120); // within TAIL_REDRAW_MS of the build: waits
    expect(wc.counts.patches).toBe(0);
    wc.setData(series(50), 'Y|1m', [], NO_MARKERS, 2, 120);
    expect(wc.counts.full).toBe(2);
    vi.advanceTimersByTime(TAIL_REDRAW_MS * 2);
    expect(wc.counts.patches).toBe(0);
    expect(wc.currentView!.end).toBe(49);
  });

  it('a resize while a live draw waits brings the new bars in, and the view keeps following the tail', () => {
    const { wc, chart } = make();
    let bars = series(300);
    wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120);
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    const add = () => {
      bars = [...bars, bar(bars.length)];
      wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120);
    };
    add(); // drawn at once
    for (let i = 0; i < 5; i++) add(); // waiting
    chart.resize({ width: 300, height: 400 });
    wc.resized();
    expect(wc.currentView!.end).toBe(bars.length - 1);
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    add();
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    expect(wc.currentView!.end).toBe(bars.length - 1);
    // a theme change while a draw waits
    for (let i = 0; i < 3; i++) add();
    wc.setPalette(CHART_PALETTES.light);
    expect(wc.currentView!.end).toBe(bars.length - 1);
    // a zoom while a draw waits
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    for (let i = 0; i < 3; i++) add();
    wc.keyAction('in');
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    add();
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    expect(wc.currentView!.end).toBe(bars.length - 1);
  });

  it('a view panned away from the tail stays where it is as bars arrive', () => {
    const { wc } = make();
    let bars = series(400);
    wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120);
    wc.keyAction('home');
    const view = wc.currentView!;
    expect(view.start).toBe(0);
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    for (let i = 0; i < 5; i++) {
      bars = [...bars, bar(bars.length)];
      wc.setData(bars, 'X|1m', [], NO_MARKERS, 2, 120);
    }
    vi.advanceTimersByTime(TAIL_REDRAW_MS);
    expect(wc.currentView).toEqual(view);
  });
});
