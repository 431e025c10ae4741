// The price chart's navigator: a slim ECharts chart of its own under the price
// chart, holding only a slider over the whole history (a hidden value axis of
// bar indices 0..n-1 and a two-point invisible line that gives the axis its
// extent). Dragging it sends a 'datazoom' on this small chart alone, and the
// price chart is then re-windowed once (windowed-chart.ts) — one update of the
// big chart per pan step instead of two.
import { fmtAxisTime } from '../lib/format.js';
import { ZOOM_THROTTLE_MS } from './candle-options.js';
import type { ChartPalette } from './chart-palette.js';
import { MIN_VIEW_BARS } from './chart-window.js';

/** The whole history (bars), the visible range in it, and the open time of a bar index (labels). */
export interface NavFrame {
  n: number;
  start: number;
  end: number;
  timeAt: (i: number) => number;
}

/** The navigator's height in pixels (PriceChart's layout). */
export const NAV_HEIGHT = 26;

const axisMax = (n: number): number => Math.max(1, n - 1);

function extent(n: number): Array<[number, number]> {
  return [
    [0, 0],
    [axisMax(n), 0],
  ];
}

export function navOption(f: NavFrame, pal: ChartPalette, gridLeft: number, gridRight: number) {
  return {
    backgroundColor: pal.background,
    animation: false,
    grid: { left: gridLeft, right: gridRight, top: 0, bottom: 0, show: false },
    xAxis: { id: 'nav-x', type: 'value' as const, min: 0, max: axisMax(f.n), show: false },
    yAxis: { type: 'value' as const, show: false, min: -1, max: 1 },
    dataZoom: [
      {
        id: 'nav',
        type: 'slider' as const,
        xAxisIndex: 0,
        filterMode: 'none' as const,
        startValue: f.start,
        endValue: f.end,
        minValueSpan: MIN_VIEW_BARS - 1,
        throttle: ZOOM_THROTTLE_MS,
        left: gridLeft,
        right: gridRight,
        bottom: 4,
        height: 18,
        showDataShadow: false,
        borderColor: pal.sliderBorder,
        fillerColor: pal.sliderFill,
        textStyle: { color: pal.axis, fontSize: 10 },
        labelFormatter: (v: number) => fmtAxisTime(f.timeAt(Math.round(v))),
      },
    ],
    series: [{ id: 'nav', type: 'line' as const, data: extent(f.n), silent: true, symbol: 'none', animation: false, lineStyle: { opacity: 0 } }],
  };
}

/** The slider's position, and the history's length when it changed. */
export function navPatch(f: NavFrame, lengthChanged: boolean) {
  const dataZoom = [{ id: 'nav', startValue: f.start, endValue: f.end }];
  return lengthChanged ? { dataZoom, xAxis: { id: 'nav-x', max: axisMax(f.n) }, series: [{ id: 'nav', data: extent(f.n) }] } : { dataZoom };
}
