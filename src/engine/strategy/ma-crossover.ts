// Built-in moving-average crossover on 1-minute bars. When the fast SMA crosses
// above the slow one and the instrument is flat, it bids for a target position
// with a passive limit order; when it crosses below, it offers the position
// out. Unfilled orders are canceled after a few bars; a large order worked by an
// execution algorithm (TWAP, VWAP) runs to its own schedule instead.
import type { Bar, Order } from '../../shared/domain.js';
import type { StrategyConfig } from '../core/config.js';
import { Sma } from '../features/sma.js';
import { roundToLot, roundToTick, type Strategy, type StrategyContext } from './strategy.js';

interface SymbolState {
  fast: Sma;
  slow: Sma;
  /** Sign of (fast - slow) at the previous bar: 1, -1 or 0 (unknown). */
  prevSign: number;
  lastBarTs: number;
}

export class MaCrossover implements Strategy {
  readonly id = 'ma_cross';
  private readonly state = new Map<string, SymbolState>();
  /** Per symbol: bars seen by each of its orders still open (an order that is no longer open is forgotten). */
  private readonly orderBars = new Map<string, Map<string, number>>();

  constructor(private readonly cfg: StrategyConfig) {}

  warmup(bars: Bar[]): void {
    for (const bar of bars) this.update(bar);
  }

  onBar(bar: Bar, ctx: StrategyContext): void {
    const s = this.update(bar);
    if (!s) return;
    this.expireStaleOrders(bar.symbol, ctx);
    const sign = Math.sign(s.fast.value - s.slow.value);
    const crossed = s.prevSign !== 0 && sign !== 0 && sign !== s.prevSign;
    s.prevSign = sign || s.prevSign;
    if (!crossed || !ctx.isMarketOpen(bar.symbol)) return;
    const inst = ctx.instrument(bar.symbol);
    const quote = ctx.quote(bar.symbol);
    if (!inst || !quote || !(quote.bid > 0) || !(quote.ask > quote.bid)) return;
    if (ctx.openOrders(bar.symbol).length > 0) return;
    const pos = ctx.position(bar.symbol);
    // long only: enter on a cross above while flat or short, exit a long on a cross below
    const buy = sign > 0 && pos <= 0;
    if (!buy && !(sign < 0 && pos > 0)) return;
    let price: number;
    let qty: number;
    if (buy) {
      price = roundToTick(quote.bid * (1 - this.cfg.passiveBps / 10_000), inst.tickSize, 'buy');
      qty = roundToLot((ctx.equity() * this.cfg.targetPctEquity) / price, inst.lotSize) + Math.max(0, -pos);
      if (qty <= 0 || qty * price < inst.minNotional) return;
    } else {
      price = roundToTick(quote.ask * (1 + this.cfg.passiveBps / 10_000), inst.tickSize, 'sell');
      qty = pos;
    }
    // the signal and its words only for an order that goes (a cross that sends nothing formatted them too)
    const features = {
      smaFast: s.fast.value,
      smaSlow: s.slow.value,
      close: bar.close,
      bid: quote.bid,
      ask: quote.ask,
      position: pos,
      equity: ctx.equity(),
    };
    const score = Math.max(-1, Math.min(1, ((s.fast.value - s.slow.value) / s.slow.value) * 100));
    // expected move: how far the close already stands from the slow average (the trend the cross confirms)
    const signal = { score, features, expectedEdge: Math.abs(bar.close - s.slow.value) / s.slow.value };
    const why = `SMA${this.cfg.fastPeriod} ${s.fast.value.toFixed(4)} crossed ${sign > 0 ? 'above' : 'below'} SMA${this.cfg.slowPeriod} ${s.slow.value.toFixed(4)}`;
    const order = ctx.submit({ symbol: bar.symbol, side: buy ? 'buy' : 'sell', type: 'limit', qty, limitPrice: price, reason: `${why}: ${buy ? 'enter long' : 'exit long'}`, signal });
    // an execution algorithm's parent (a large order) works to its own schedule: not aged here
    if (order.algo === undefined) this.agesOf(bar.symbol).set(order.clientOrderId, 0);
  }

  private update(bar: Bar): SymbolState | undefined {
    if (!(bar.close > 0) || !Number.isFinite(bar.close)) return undefined;
    let s = this.state.get(bar.symbol);
    if (!s) {
      s = { fast: new Sma(this.cfg.fastPeriod), slow: new Sma(this.cfg.slowPeriod), prevSign: 0, lastBarTs: -Infinity };
      this.state.set(bar.symbol, s);
    }
    if (bar.ts <= s.lastBarTs) return undefined; // late or duplicate bar
    s.lastBarTs = bar.ts;
    s.fast.push(bar.close);
    s.slow.push(bar.close);
    if (!s.slow.ready) return undefined;
    if (s.prevSign === 0) s.prevSign = Math.sign(s.fast.value - s.slow.value);
    return s;
  }

  private agesOf(symbol: string): Map<string, number> {
    let ages = this.orderBars.get(symbol);
    if (!ages) this.orderBars.set(symbol, (ages = new Map()));
    return ages;
  }

  private expireStaleOrders(symbol: string, ctx: StrategyContext): void {
    const ages = this.agesOf(symbol);
    let open = 0;
    for (const o of ctx.openOrders(symbol)) {
      if (o.source !== this.id || o.algo !== undefined) continue;
      const age = (ages.get(o.clientOrderId) ?? 0) + 1;
      ages.set(o.clientOrderId, age);
      open++;
      if (age >= this.cfg.orderTtlBars && o.status !== 'pending_cancel') {
        ctx.cancel(o.clientOrderId);
        ages.delete(o.clientOrderId);
        open--;
      }
    }
    // orders no longer open (filled, canceled, refused) are never asked about again: forget them
    if (ages.size > open) {
      // a symbol has an order or two open: a scan, not a Set built per bar
      const still = ctx.openOrders(symbol);
      for (const id of ages.keys()) if (!hasOrder(still, id)) ages.delete(id);
    }
  }
}

function hasOrder(orders: readonly Order[], clientOrderId: string): boolean {
  for (const o of orders) if (o.clientOrderId === clientOrderId) return true;
  return false;
}
