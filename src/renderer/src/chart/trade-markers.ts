// Order and fill markers on the price chart: each order of the symbol on the
// bar holding its creation time, at its limit price (a market order at that
// bar's close), drawn as a hollow circle; each order with fills on the bar of
// its last update at its average fill price, a filled diamond. Pure helpers
// building the scatter series the chart draws.
import type { Bar, Order } from '../../../shared/domain.js';
import { barIndexAt } from './decision-markers.js';

export const ORDER_SERIES = 'Orders';
export const FILL_SERIES = 'Fills';
const BUY = '#26c6a6';
const SELL = '#ff4d5e';

export interface TradeMarker {
  id: string;
  index: number;
  price: number;
  side: 'buy' | 'sell';
  label: string;
}

/** Markers for the orders (kind 'order') or their fills (kind 'fill') that fall inside the bars. */
export function tradeMarkers(bars: readonly Bar[], orders: readonly Order[], symbol: string, kind: 'order' | 'fill'): TradeMarker[] {
  if (bars.length === 0) return [];
  const out: TradeMarker[] = [];
  for (const o of orders) {
    if (o.symbol !== symbol || o.status === 'denied') continue;
    if (kind === 'fill' && !(o.filledQty > 0)) continue;
    const index = barIndexAt(bars, kind === 'order' ? o.createdAt : o.updatedAt);
    if (index < 0) continue;
    const price = kind === 'fill' ? o.avgFillPrice : (o.limitPrice ?? bars[index]!.close);
    const what = kind === 'fill' ? `filled ${o.filledQty} @ ${o.avgFillPrice}` : `${o.type} ${o.qty}${o.limitPrice !== undefined ? ` @ ${o.limitPrice}` : ''} · ${o.status}`;
    out.push({ id: o.clientOrderId, index, price, side: o.side, label: `${o.side.toUpperCase()} ${what}` });
  }
  return out;
}

export function tradeSeries(name: typeof ORDER_SERIES | typeof FILL_SERIES, markers: readonly TradeMarker[]) {
  const fill = name === FILL_SERIES;
  return {
    id: name,
    name,
    type: 'scatter' as const,
    xAxisIndex: 0,
    yAxisIndex: 0,
    z: 4,
    animation: false,
    symbol: fill ? 'diamond' : 'circle',
    symbolSize: fill ? 9 : 8,
    data: markers.map((m) => ({
      value: [m.index, m.price],
      id: m.id,
      label: m.label,
      itemStyle: fill
        ? { color: m.side === 'buy' ? BUY : SELL, borderColor: '#0a0e13', borderWidth: 1 }
        : { color: 'transparent', borderColor: m.side === 'buy' ? BUY : SELL, borderWidth: 1.5 },
    })),
  };
}
