// The price chart's view controller: keeps the full series in the ChartModel and
// the visible range of it, gives ECharts only a data window around that range
// (chart-window.ts: the visible bars plus a margin, aggregated when there are
// more bars than pixels), and re-windows cheaply on pan and zoom — the inside
// zoom, the navigator slider (a small chart of its own, navigator-options.ts),
// the keyboard, a resize — with one merged setOption (lazyUpdate) of only the
// window's axes, series data and zoom position. A moved tail patches the window
// the same way; a view showing the last bar follows new bars. Live tail and
// marker changes draw at most once per TAIL_REDRAW_MS (a replay at 600x sends
// ten bars a second, each a full ECharts update); a new series, a theme, a
// pan, zoom or resize draws at once. PriceChart.tsx creates one per pair of
// ECharts instances (price chart, navigator).
import type { Bar } from '../../../shared/domain.js';
import { fullOption, GRID_LEFT, GRID_RIGHT, labelPatch, NO_MARKERS, windowPatch, type ChartFrame, type ChartMarkers } from './candle-options.js';
import type { ChartModel, ModelChange } from './chart-model.js';
import type { ChartPalette } from './chart-palette.js';
import {
  clampView,
  followTail,
  initialView,
  labelStep,
  localToView,
  markersInWindow,
  panView,
  percentToLocal,
  planWindow,
  viewToLocal,
  windowData,
  windowServes,
  zoomView,
  type DataWindow,
  type ViewRange,
} from './chart-window.js';
import { barIndexAt } from './decision-markers.js';
import type { EChartsType } from './echarts.js';
import { navOption, navPatch, type NavFrame } from './navigator-options.js';

/** One zoom of a 'datazoom' event (percent or values, whichever the sender gave). */
interface ZoomItem {
  dataZoomId?: string;
  start?: number;
  end?: number;
  startValue?: number;
  endValue?: number;
}
type ZoomEvent = ZoomItem & { batch?: ZoomItem[] };

export type ViewSource = 'zoom' | 'nav' | 'key' | 'resize';

/** Live (tail and marker) changes are drawn at most this often; the newest state is always drawn. */
export const TAIL_REDRAW_MS = 200;

export class WindowedChart {
  private view: ViewRange | null = null;
  private win: DataWindow | null = null;
  private key = '';
  /** The label step last given to ECharts. */
  private step = 0;
  private markers: ChartMarkers = NO_MARKERS;
  /** The markers as last drawn, indexed in the window (hit tests, marker positions). */
  shown: ChartMarkers = NO_MARKERS;
  /** Full option builds and window patches so far (published for tests). */
  readonly counts = { full: 0, patches: 0 };

  /** The history length the navigator was last given (the bars drawn). */
  private navN = 0;
  /** When the chart was last drawn (performance.now()), and a live draw waiting for its turn. */
  private drawnAt = Number.NEGATIVE_INFINITY;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private tailPending = false;

  constructor(
    private readonly chart: EChartsType,
    private readonly nav: EChartsType,
    private readonly model: ChartModel,
    private palette: ChartPalette,
    private decimals: number | undefined = undefined,
    private readonly onChange: () => void = () => undefined,
  ) {
    chart.on('datazoom', (e) => this.onZoom(e as ZoomEvent, 'zoom'));
    nav.on('datazoom', (e) => this.onZoom(e as ZoomEvent, 'nav'));
  }

  get currentView(): ViewRange | null {
    return this.view;
  }

  get currentWindow(): DataWindow | null {
    return this.win;
  }

  /**
   * Brings the chart up to `bars`: a new series key builds the chart at its
   * first view (the last `visible` bars); the same series rebuilt underneath
   * (overlays, history moved) keeps the bars it showed; a moved tail or new
   * markers patch the window. Returns how the model changed.
   */
  setData(bars: readonly Bar[], key: string, overlays: Parameters<ChartModel['update']>[2], markers: ChartMarkers, decimals: number | undefined, visible: number): ModelChange {
    const before = this.model.bars;
    const change = this.model.update(bars, key, overlays);
    const n = bars.length;
    const sameSeries = key === this.key && this.view !== null && before.length > 0;
    const markersMoved = markers !== this.markers || decimals !== this.decimals;
    this.markers = markers;
    this.decimals = decimals;
    if (change === 'full') {
      this.view = sameSeries ? carryView(this.caughtUp(this.view!, before.length), before, bars) : initialView(n, visible);
      this.key = key;
      this.build();
    } else if (change === 'tail' && !this.view) {
      this.view = initialView(n, visible);
      this.build();
    } else if (change === 'tail' || (markersMoved && this.win)) {
      if (change === 'tail') this.tailPending = true;
      this.drawLive();
    }
    return change;
  }

  /** Draws the live changes now if the last draw is old enough, else once when it is. */
  private drawLive(): void {
    if (this.liveTimer !== undefined) return;
    const wait = this.drawnAt + TAIL_REDRAW_MS - performance.now();
    if (wait > 0) {
      this.liveTimer = setTimeout(() => {
        this.liveTimer = undefined;
        if (!this.view) return;
        this.flushLive();
        this.onChange();
      }, wait);
      return;
    }
    this.flushLive();
  }

  /** The view follows the bars that came since the last draw (if it showed the last one), then one patch. */
  private flushLive(): void {
    if (this.tailPending) {
      const n = this.model.bars.length;
      this.view = this.caughtUp(this.view!, n);
      this.win = planWindow(n, this.view, this.plotPx());
    }
    this.patch();
  }

  /** `view` after the bars that came since the last draw: one at the drawn tail follows them. */
  private caughtUp(view: ViewRange, n: number): ViewRange {
    return this.tailPending ? followTail(view, this.navN, n) : view;
  }

  /** Something that draws at once is about to: a waiting live draw is folded into it. */
  private settleLive(): void {
    if (this.liveTimer !== undefined) clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    this.tailPending = false;
  }

  /** New colours (theme change): the same view drawn again with them. */
  setPalette(palette: ChartPalette): void {
    if (palette === this.palette) return;
    this.palette = palette;
    if (!this.view) return;
    this.view = this.caughtUp(this.view, this.model.bars.length);
    this.build();
  }

  /** Forgets the series (no bars, or the chart is going away). */
  clear(): void {
    this.settleLive();
    this.view = this.win = null;
    this.key = '';
    this.model.update([], '', []);
  }

  /** Keyboard: pans by a fraction of the view, zooms around its last bar, or jumps to an end. */
  keyAction(action: 'left' | 'right' | 'in' | 'out' | 'home' | 'end'): void {
    const v = this.view;
    const n = this.model.bars.length;
    if (!v || n === 0) return;
    const span = v.end - v.start;
    const next =
      action === 'left' ? panView(v, -0.25, n)
      : action === 'right' ? panView(v, 0.25, n)
      : action === 'in' ? zoomView(v, 0.5, n)
      : action === 'out' ? zoomView(v, 2, n)
      : action === 'home' ? clampView({ start: 0, end: span }, n)
      : clampView({ start: n - 1 - span, end: n - 1 }, n);
    this.applyView(next, 'key');
  }

  /** The plot area was resized: a window too coarse or too fine for it is cut again. */
  resized(): void {
    if (this.view) this.applyView(this.view, 'resize');
  }

  private plotPx(): number {
    return Math.max(50, this.chart.getWidth() - GRID_LEFT - GRID_RIGHT);
  }

  private onZoom(e: ZoomEvent, source: 'zoom' | 'nav'): void {
    const w = this.win;
    const n = this.model.bars.length;
    if (!w || !this.view || n === 0) return;
    let view: ViewRange | null = null;
    for (const it of e.batch ?? [e]) {
      if (source === 'nav') {
        const last = Math.max(1, n - 1);
        const s = it.startValue ?? ((it.start ?? 0) / 100) * last;
        const en = it.endValue ?? ((it.end ?? 100) / 100) * last;
        view = { start: Math.round(s), end: Math.round(en) };
      } else {
        const local = it.startValue !== undefined && it.endValue !== undefined ? { startValue: it.startValue, endValue: it.endValue } : percentToLocal(w, it.start ?? 0, it.end ?? 100);
        view = localToView(w, local.startValue, local.endValue, n);
      }
    }
    if (view) this.applyView(view, source);
  }

  /** Moves the view; re-cuts the window only when the current one no longer serves it. */
  private applyView(next: ViewRange, source: ViewSource): void {
    const n = this.model.bars.length;
    // bars came since the last draw: this draw brings them in, and a view at the drawn tail follows them
    const catchUp = this.tailPending;
    const view = clampView(this.caughtUp(next, n), n);
    this.view = view;
    const w = this.win;
    const px = this.plotPx();
    if (!catchUp && w && windowServes(w, view, n, px)) {
      if (source === 'resize') return;
      // the zoom that moved already shows the range; only the other one follows,
      // by the same light action a drag sends (no option merge), without an event
      const step = labelStep(view, w.bucket, px);
      if (step !== this.step) this.chart.setOption({ xAxis: labelPatch({ first: w.from / w.bucket, every: step }) }, { lazyUpdate: true });
      this.step = step;
      if (source !== 'zoom') this.chart.dispatchAction({ type: 'dataZoom', dataZoomId: 'zoom', ...viewToLocal(w, view) }, { silent: true });
      if (source !== 'nav') this.nav.dispatchAction({ type: 'dataZoom', dataZoomId: 'nav', startValue: view.start, endValue: view.end }, { silent: true });
    } else {
      this.win = planWindow(n, view, this.plotPx());
      this.patch();
    }
    this.onChange();
  }

  private frame(): ChartFrame {
    const w = this.win!;
    const v = this.view!;
    const model = this.model;
    this.shown = {
      decisions: markersInWindow(this.markers.decisions, w),
      orders: markersInWindow(this.markers.orders, w),
      fills: markersInWindow(this.markers.fills, w),
    };
    this.step = labelStep(v, w.bucket, this.plotPx());
    return {
      labels: { first: w.from / w.bucket, every: this.step },
      data: windowData(model, w),
      markers: this.shown,
      last: model.bars.at(-1),
      zoom: viewToLocal(w, v),
    };
  }

  private navFrame(): NavFrame {
    const bars = this.model.bars;
    const v = this.view!;
    return { n: bars.length, start: v.start, end: v.end, timeAt: (i) => this.model.bars[Math.max(0, Math.min(i, this.model.bars.length - 1))]?.ts ?? 0 };
  }

  private build(): void {
    this.settleLive();
    this.drawnAt = performance.now();
    this.win = planWindow(this.model.bars.length, this.view!, this.plotPx());
    this.counts.full++;
    this.chart.setOption(fullOption(this.frame(), this.decimals, this.palette), { notMerge: true });
    this.navN = this.model.bars.length;
    this.nav.setOption(navOption(this.navFrame(), this.palette, GRID_LEFT, GRID_RIGHT), { notMerge: true });
  }

  private patch(): void {
    this.settleLive();
    this.drawnAt = performance.now();
    this.counts.patches++;
    this.chart.setOption(windowPatch(this.frame(), this.decimals, this.palette), { lazyUpdate: true });
    const n = this.model.bars.length;
    this.nav.setOption(navPatch(this.navFrame(), n !== this.navN), { lazyUpdate: true });
    this.navN = n;
  }
}

/** The same bars' view in a rebuilt series (history moved under it): by open time; a view at the tail stays at the tail. */
function carryView(view: ViewRange, before: readonly Bar[], bars: readonly Bar[]): ViewRange {
  const n = bars.length;
  if (view.end >= before.length - 1) return clampView({ start: n - 1 - (view.end - view.start), end: n - 1 }, n);
  const at = (i: number): number => Math.max(0, barIndexAt(bars, before[Math.max(0, Math.min(i, before.length - 1))]!.ts));
  return clampView({ start: at(view.start), end: at(view.end) }, n);
}
