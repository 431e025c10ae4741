// Places decisions on the candlestick chart: each decision goes on the bar
// whose period holds its time (buy ▲ under the low, sell ▼ over the high;
// several on one bar stack outward); denied ones are grey. Pure helpers that
// build the scatter series data the chart draws and hit-tests on click.
import type { DecisionSummary } from '../../../shared/api/contract.js';
import type { Bar } from '../../../shared/domain.js';

export const MARKER_SERIES = 'Decisions';
const BUY = '#26c6a6';
const SELL = '#ff4d5e';
const DENIED = '#6b7785';
const SIZE = 11;
const GAP = 9;

export interface DecisionMarker {
  id: string;
  /** Index of the bar in the series (category index on the x axis). */
  index: number;
  /** Anchor price: the bar's low for a buy, its high for a sell. */
  price: number;
  /** Vertical pixel offset from the anchor (stacking several on one bar). */
  offsetY: number;
  decision: DecisionSummary;
}

/** Index of the last bar opening at or before ts, or -1 when ts is before the first bar. */
export function barIndexAt(bars: readonly Bar[], ts: number): number {
  let lo = 0;
  let hi = bars.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid]!.ts <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Markers for the decisions that fall inside the bar history, oldest first. */
export function placeMarkers(bars: readonly Bar[], decisions: readonly DecisionSummary[]): DecisionMarker[] {
  if (bars.length === 0 || decisions.length === 0) return [];
  // The last bar's period ends one bar interval after it opened; later decisions are off the chart.
  const last = bars[bars.length - 1]!;
  const interval = bars.length > 1 ? last.ts - bars[bars.length - 2]!.ts : 0;
  const end = interval > 0 ? last.ts + interval : Infinity;
  const sorted = decisions.filter((d) => d.ts < end).sort((a, b) => a.ts - b.ts);
  const stacks = new Map<string, number>();
  const out: DecisionMarker[] = [];
  for (const d of sorted) {
    const index = barIndexAt(bars, d.ts);
    if (index < 0) continue;
    const bar = bars[index]!;
    const key = `${index}:${d.action}`;
    const level = stacks.get(key) ?? 0;
    stacks.set(key, level + 1);
    const away = GAP + level * (SIZE + 1);
    out.push({
      id: d.id,
      index,
      price: d.action === 'buy' ? bar.low : bar.high,
      offsetY: d.action === 'buy' ? away : -away,
      decision: d,
    });
  }
  return out;
}

/** ECharts scatter items; each keeps its decision for the tooltip and the click. */
export function markerData(markers: readonly DecisionMarker[]) {
  return markers.map((m) => {
    const denied = m.decision.outcome === 'denied';
    const color = denied ? DENIED : m.decision.action === 'buy' ? BUY : SELL;
    return {
      value: [m.index, m.price],
      id: m.id,
      decision: m.decision,
      symbol: 'triangle',
      symbolSize: SIZE,
      symbolRotate: m.decision.action === 'sell' ? 180 : 0,
      symbolOffset: [0, m.offsetY],
      itemStyle: {
        color: denied ? 'rgba(107, 119, 133, 0.35)' : color,
        borderColor: denied ? '#8a96a3' : '#0a0e13',
        borderWidth: 1,
        opacity: denied ? 0.85 : 1,
      },
    };
  });
}

export function markerSeries(markers: readonly DecisionMarker[]) {
  return {
    name: MARKER_SERIES,
    type: 'scatter' as const,
    xAxisIndex: 0,
    yAxisIndex: 0,
    z: 5,
    cursor: 'pointer',
    animation: false,
    emphasis: { scale: 1.35 },
    data: markerData(markers),
  };
}
