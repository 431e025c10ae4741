// The chart's view choices: timeframe and indicator overlays, remembered in
// localStorage (read once at start; a missing or unreadable entry gives the
// defaults, an unknown value in it is dropped).
import { create } from 'zustand';
import { OVERLAYS, type OverlayId } from '../chart/indicators.js';
import { TIMEFRAMES, type Timeframe } from '../chart/timeframes.js';

export interface ChartViewState {
  timeframe: Timeframe;
  overlays: OverlayId[];
}

const KEY = 'tradedesk.chart';
export const DEFAULT_CHART_VIEW: ChartViewState = { timeframe: '1m', overlays: ['sma20', 'sma50'] };

/** Reads a stored view; whatever is not a known timeframe or overlay falls back or is dropped. */
export function parseChartView(raw: string | null): ChartViewState {
  if (!raw) return { ...DEFAULT_CHART_VIEW };
  try {
    const v = JSON.parse(raw) as { timeframe?: unknown; overlays?: unknown };
    const timeframe = (TIMEFRAMES as readonly unknown[]).includes(v.timeframe) ? (v.timeframe as Timeframe) : DEFAULT_CHART_VIEW.timeframe;
    const overlays = Array.isArray(v.overlays) ? OVERLAYS.filter((o) => (v.overlays as unknown[]).includes(o)) : DEFAULT_CHART_VIEW.overlays;
    return { timeframe, overlays };
  } catch {
    return { ...DEFAULT_CHART_VIEW };
  }
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export const useChartView = create<ChartViewState>()(() => parseChartView(storage()?.getItem(KEY) ?? null));

useChartView.subscribe((s) => {
  try {
    storage()?.setItem(KEY, JSON.stringify({ timeframe: s.timeframe, overlays: s.overlays }));
  } catch {
    // storage full or denied: the choice lasts for this session
  }
});

export function setTimeframe(timeframe: Timeframe): void {
  useChartView.setState({ timeframe });
}

/** Turns an overlay on or off; the overlays keep their canonical order. */
export function toggleOverlay(id: OverlayId): void {
  useChartView.setState((s) => {
    const on = s.overlays.includes(id);
    return { overlays: OVERLAYS.filter((o) => (o === id ? !on : s.overlays.includes(o))) };
  });
}
