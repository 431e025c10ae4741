// Round-trip trades from a stream of fills, per strategy and symbol: a trade
// opens when the position leaves zero and closes when it returns to zero (a
// fill that flips the position closes one trade and opens the next). P&L is net
// of the fees of its fills; trades still open at the end are marked at the last
// price. Win rate counts closed trades.
import type { Fill } from '../../shared/domain.js';

/** A fill with the strategy whose order it filled. */
export type TradeFill = Pick<Fill, 'symbol' | 'side' | 'qty' | 'price' | 'fee' | 'ts'> & { source: string };

export interface RoundTrip {
  strategy: string;
  symbol: string;
  side: 'long' | 'short';
  /** Largest absolute position held during the trade. */
  qty: number;
  entryTs: number;
  entryPrice: number;
  /** Undefined while open. */
  exitTs: number | null;
  exitPrice: number | null;
  /** Net of fees; for an open trade, marked at the last price. */
  pnl: number;
  fees: number;
  open: boolean;
}

interface OpenTrade {
  strategy: string;
  symbol: string;
  pos: number;
  avg: number;
  maxQty: number;
  entryTs: number;
  dir: 1 | -1;
  realized: number;
  fees: number;
  exitQty: number;
  exitNotional: number;
}

export class TradeBook {
  private readonly open = new Map<string, OpenTrade>();
  readonly closed: RoundTrip[] = [];

  onFill(f: TradeFill): void {
    const key = `${f.source}\u0000${f.symbol}`;
    let signed = f.side === 'buy' ? f.qty : -f.qty;
    let t = this.open.get(key);
    if (t && Math.sign(signed) !== Math.sign(t.pos)) {
      const closing = Math.min(Math.abs(signed), Math.abs(t.pos));
      const share = closing / Math.abs(signed);
      t.realized += closing * (f.price - t.avg) * Math.sign(t.pos);
      t.fees += f.fee * share;
      t.exitQty += closing;
      t.exitNotional += closing * f.price;
      t.pos += Math.sign(signed) * closing;
      signed -= Math.sign(signed) * closing;
      if (Math.abs(t.pos) < 1e-9) {
        this.closed.push(finish(t, f.ts));
        this.open.delete(key);
        t = undefined;
      }
      if (Math.abs(signed) < 1e-9) return;
      f = { ...f, fee: f.fee * (1 - share) };
    }
    if (!t) {
      t = { strategy: f.source, symbol: f.symbol, pos: 0, avg: 0, maxQty: 0, entryTs: f.ts, dir: signed > 0 ? 1 : -1, realized: 0, fees: 0, exitQty: 0, exitNotional: 0 };
      this.open.set(key, t);
    }
    const pos = t.pos + signed;
    t.avg = (t.avg * Math.abs(t.pos) + f.price * Math.abs(signed)) / Math.abs(pos);
    t.pos = pos;
    t.maxQty = Math.max(t.maxQty, Math.abs(pos));
    t.fees += f.fee;
  }

  /** Closed trades, then the open ones marked at `lastPrice`. */
  all(lastPrice: (symbol: string) => number | undefined): RoundTrip[] {
    const open = [...this.open.values()].map((t) => {
      const mark = lastPrice(t.symbol) ?? t.avg;
      return { ...finish(t, null), pnl: t.realized + t.pos * (mark - t.avg) - t.fees, open: true };
    });
    return [...this.closed, ...open];
  }
}

function finish(t: OpenTrade, exitTs: number | null): RoundTrip {
  return {
    strategy: t.strategy,
    symbol: t.symbol,
    side: t.dir > 0 ? 'long' : 'short',
    qty: t.maxQty,
    entryTs: t.entryTs,
    entryPrice: t.avg,
    exitTs,
    exitPrice: t.exitQty > 0 ? t.exitNotional / t.exitQty : null,
    pnl: t.realized - t.fees,
    fees: t.fees,
    open: false,
  };
}

/** Share of closed trades with positive net P&L; null without closed trades. */
export function winRate(trades: readonly RoundTrip[]): number | null {
  const closed = trades.filter((t) => !t.open);
  return closed.length ? closed.filter((t) => t.pnl > 0).length / closed.length : null;
}
