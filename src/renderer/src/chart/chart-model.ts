// The price chart's full series, kept incrementally: given the (aggregated) bar
// series it works out whether only the tail changed (the last bar updated, or
// new bars appended) and then rewrites only those points of the overlay arrays,
// reusing the arrays themselves; anything else (another symbol, timeframe or
// overlay set, history prepended) is a full rebuild. It holds the bars and the
// overlays at full resolution and nothing per bar for ECharts: the candles,
// volumes and categories ECharts is given are cut for a window of it
// (chart-window.ts), so a 200k-bar history allocates no 200k drawing objects.
import type { Bar } from '../../../shared/domain.js';
import { fillBollinger, fillEma, fillSma, fillVwap, type OverlayId, type Series } from './indicators.js';

export const UP = '#22ab94';
export const DOWN = '#f23645';

/** ECharts' candlestick order: open, close, low, high. */
export type Candle = [number, number, number, number];

/** One drawn line of an overlay (Bollinger has three). */
export interface OverlayLine {
  id: string;
  overlay: OverlayId;
  name: string;
  data: Series;
}

export type ModelChange = 'full' | 'tail' | 'none';

const SMA_PERIODS: Record<string, number | undefined> = { sma20: 20, sma50: 50, sma200: 200 };

export class ChartModel {
  bars: readonly Bar[] = [];
  lines: OverlayLine[] = [];
  private key = '';
  private vwapCum = { pv: [] as number[], v: [] as number[] };
  /** How the last update changed the arrays, and from which index. */
  lastChange: { kind: ModelChange; from: number } = { kind: 'none', from: 0 };

  /**
   * Brings the arrays up to `bars`. `key` names what the series is (symbol,
   * timeframe); a different key or overlay set rebuilds everything.
   */
  update(bars: readonly Bar[], key: string, overlays: readonly OverlayId[]): ModelChange {
    const fullKey = `${key}|${overlays.join(',')}`;
    const from = fullKey === this.key ? this.tailFrom(bars) : -1;
    if (from < 0) {
      this.key = fullKey;
      this.lines = linesFor(overlays);
      this.vwapCum = { pv: [], v: [] };
    }
    const start = Math.max(0, from);
    if (from >= 0 && start >= bars.length && bars.length === this.bars.length) {
      this.bars = bars;
      this.lastChange = { kind: 'none', from: bars.length };
      return 'none';
    }
    this.fillOverlays(bars, start);
    this.bars = bars;
    const kind: ModelChange = from < 0 ? 'full' : 'tail';
    this.lastChange = { kind, from: start };
    return kind;
  }

  /** First index that differs when only the tail moved, bars.length when nothing did, -1 when more changed. */
  private tailFrom(bars: readonly Bar[]): number {
    const prev = this.bars;
    if (prev.length === 0 || bars.length < prev.length) return -1;
    // everything before the previous last bar must be the same bars (same objects or same values)
    const lastPrev = prev.length - 1;
    for (let i = 0; i < lastPrev; i++) if (!sameBar(prev[i]!, bars[i]!)) return -1;
    if (bars[lastPrev]!.ts !== prev[lastPrev]!.ts) return -1;
    if (bars.length === prev.length && sameBar(prev[lastPrev]!, bars[lastPrev]!)) return bars.length;
    return lastPrev;
  }

  private fillOverlays(bars: readonly Bar[], from: number): void {
    for (const line of this.lines) {
      const smaPeriod = SMA_PERIODS[line.id];
      if (smaPeriod !== undefined) {
        fillSma(bars, smaPeriod, line.data, from);
        continue;
      }
      switch (line.id) {
        case 'ema20':
          fillEma(bars, 20, line.data, from);
          break;
        case 'bb20.mid': {
          const [mid, upper, lower] = ['bb20.mid', 'bb20.upper', 'bb20.lower'].map((id) => this.lines.find((l) => l.id === id)!.data) as [Series, Series, Series];
          fillBollinger(bars, 20, 2, { mid, upper, lower }, from);
          break;
        }
        case 'vwap':
          fillVwap(bars, line.data, this.vwapCum, from);
          break;
      }
    }
  }
}

function sameBar(a: Bar, b: Bar): boolean {
  return a === b || (a.ts === b.ts && a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume);
}

function linesFor(overlays: readonly OverlayId[]): OverlayLine[] {
  const out: OverlayLine[] = [];
  for (const o of overlays) {
    if (o === 'bb20') {
      out.push({ id: 'bb20.mid', overlay: o, name: 'BB 20 mid', data: [] }, { id: 'bb20.upper', overlay: o, name: 'BB 20 upper', data: [] }, { id: 'bb20.lower', overlay: o, name: 'BB 20 lower', data: [] });
    } else out.push({ id: o, overlay: o, name: o.toUpperCase().replace(/(\d+)/, ' $1'), data: [] });
  }
  return out;
}
