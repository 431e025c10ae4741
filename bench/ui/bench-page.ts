// Page-side helpers shared by the UI benchmark pages (bench/ui/*.html, built by
// bench/ui-build.ts, never part of the product bundle): the deterministic candle
// series, waiting for an ECharts chart's first full paint, and the pan loop.
import type { Bar } from '../../src/shared/domain.js';

/** What a chart page exposes to the benchmark driver (bench/ui.ts) on window.__bench. */
export interface ChartBenchApi {
  /** Builds and draws `n` one-minute candles; ms from the bars in hand to the first full paint. */
  render(n: number): Promise<number>;
  /** Pans the drawn chart one step per animation frame for `ms`; frames per second. */
  pan(ms: number): Promise<number>;
}

/** Minimal view of an ECharts instance the helpers need (core and full builds both fit). */
export interface ChartLike {
  on(event: 'finished', handler: () => void): void;
  off(event: 'finished', handler: () => void): void;
  dispatchAction(action: Record<string, unknown>): void;
  setOption(option: object, opts: { notMerge: boolean }): void;
}

/** `n` one-minute bars of a seeded random walk (the same for every page). */
export function makeBars(n: number): Bar[] {
  const bars: Bar[] = [];
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  let price = 100;
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = Math.max(1, open + (rnd() - 0.5) * 0.4);
    const high = Math.max(open, close) + rnd() * 0.2;
    const low = Math.min(open, close) - rnd() * 0.2;
    bars.push({ symbol: 'BENCH', ts: t0 + i * 60_000, open, high, low, close, volume: Math.round(1000 + rnd() * 9000) });
    price = close;
  }
  return bars;
}

export const nextFrame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));

/** Resolves at the first 'finished' (everything drawn, progressive chunks included) after it is called. */
export function finished(chart: ChartLike): Promise<void> {
  return new Promise((resolve) => {
    const h = (): void => {
      chart.off('finished', h);
      resolve();
    };
    chart.on('finished', h);
  });
}

/** Moves a chart's zoom to bars [start, end] of the full series, as a user's drag of the zoom would. */
export type PanTo = (chart: ChartLike, start: number, end: number) => void;

/** Plain ECharts: one dataZoom action over every zoom component. */
export const panAllZooms: PanTo = (chart, start, end) => chart.dispatchAction({ type: 'dataZoom', startValue: start, endValue: end });

/**
 * Pans a chart whose zoom window shows `visible` of `n` bars: each animation
 * frame moves the window `visible / 8` bars back in time (wrapping to the end),
 * for `ms` milliseconds; returns the frames counted per second.
 */
export async function panLoop(chart: ChartLike, n: number, visible: number, ms: number, panTo: PanTo = panAllZooms): Promise<number> {
  const step = Math.max(1, Math.round(visible / 8));
  let end = n - 1;
  let frames = 0;
  const t0 = await nextFrame();
  let now = t0;
  while (now - t0 < ms) {
    end -= step;
    if (end - visible < 0) end = n - 1;
    panTo(chart, end - visible + 1, end);
    now = await nextFrame();
    frames++;
  }
  return (frames * 1000) / (now - t0);
}

export function chartHost(): HTMLElement {
  const host = document.getElementById('chart');
  if (!host) throw new Error('bench page: no #chart element');
  return host;
}

/**
 * The window.__bench API of a chart page: `draw` (timed) turns the bars into
 * a chart and resolves at its first full paint; pan then moves its
 * `visible`-bar window with `panTo`.
 */
export function exposeChartPage(draw: (bars: Bar[]) => Promise<ChartLike>, visible: number, panTo: PanTo = panAllZooms): void {
  let drawn: { chart: ChartLike; n: number } | null = null;
  const api: ChartBenchApi = {
    async render(n) {
      const bars = makeBars(n);
      const t0 = performance.now();
      const chart = await draw(bars);
      await nextFrame();
      drawn = { chart, n };
      return performance.now() - t0;
    },
    async pan(ms) {
      if (!drawn) throw new Error('pan before render');
      return panLoop(drawn.chart, drawn.n, visible, ms, panTo);
    },
  };
  (window as unknown as { __bench: ChartBenchApi }).__bench = api;
}

/** Sets an option on a fresh chart and resolves at its first full paint (the peer page). */
export async function drawOption(chart: ChartLike, option: object): Promise<ChartLike> {
  const done = finished(chart);
  chart.setOption(option, { notMerge: true });
  await done;
  return chart;
}
